// Import, export and backups from Settings against the real core, at phone size with touch:
// a multilingual CSV with a Russian header goes through the mapping step (its in-file duplicate
// skipped by the default policy), the clients show in the list with their phones; a CSV export
// downloads with a BOM and the Cyrillic name; "Back up now" adds a backup to the list.
// Screenshots: files-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, shot, digits, horizontalOverflow, smallTargets, until } from './harness.mjs';

let server;
let browser;
let page;
let errors;

before(async () => {
  server = await startServer();
  const settings = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...settings, default_country: 'UA' } });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser, server.url));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const visible = (id) => page.locator(`[data-testid="${id}"]:visible`);

const CSV = [
  'Имя,Фамилия,Телефон,Город',
  'Олена,Ковальчук,+380 50 123 4567,Київ',
  'Γιώργος,Παπαδόπουλος,+30 691 234 5678,Αθήνα',
  '伟,王,+86 138 0013 8000,北京',
  'Олена,Ковальчук,+380501234567,Київ',
].join('\r\n');

async function checkLayout() {
  const o = await horizontalOverflow(page);
  assert.equal(o.scrollWidth, o.width, `horizontal overflow: ${o.over.join(', ')}`);
  assert.deepEqual(await smallTargets(page), []);
}

test('import, export and backups from Settings', { timeout: 180_000 }, async (t) => {
  await t.test('a CSV goes through the mapping step', async () => {
    await visible('nav-settings').tap();
    await page.getByTestId('import-file').setInputFiles({
      name: 'clients.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf-8'),
    });
    await page.getByTestId('import-col').first().waitFor();
    assert.equal(await page.getByTestId('import-col').count(), 4);
    // The Russian header "Телефон" is proposed as a phone.
    const targets = await page.getByTestId('import-target').evaluateAll((els) => els.map((e) => e.value));
    assert.ok(targets[2].startsWith('phone'), `Телефон mapped to ${targets[2]}`);
    assert.equal(targets[0], 'first_name');
    assert.equal(await page.getByTestId('import-row').count(), 4);
    await page.getByTestId('import-col').first().scrollIntoViewIfNeeded();
    await shot(page, 'files-01-mapping');
    await page.getByTestId('import-rows').scrollIntoViewIfNeeded();
    await shot(page, 'files-02-preview');
    await checkLayout();
  });

  await t.test('import: the default policy skips, a per-row choice merges', async () => {
    assert.equal(await page.getByTestId('import-policy').inputValue(), 'skip');
    // Only the last row (Олена again) is a duplicate; it is merged instead of skipped.
    assert.equal(await page.getByTestId('import-row-action').count(), 1);
    await page.getByTestId('import-row-action').selectOption('merge');
    await page.getByTestId('import-start').tap();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 30_000 });
    await summary.scrollIntoViewIfNeeded();
    await shot(page, 'files-03-summary');
    assert.match(await summary.innerText(), /Added: 3 clients/);
    assert.match(await summary.innerText(), /Merged: 1 row/);
    assert.match(await summary.innerText(), /Skipped: 0 rows/);
    const stats = await server.api('stats');
    assert.equal(stats.clients, 3);
    await checkLayout();
  });

  await t.test('the list shows the clients with their phones', async () => {
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    for (const name of ['Ковальчук', 'Παπαδόπουλος', '王']) {
      await page.getByText(name).first().waitFor();
    }
    const text = await page.locator('body').innerText();
    assert.ok(digits(text).includes('501234567'), 'the Ukrainian phone is listed');
    assert.ok(digits(text).includes('6912345678'), 'the Greek phone is listed');
    await shot(page, 'files-04-list');
  });

  await t.test('export CSV downloads a BOM and the Cyrillic name', async () => {
    await visible('nav-settings').tap();
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-start').scrollIntoViewIfNeeded();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-start').tap()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = bytes.toString('utf-8');
    assert.ok(text.includes('Ковальчук'), 'Cyrillic name in the CSV');
    assert.ok(text.includes('Παπαδόπουλος'), 'Greek name in the CSV');
  });

  await t.test('export the current list filter', async () => {
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.getByTestId('search-input').fill('Ковальчук');
    await until(async () => (await page.getByText('Παπαδόπουλος').count()) === 0, { what: 'the list to be filtered' });
    await visible('nav-settings').tap();
    await page.getByTestId('export-scope').selectOption('current');
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-start').scrollIntoViewIfNeeded();
    await shot(page, 'files-05-export-filtered');
    await checkLayout();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-start').tap()]);
    const text = readFileSync(await download.path()).toString('utf-8');
    assert.ok(text.includes('Ковальчук'));
    assert.ok(!text.includes('Παπαδόπουλος'), 'only the filtered list is exported');
    await page.getByTestId('export-scope').selectOption('all');
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.getByTestId('search-input').fill('');
    await page.getByText('Παπαδόπουλος').first().waitFor();
    await visible('nav-settings').tap();
  });

  await t.test('back up now adds a backup to the list', async () => {
    assert.equal(await page.getByTestId('backup-item').count(), 0);
    await page.getByTestId('backup-now').scrollIntoViewIfNeeded();
    await page.getByTestId('backup-now').tap();
    await until(async () => (await page.getByTestId('backup-item').count()) === 1, { what: 'the backup to be listed' });
    assert.equal((await server.api('list_backups')).length, 1);
    await page.getByTestId('backup-item').first().scrollIntoViewIfNeeded();
    await shot(page, 'files-06-backups');
    await checkLayout();
  });

  await t.test('two clients with the same phone are merged into one', async () => {
    await server.api('create_client', { input: clientInput('Taras', 'Doublenko', '+380671112233') });
    await server.api('create_client', { input: clientInput('Taras', 'Doublenko-Second', '+380 67 111 22 33') });
    const before = (await server.api('stats')).clients;
    await page.getByTestId('find-duplicates').scrollIntoViewIfNeeded();
    await page.getByTestId('find-duplicates').tap();
    const group = page.getByTestId('dup-group').filter({ hasText: 'Doublenko' });
    await group.waitFor();
    await group.getByTestId('dup-keep').first().tap();
    await group.getByTestId('dup-merge').waitFor();
    await group.scrollIntoViewIfNeeded();
    await shot(page, 'files-07-duplicates');
    await checkLayout();
    await group.getByTestId('dup-merge').tap();
    await until(async () => (await server.api('stats')).clients === before - 1, { what: 'the merge' });
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.getByText('Doublenko').first().waitFor();
    assert.equal(await page.getByText(/Doublenko/).count(), 1);
    await shot(page, 'files-08-list-after-merge');
  });

  assert.deepEqual(errors, []);
});

function clientInput(first, last, phone) {
  return {
    kind: 'person', first_name: first, last_name: last, middle_name: '', org_name: '', position: '',
    phones: [{ kind: 'mobile', raw: phone }], emails: [], messengers: [], website: '',
    address: { street: '', city: '', region: '', postal_code: '', country: '' },
    notes: '', hobbies: '', tags: [], source: '', call_time: '', contacts: [], custom: {},
  };
}
