// The daily loop's gaps at 360×740 against the real core: the Android back button (a popstate in the
// web view) closes an open sheet and only the sheet; the Log sheet's "when"; client names on the Tasks
// list; Today's long sections paged from the core; Find duplicates as its own screen.
// Screenshots: tests/artifacts/gaps-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, horizontalOverflow, smallTargets, until, PHONE } from './harness.mjs';

let server;
let browser;
let petro;

function person(first, last, extra = {}) {
  return {
    kind: 'person',
    first_name: first,
    last_name: last,
    middle_name: '',
    org_name: '',
    phones: [],
    emails: [],
    messengers: [],
    website: '',
    address: { street: '', city: '', region: '', postal_code: '', country: '' },
    notes: '',
    hobbies: '',
    tags: [],
    source: '',
    call_time: '',
    contacts: [],
    custom: {},
    ...extra,
  };
}

before(async () => {
  server = await startServer();
  const settings = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...settings, default_country: 'UA', user_name: 'Ivan Rep', language: '' } });
  petro = await server.api('create_client', {
    input: person('Petro', 'Shevchuk', { phones: [{ kind: 'mobile', raw: '+380501112233' }] }),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function layoutOk(page) {
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
  assert.deepEqual(await smallTargets(page), []);
}

async function phonePage() {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  return { context, page, errors, tid: (id) => page.getByTestId(id) };
}

test('back with a sheet open closes only the sheet; the next back navigates', { timeout: 60_000 }, async () => {
  const { context, page, errors, tid } = await phonePage();
  try {
    await page.goto(server.url);
    await tid('today').waitFor();
    await page.goto(`${server.url}#/c/${petro.id}`);
    await tid('client-card').waitFor();
    await tid('log-open').tap();
    await tid('log-sheet').waitFor();
    await page.goBack();
    await tid('log-sheet').waitFor({ state: 'detached' });
    // Still the card, same URL.
    await page.waitForTimeout(300);
    assert.ok(page.url().endsWith(`#/c/${petro.id}`), page.url());
    assert.ok(await tid('client-card').isVisible());
    // The sheet closed by its own button leaves no history entry behind: one back leaves the card.
    await tid('log-open').tap();
    await tid('log-sheet').waitFor();
    await tid('sheet-close').tap();
    await tid('log-sheet').waitFor({ state: 'detached' });
    await page.waitForTimeout(200);
    assert.ok(page.url().endsWith(`#/c/${petro.id}`), page.url());
    // A second back (no sheet open) navigates.
    await page.goBack();
    await tid('today').waitFor();
    assert.equal(await tid('client-card').count(), 0);
    // The task editor opened from Today: back closes it, Today stays.
    await tid('today-add-task').tap();
    await tid('task-editor').waitFor();
    await page.goBack();
    await tid('task-editor').waitFor({ state: 'detached' });
    await page.waitForTimeout(200);
    assert.ok(await tid('today').isVisible());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
