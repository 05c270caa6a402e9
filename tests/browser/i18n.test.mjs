// Languages and scripts: switching the language in Settings changes the visible labels (and is
// kept), search finds demo clients by Cyrillic, Greek and Chinese fragments, and the desktop layout
// shows list and card side by side. Screenshots: tests/artifacts/i18n-*.png, desktop-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, shot, DESKTOP, horizontalOverflow, smallTargets } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: 400 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const LABELS = {
  ru: { clients: 'Клиенты', settings: 'Настройки', search: 'Имя, телефон, город, метка…' },
  uk: { clients: 'Клієнти', settings: 'Налаштування', search: 'Ім’я, телефон, місто, мітка…' },
  el: { clients: 'Πελάτες', settings: 'Ρυθμίσεις', search: 'Όνομα, τηλέφωνο, πόλη, ετικέτα…' },
  zh: { clients: '客户', settings: '设置', search: '姓名、电话、城市、标签…' },
  en: { clients: 'Clients', settings: 'Settings', search: 'Name, phone, city, tag…' },
};

// The seeded category B ("prospect in progress") as the filter chips show it in each language.
const CATEGORY_B = {
  ru: 'В работе',
  el: 'Σε εξέλιξη',
  zh: '跟进中',
};

test('the language follows the system until one is picked in Settings', { timeout: 120_000 }, async (t) => {
  const { page, context, errors } = await openPage(browser, `${server.url}#/clients`, { locale: 'uk-UA' });
  try {
    await t.test('a Ukrainian system shows Ukrainian', async () => {
      const nav = page.locator('nav.bottomnav');
      await nav.getByText(LABELS.uk.clients).waitFor();
      assert.equal(await page.getByTestId('search-input').getAttribute('placeholder'), LABELS.uk.search);
    });

    for (const lang of ['ru', 'el', 'zh']) {
      await t.test(`switching to ${lang} changes the visible labels`, async () => {
        await page.locator('[data-testid="nav-settings"]:visible').tap();
        await page.getByTestId('language').selectOption(lang);
        await page.locator('nav.bottomnav').getByText(LABELS[lang].settings).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang.slice(0, 2)), lang);
        await shot(page, `i18n-settings-${lang}`);
        await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
        await page.getByTestId('client-row').first().waitFor();
        assert.equal(await page.getByTestId('search-input').getAttribute('placeholder'), LABELS[lang].search);
        const count = await page.getByTestId('count').innerText();
        assert.doesNotMatch(count, /clients/, `count still English: ${count}`);
        await page.getByText(CATEGORY_B[lang], { exact: true }).first().waitFor();
        // The name order follows the language's collation: the core's first row is the list's first row.
        const first = await server.api('list_clients', { query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 1 } });
        await page.locator(`[data-testid="client-row"][data-id="${first.rows[0].id}"]`).first().waitFor();
        assert.equal(await page.getByTestId('client-row').first().getAttribute('data-id'), first.rows[0].id);
        assert.equal(await page.getByText('prospect in progress').count(), 0, 'seeded category name still English');
        await shot(page, `i18n-list-${lang}`);
        const o = await horizontalOverflow(page);
        assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
      });
    }

    await t.test('the choice is saved in the core and survives a reload', async () => {
      assert.equal((await server.api('get_settings')).language, 'zh');
      await page.reload();
      await page.locator('nav.bottomnav').getByText(LABELS.zh.clients).waitFor();
    });

    await t.test('Russian plural forms', async () => {
      await page.locator('[data-testid="nav-settings"]:visible').tap();
      await page.getByTestId('language').selectOption('ru');
      await page.locator('nav.bottomnav [data-testid="nav-clients"]').tap();
      const count = await page.getByTestId('count').innerText();
      // 400 → "400 клиентов" (many); a fragment with 1 hit → "1 клиент".
      assert.match(count, /^400 клиентов$/);
    });
    assert.deepEqual(errors.map(String), []);
  } finally {
    await server.api('set_settings', { settings: { ...(await server.api('get_settings')), language: '' } });
    await context.close();
  }
});

/** Finds a demo client whose display name is in `script`, and a fragment that finds it near the top. */
async function fixture(script, makeFragment) {
  const all = await server.api('list_clients', {
    query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 400 },
  });
  for (const row of all.rows) {
    if (!script.test(row.display_name)) continue;
    const fragment = makeFragment(row.display_name);
    if (!fragment) continue;
    const res = await server.api('list_clients', {
      query: { text: fragment, category_ids: [], sort: 'name', offset: 0, limit: 5 },
    });
    if (res.rows.some((r) => r.id === row.id)) return { row, fragment };
  }
  throw new Error(`no demo client in ${script} found by its own fragment`);
}

