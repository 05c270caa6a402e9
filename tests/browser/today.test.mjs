// The daily loop at phone size (360×740, touch) against the real core: Today (a task due today, a
// birthday today, completing a task), the card's log and timeline, "How did it go?" after a one-tap
// call, Congratulate, the notification permission asked with an explanation at the first reminder, the
// desktop in-app scheduler (Playwright's clock moves the page's time), missed reminders at start-up,
// the mobile OS scheduling path (recorded by api.ts's browser stand-in), and a Russian smoke test.
// Screenshots: tests/artifacts/today-*.png.
//
// "Today" is a local day, taken by the core (its TZ), the page (its timezoneId) and this file alike in
// ZONE: a fixed-offset zone in which the run starts between 12:00 and 12:59 (harness.mjs `zoneAtNoon`).
// So a run at any hour, on a machine in any zone, never crosses local midnight (11 hours away; this
// file's time limits add up to 13 minutes), and "later today", "tomorrow" and "turns AGE" mean the same
// day for the test, the UI and the core from the first step to the last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  openPage,
  shot,
  horizontalOverflow,
  smallTargets,
  until,
  zoneAtNoon,
  PHONE,
  DESKTOP,
} from './harness.mjs';

let server;
let browser;
/** Olena: birthday today (turns AGE), a call task due today, WhatsApp preferred. */
let olena;
/** Petro: a client to call and log. */
let petro;
let callTask;
let todoTask;

const HOUR = 3_600_000;
const now = new Date();
const ZONE = zoneAtNoon(now.getTime());
/** Every browser context of this file is in ZONE. */
const IN_ZONE = { timezoneId: ZONE.timezoneId };
/** `d`'s wall clock in ZONE, read with the getUTC* methods. */
const wall = (d) => new Date(d.getTime() + ZONE.offsetMs);
const localDate = (d) => wall(d).toISOString().slice(0, 10);
const localTime = (d) => wall(d).toISOString().slice(11, 16);
const today = wall(now);
// Olena's age today: 41 (the Russian plural "one": "41 год"); on 29 February 40 ("40 лет"), as
// no year 41 years back has that day, and a birthday on a day the year lacks is refused.
const AGE = today.getUTCMonth() === 1 && today.getUTCDate() === 29 ? 40 : 41;
const AGE_RU = AGE === 41 ? '41 год' : '40 лет';
/** Local midnight at the end of today, in ZONE. */
const endOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1) - ZONE.offsetMs;

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

/** Due `minutes` from now, still today (ZONE's day has hours left: see the top of this file). */
function laterToday(minutes) {
  const due = new Date(Date.now() + minutes * 60_000);
  assert.ok(due.getTime() < endOfToday, `${due.toISOString()} is not today in ${ZONE.timezoneId}`);
  return due;
}

