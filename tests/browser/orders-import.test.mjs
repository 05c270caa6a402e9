// Orders import from Settings at 360×740 against the real core: "Import: orders and payments",
// a Russian CSV (";") goes through the same mapping step with order targets proposed from its
// headers, the preview shows each row as an order with its problems (an unknown client), the
// summary counts the orders added and the skipped row, and the client's card shows the totals of
// the file. Screenshots: orders-import-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, shot, horizontalOverflow, smallTargets } from './harness.mjs';

let server;
let browser;
let page;
let errors;
let ivan;

before(async () => {
  server = await startServer();
  const settings = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...settings, default_country: 'UA' } });
  const c = await server.api('create_client', {
    input: {
      kind: 'person',
      first_name: 'Иван',
      last_name: 'Петров',
      middle_name: '',
      org_name: '',
      phones: [{ kind: 'mobile', raw: '+380671234567' }],
      emails: [],
      messengers: [],
      address: { street: '', city: '', region: '', postal_code: '', country: '' },
      website: '',
      tags: [],
      source: '',
      notes: '',
      hobbies: '',
      call_time: '',
      custom: {},
      contacts: [],
    },
  });
  ivan = c.id;
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser, server.url));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const visible = (id) => page.locator(`[data-testid="${id}"]:visible`);

const CSV = [
  'Клиент;Телефон;Дата;Сумма;Статус;Тип',
  'Петров Иван;;12.03.2024;1 250,50;Оплачен;Заказ',
  ';+380 67 123 45 67;01.04.2024;300;Новый;Заказ',
  'Иван Петров;;02.04.2024;100;;Оплата',
  'Неизвестный Клиент;;03.04.2024;10;;Заказ',
].join('\r\n');

test('orders and payments are imported from a sheet', { timeout: 180_000 }, async (t) => {
  await t.test('the import screen offers orders and proposes their columns', async () => {
    await visible('nav-settings').tap();
    await page.getByTestId('import-what-orders').tap();
    await page.getByTestId('import-orders-hint').waitFor();
    await page.getByTestId('import-file').setInputFiles({
      name: 'orders.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf-8'),
    });
    await page.getByTestId('import-col').first().waitFor();
    const targets = await page.getByTestId('import-target').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(targets, ['client_name', 'client_phone', 'date', 'amount', 'status', 'kind']);
    const rows = page.getByTestId('import-order-row');
    assert.equal(await rows.count(), 4);
    assert.match(await rows.nth(3).innerText(), /No such client in the base/);
    assert.equal(await page.getByTestId('import-policy').isVisible(), false);
    await page.getByTestId('import-col').first().scrollIntoViewIfNeeded();
    await shot(page, 'orders-import-01-mapping');
    await page.getByTestId('import-rows').scrollIntoViewIfNeeded();
    await shot(page, 'orders-import-02-preview');
    const o = await horizontalOverflow(page);
    assert.equal(o.scrollWidth, o.width, `horizontal overflow: ${o.over.join(', ')}`);
    assert.deepEqual(await smallTargets(page), []);
  });

  await t.test('the import adds the orders and reports the unknown client', async () => {
    await page.getByTestId('import-start').tap();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 30_000 });
    await summary.scrollIntoViewIfNeeded();
    await shot(page, 'orders-import-03-summary');
    const text = await summary.innerText();
    assert.match(text, /Added: 3 orders and payments/);
    assert.match(text, /Skipped: 1 row/);
    assert.match(text, /Row 5: No such client in the base/);
    const totals = await server.api('client_totals', { client: ivan });
    assert.equal(totals.order_count, 2);
    assert.equal(totals.total, 155050);
    assert.equal(totals.payments_total, 10000);
    assert.equal(totals.first_purchase, '2024-03-12');
  });

  await t.test("the client's card shows the file's totals", async () => {
    const { page: card, context } = await openPage(browser, `${server.url}/#/c/${ivan}`);
    const sec = card.getByTestId('card-orders');
    await sec.getByTestId('totals-total').waitFor();
    assert.equal((await sec.getByTestId('totals-count').textContent()).trim(), '2');
    const money = await card.evaluate(() =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1550.5),
    );
    assert.equal(await sec.getByTestId('totals-total').textContent(), money);
    await context.close();
  });

  assert.deepEqual(errors, []);
});
