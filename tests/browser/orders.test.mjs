// Issue 6 at phone size (360×740, touch) against the real core: a client's card shows its purchase
// totals and discount tier (checked against the core's own client_totals and against a hand
// computation on a small fixture made through the API), an order added and deleted (with undo) in the
// card's sheet, the Analytics tab's ABC result filtering the client list to the A group, the lost
// clients list, and a uPlot chart drawn from the core's chart data.
// Screenshots: tests/artifacts/orders-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launchBrowser, openPage, shot, horizontalOverflow, smallTargets, until, zoneAtNoon } from './harness.mjs';

let server;
let browser;
let settings;
/** name → client */
const clients = {};

// ZONE: a fixed-offset zone in which the run starts at noon (harness.mjs `zoneAtNoon`): the devserver's TZ,
// every page's timezoneId and this file's own dates, so "today" and "the last 12 months" mean the same days
// for the test, the UI and the core however late the run starts.
const ZONE = zoneAtNoon();
/** `d`'s wall clock in ZONE, read with the getUTC* methods. */
const wall = (d) => new Date(d.getTime() + ZONE.offsetMs);
const localDate = (d) => wall(d).toISOString().slice(0, 10);
const today = localDate(new Date());

function person(first, last) {
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
  };
}

// Alpha: three counting orders (2,000 + 3,000 + 1,000 = 6,000.00), a cancelled one (500, left out)
// and a payment of 1,000. The others: one order each today. Revenue (minor units, ×100):
// Alpha 600000, Beta 150000, Gamma 120000, Delta 80000, Epsilon 50000 → total 1,000,000.
// Cumulative share BEFORE each client: Alpha 0 %, Beta 60 %, Gamma 75 %, Delta 87 %, Epsilon 95 %.
// ABC 80/95 (a run is classed by the share before it; the client crossing 80 % is in A):
// A = Alpha, Beta, Gamma; B = Delta; C = Epsilon.
const ALPHA_ORDERS = [
  ['2026-01-10', 200000],
  ['2026-03-05', 300000],
  ['2026-06-20', 100000],
];
const OTHERS = [
  ['Beta', 150000],
  ['Gamma', 120000],
  ['Delta', 80000],
  ['Epsilon', 50000],
];

before(async () => {
  server = await startServer({ tz: ZONE.tz });
  const s = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...s, default_country: 'UA', language: '' } });
  const os = await server.api('get_order_settings');
  // Tiers: silver from 1,000.00, gold from 5,000.00, platinum from 20,000.00; lost after 90 days.
  settings = await server.api('set_order_settings', {
    settings: { ...os, currency: 'UAH', tier_silver: 100000, tier_gold: 500000, tier_platinum: 2000000, lost_client_days: 90, abc_a_percent: 80, abc_b_percent: 95 },
  });
  const statuses = await server.api('list_order_statuses');
  const cancelled = statuses.find((x) => x.code === 'cancelled');
  const paid = statuses.find((x) => x.code === 'paid');
  const order = (client_id, date, amount, extra = {}) =>
    server.api('create_order', { input: { client_id, kind: 'order', date, amount, currency: 'UAH', status_id: paid.id, items: [], note: '', ...extra } });

  const phoneOf = { Alpha: '+380671110001', Beta: '+380671110002', Gamma: '+380671110003', Delta: '+380671110004', Epsilon: '+380671110005' };
  for (const name of ['Alpha', ...OTHERS.map((o) => o[0])]) {
    clients[name] = await server.api('create_client', { input: { ...person(name, 'Testova'), phones: [{ kind: 'mobile', raw: phoneOf[name] }] } });
    clients[name] = clients[name].client ?? clients[name];
  }
  for (const [date, amount] of ALPHA_ORDERS) await order(clients.Alpha.id, date, amount);
  await order(clients.Alpha.id, '2026-02-01', 50000, { status_id: cancelled.id });
  await server.api('create_order', {
    input: { client_id: clients.Alpha.id, kind: 'payment', date: '2026-03-06', amount: 100000, currency: 'UAH', items: [], note: 'bank transfer' },
  });
  for (const [name, amount] of OTHERS) await order(clients[name].id, today, amount);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The page's own Intl, as the UI formats money (en-US here). */