before(async () => {
  server = await startServer({ tz: ZONE.tz });
  // The core's today is this file's today (its TZ was understood).
  assert.equal((await server.api('today')).date, localDate(now));
  const settings = await server.api('get_settings');
  await server.api('set_settings', { settings: { ...settings, default_country: 'UA', user_name: 'Ivan Rep', language: '' } });
  olena = await server.api('create_client', {
    input: person('Olena', 'Kovalenko', {
      org_name: 'Sunflower LLC',
      phones: [{ kind: 'mobile', raw: '+380675550123' }],
      // Born AGE years ago today (so she "turns AGE", whatever the year of the run).
      birthday: { day: today.getUTCDate(), month: today.getUTCMonth() + 1, year: today.getUTCFullYear() - AGE },
      preferred_channel: 'whatsapp',
    }),
  });
  petro = await server.api('create_client', {
    input: person('Petro', 'Shevchuk', { phones: [{ kind: 'mobile', raw: '+380501112233' }], call_time: 'weekdays after 14:00' }),
  });
  callTask = await server.api('create_task', {
    input: { client_id: olena.id, title: '', kind: 'call', due_at: laterToday(90).toISOString(), repeat: 'none', note: '' },
  });
  todoTask = await server.api('create_task', {
    input: { title: 'Bring the samples', kind: 'other', due_at: laterToday(60).toISOString(), repeat: 'none', note: '' },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Notifications api.ts was asked for (the browser stand-in for the plugin). */
const recorded = (page) => page.evaluate(() => window.__clientbaseNotifications ?? []);

async function layoutOk(page) {
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= o.width && o.over.length === 0, JSON.stringify(o));
  assert.deepEqual(await smallTargets(page), []);
}

/** The app goes to the background (the dialer opened) and, `awayMs` later, comes back. */
async function leaveAndReturn(page, awayMs) {
  const setVisibility = (state) =>
    page.evaluate((s) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await setVisibility('hidden');
  await page.waitForTimeout(awayMs);
  await setVisibility('visible');
}

/**
 * Stands in for the phone's dialer / SMS app: a tap on a tel:, sms:, viber: or mailto: link is recorded
 * in window.__opened and goes nowhere (headless Chromium's external-protocol handling would swallow
 * the page's later touch input). The app's own click handlers still run first.
 */
function catchExternalLinks() {
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (a && /^(tel|sms|viber|mailto):/i.test(a.getAttribute('href'))) {
      e.preventDefault();
      (window.__opened ??= []).push(a.getAttribute('href'));
    }
  });
}

test('the daily loop at 360×740', { timeout: 240_000 }, async (t) => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...IN_ZONE });
  await context.addInitScript(catchExternalLinks);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(server.url);
  const tid = (id) => page.getByTestId(id);
  // Messenger links open in a new tab: answer them here (no network in tests).
  await context.route(/^https:\/\/(wa\.me|t\.me)\//, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: 'ok' }));
  try {
    await t.test('Today shows the task due today and the birthday today, with the badge', async () => {
      await tid('today').waitFor();
      const due = tid('section-due');
      await due.getByText('Call Kovalenko Olena').waitFor();
      await due.getByText('Bring the samples').waitFor();
      const bday = tid('section-birthdays').locator(`[data-testid="birthday-row"][data-client="${olena.id}"]`);
      await bday.waitFor();
      assert.match(await bday.innerText(), new RegExp(`Today · turns ${AGE}`));
      // Badge: two tasks due today + one birthday not yet congratulated.
      assert.equal(await page.locator('nav.bottomnav [data-testid="today-badge"]').innerText(), '3');
      // The call row calls the client's phone.
      const call = due.locator('[data-testid="task-row"]', { hasText: 'Call Kovalenko Olena' }).getByTestId('task-call');
      assert.equal(await call.getAttribute('href'), 'tel:+380675550123');
      await shot(page, 'today-01-today');
      await layoutOk(page);
    });

    await t.test('a task with a reminder: the explanation first, then the OS permission', async () => {
      await tid('today-add-task').tap();
      const editor = tid('task-editor');
      await editor.waitFor();
      await tid('task-title').fill('Check the delivery');
      const due = laterToday(180);
      await tid('task-date').fill(localDate(due));
      await tid('task-time').fill(localTime(due));
      await tid('task-reminder').selectOption('15');
      await shot(page, 'today-02-task-editor');
      await layoutOk(page);
      await tid('task-save').tap();
      const sheet = tid('permission-sheet');
      await sheet.waitFor();
      assert.match(await sheet.innerText(), /Allow reminders\?/);
      assert.match(await sheet.innerText(), /remind you of this task/);
      // Nothing asked of the OS before the rep has read why.
      assert.equal((await recorded(page)).filter((r) => r.op === 'request_permission').length, 0);
      await shot(page, 'today-03-permission');
      await layoutOk(page);
      await tid('perm-allow').tap();
      await sheet.waitFor({ state: 'detached' });
      await until(async () => (await recorded(page)).some((r) => r.op === 'request_permission' && r.result === 'granted'), {
        what: 'the permission request',
      });
      const stored = (await server.api('list_tasks', { query: { include_done: false, offset: 0, limit: 50 } })).rows
        .map((r) => r.task)
        .find((x) => x.title === 'Check the delivery');
      assert.equal(stored.remind_offset_minutes, 15);
      // Asked once: the next reminder does not ask again.
      await tid('today-add-task').tap();
      await tid('task-title').fill('Second reminder');
      await tid('task-reminder').selectOption('0');
      await tid('task-save').tap();
      await tid('task-editor').waitFor({ state: 'detached' });
      await page.waitForTimeout(300);
      assert.equal(await tid('permission-sheet').count(), 0);
      assert.equal((await recorded(page)).filter((r) => r.op === 'request_permission').length, 1);
    });

    await t.test('complete a task from Today (and undo)', async () => {
      const row = tid('section-due').locator('[data-testid="task-row"]', { hasText: 'Bring the samples' });
      await row.getByTestId('task-complete').tap();
      await row.waitFor({ state: 'detached' });
      assert.ok((await server.api('get_task', { id: todoTask.id })).done_at, 'the task is done in the core');
      await page.getByRole('status').getByText('Done: Bring the samples').waitFor();
      await shot(page, 'today-04-completed');
      await page.getByRole('button', { name: 'Undo' }).tap();
      await tid('section-due').getByText('Bring the samples').waitFor();
      assert.equal((await server.api('get_task', { id: todoTask.id })).done_at ?? null, null);
      // Done for good this time.
      await tid('section-due').locator('[data-testid="task-row"]', { hasText: 'Bring the samples' }).getByTestId('task-complete').tap();
      await tid('section-due').getByText('Bring the samples').waitFor({ state: 'detached' });
    });

    await t.test('snooze a task to tomorrow', async () => {
      const row = tid('section-due').locator('[data-testid="task-row"]', { hasText: 'Check the delivery' });
      await row.getByTestId('task-snooze').tap();
      await tid('snooze-sheet').waitFor();
      await shot(page, 'today-05-snooze');
      await layoutOk(page);
      await tid('snooze-tomorrow').tap();
      await row.waitFor({ state: 'detached' });
      const stored = (await server.api('list_tasks', { query: { include_done: false, offset: 0, limit: 50 } })).rows
        .map((r) => r.task)
        .find((x) => x.title === 'Check the delivery');
      const due = new Date(stored.due_at);
      const tomorrow = new Date(endOfToday); // ZONE has no DST: its days are 24 hours long
      assert.equal(localDate(due), localDate(tomorrow));
    });

    await t.test('log a call outcome from the card and see it in the timeline', async () => {
      await page.goto(`${server.url}#/c/${petro.id}`);
      const card = tid('client-card');
      await card.waitFor();
      await tid('last-contact').getByText('Not contacted yet').waitFor();
      await tid('timeline').getByText('Nothing logged yet').waitFor();
      await tid('log-open').tap();
      await tid('log-sheet').waitFor();
      await tid('log-outcome-meeting_set').tap();
      await tid('log-note').fill('Discussed the spring order');
      await tid('log-next-step').fill('Send the offer');
      await tid('callback-tomorrow').tap();
      // The client's convenient time ("after 14:00") is the callback's time.
      assert.match(await tid('log-sheet').innerText(), /Tomorrow 2:00\sPM/);
      assert.match(await tid('log-sheet').innerText(), /Convenient time to call: weekdays after 14:00/);
      await tid('callback-remind').uncheck();
      await shot(page, 'today-06-log-sheet');
      await layoutOk(page);
      await tid('log-save').tap();
      await tid('log-sheet').waitFor({ state: 'detached' });
      const entry = tid('timeline-entry').first();
      await entry.getByText('Discussed the spring order').waitFor();
      assert.match(await entry.innerText(), /Call/);
      assert.match(await entry.getByTestId('timeline-outcome').innerText(), /Meeting set/);
      assert.match(await entry.innerText(), /Next step: Send the offer/);
      await tid('last-contact').getByText('Last contact: today').waitFor();
      const log = await server.api('list_interactions', { client: petro.id, offset: 0, limit: 10 });
      assert.equal(log.total, 1);
      assert.equal(log.rows[0].note, 'Discussed the spring order');
      // The callback is a call task tomorrow at 14:00, shown on the card.
      const tasks = await server.api('list_tasks', { query: { client_id: petro.id, include_done: false, offset: 0, limit: 10 } });
      assert.equal(tasks.total, 1);
      const due = new Date(tasks.rows[0].task.due_at);
      assert.equal(localTime(due), '14:00');
      assert.equal(tasks.rows[0].task.remind_offset_minutes ?? null, null);
      assert.equal(tasks.rows[0].client_name, 'Shevchuk Petro');
      await tid('card-tasks').getByTestId('task-row').first().waitFor();
      await shot(page, 'today-07-card-timeline');
      await layoutOk(page);
    });

    await t.test('"How did it go?" after a call from the card; one tap logs it', async () => {
      const call = tid('client-card').getByTestId('action-call').first();
      assert.equal(await call.getAttribute('href'), 'tel:+380501112233');
      await call.tap();
      assert.deepEqual(await page.evaluate(() => window.__opened), ['tel:+380501112233']);
      // Coming back without having left: nothing.
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await page.waitForTimeout(200);
      assert.equal(await tid('outcome-sheet').count(), 0);
      // The dialer for a blink of an eye is not a call either.
      await leaveAndReturn(page, 50);
      await page.waitForTimeout(200);
      assert.equal(await tid('outcome-sheet').count(), 0);
      // Away for a real call: the sheet.
      await leaveAndReturn(page, 1200);
      const sheet = tid('outcome-sheet');
      await sheet.waitFor();
      assert.match(await sheet.innerText(), /How did it go\?/);
      assert.match(await sheet.innerText(), /Phone call · Shevchuk Petro/);
      await shot(page, 'today-08-how-did-it-go');
      await layoutOk(page);
      await tid('outcome-no_answer').tap();
      await sheet.waitFor({ state: 'detached' });
      const log = await server.api('list_interactions', { client: petro.id, offset: 0, limit: 10 });
      assert.equal(log.total, 2);
      const outcomes = await server.api('list_interaction_outcomes');
      assert.equal(log.rows[0].outcome_id, outcomes.find((o) => o.code === 'no_answer').id);
      assert.equal(log.rows[0].channel, 'call');
      await tid('timeline-entry').first().getByText('No answer').waitFor();
    });

    await t.test('"How did it go?" is dismissible and logs nothing then', async () => {
      await tid('client-card').getByTestId('action-call').first().tap();
      await leaveAndReturn(page, 1000);
      await tid('outcome-sheet').waitFor();
      await tid('outcome-skip').tap();
      await tid('outcome-sheet').waitFor({ state: 'detached' });
      assert.equal((await server.api('list_interactions', { client: petro.id, offset: 0, limit: 10 })).total, 2);
    });

    await t.test('Congratulate: the draft, edited, sent by WhatsApp with the text; logged and done', async () => {
      await page.goto(`${server.url}#/`);
      const row = tid('section-birthdays').locator(`[data-testid="birthday-row"][data-client="${olena.id}"]`);
      await row.getByTestId('birthday-congratulate').tap();
      const sheet = tid('greeting-sheet');
      await sheet.waitFor();
      const text = tid('greeting-text');
      await until(async () => /Happy birthday, Olena!/.test(await text.inputValue()), { what: 'the greeting draft' });
      assert.match(await text.inputValue(), /Sunflower LLC/);
      assert.match(await text.inputValue(), /Ivan Rep/);
      await shot(page, 'today-09-greeting');
      await layoutOk(page);
      // The template in another language, then back.
      await tid('greet-lang-uk').tap();
      await until(async () => /з днем народження/i.test(await text.inputValue()), { what: 'the Ukrainian template' });
      await tid('greet-lang-en').tap();
      await until(async () => /Happy birthday/.test(await text.inputValue()), { what: 'the English template' });
      await text.fill(`${await text.inputValue()}\nSee you at the fair!`);
      // The preferred channel comes first.
      assert.equal(await sheet.locator('[data-testid^="greet-send-"]').first().getAttribute('data-testid'), 'greet-send-whatsapp');
      const popup = context.waitForEvent('page');
      await tid('greet-send-whatsapp').tap();
      const opened = await popup;
      await opened.waitForURL(/wa\.me/);
      const url = new URL(opened.url());
      assert.equal(url.pathname, '/380675550123');
      assert.match(url.searchParams.get('text'), /See you at the fair!/);
      await opened.close();
      await sheet.waitFor({ state: 'detached' });
      const log = await server.api('list_interactions', { client: olena.id, offset: 0, limit: 10 });
      assert.equal(log.total, 1);
      assert.equal(log.rows[0].channel, 'whatsapp');
      assert.match(log.rows[0].note, /See you at the fair!/);
      assert.equal(log.rows[0].greets_year, today.getUTCFullYear());
      await row.getByTestId('birthday-done').waitFor();
      // The badge no longer counts the birthday (it counts what the core says is left).
      const left = (await server.api('today')).counts;
      assert.equal(left.birthdays_today, 0);
      await page.waitForFunction(
        (n) => (document.querySelector('nav.bottomnav [data-testid="today-badge"]')?.textContent ?? '0') === String(n),
        left.badge,
      );
      await shot(page, 'today-10-congratulated');
    });

    await t.test('the compact tasks view, reachable from Today', async () => {
      await tid('open-tasks').tap();
      const view = tid('tasks-view');
      await view.waitFor();
      await view.getByText('Check the delivery').waitFor();
      await view.getByText('Call Shevchuk Petro').waitFor();
      assert.equal(await view.getByText('Bring the samples').count(), 0);
      await tid('tasks-show-done').check();
      await view.getByText('Bring the samples').waitFor();
      await shot(page, 'today-11-tasks');
      await layoutOk(page);
    });

    await t.test('no uncaught page errors', () => {
      assert.deepEqual(errors.map(String), []);
    });
  } finally {
    await context.close();
  }
});

