// The main rep flow at phone size (360×740, touch) against the real core:
// empty base → demo clients → search by a phone fragment → card links → add → duplicate warning,
// plus the live phone check's translated error. Screenshots: tests/artifacts/flow-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, shot, digits, horizontalOverflow, smallTargets, until } from './harness.mjs';

let server;
let browser;
let page;
let errors;

before(async () => {
  server = await startServer();
  // Numbers typed without +380 are read as Ukrainian in this flow, whatever the machine's locale.
  const settings = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...settings, default_country: 'UA' } });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser, server.url));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const tid = (id) => page.getByTestId(id);
const visible = (id) => page.locator(`[data-testid="${id}"]:visible`);

/** A demo client with a phone and both Call and WhatsApp actions, read through the API. */
async function pickDemoClient() {
  const pageOf = await server.api('list_clients', {
    query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 200 },
  });
  for (const row of pageOf.rows) {
    if (!row.phone) continue;
    const card = await server.api('get_client', { id: row.id });
    const kinds = card.actions.filter((a) => !a.contact_id).map((a) => a.kind);
    if (kinds.includes('call') && kinds.includes('whatsapp')) return { row, card };
  }
  throw new Error('no demo client among the first 200 has a phone with Call and WhatsApp');
}

test('rep flow at 360×740', { timeout: 240_000 }, async (t) => {
  let known;

  await t.test('first run shows the empty state with both choices', async () => {
    await tid('first-run').waitFor();
    assert.match(await tid('first-run').innerText(), /Add your first client/);
    assert.match(await tid('demo-load').innerText(), /Try with demo clients/);
    await shot(page, 'flow-01-first-run');
    assert.deepEqual(await smallTargets(page), []);
  });

  await t.test('"Try with demo clients" fills the list', async () => {
    await tid('demo-load').tap();
    // The app opens on Today; the demo base fills the client list.
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.locator('[data-testid="client-row"]').nth(4).waitFor({ timeout: 60_000 });
    const stats = await server.api('stats');
    assert.ok(stats.clients >= 100 && stats.demo_clients === stats.clients, JSON.stringify(stats));
    const total = Number(await tid('client-list').getAttribute('data-total'));
    assert.equal(total, stats.clients);
    // Virtualised: far fewer rows in the DOM than clients.
    const rows = await page.locator('[data-testid="client-row"]').count();
    assert.ok(rows > 5 && rows < 40, `rows in DOM: ${rows}`);
    assert.match(await tid('count').innerText(), new RegExp(`${total.toLocaleString('en-US')} clients`));
    await shot(page, 'flow-02-demo-list');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
  });

  await t.test('six middle digits of a phone find that client', async () => {
    known = await pickDemoClient();
    const call = known.card.actions.find((a) => a.kind === 'call' && !a.contact_id);
    const d = digits(call.url);
    const start = Math.floor((d.length - 6) / 2);
    const fragment = d.slice(start, start + 6);
    await tid('search-input').tap();
    await tid('search-input').pressSequentially(fragment, { delay: 30 });
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid="client-list"]')?.getAttribute('data-query') === f,
      fragment,
    );
    const row = page.locator(`[data-testid="client-row"][data-id="${known.row.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), new RegExp(known.row.display_name.split(' ')[0]));
    await shot(page, 'flow-03-search-phone');
    await row.tap();
  });

  await t.test('the card links Call to tel:+… and WhatsApp to https://wa.me/…', async () => {
    await tid('client-card').waitFor();
    const card = tid('client-card');
    await card.locator('h1', { hasText: known.card.client.last_name || known.row.display_name.split(' ')[0] }).waitFor();
    const callHref = await card.locator('[data-testid="action-call"]').first().getAttribute('href');
    const waHref = await card.locator('[data-testid="action-whatsapp"]').first().getAttribute('href');
    assert.match(callHref, /^tel:\+\d{7,15}$/);
    assert.match(waHref, /^https:\/\/wa\.me\/\d{7,15}/);
    const expected = known.card.actions.find((a) => a.kind === 'call' && !a.contact_id).url;
    assert.equal(callHref, expected);
    assert.equal(digits(waHref.split('?')[0]), digits(expected));
    // Big one-tap targets.
    const box = await card.locator('[data-testid="action-call"]').first().boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, JSON.stringify(box));
    await shot(page, 'flow-04-card');

    // ⋮ → "Copy number" puts the phone on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await card.getByRole('button', { name: 'More actions' }).first().tap();
    await card.getByRole('menuitem', { name: 'Copy number' }).tap();
    await page.getByRole('status').getByText('Copied').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(digits(copied), digits(expected));
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
  });

  await t.test('an invalid phone shows a translated error, not a code', async () => {
    await visible('add-client').tap();
    await tid('client-form').waitFor();
    await tid('field-phone').fill('12');
    const hint = tid('field-phone-hint');
    await page.waitForFunction(() => document.querySelector('[data-testid="field-phone-hint"] .err')?.textContent);
    const text = (await hint.innerText()).trim();
    assert.match(text, /(not a valid|too short|too long|country code)/i);
    assert.doesNotMatch(text, /phone_|_invalid|_too_/);
    await tid('field-phone').scrollIntoViewIfNeeded();
    await shot(page, 'flow-05-invalid-phone');
  });

  await t.test('saving without a name shows the core\'s field errors under the fields', async () => {
    const before = (await server.api('stats')).clients;
    await tid('save-client').tap();
    const nameField = page.locator('.field', { has: tid('field-first-name') });
    await nameField.locator('.err', { hasText: 'Enter a name' }).waitFor();
    assert.equal(await tid('field-first-name').getAttribute('aria-invalid'), 'true');
    assert.match(await tid('field-phone-hint').innerText(), /(not a valid|too short)/i);
    await page.getByText('Please correct the highlighted fields.').waitFor();
    assert.equal((await server.api('stats')).clients, before);
    await shot(page, 'flow-05b-field-errors');
  });

  await t.test('a field error goes away as soon as the rep edits that field', async () => {
    const nameField = page.locator('.field', { has: tid('field-first-name') });
    await tid('field-first-name').fill('Olena');
    await nameField.locator('.err').waitFor({ state: 'detached' });
    assert.notEqual(await tid('field-first-name').getAttribute('aria-invalid'), 'true');
    // The phone's error (a different field) is still shown, and so is the banner.
    assert.match(await tid('field-phone-hint').innerText(), /(not a valid|too short)/i);
    await page.getByText('Please correct the highlighted fields.').waitFor();
  });

  await t.test('add a client with a Ukrainian mobile', async () => {
    await tid('field-first-name').fill('Olena');
    await tid('field-last-name').fill('Testerenko');
    await tid('field-phone').fill('067 555 01 23');
    await page.waitForFunction(() => /\+380/.test(document.querySelector('[data-testid="field-phone-hint"]')?.textContent ?? ''));
    assert.match(await tid('field-phone-hint').innerText(), /\+380 ?67/);
    await shot(page, 'flow-06-form');
    assert.deepEqual(await smallTargets(page), []);
    await tid('save-client').tap();
    await tid('client-card').locator('h1', { hasText: 'Testerenko' }).waitFor();
    const href = await tid('client-card').locator('[data-testid="action-call"]').first().getAttribute('href');
    assert.equal(href, 'tel:+380675550123');
    await shot(page, 'flow-07-saved-card');
  });

  await t.test('adding the same phone again warns about the duplicate', async () => {
    await visible('add-client').tap();
    await tid('client-form').waitFor();
    await tid('field-first-name').fill('Olena');
    await tid('field-last-name').fill('Duplicatova');
    await tid('field-phone').fill('+380 67 555 0123');
    await tid('save-client').tap();
    const warning = tid('duplicate-warning');
    await warning.waitFor();
    assert.match(await warning.innerText(), /A client with this phone already exists: .*Testerenko/);
    await shot(page, 'flow-08-duplicate');
    // "Open existing" goes to that client's card; nothing new was stored.
    const before = (await server.api('stats')).clients;
    await warning.getByTestId('open-existing').first().tap();
    await tid('client-card').locator('h1', { hasText: 'Testerenko' }).waitFor();
    assert.equal((await server.api('stats')).clients, before);
  });

  await t.test('delete shows Undo, which restores the client', async () => {
    await tid('client-card').getByTestId('delete').tap();
    await page.getByRole('button', { name: 'Undo' }).tap();
    await tid('client-card').locator('h1', { hasText: 'Testerenko' }).waitFor();
    const res = await server.api('list_clients', {
      query: { text: 'Testerenko', category_ids: [], sort: 'name', offset: 0, limit: 10 },
    });
    assert.equal(res.total, 1);
  });

  await t.test('edit: birthday 29 February without a year, a second phone', async () => {
    await tid('client-card').getByTestId('edit').tap();
    await tid('client-form').waitFor();
    assert.equal(await tid('field-last-name').inputValue(), 'Testerenko');
    await tid('birthday-day').selectOption('29');
    await tid('birthday-month').selectOption('2');
    await page.getByRole('button', { name: 'Add phone' }).tap();
    await tid('field-phone-1').fill('+30 694 123 4567');
    await tid('save-client').tap();
    const card = tid('client-card');
    await card.locator('h1', { hasText: 'Testerenko' }).waitFor();
    await card.getByText(/^(29 February|February 29)$/).waitFor();
    const calls = await card.locator('[data-testid="action-call"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(calls, ['tel:+380675550123', 'tel:+306941234567']);
    const stored = (await server.api('get_client', { id: page.url().split('/').pop() })).client;
    assert.equal(stored.birthday.day, 29);
    assert.equal(stored.birthday.month, 2);
    assert.equal(stored.birthday.year ?? null, null);
    await shot(page, 'flow-09-edited-card');
  });

  await t.test('a category made in Settings becomes a filter chip and a badge', async () => {
    await visible('nav-settings').tap();
    await page.getByRole('button', { name: 'Add category' }).tap();
    const row = page.locator('.cat').last();
    await row.getByLabel('Code').fill('V');
    await row.getByLabel('Name').fill('VIP buyers');
    await row.getByRole('button', { name: 'Save' }).tap();
    await until(async () => (await server.api('list_categories')).some((c) => c.code === 'V' && c.name === 'VIP buyers'), {
      what: 'the category to be stored',
    });
    await shot(page, 'flow-10-settings');
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.getByRole('button', { name: 'VIP buyers' }).waitFor();
  });

  await t.test('no uncaught page errors', () => {
    assert.deepEqual(errors.map(String), []);
  });
});
