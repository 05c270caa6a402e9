// Settings against the real core: a custom "choice" field defined in Settings appears in the form,
// its value is stored and shown on the card; demo data can be cleared. Screenshots: settings-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, shot, until } from './harness.mjs';

let server;
let browser;
let page;
let errors;

before(async () => {
  server = await startServer({ demo: 60 });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser, server.url));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const visible = (id) => page.locator(`[data-testid="${id}"]:visible`);

test('custom fields and demo data from Settings', { timeout: 120_000 }, async (t) => {
  await t.test('define a choice field', async () => {
    await visible('nav-settings').tap();
    await page.getByRole('button', { name: 'Add field' }).tap();
    const def = page.locator('.def').last();
    await def.getByLabel('Field name').fill('Shop size');
    await def.getByLabel('Type').selectOption('choice');
    await def.getByLabel('Options').fill('Small\nMedium\nLarge');
    await def.getByRole('button', { name: 'Save' }).tap();
    const fields = await until(
      async () => {
        const found = (await server.api('list_custom_fields')).filter((f) => f.name === 'Shop size');
        return found.length ? found : null;
      },
      { what: 'the custom field to be stored' },
    );
    assert.equal(fields[0].kind, 'choice');
    assert.deepEqual(fields[0].options, ['Small', 'Medium', 'Large']);
    await shot(page, 'settings-01-custom-field');
  });

  await t.test('the form offers it and the card shows the stored value', async () => {
    await visible('add-client').tap();
    await page.getByTestId('field-first-name').fill('Iryna');
    await page.getByTestId('field-last-name').fill('Customfield');
    await page.getByLabel('Shop size').selectOption('Medium');
    await page.getByTestId('save-client').tap();
    const card = page.getByTestId('client-card');
    await card.locator('h1', { hasText: 'Customfield' }).waitFor();
    await card.getByText('Medium').waitFor();
    const field = (await server.api('list_custom_fields')).find((f) => f.name === 'Shop size');
    const id = page.url().split('/').pop();
    const stored = (await server.api('get_client', { id })).client;
    assert.deepEqual(stored.custom[field.id], { type: 'choice', value: 'Medium' });
    await shot(page, 'settings-02-card-with-custom-field');
  });

  await t.test('deleting a field asks in the app first', async () => {
    await visible('nav-settings').tap();
    const def = page.locator('.def').last();
    await def.getByRole('button', { name: 'Delete' }).tap();
    const dialog = page.getByTestId('confirm');
    assert.match(await dialog.innerText(), /Delete field “Shop size”/);
    await shot(page, 'settings-03-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).tap();
    assert.equal((await server.api('list_custom_fields')).length, 1);
    await def.getByRole('button', { name: 'Delete' }).tap();
    await page.getByTestId('confirm-ok').tap();
    await until(async () => (await server.api('list_custom_fields')).length === 0, { what: 'the field to be deleted' });
  });

  await t.test('removing demo clients keeps the rep’s own', async () => {
    await visible('nav-settings').tap();
    await page.getByText('60 demo clients in the base').waitFor();
    await page.getByRole('button', { name: 'Remove demo clients' }).tap();
    await page.getByText('0 demo clients in the base').waitFor();
    const stats = await server.api('stats');
    assert.equal(stats.demo_clients, 0);
    assert.equal(stats.clients, 1);
    await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
    await page.getByTestId('client-row').first().waitFor();
    assert.equal(await page.getByTestId('client-row').count(), 1);
    assert.equal(await page.getByTestId('count').innerText(), '1 client');
  });

  await t.test('leaving a form with edits asks first; an untouched form just closes', async () => {
    await visible('add-client').tap();
    await page.getByTestId('client-form').waitFor();
    await page.getByTestId('back').tap();
    await page.getByTestId('client-form').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('confirm').count(), 0);

    await visible('add-client').tap();
    await page.getByTestId('field-first-name').fill('Half-typed');
    await page.getByTestId('back').tap();
    const dialog = page.getByTestId('confirm');
    assert.match(await dialog.innerText(), /Leave without saving your changes\?/);
    await dialog.getByRole('button', { name: 'Cancel' }).tap();
    assert.equal(await page.getByTestId('field-first-name').inputValue(), 'Half-typed');
    await page.getByTestId('back').tap();
    await page.getByTestId('confirm-ok').tap();
    await page.getByTestId('client-form').waitFor({ state: 'detached' });
    assert.equal((await server.api('stats')).clients, 1);

    // Opening an existing client's form and going back without touching it asks nothing.
    await page.getByTestId('client-row').first().tap();
    await page.getByTestId('client-card').getByTestId('edit').tap();
    await page.getByTestId('field-last-name').waitFor();
    await page.getByTestId('back').tap();
    await page.getByTestId('client-card').waitFor();
    assert.equal(await page.getByTestId('confirm').count(), 0);
  });

  await t.test('no uncaught page errors', () => {
    assert.deepEqual(errors.map(String), []);
  });
});