test('desktop: the in-app scheduler shows a reminder when it comes due', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...IN_ZONE });
  try {
    // Notifications were allowed on this device before; the page's clock can be moved forward.
    await context.addInitScript(() => {
      localStorage.setItem('clientbase.notifications', JSON.stringify({ asked: true, birthdays: false }));
      window.__clientbaseNotificationPermission = 'granted';
    });
    await context.clock.install();
    const task = await server.api('create_task', {
      input: {
        client_id: petro.id,
        title: 'Confirm the delivery date',
        kind: 'other',
        due_at: new Date(Date.now() + 20 * 60_000).toISOString(),
        remind_offset_minutes: 10,
        repeat: 'none',
        note: '',
      },
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(server.url);
    await page.getByTestId('today').waitFor();
    await page.waitForTimeout(500);
    // Only this task's reminder is looked at (others of this base may come due meanwhile).
    const shows = async () =>
      (await recorded(page)).filter((r) => r.op === 'show' && r.notification.title === 'Confirm the delivery date');
    assert.deepEqual(await shows(), [], 'nothing is due yet');
    // Nine minutes later: still nothing; eleven: the reminder.
    await page.clock.fastForward('09:00');
    await page.waitForTimeout(300);
    assert.deepEqual(await shows(), []);
    await page.clock.fastForward('02:00');
    const [shown] = await until(async () => {
      const s = await shows();
      return s.length ? s : null;
    }, { what: 'the reminder to be shown' });
    assert.equal(shown.notification.title, 'Confirm the delivery date');
    assert.match(shown.notification.body, /Shevchuk Petro · due/);
    assert.equal(shown.notification.extra.target, 'client');
    assert.equal(shown.notification.extra.client, petro.id);
    assert.equal(typeof shown.notification.id, 'number');
    // Shown once only.
    await page.clock.fastForward('03:00');
    await page.waitForTimeout(300);
    assert.equal((await shows()).length, 1);
    // "Handled up to" is kept on this device for the next start.
    const handled = await page.evaluate(() => JSON.parse(localStorage.getItem('clientbase.reminders.handledUntil')));
    assert.ok(Date.parse(handled) > Date.parse(shown.time) - 1000);
    assert.deepEqual(errors.map(String), []);
    await server.api('delete_task', { id: task.id });
  } finally {
    await context.close();
  }
});

