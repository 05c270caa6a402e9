// The daily loop's gaps at 360×740 against the real core: the Android back button (a popstate in the
// web view) closes an open sheet and only the sheet; the Log sheet's "when"; client names on the Tasks
// list; Today's long sections paged from the core; Find duplicates as its own screen.
// Screenshots: tests/artifacts/gaps-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, horizontalOverflow, smallTargets, until, PHONE, zoneAtNoon } from './harness.mjs';

// ZONE: a fixed-offset zone in which the run starts at noon (harness.mjs `zoneAtNoon`): the devservers'
// TZ, every page's timezoneId and this file's own dates, so "yesterday", "today" and "a time still to come
// today" mean one day for the test, the UI and the core however late the run starts.
const ZONE = zoneAtNoon();
/** `d`'s wall clock in ZONE, read with the getUTC* methods. */
const wall = (d) => new Date(d.getTime() + ZONE.offsetMs);

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
  server = await startServer({ tz: ZONE.tz });
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
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', timezoneId: ZONE.timezoneId });
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

const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => wall(d).toISOString().slice(0, 10);
const localTime = (d) => wall(d).toISOString().slice(11, 16);

test('the Log sheet: when it happened (now by default, another day, never the future)', { timeout: 60_000 }, async () => {
  const { context, page, errors, tid } = await phonePage();
  const client = await server.api('create_client', { input: person('Maria', 'Ionescu', { phones: [{ kind: 'mobile', raw: '+380671234567' }] }) });
  try {
    await page.goto(`${server.url}#/c/${client.id}`);
    await tid('client-card').waitFor();
    // Now, by default.
    await tid('log-open').tap();
    await tid('log-sheet').waitFor();
    assert.equal(await tid('when-now').getAttribute('aria-checked'), 'true');
    await tid('log-note').fill('Now call');
    const before = Date.now();
    await tid('log-save').tap();
    await tid('log-sheet').waitFor({ state: 'detached' });
    let log = await server.api('list_interactions', { client: client.id, offset: 0, limit: 10 });
    assert.equal(log.total, 1);
    assert.ok(Math.abs(new Date(log.rows[0].at).getTime() - before) < 60_000, log.rows[0].at);

    // Another day: yesterday 09:30.
    await tid('log-open').tap();
    await tid('log-sheet').waitFor();
    await tid('when-day').tap();
    // (ZONE has no daylight saving: a day before is 24 hours before.)
    const y = new Date(Date.now() - 86_400_000);
    await tid('when-date').fill(localDate(y));
    await tid('when-day-time').fill('09:30');
    await tid('when-at').getByText(/Logged for yesterday, 9:30\sAM/).waitFor();
    await tid('log-note').fill('Met at the fair');
    await page.getByTestId('log-when').scrollIntoViewIfNeeded();
    await shot(page, 'gaps-01-log-when');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
    await tid('log-save').tap();
    await tid('log-sheet').waitFor({ state: 'detached' });
    log = await server.api('list_interactions', { client: client.id, offset: 0, limit: 10 });
    assert.equal(log.total, 2);
    const met = log.rows.find((r) => r.note === 'Met at the fair');
    const at = new Date(met.at);
    assert.equal(localDate(at), localDate(y));
    assert.equal(localTime(at), '09:30');
    // The timeline is newest first: today's call above yesterday's meeting.
    const entries = tid('timeline-entry');
    await entries.nth(1).getByText('Met at the fair').waitFor();

    // Earlier today, but a time still to come: refused before it reaches the core.
    // (In ZONE the run is in its first hours after noon: the next hour is still today.)
    const now = wall(new Date());
    await tid('log-open').tap();
    await tid('log-sheet').waitFor();
    await tid('when-earlier').tap();
    await tid('when-time').fill(`${pad(now.getUTCHours() + 1)}:00`);
    await tid('when-error').getByText('This time is in the future').waitFor();
    assert.ok(await tid('log-save').isDisabled());
    await tid('when-time').fill('00:00');
    await tid('when-error').waitFor({ state: 'detached' });
    assert.ok(await tid('log-save').isEnabled());
    await tid('sheet-close').tap();
    await tid('log-sheet').waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the Tasks list names the client of each task (from the core, in one answer)', { timeout: 60_000 }, async () => {
  const { context, page, errors, tid } = await phonePage();
  const acme = await server.api('create_client', {
    input: { ...person('', ''), kind: 'organization', org_name: 'Acme Dairy', phones: [{ kind: 'work', raw: '+380441234567' }] },
  });
  const due = new Date(Date.now() + 2 * 86_400_000).toISOString();
  await server.api('create_task', {
    input: { client_id: acme.id, title: 'Send the price list', kind: 'other', due_at: due, repeat: 'none', note: '' },
  });
  await server.api('create_task', { input: { client_id: petro.id, title: '', kind: 'call', due_at: due, repeat: 'none', note: '' } });
  await server.api('create_task', { input: { title: 'Fill the car', kind: 'other', due_at: due, repeat: 'none', note: '' } });
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  try {
    await page.goto(`${server.url}#/tasks`);
    const view = tid('tasks-view');
    const price = view.getByTestId('task-row').filter({ hasText: 'Send the price list' });
    await price.getByText('Acme Dairy').waitFor();
    // The call task is titled with the client's name; it has a call button.
    const call = view.getByTestId('task-row').filter({ hasText: 'Call Shevchuk Petro' });
    await call.waitFor();
    assert.equal(await call.getByTestId('task-call').count(), 1);
    // A task without a client names nobody.
    const own = view.getByTestId('task-row').filter({ hasText: 'Fill the car' });
    assert.equal(await own.locator('.who').count(), 0);
    // No card is fetched per row.
    assert.equal(requests.filter((p) => p.endsWith('/api/get_client')).length, 0, requests.join(' '));
    await shot(page, 'gaps-02-tasks-names');
    await layoutOk(page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Today: a small first answer (8 rows a section + counts), the rest paged from the core', { timeout: 120_000 }, async () => {
  const own = await startServer({ tz: ZONE.tz });
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', timezoneId: ZONE.timezoneId });
  try {
    const now = wall(new Date());
    const pad3 = (n) => String(n).padStart(3, '0');
    for (let i = 0; i < 112; i++) {
      // (1988: a leap year, so a run on 29 February has its birthday too.)
      await own.api('create_client', {
        input: person(`Guest${pad3(i)}`, 'Birthday', { birthday: { day: now.getUTCDate(), month: now.getUTCMonth() + 1, year: 1988 } }),
      });
    }
    // 12 clients of category C (cadence 7 days) last visited 10 days ago.
    const cats = await own.api('list_categories');
    const c = cats.find((x) => x.code === 'C');
    await own.api('save_category', { category: { ...c, cadence_days: 7 } });
    const kinds = await own.api('list_interaction_kinds');
    for (let i = 0; i < 12; i++) {
      const cl = await own.api('create_client', { input: person(`Visit${pad3(i)}`, 'Cadence', { category_id: c.id }) });
      await own.api('log_interaction', {
        input: {
          client_id: cl.id,
          kind_id: kinds.find((k) => k.code === 'visit').id,
          at: new Date(Date.now() - (10 + i) * 86_400_000).toISOString(),
          note: '',
          next_step: '',
          complete_calls: false,
        },
      });
    }
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    const tid = (id) => page.getByTestId(id);
    // The first screen comes in one `boot` call; its Today is the small first answer.
    const first = page.waitForResponse((r) => r.url().endsWith('/api/boot'));
    await page.goto(own.url);
    const answer = (await (await first).json()).today;
    assert.equal(answer.birthdays.length, 8);
    assert.equal(answer.cadence.length, 8);
    assert.equal(answer.counts.birthdays, 112);
    assert.equal(answer.counts.cadence, 12);
    const bd = tid('section-birthdays');
    await bd.waitFor();
    assert.equal(await bd.getByTestId('birthday-row').count(), 8);
    assert.match(await bd.locator('h2').innerText(), /112/);
    // 104 left: a page of 100 first, then the rest.
    await tid('birthdays-more').getByText('Show 100 more').waitFor();
    await tid('birthdays-more').tap();
    await until(async () => (await bd.getByTestId('birthday-row').count()) === 108, { what: '108 birthday rows' });
    await tid('birthdays-more').getByText('Show all 112').tap();
    await until(async () => (await bd.getByTestId('birthday-row').count()) === 112, { what: '112 birthday rows' });
    assert.equal(await tid('birthdays-more').count(), 0);
    // In order and each once.
    const names = await bd.getByTestId('birthday-row').locator('.name').allInnerTexts();
    const expected = Array.from({ length: 112 }, (_, i) => `Birthday Guest${pad3(i)}`);
    assert.deepEqual(names.map((n) => n.trim()), expected);

    const cad = tid('section-cadence');
    await cad.scrollIntoViewIfNeeded();
    assert.equal(await cad.getByTestId('cadence-row').count(), 8);
    await tid('cadence-more').getByText('Show all 12').tap();
    await until(async () => (await cad.getByTestId('cadence-row').count()) === 12, { what: '12 cadence rows' });
    // Most overdue first: the one visited 21 days ago leads.
    assert.match(await cad.getByTestId('cadence-row').first().innerText(), /Visit011/);
    await tid('cadence-more').waitFor({ state: 'detached' });
    await cad.getByTestId('cadence-row').nth(10).scrollIntoViewIfNeeded();
    await shot(page, 'gaps-03-today-paged');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await own.stop();
  }
});

test('Find duplicates is a screen of its own (from the list menu and Settings); an import row matching two clients merges into the one picked', { timeout: 120_000 }, async () => {
  const own = await startServer({ tz: ZONE.tz });
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', timezoneId: ZONE.timezoneId });
  try {
    const alpha = await own.api('create_client', { input: person('Alpha', 'Aaa', { phones: [{ kind: 'mobile', raw: '+380671110000' }] }) });
    const beta = await own.api('create_client', { input: person('Beta', 'Bbb', { emails: [{ label: 'work', address: 'b@example.com' }] }) });
    await own.api('create_client', { input: person('Taras', 'Doublenko', { phones: [{ kind: 'mobile', raw: '+380671112233' }] }) });
    await own.api('create_client', { input: person('Taras', 'Doublenko-Second', { phones: [{ kind: 'mobile', raw: '+380 67 111 22 33' }] }) });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    const tid = (id) => page.getByTestId(id);
    const visible = (id) => page.locator(`[data-testid="${id}"]:visible`);
    await page.goto(`${own.url}#/clients`);
    await page.getByText('Doublenko-Second').first().waitFor();

    // The list's menu → Find duplicates.
    await tid('list-menu').tap();
    await tid('list-menu-sheet').waitFor();
    await shot(page, 'gaps-04-list-menu');
    assert.deepEqual(await smallTargets(page), []);
    await tid('menu-duplicates').tap();
    await tid('duplicates-view').waitFor();
    assert.ok(page.url().endsWith('#/duplicates'), page.url());
    const group = tid('dup-group').filter({ hasText: 'Doublenko' });
    await group.waitFor();
    await shot(page, 'gaps-05-duplicates-screen');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
    // Back: to the list (the menu sheet left no history entry behind).
    await page.goBack();
    await page.getByText('Doublenko-Second').first().waitFor();
    assert.ok(page.url().endsWith('#/clients'), page.url());

    // Settings → Find duplicates opens the same screen; merge from there.
    await visible('nav-settings').tap();
    await tid('find-duplicates').scrollIntoViewIfNeeded();
    await tid('find-duplicates').tap();
    await group.waitFor();
    await group.getByTestId('dup-keep').first().tap();
    await group.getByTestId('dup-merge').tap();
    await until(async () => (await own.api('stats')).clients === 3, { what: 'the merge' });
    await tid('dup-none').waitFor();
    await tid('back').tap();
    await tid('settings').waitFor();

    // Import: one row whose phone is Alpha's and e-mail Beta's: the rep picks Beta.
    const csv = ['First name,Last name,Phone,Email,City', 'Anna,Imported,+380671110000,b@example.com,Lviv'].join('\r\n');
    await tid('import-file').setInputFiles({ name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf-8') });
    const action = tid('import-row-action');
    await action.waitFor();
    const options = await action.locator('option').evaluateAll((els) => els.map((e) => [e.value, e.textContent.trim()]));
    assert.deepEqual(
      options.filter(([v]) => v.startsWith('merge')).map(([, text]) => text).sort(),
      ['Merge into Aaa Alpha', 'Merge into Bbb Beta'],
    );
    assert.match(await tid('import-row').innerText(), /Aaa Alpha · Bbb Beta/);
    await action.selectOption(`merge:${beta.id}`);
    await tid('import-rows').scrollIntoViewIfNeeded();
    await shot(page, 'gaps-06-import-pick-target');
    await tid('import-start').tap();
    const summary = tid('import-summary');
    await summary.waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /Merged: 1 row/);
    const b = await own.api('get_client', { id: beta.id });
    const a = await own.api('get_client', { id: alpha.id });
    assert.equal(b.client.address.city, 'Lviv', JSON.stringify(b.client));
    assert.equal(a.client.address.city, '');
    assert.equal((await own.api('stats')).clients, 3);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await own.stop();
  }
});

test('Settings → Company server: the connect form at phone size; sync errors are shown translated', { timeout: 60_000 }, async (t) => {
  const { context, page, errors, tid } = await phonePage();
  try {
    await page.goto(`${server.url}#/settings`);
    const sec = tid('sync-section');
    await sec.waitFor();
    assert.match(await sec.innerText(), /Company server/);
    assert.ok(await tid('sync-connect').isDisabled(), 'connect waits for address, login and password');
    await sec.scrollIntoViewIfNeeded();
    await shot(page, 'gaps-07-company-server');
    await layoutOk(page);
    const exposed = await server.api('sync_status').then(
      () => true,
      () => false,
    );
    if (!exposed) {
      // This devserver build does not dispatch clientbase-sync-client's commands: connecting still
      // answers with a translated message, never the core's English text.
      await tid('sync-url').fill('https://company.example');
      await tid('sync-login').fill('rep1');
      await tid('sync-password').fill('secret');
      await tid('sync-connect').tap();
      await tid('sync-error').waitFor();
      assert.doesNotMatch(await tid('sync-error').innerText(), /unknown command/);
      t.diagnostic('the devserver has no sync commands: connect/offline paths not exercised');
    } else {
      // Plain http to another machine is refused; a closed port on this one is "offline".
      await tid('sync-url').fill('http://192.0.2.1:9');
      await tid('sync-login').fill('rep1');
      await tid('sync-password').fill('secret');
      await tid('sync-connect').tap();
      await tid('sync-error').getByText('Use an https:// address').waitFor();
      await tid('sync-url').fill('http://127.0.0.1:1');
      await tid('sync-connect').tap();
      await tid('sync-error').getByText('The server cannot be reached').waitFor({ timeout: 30_000 });
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** The company server binary (crates/clientbase-server), set up with a company, a manager and two reps. */
async function startCompanyServer() {
  const { spawn, execFileSync } = await import('node:child_process');
  const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join, resolve, isAbsolute } = await import('node:path');
  const { ROOT } = await import('./harness.mjs');
  const p = process.env.CLIENTBASE_SERVER ?? 'target/debug/clientbase-server';
  const bin = isAbsolute(p) ? p : resolve(ROOT, p);
  if (!existsSync(bin)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'clientbase-company-'));
  const data = join(dir, 'data');
  const cli = (args) => execFileSync(bin, ['--data', data, ...args], { encoding: 'utf8' });
  cli(['company', 'add', 'Acme']);
  for (const [login, role, name] of [
    ['mira', 'manager', 'Mira Manager'],
    ['anna', 'rep', 'Anna Rep'],
    ['boris', 'rep', 'Boris Rep'],
  ]) {
    cli(['user', 'add', '--company', 'Acme', '--login', login, '--role', role, '--name', name, '--password', `${login}-password`]);
  }
  const child = spawn(bin, ['--data', data, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((res, rej) => {
    child.stdout.once('data', (d) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(String(d));
      m ? res(m[1]) : rej(new Error(`server said: ${d}`));
    });
    child.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('Company server end to end: a manager connects, syncs, pulls to refresh, hands clients over, signs out', { timeout: 120_000 }, async (t) => {
  const exposed = await server.api('sync_status').then(
    () => true,
    () => false,
  );
  // CI builds both (cargo build --workspace): there a missing one fails the test instead of skipping it.
  if (!exposed) {
    assert.ok(!process.env.CI, 'the devserver does not dispatch clientbase-sync-client\'s commands');
    t.skip('the devserver does not dispatch clientbase-sync-client\'s commands');
    return;
  }
  const company = await startCompanyServer();
  if (!company) {
    assert.ok(!process.env.CI, 'no clientbase-server binary (cargo build -p clientbase-server)');
    t.skip('no clientbase-server binary (cargo build -p clientbase-server)');
    return;
  }
  const own = await startServer({ tz: ZONE.tz });
  const { context, page, errors, tid } = await phonePage();
  try {
    await own.api('create_client', { input: person('Olha', 'Synced', { phones: [{ kind: 'mobile', raw: '+380671119999' }] }) });
    await page.goto(`${own.url}#/settings`);
    await tid('sync-section').waitFor();
    await tid('sync-url').fill(company.url);
    await tid('sync-login').fill('mira');
    await tid('sync-password').fill('mira-password');
    await tid('sync-connect').tap();
    await tid('sync-account').getByText('Mira Manager · Acme').waitFor({ timeout: 30_000 });
    await tid('sync-status').getByText('Synced just now').waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await tid('sync-status').innerText(), /waiting/);
    await tid('sync-section').scrollIntoViewIfNeeded();
    await shot(page, 'gaps-08-company-server-synced');
    await layoutOk(page);
    // A change made here waits, then goes out with "Sync now".
    await own.api('create_client', { input: person('Petra', 'Later', {}) });
    await tid('sync-now').tap();
    // The status said "Synced just now" before the tap too: wait for the round to take the change.
    await until(async () => (await own.api('sync_status')).pending === 0, { what: 'the new client pushed' });
    await tid('sync-status').getByText('Synced just now').waitFor();

    // Hand clients over: Mira's clients go to Boris.
    await tid('sync-handover').tap();
    await tid('handover-view').waitFor();
    const users = await own.api('sync_users');
    const id = (login) => users.find((u) => u.login === login).id;
    await tid('handover-from').selectOption(id('mira'));
    await tid('handover-to').selectOption(id('boris'));
    await shot(page, 'gaps-09-handover');
    await layoutOk(page);
    await tid('handover-go').tap();
    await tid('confirm-ok').tap();
    // The server's count: both clients of this device became Mira's at sign-in (adopted), so both
    // go to Boris.
    await tid('handover-done').getByText(/2 clients handed over/).waitFor({ timeout: 30_000 });
    await page.goto(`${own.url}#/settings`);
    await tid('sync-now').tap();
    const boris = { text: '', category_ids: [], sort: 'name', offset: 0, limit: 10, owner: id('boris') };
    await until(async () => (await own.api('list_clients', { query: boris })).total === 2, { timeout: 30_000, what: 'the hand-over pulled' });
    await tid('sync-status').getByText('Synced just now').waitFor();

    // The manager's owner filter on the list: Boris's clients are the two handed over.
    await page.goto(`${own.url}#/clients`);
    const ownerChip = tid('owner-filter');
    await ownerChip.waitFor();
    await ownerChip.selectOption(id('boris'));
    await tid('count').getByText('2 clients').waitFor();
    await page.getByText('Synced Olha').first().waitFor();
    await shot(page, 'gaps-10-owner-filter');
    await layoutOk(page);
    await ownerChip.selectOption(id('anna'));
    await tid('count').getByText('0 clients').waitFor();
    await ownerChip.selectOption('');

    // A rep's activity: the manager picks whose calls the chart shows.
    await page.goto(`${own.url}#/analytics`);
    await page.getByTestId('an-tab-charts').click();
    const repSel = tid('chart-calls-rep');
    await repSel.waitFor();
    const asked = page.waitForRequest((r) => r.url().endsWith('/api/chart') && (r.postData() ?? '').includes(id('anna')));
    await repSel.selectOption(id('anna'));
    await asked;
    await tid('chart-calls').waitFor();
    await layoutOk(page);

    // Pull-to-refresh on the client list syncs.
    await page.goto(`${own.url}#/clients`);
    await page.getByText('Synced Olha').first().waitFor();
    const pulled = page.waitForRequest((r) => r.url().endsWith('/api/sync_now'));
    await page.evaluate(async () => {
      const body = document.querySelector('.listbody');
      const row = document.querySelector('[data-testid="client-list"] .slot');
      const at = (y) => [new Touch({ identifier: 1, target: row, clientX: 180, clientY: y })];
      const fire = (type, y) =>
        body.dispatchEvent(new TouchEvent(type, { bubbles: true, touches: type === 'touchend' ? [] : at(y), changedTouches: at(y) }));
      fire('touchstart', 200);
      for (let y = 220; y <= 380; y += 20) {
        fire('touchmove', y);
        await new Promise((r) => requestAnimationFrame(r));
      }
      fire('touchend', 380);
    });
    await pulled;
    await page.getByTestId('pull-refresh').waitFor({ state: 'detached' });

    // Sign out: the company's clients leave this device.
    await page.goto(`${own.url}#/settings`);
    await tid('sync-sign-out').scrollIntoViewIfNeeded();
    await tid('sync-sign-out').tap();
    await tid('confirm-ok').tap();
    await tid('sync-connect').waitFor();
    assert.equal((await own.api('sync_status')).connected, false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await own.stop();
    await company.stop();
  }
});
