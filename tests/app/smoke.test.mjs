// Smoke test of the REAL Tauri app (target/debug/clientbase-app, or $CLIENTBASE_APP) under Xvfb,
// driven over WebDriver by WebKitGTK's own driver. Run through `npm test` inside
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- npm test
// (scripts/test.sh does this). Command logic is tested in the core; this checks the shell: the app
// starts on the given --db, the UI reaches the core over IPC, the card's links are right, opening a
// link passes the opener scope, and a start-up failure reaches the UI instead of killing the app.
//
// Screenshots go to tests/artifacts/app-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, appBinary, sleep } from './wd.mjs';
import { SEL } from './selectors.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'clientbase-app-'));
const opened = join(tmp, 'opened.txt');
let driver;

before(async () => {
  assert.ok(existsSync(appBinary()), `app binary missing: ${appBinary()} (cargo build -p clientbase-app)`);
  // Desktop opens URLs with xdg-open; there is no tel: handler here. A stub first on PATH records them.
  const bin = join(tmp, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${opened}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  driver = await startDriver({ env: { PATH: `${bin}:${process.env.PATH}` } });
});

after(async () => {
  await driver?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Digits of a phone string. */
const digits = (s) => (s || '').replace(/\D/g, '');

test('demo → search by phone fragment → card links → add → duplicate warning', { timeout: 180000 }, async (t) => {
  const s = await driver.session(appBinary(), ['--db', join(tmp, 'smoke.db')]);
  try {
    let known;

    await t.test('starts on an empty base and offers demo clients', async () => {
      const info = await s.invoke('app_info');
      assert.equal(info.platform, 'desktop');
      assert.ok(info.db_path.endsWith('smoke.db'), `db_path ${info.db_path}`);
      await s.waitFor(SEL.demoButton, { timeout: 20000 });
      await s.screenshot('app-01-empty');
    });

    await t.test('"Try with demo clients" fills Today (the start screen) and the list', async () => {
      await (await s.find(SEL.demoButton)).click();
      // The demo base has tasks and birthdays: Today shows them, with the badge the core counts.
      await s.waitUntil(async () => (await s.findAll(SEL.todayRows)).length >= 1, { timeout: 30000, what: 'Today rows' });
      const today = await s.invoke('today');
      assert.ok(today.overdue.length + today.due_today.length + today.birthdays.length > 0, JSON.stringify(today.counts));
      const stats = await s.invoke('stats');
      assert.ok(stats.clients > 0 && stats.demo_clients === stats.clients, JSON.stringify(stats));
      if (today.counts.badge > 0) {
        const badge = await s.waitFor(SEL.todayBadge);
        assert.equal((await badge.prop('textContent')).trim(), String(today.counts.badge));
      }
      await sleep(300); // let it paint before the screenshot
      await s.screenshot('app-02-today');
      await (await s.waitFor(SEL.navClients)).click();
      await s.waitUntil(async () => (await s.findAll(SEL.row)).length >= 5, { timeout: 30000, what: 'list rows' });
      await sleep(300);
      await s.screenshot('app-02b-demo-list');
    });

    await t.test('a phone fragment finds a known client', async () => {
      // Fixture: a demo client with a phone and a WhatsApp action, read over the app's own IPC.
      const page = await s.invoke('list_clients', {
        query: { text: '', category_ids: [], sort: 'name', offset: 0, limit: 200 },
      });
      for (const row of page.rows) {
        if (!row.phone) continue;
        const card = await s.invoke('get_client', { id: row.id });
        const kinds = card.actions.map((a) => a.kind);
        if (kinds.includes('call') && kinds.includes('whatsapp')) {
          known = { row, card };
          break;
        }
      }
      assert.ok(known, 'no demo client among the first 200 has a phone and WhatsApp');
      const fragment = digits(known.row.phone).slice(-7);
      const search = await s.find(SEL.search);
      await search.click();
      await search.type(fragment);
      const row = await s.waitUntil(
        async () => {
          const rows = await s.findAll(SEL.row);
          // textContent: WebKitWebDriver's element text leaves out parts of the row.
          for (const r of rows) if ((await r.prop('textContent')).includes(known.row.display_name)) return r;
          return null;
        },
        { timeout: 10000, what: `a row with ${known.row.display_name} for "${fragment}"` },
      );
      await s.screenshot('app-03-search');
      await row.click();
    });

    await t.test('the card has Call tel:+… and WhatsApp https://wa.me/… links', async () => {
      const call = await s.waitFor(SEL.actionCall);
      const wa = await s.find(SEL.actionWhatsapp);
      const callHref = (await call.attr('href')) ?? (await call.attr('data-url'));
      const waHref = (await wa.attr('href')) ?? (await wa.attr('data-url'));
      assert.match(callHref, /^tel:\+\d{7,15}$/);
      assert.match(waHref, /^https:\/\/wa\.me\/\d{7,15}/);
      assert.equal(digits(callHref), digits(known.card.actions.find((a) => a.kind === 'call').url));
      await s.screenshot('app-04-card');

      // Tapping Call goes through the opener plugin, whose capability scope must allow tel:.
      await call.click();
      await s.waitUntil(() => existsSync(opened) && readFileSync(opened, 'utf8').includes('tel:+'), {
        timeout: 5000,
        what: 'xdg-open to receive the tel: URL (opener scope)',
      });
      assert.match(readFileSync(opened, 'utf8'), new RegExp(`tel:\\+${digits(callHref)}`));
    });

    await t.test('completing a task on Today reaches the core over IPC', async () => {
      await (await s.waitFor(SEL.navToday)).click();
      const before = await s.invoke('today');
      const open = before.overdue.length + before.due_today.length;
      if (open === 0) return; // the demo activity always has some; guard against a date edge
      const first = await s.waitFor(SEL.taskComplete);
      await first.click();
      await s.waitUntil(
        async () => {
          const now = await s.invoke('today');
          return now.counts.overdue + now.counts.due_today === before.counts.overdue + before.counts.due_today - 1;
        },
        { timeout: 10000, what: 'one open task fewer' },
      );
      await s.screenshot('app-02c-task-done');
    });

    await t.test('add a client, then the same phone again shows a duplicate warning', async () => {
      const phone = '+380 67 555 01 23';
      const addClient = async (first, last) => {
        // Phone and desktop layouts each have an Add link; click the one that is shown.
        await (await s.waitFor(SEL.addButton)).click();
        await (await s.waitFor(SEL.firstName)).type(first);
        await (await s.find(SEL.lastName)).type(last);
        await (await s.find(SEL.phone)).type(phone);
      };
      await addClient('Smoke', 'Tester');
      await s.screenshot('app-05-form');
      await (await s.find(SEL.save)).click();
      await s.waitUntil(async () => (await s.invoke('stats')).clients > (await s.invoke('stats')).demo_clients, {
        what: 'the new client to be stored',
      });
      await s.waitFor(SEL.card); // saving opens the new client's card
      await s.screenshot('app-06-saved');
      await addClient('Smoke', 'Again');
      await (await s.find(SEL.save)).click(); // the duplicate check runs on save
      const warning = await s.waitFor(SEL.duplicateWarning, { timeout: 10000 });
      assert.match(await warning.prop('textContent'), /Tester/);
      await s.screenshot('app-07-duplicate');
    });
  } finally {
    await s.screenshot('app-99-last').catch(() => {});
    await s.quit();
  }
});

test('a database from a newer app version is reported to the UI, not a crash', { timeout: 60000 }, async () => {
  const db = join(tmp, 'newer.db');
  // An SQLite file whose user_version (schema version) is far above anything this app knows.
  execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=9999"); c.commit()', db]);
  const s = await driver.session(appBinary(), ['--db', db]);
  try {
    const err = await s.invoke('app_info').then(
      () => null,
      (e) => e.message,
    );
    assert.ok(err && err.includes('schema_too_new'), `app_info error: ${err}`);
    await s.waitFor(SEL.startupError, { timeout: 10000 });
    await s.screenshot('app-08-schema-too-new');
  } finally {
    await s.quit();
  }
});

test('the opener capability allows exactly the schemes the card opens', { timeout: 60000 }, async () => {
  const s = await driver.session(appBinary(), ['--db', join(tmp, 'opener.db')]);
  try {
    await s.waitFor(SEL.demoButton, { timeout: 20000 });
    const allowed = [
      'tel:+380671234567',
      'sms:+380671234567',
      'mailto:rep@example.com',
      'https://wa.me/380671234567',
      'https://t.me/someone',
      'viber://chat?number=%2B380671234567',
      'geo:0,0?q=Kyiv',
      'https://maps.apple.com/?q=Kyiv',
      'https://www.openstreetmap.org/search?query=Kyiv',
      'http://example.com/',
      'https://example.com/shop',
    ];
    const denied = ['file:///etc/passwd', 'tg://resolve?domain=x', 'whatsapp://send?phone=1', 'ftp://example.com/'];
    for (const url of allowed) await s.invoke('plugin:opener|open_url', { url });
    for (const url of denied) {
      await assert.rejects(s.invoke('plugin:opener|open_url', { url }), undefined, `${url} must be refused`);
    }
    await s.waitUntil(() => existsSync(opened) && allowed.every((u) => readFileSync(opened, 'utf8').includes(u)), {
      timeout: 5000,
      what: 'xdg-open to receive every allowed URL',
    });
    const got = readFileSync(opened, 'utf8');
    for (const url of denied) assert.ok(!got.includes(url), `${url} reached xdg-open`);
  } finally {
    await s.quit();
  }
});