test('desktop: reminders missed while the app was closed are shown on Today at start-up', { timeout: 60_000 }, async () => {
  const task = await server.api('create_task', {
    input: {
      client_id: petro.id,
      title: 'Send the contract',
      kind: 'other',
      due_at: new Date(Date.now() - 30 * 60_000).toISOString(),
      remind_offset_minutes: 30,
      repeat: 'none',
      note: '',
    },
  });
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...IN_ZONE });
  try {
    // The app last ran two hours ago.
    await context.addInitScript((since) => {
      if (!localStorage.getItem('clientbase.reminders.handledUntil'))
        localStorage.setItem('clientbase.reminders.handledUntil', JSON.stringify(since));
    }, new Date(Date.now() - 2 * HOUR).toISOString());
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(server.url);
    const missed = page.getByTestId('missed-reminders');
    await missed.waitFor();
    assert.match(await missed.innerText(), /1 missed reminder/);
    assert.match(await missed.innerText(), /Send the contract/);
    // Permission was never asked: it is not asked at start-up either.
    assert.equal((await recorded(page)).filter((r) => r.op === 'request_permission').length, 0);
    assert.equal(await page.getByTestId('permission-sheet').count(), 0);
    await shot(page, 'today-12-missed');
    await layoutOk(page);
    // Tapping it opens the client; it is then gone from the block.
    await page.getByTestId('missed-item').first().tap();
    await page.getByTestId('client-card').locator('h1', { hasText: 'Shevchuk' }).waitFor();
    await page.goto(`${server.url}#/`);
    await page.getByTestId('today').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('missed-reminders').count(), 0);
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
    await server.api('delete_task', { id: task.id });
  }
});