test('search finds demo clients by Cyrillic, Greek and Chinese fragments', { timeout: 120_000 }, async (t) => {
  const { page, context, errors } = await openPage(browser, `${server.url}#/clients`);
  try {
    await page.getByTestId('client-row').first().waitFor();
    const cases = [
      // Lower-cased surname + the first two letters of the given name: tests case folding.
      ['cyrillic', /[\u0400-\u04FF]/, (n) => { const w = n.split(' '); return w.length > 1 ? `${w[0].toLowerCase()} ${w[1].slice(0, 2).toLowerCase()}` : null; }],
      ['greek', /[\u0370-\u03FF\u1F00-\u1FFF]/, (n) => { const w = n.split(' '); return w.length > 1 ? `${w[0].toLowerCase()} ${w[1].slice(0, 2).toLowerCase()}` : null; }],
      // Two characters from inside a CJK name ('秀英' must find '王秀英'): no word boundaries to lean on.
      ['chinese', /[\u4E00-\u9FFF]/, (n) => { const s = n.replace(/\s/g, ''); return s.length >= 3 ? s.slice(1, 3) : null; }],
    ];
    for (const [name, script, make] of cases) {
      await t.test(name, async () => {
        const { row, fragment } = await fixture(script, make);
        const input = page.getByTestId('search-input');
        await input.fill('');
        await input.pressSequentially(fragment, { delay: 20 });
        await page.waitForFunction((f) => document.querySelector('[data-testid="client-list"]')?.getAttribute('data-query') === f, fragment);
        await page.locator(`[data-testid="client-row"][data-id="${row.id}"]`).waitFor({ timeout: 10_000 });
        await shot(page, `i18n-search-${name}`);
      });
    }
    await t.test('sort by next birthday shows the core\'s order with birthdays', async () => {
      await page.getByTestId('search-input').fill('');
      await page.getByTestId('sort').selectOption('next_birthday');
      const expected = await server.api('list_clients', {
        query: { text: '', category_ids: [], sort: 'next_birthday', offset: 0, limit: 3 },
      });
      await page.locator(`[data-testid="client-row"][data-id="${expected.rows[0].id}"]`).waitFor();
      const ids = await page.getByTestId('client-row').evaluateAll((rows) => rows.slice(0, 3).map((r) => r.dataset.id));
      assert.deepEqual(ids, expected.rows.map((r) => r.id));
      await page.getByTestId('client-row').first().locator('.bday').waitFor();
      await shot(page, 'i18n-sort-birthday');
    });
    await t.test('category, tag and city filters narrow the list like the core does', async () => {
      await page.getByTestId('sort').selectOption('name');
      const [cat] = await server.api('list_categories');
      const [tag] = await server.api('list_tags');
      const cities = await server.api('list_cities');
      const total = async (q) =>
        (await server.api('list_clients', { query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 1, ...q } })).total;
      const shownTotal = (n) =>
        page.waitForFunction((n) => document.querySelector('[data-testid="client-list"]')?.getAttribute('data-total') === String(n), n);

      await page.getByRole('button', { name: cat.name }).tap();
      await shownTotal(await total({ category_ids: [cat.id] }));
      await page.getByLabel('Tag').selectOption(tag);
      await shownTotal(await total({ category_ids: [cat.id], tag }));
      await shot(page, 'i18n-filters');
      await page.getByRole('button', { name: 'Clear filters' }).tap();
      await page.getByLabel('City').selectOption(cities[0]);
      const n = await total({ city: cities[0] });
      assert.ok(n > 0 && n < 400);
      await shownTotal(n);
      await page.getByRole('button', { name: 'Clear filters' }).tap();
      await shownTotal(400);
    });
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
  }
});

test('desktop 1280×800: list and card side by side', { timeout: 60_000 }, async () => {
  const { page, context, errors } = await openPage(browser, `${server.url}#/clients`, { device: DESKTOP });
  try {
    const first = page.getByTestId('client-row').first();
    await first.waitFor();
    await shot(page, 'desktop-01-list');
    // Keyboard: ↓ from the search box to the first row, ↓ to the second, Enter opens it.
    const secondId = await page.getByTestId('client-row').nth(1).getAttribute('data-id');
    await page.getByTestId('search-input').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-id')), secondId);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/c/${secondId}$`));
    await first.click();
    await page.getByTestId('client-card').waitFor();
    // Both panes visible at once.
    assert.ok(await page.getByTestId('client-list').isVisible());
    const list = await page.getByTestId('client-list').boundingBox();
    const card = await page.getByTestId('client-card').boundingBox();
    assert.ok(card.x >= list.x + list.width - 1, `card ${JSON.stringify(card)} overlaps list ${JSON.stringify(list)}`);
    await shot(page, 'desktop-02-card');
    await page.locator('[data-testid="add-client"]:visible').click();
    await page.getByTestId('client-form').waitFor();
    await shot(page, 'desktop-03-form');
    await page.locator('[data-testid="nav-settings"]:visible').click();
    await page.getByTestId('settings').waitFor();
    await shot(page, 'desktop-04-settings');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
  }
});