const money = (page, minor) => page.evaluate((m) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'UAH' }).format(m / 100), minor);
const day = (page, iso) =>
  page.evaluate((d) => {
    const [y, m, dd] = d.split('-').map(Number);
    return new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, dd)));
  }, iso);

test("a client's card shows its totals and tier (the core's answer = the hand computation)", async () => {
  const totals = await server.api('client_totals', { client: clients.Alpha.id });
  // By hand: three counting orders, the cancelled one left out; payments apart.
  assert.equal(totals.order_count, 3);
  assert.equal(totals.total, 600000);
  assert.equal(totals.average_check, 200000);
  assert.equal(totals.first_purchase, '2026-01-10');
  assert.equal(totals.last_order, '2026-06-20');
  assert.equal(totals.payment_count, 1);
  assert.equal(totals.payments_total, 100000);
  assert.equal(totals.tier, 'gold');
  assert.equal(totals.next_tier, 'platinum');
  assert.equal(totals.to_next_tier, 2000000 - 600000);

  const { page, context, errors } = await openPage(browser, `${server.url}/#/c/${clients.Alpha.id}`, { timezoneId: ZONE.timezoneId });
  const sec = page.getByTestId('card-orders');
  await sec.getByTestId('totals-total').waitFor();
  // The section's top just under the card's header.
  await sec.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    const pane = el.closest('.detail-pane');
    if (pane) pane.scrollTop -= 64;
  });
  assert.equal(await sec.getByTestId('totals-total').textContent(), await money(page, 600000));
  assert.equal((await sec.getByTestId('totals-count').textContent()).trim(), '3');
  assert.equal(await sec.getByTestId('totals-average').textContent(), await money(page, 200000));
  assert.equal((await sec.getByTestId('totals-first').textContent()).trim(), await day(page, '2026-01-10'));
  assert.match(await sec.getByTestId('totals-last').textContent(), new RegExp(`^${(await day(page, '2026-06-20')).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · \\d+ days ago$`));
  assert.equal(await sec.getByTestId('tier-badge').getAttribute('data-tier'), 'gold');
  assert.equal(await sec.getByTestId('tier-badge').textContent(), 'Gold');
  assert.equal(await sec.getByTestId('tier-next').textContent(), `${await money(page, 1400000)} more to Platinum`);
  // Newest first: the payment (6 March) sits between the June and the March order; the cancelled
  // order is listed (struck through) but not counted.
  assert.equal(await sec.getByTestId('order-row').count(), 5);
  await shot(page, 'orders-card');

  // Add an order through the sheet: 1,234.50 today → the totals follow the core.
  await sec.getByTestId('order-add').click();
  const sheet = page.getByTestId('order-sheet');
  await sheet.getByTestId('order-amount').fill('1234.50');
  await sheet.getByTestId('order-add-line').click();
  await sheet.getByPlaceholder('Item').fill('Sunflower seeds');
  await shot(page, 'orders-sheet');
  assert.deepEqual(await smallTargets(page), []);
  await sheet.getByTestId('order-save').click();
  await sheet.waitFor({ state: 'detached' });
  await until(async () => (await sec.getByTestId('totals-count').textContent()).trim() === '4', { what: 'four orders' });
  const after1 = await server.api('client_totals', { client: clients.Alpha.id });
  assert.equal(after1.total, 600000 + 123450);
  assert.equal(after1.last_order, today);
  assert.equal(await sec.getByTestId('totals-total').textContent(), await money(page, 723450));
  assert.equal(await sec.getByTestId('totals-average').textContent(), await money(page, Math.round(723450 / 4)));

  // Delete it from its sheet, then Undo in the snackbar.
  await sec.getByTestId('order-row').first().click();
  assert.equal(await page.getByTestId('order-sheet').getByTestId('order-amount').inputValue(), '1234.50');
  await page.getByTestId('order-sheet').getByTestId('order-delete').click();
  await until(async () => (await sec.getByTestId('totals-count').textContent()).trim() === '3', { what: 'back to three orders' });
  assert.equal(await sec.getByTestId('totals-total').textContent(), await money(page, 600000));
  await page.getByRole('button', { name: 'Undo' }).click();
  await until(async () => (await sec.getByTestId('totals-count').textContent()).trim() === '4', { what: 'undo restores the order' });
  assert.equal((await server.api('client_totals', { client: clients.Alpha.id })).total, 723450);
  const deleted = (await server.api('list_orders', { client: clients.Alpha.id })).rows.find((o) => o.amount === 123450);
  await server.api('delete_order', { id: deleted.id });

  const o = await horizontalOverflow(page);
  assert.deepEqual(o.over, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the ABC result filters the client list to the A group', async () => {
  const q = { kind: 'abc', metric: 'revenue', to: today, sort: 'value', offset: 0, limit: 50 };
  const core = await server.api('analysis', { query: q });
  const groupOf = Object.fromEntries(core.rows.map((r) => [r.name, r.group]));
  // The hand computation above.
  assert.deepEqual(
    Object.fromEntries(Object.entries(clients).map(([n, c]) => [n, groupOf[`${n} Testova`] ?? groupOf[`Testova ${n}`]])),
    { Alpha: 'A', Beta: 'A', Gamma: 'A', Delta: 'B', Epsilon: 'C' },
  );
  const a = core.groups.find((g) => g.group === 'A');
  assert.equal(a.clients, 3);
  assert.equal(a.share, 87);

  const { page, context, errors } = await openPage(browser, `${server.url}/#/`, { timezoneId: ZONE.timezoneId });
  await page.getByTestId('nav-analytics').last().click();
  await page.getByTestId('analytics').waitFor();
  const groupA = page.locator('[data-testid="an-group"][data-group="A"]');
  await groupA.waitFor();
  assert.equal(await groupA.getByTestId('an-group-clients').textContent(), '3 clients');
  assert.match(await groupA.textContent(), /87% of the total · 60% of clients/);
  // The Pareto rows: rank and cumulative share, largest first.
  const rows = page.getByTestId('an-row');
  assert.equal(await rows.count(), 5);
  assert.match(await rows.first().textContent(), /1\.Alpha|1\.Testova Alpha|1\.Alpha Testova/);
  assert.match(await rows.first().textContent(), /cumulative 60%/);
  await shot(page, 'orders-abc');
  assert.deepEqual(await smallTargets(page), []);
  assert.deepEqual((await horizontalOverflow(page)).over, []);

  // Export of group A: the browser download holds the core's own CSV of that group.
  const [download] = await Promise.all([page.waitForEvent('download'), groupA.getByTestId('an-group-export').click()]);
  assert.match(download.suggestedFilename(), /^clientbase-abc-A-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const coreCsv = await server.api('export_analysis', { query: { ...q, from: undefined, group: 'A', limit: 0 } });
  assert.equal(csv, coreCsv);
  assert.equal(csv.trim().split('\n').length, 1 + 3, 'a header and the three A clients');

  await groupA.getByTestId('an-group-open').click();
  await page.getByTestId('client-list').waitFor();
  await until(async () => (await page.getByTestId('count').textContent()) === '3 clients', { what: 'the list filtered to A' });
  const shown = await page.getByTestId('client-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
  const listed = await server.api('list_clients', {
    query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 50, segment: { kind: 'abc', metric: 'revenue', to: today, group: 'A' } },
  });
  assert.deepEqual(shown, listed.rows.map((r) => r.id).sort());
  assert.deepEqual(shown, [clients.Alpha.id, clients.Beta.id, clients.Gamma.id].sort());
  assert.match(await page.locator('.countrow').textContent(), /Group: ABC: A/);
  await shot(page, 'orders-list-a');
  // Clearing the filters brings every client back.
  await page.getByRole('button', { name: 'Clear' }).click();
  await until(async () => (await page.getByTestId('count').textContent()) === '5 clients', { what: 'all five again' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('lost clients: the most valuable first, with a one-tap call', async () => {
  const core = await server.api('lost_clients', { query: { sort: 'value', offset: 0, limit: 50 } });
  assert.equal(core.days, 90);
  assert.deepEqual(core.rows.map((r) => r.client_id), [clients.Alpha.id]);
  const { page, context, errors } = await openPage(browser, `${server.url}/#/analytics`, { timezoneId: ZONE.timezoneId });
  // Churn risk on five buyers: the core says there is not enough history, so the screen says why
  // (with the core's counts) and shows no P(alive) numbers.
  const churn = await server.api('analysis', { query: { kind: 'churn', metric: 'revenue', to: today, sort: 'value', offset: 0, limit: 50 } });
  assert.equal(churn.churn.enough_history, false);
  assert.equal(churn.rows.length, 0);
  await page.getByTestId('an-kind-churn').click();
  const why = page.getByTestId('churn-not-enough');
  await why.waitFor();
  assert.match(await why.textContent(), new RegExp(`Now: ${churn.churn.customers} buyers, ${churn.churn.repeat_customers} repeat buyers`));
  assert.equal(await page.getByTestId('an-row').count(), 0);
  await page.getByTestId('an-tab-lost').click();
  const row = page.getByTestId('lost-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Alpha/);
  assert.match(await row.textContent(), new RegExp((await money(page, 600000)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.ok(await row.getByTestId('lost-call').isVisible());
  await shot(page, 'orders-lost');
  assert.deepEqual(await smallTargets(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Today shows who is drifting away (lost clients, most valuable first) with a call, and opens the whole list', async () => {
  const core = await server.api('lost_clients', { query: { sort: 'value', offset: 0, limit: 3 } });
  assert.ok(core.total >= 1);
  const { page, context, errors } = await openPage(browser, `${server.url}/#/today`, { timezoneId: ZONE.timezoneId });
  const sec = page.getByTestId('section-lost');
  await sec.waitFor();
  const rows = sec.getByTestId('today-lost-row');
  assert.equal(await rows.count(), core.rows.length);
  for (let i = 0; i < core.rows.length; i++) {
    assert.match(await rows.nth(i).textContent(), new RegExp(core.rows[i].name));
  }
  assert.match(await sec.locator('h2').textContent(), new RegExp(`Drifting away\\s*${core.total}`));
  if (core.rows[0].phone_e164) assert.ok(await rows.first().getByTestId('today-lost-call').isVisible());
  await sec.scrollIntoViewIfNeeded();
  await shot(page, 'orders-today-lost');
  assert.deepEqual(await smallTargets(page), []);
  assert.deepEqual((await horizontalOverflow(page)).over, []);
  await sec.getByTestId('today-lost-all').click();
  await page.getByTestId('lost-list').waitFor();
  assert.match(page.url(), /#\/analytics$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('charts render the core data (revenue by month, tiers)', async () => {
  const { page, context, errors } = await openPage(browser, `${server.url}/#/analytics`, { timezoneId: ZONE.timezoneId });
  await page.getByTestId('an-tab-charts').click();
  const rev = page.getByTestId('chart-revenue');
  await rev.locator('canvas').waitFor();
  // The core's own months and sums.
  const from = (() => {
    const d = wall(new Date());
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1)).toISOString().slice(0, 10);
  })();
  const chart = await server.api('chart', { query: { chart: 'revenue_by_month', from, to: today } });
  const sum = chart.series[0].values.reduce((a, b) => a + b, 0);
  assert.ok(sum > 0, 'the fixture has revenue in the last 12 months');
  assert.equal(await page.getByTestId('chart-revenue-total').textContent(), `Orders in the period: ${await money(page, sum)}`);
  assert.equal(Number(await rev.getAttribute('data-points')), 12);
  const box = await rev.locator('canvas').boundingBox();
  assert.ok(box.width > 280 && box.width <= 360, `canvas fits the phone: ${box.width}`);
  // The canvas is painted: some pixels carry the revenue bars' colour.
  const painted = await rev.locator('canvas').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > 150 && d[i] < 80) n++;
    return n;
  });
  assert.ok(painted > 50, `bars drawn (${painted} px)`);
  // Tier distribution: Alpha gold, Beta silver (1,500), Gamma silver (1,200), Delta/Epsilon none.
  const tiers = await server.api('chart', { query: { chart: 'tier_distribution' } });
  assert.deepEqual(tiers.labels, ['none', 'silver', 'gold', 'platinum']);
  assert.deepEqual(tiers.series[0].values, [2, 2, 1, 0]);
  await page.getByTestId('chart-tiers').locator('canvas').waitFor();
  await shot(page, 'orders-charts');
  await page.getByTestId('chart-tiers').scrollIntoViewIfNeeded();
  await shot(page, 'orders-charts-tiers');
  assert.deepEqual((await horizontalOverflow(page)).over, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Settings → Orders and analysis saves thresholds; Analytics in Russian', async () => {
  const { page, context, errors } = await openPage(browser, `${server.url}/#/settings`, { timezoneId: ZONE.timezoneId });
  const sec = page.getByTestId('order-settings');
  await sec.getByTestId('os-lost-days').waitFor();
  await sec.scrollIntoViewIfNeeded();
  assert.equal(await sec.getByTestId('os-tier-gold').inputValue(), '5000.00');
  // Two boxes edited in one go, the second before the first one's save has answered: both land (the
  // second save must neither send the first box's old value back nor lose the text being typed). The
  // real core answers the first save; the browser holds that answer until the second box is typed in.
  let release;
  const held = new Promise((r) => (release = r));
  let first = true;
  await page.route('**/api/set_order_settings', async (route) => {
    const response = await route.fetch();
    if (first) {
      first = false;
      await held;
    }
    await route.fulfill({ response });
  });
  await sec.getByTestId('os-lost-days').fill('200');
  await sec.getByTestId('os-lost-days').press('Tab');
  await sec.getByTestId('os-tier-silver').fill('1 500,00');
  release();
  await sec.getByTestId('os-tier-silver').press('Tab');
  await until(async () => {
    const s = await server.api('get_order_settings');
    return s.lost_client_days === 200 && s.tier_silver === 150000;
  }, { what: 'lost days and silver threshold saved' });
  await until(async () => (await sec.getByTestId('os-tier-silver').inputValue()) === '1500.00', { what: 'silver box shows the saved amount' });
  // Five seeded statuses, translated.
  assert.equal(await sec.getByTestId('os-statuses').locator('li').count(), 5);
  await shot(page, 'orders-settings');
  assert.deepEqual(await smallTargets(page), []);
  // Gamma (1,200.00) is no longer silver; Alpha's lost list is now empty at 200 days (157 days ago).
  assert.equal((await server.api('client_totals', { client: clients.Gamma.id })).tier, 'none');
  assert.equal((await server.api('lost_clients', { query: { sort: 'value', offset: 0, limit: 10 } })).total, 0);
  await server.api('set_order_settings', { settings: settings });
  assert.deepEqual(errors, []);
  await context.close();

  const ru = await openPage(browser, `${server.url}/#/analytics`, { locale: 'ru-RU', timezoneId: ZONE.timezoneId });
  await ru.page.getByTestId('an-summary').waitFor();
  assert.equal(await ru.page.getByTestId('an-tab-groups').textContent(), 'Группы');
  const from = await ru.page.evaluate(() =>
    new Intl.DateTimeFormat('ru', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 0, 10))),
  );
  assert.match(await ru.page.getByTestId('an-summary').textContent(), new RegExp(`5 клиентов · .* · ${from}`));
  await ru.page.getByTestId('an-kind-rfm').click();
  await ru.page.locator('[data-testid="an-group"]').first().waitFor();
  await shot(ru.page, 'orders-rfm-ru');
  assert.deepEqual((await horizontalOverflow(ru.page)).over, []);
  assert.deepEqual(ru.errors, []);
  await ru.context.close();
});