test('Android/iOS: upcoming reminders are OS-scheduled (≤ 60), rescheduled on change, tap opens the target', { timeout: 120_000 }, async () => {
  // 70 tasks with reminders over the next days: more than iOS keeps pending.
  const made = [];
  for (let i = 0; i < 70; i++) {
    made.push(
      await server.api('create_task', {
        input: {
          client_id: i % 2 ? petro.id : undefined,
          title: `Visit shop ${i + 1}`,
          kind: 'other',
          due_at: new Date(Date.now() + (2 + i) * HOUR).toISOString(),
          remind_offset_minutes: 60,
          repeat: 'none',
          note: '',
        },
      }),
    );
  }
  const context = await browser.newContext({ ...PHONE, locale: 'en-US', ...IN_ZONE });
  try {
    await context.addInitScript(() => {
      window.__clientbasePlatform = 'android';
      window.__clientbaseNotificationPermission = 'granted';
      localStorage.setItem('clientbase.notifications', JSON.stringify({ asked: true, birthdays: false }));
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(server.url);
    await page.getByTestId('today').waitFor();
    const scheduled = await until(
      async () => {
        const r = (await recorded(page)).filter((x) => x.op === 'schedule');
        return r.length >= 60 ? r : null;
      },
      { what: '60 scheduled notifications' },
    );
    await page.waitForTimeout(300);
    const all = (await recorded(page)).filter((x) => x.op === 'schedule');
    assert.equal(all.length, 60, 'at most 60 pending (iOS keeps 64)');
    assert.equal((await recorded(page)).filter((x) => x.op === 'show').length, 0, 'mobile shows nothing itself');
    // The earliest ones, at their reminder times, ids from Reminder.num.
    const reminders = await server.api('upcoming_reminders', {
      from: new Date().toISOString(),
      to: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
      limit: 200,
    });
    const first = reminders.find((r) => r.title === 'Visit shop 1');
    const s1 = scheduled.find((x) => x.notification.id === first.num);
    assert.ok(s1, 'the first reminder is scheduled under its num');
    assert.equal(Date.parse(s1.at), Date.parse(first.at));
    assert.equal(s1.notification.title, 'Visit shop 1');
    assert.equal(s1.notification.extra.target, 'today');
    const second = reminders.find((r) => r.title === 'Visit shop 2');
    assert.equal(scheduled.find((x) => x.notification.id === second.num).notification.extra.client, petro.id);

    // Completing a task cancels its notification.
    await server.api('complete_task', { id: made[0].id });
    await page.getByTestId('today-add-task').tap();
    await page.getByTestId('task-title').fill('Call the bank');
    await page.getByTestId('task-save').tap(); // a change in the app: reschedule
    await until(async () => (await recorded(page)).some((x) => x.op === 'cancel' && x.ids.includes(first.num)), {
      what: 'the cancel of the completed task',
    });
    const pending = await page.evaluate(() => [...(window.__clientbasePending?.keys() ?? [])]);
    assert.ok(pending.length <= 60, `pending ${pending.length}`);
    assert.ok(!pending.includes(first.num));

    // A tap on a notification opens what it is about.
    await page.evaluate((client) => {
      window.dispatchEvent(new CustomEvent('clientbase-notification-tap', { detail: { target: 'client', client } }));
    }, petro.id);
    await page.getByTestId('client-card').locator('h1', { hasText: 'Shevchuk' }).waitFor();
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
    for (const m of made) await server.api('delete_task', { id: m.id });
  }
});

test('Russian Today at 360×740', { timeout: 60_000 }, async () => {
  const { page, context, errors } = await openPage(browser, server.url, { locale: 'ru-RU', ...IN_ZONE });
  try {
    const today = page.getByTestId('today');
    await today.waitFor();
    await page.locator('nav.bottomnav').getByText('Сегодня').waitFor();
    await today.locator('h1', { hasText: 'Сегодня' }).waitFor();
    await page.getByTestId('section-due').getByText('На сегодня').waitFor();
    await page.getByTestId('section-birthdays').getByText('Дни рождения').waitFor();
    // Plurals: 41 → "год" (one), 40 → "лет" (many).
    assert.match(await page.getByTestId('birthday-row').first().innerText(), new RegExp(`Сегодня · исполняется ${AGE_RU}`));
    assert.match(await page.getByTestId('birthday-row').first().innerText(), /Поздравили/);
    assert.doesNotMatch(await today.innerText(), /\b(Today|Overdue|Due today|Birthdays)\b/);
    await shot(page, 'today-13-ru');
    await layoutOk(page);
    // The "How did it go?" sheet in Russian.
    await page.goto(`${server.url}#/c/${petro.id}`);
    await page.getByTestId('client-card').waitFor();
    await page.getByTestId('log-open').tap();
    await page.getByTestId('log-sheet').getByText('Записать контакт').first().waitFor();
    await page.getByTestId('log-sheet').getByText('Поговорили').waitFor();
    await shot(page, 'today-14-ru-log');
    await layoutOk(page);
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
  }
});

test('desktop 1280×800: Today beside the card', { timeout: 60_000 }, async () => {
  const { page, context, errors } = await openPage(browser, server.url, { device: DESKTOP, ...IN_ZONE });
  try {
    await page.getByTestId('today').waitFor();
    await page.getByTestId('birthday-row').first().locator('a').click();
    await page.getByTestId('client-card').waitFor();
    assert.ok(await page.getByTestId('today').isVisible(), 'Today stays beside the card');
    await shot(page, 'today-15-desktop');
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.width, JSON.stringify(o));
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(errors.map(String), []);
  } finally {
    await context.close();
  }
});

test('Settings of the daily loop: birthday notifications, reminder days, greeting template, cadence, outcomes', { timeout: 120_000 }, async (t) => {
  const { page, context, errors } = await openPage(browser, `${server.url}#/settings`, IN_ZONE);
  const tid = (id) => page.getByTestId(id);
  try {
    await t.test('switching birthday notifications on explains first, then asks the OS', async () => {
      await tid('reminder-settings').waitFor();
      assert.equal(await tid('notify-status').innerText(), 'Notifications are off');
      await tid('birthday-notifications').check();
      const sheet = tid('permission-sheet');
      await sheet.waitFor();
      assert.match(await sheet.innerText(), /birthdays in the morning/);
      assert.equal((await recorded(page)).filter((r) => r.op === 'request_permission').length, 0);
      await tid('perm-allow').tap();
      await tid('notify-status').getByText('Notifications are on').waitFor();
      assert.equal((await recorded(page)).filter((r) => r.op === 'request_permission').length, 1);
      const prefs = await page.evaluate(() => JSON.parse(localStorage.getItem('clientbase.notifications')));
      assert.deepEqual(prefs, { asked: true, birthdays: true });
    });

    await t.test('birthday reminder days are saved in the core', async () => {
      await tid('birthday-days-before').selectOption('3');
      await until(async () => (await server.api('get_reminder_settings')).birthday_days_before === 3, { what: 'the setting' });
      await tid('reminder-settings').scrollIntoViewIfNeeded();
      await shot(page, 'today-16-settings-reminders');
      await layoutOk(page);
      await tid('birthday-days-before').selectOption('1');
      await until(async () => (await server.api('get_reminder_settings')).birthday_days_before === 1, { what: 'the setting back' });
    });

    await t.test('an edited greeting template is what the next draft says', async () => {
      const box = tid('greeting-templates');
      await tid('template-lang-en').tap();
      await tid('template-text').fill('Dear {first_name}, happy birthday!\n');
      // Placeholders are inserted where the cursor is.
      await tid('template-text').press('End');
      await box.getByRole('button', { name: 'Insert {rep_name}' }).tap();
      assert.equal(await tid('template-text').inputValue(), 'Dear {first_name}, happy birthday!\n{rep_name}');
      await tid('template-save').tap();
      await until(async () => (await server.api('list_greeting_templates')).find((x) => x.language === 'en').text.startsWith('Dear'), {
        what: 'the template to be stored',
      });
      const draft = await server.api('greeting_draft', { client: olena.id });
      assert.equal(draft.text, 'Dear Olena, happy birthday!\nIvan Rep');
      await box.scrollIntoViewIfNeeded();
      await shot(page, 'today-17-settings-template');
      await layoutOk(page);
      await box.getByRole('button', { name: 'Reset to default' }).tap();
      await tid('template-save').tap();
      await until(async () => (await server.api('list_greeting_templates')).find((x) => x.language === 'en').text.startsWith('Happy'), {
        what: 'the default back',
      });
    });

    await t.test('a category cadence brings its clients not contacted for that long to Today', async () => {
      const cats = await server.api('list_categories');
      const c = cats.find((x) => x.code === 'C');
      const client = await server.api('create_client', {
        input: person('Marta', 'Lysenko', { category_id: c.id, phones: [{ kind: 'mobile', raw: '+380631234567' }] }),
      });
      const kinds = await server.api('list_interaction_kinds');
      await server.api('log_interaction', {
        input: {
          client_id: client.id,
          kind_id: kinds.find((k) => k.code === 'visit').id,
          at: new Date(Date.now() - 10 * 24 * HOUR).toISOString(),
          note: '',
          next_step: '',
          complete_calls: false,
        },
      });
      const row = page.locator('.cat').nth(cats.indexOf(c));
      await row.getByTestId('cat-cadence').fill('7');
      await row.getByRole('button', { name: 'Save' }).tap();
      await until(async () => (await server.api('list_categories')).find((x) => x.id === c.id).cadence_days === 7, {
        what: 'the cadence to be stored',
      });
      await page.locator('nav.bottomnav [data-testid="nav-today"]').tap();
      const cad = tid('section-cadence').locator(`[data-testid="cadence-row"][data-client="${client.id}"]`);
      await cad.waitFor();
      assert.match(await cad.innerText(), /Lysenko Marta/);
      assert.match(await cad.innerText(), /last contact 10 days ago · every 7 days/);
      assert.equal(await cad.getByTestId('cadence-call').getAttribute('href'), 'tel:+380631234567');
      await tid('section-cadence').scrollIntoViewIfNeeded();
      await shot(page, 'today-18-cadence');
      await layoutOk(page);
    });

    await t.test('a renamed outcome is what the sheets show', async () => {
      await page.locator('nav.bottomnav [data-testid="nav-settings"]').tap();
      const editor = tid('list-editor-outcomes');
      const first = editor.locator('.item').first();
      assert.equal(await first.locator('input').inputValue(), 'Reached');
      await first.locator('input').fill('Spoke with them');
      await first.getByRole('button', { name: 'Save' }).tap();
      await until(async () => (await server.api('list_interaction_outcomes')).some((o) => o.code === 'reached' && o.name === 'Spoke with them'), {
        what: 'the outcome to be renamed',
      });
      await page.goto(`${server.url}#/c/${petro.id}`);
      await tid('log-open').tap();
      await tid('log-sheet').getByText('Spoke with them').waitFor();
      await tid('sheet-close').tap();
    });

    await t.test('no uncaught page errors', () => {
      assert.deepEqual(errors.map(String), []);
    });
  } finally {
    await context.close();
  }
});
