// Measurement script (not a test): the real Tauri app on a large demo base, under Xvfb, over WebDriver.
//
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
//     node tests/app/bench-keystroke.mjs [--clients 100000] [--rounds 3] [--starts 3]
//   (CLIENTBASE_APP=target/release/clientbase-app for the release build)
//
// 1. First start on a new base with `--demo N`: launch → Today shown (includes generating N clients).
// 2. Warm starts on that base (`--starts` times): launch → the Today screen (where the app opens)
//    filled in, then a tap on the Clients tab → first list rows in the DOM. Reported both as wall
//    time from the WebDriver "new session" request (process start included) and as in-page time
//    from the page's timeOrigin.
// 3. Keystroke → list painted: for each key typed into the search box, from the page's `keydown` to
//    the first animation frame after the list's DOM changed (rAF + a task, i.e. after the paint).
//    Queries are fragments of real names and phone numbers of the base. Prints p50/p90/p99/max.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDriver, appBinary, sleep, ARTIFACTS } from './wd.mjs';
import { SEL } from './selectors.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const CLIENTS = Number(arg('clients', 100000));
const ROUNDS = Number(arg('rounds', 3));
const STARTS = Number(arg('starts', 3));
const BINARY = arg('app', appBinary());
mkdirSync(ARTIFACTS, { recursive: true });
const DB = arg('db', join(ARTIFACTS, `bench-${CLIENTS}.db`));

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (x) => `${x.toFixed(1)} ms`;
const summary = (xs) =>
  `n=${xs.length} p50 ${fmt(pct(xs, 50))}  p90 ${fmt(pct(xs, 90))}  p99 ${fmt(pct(xs, 99))}  max ${fmt(Math.max(...xs))}`;

/** Launches the app, waits for Today, then opens the list and waits for its rows; returns timings. */
async function start(driver, args, timeout) {
  const t0 = performance.now();
  const s = await driver.session(BINARY, args);
  const tSession = performance.now() - t0;
  await s.waitUntil(async () => (await s.findAll(SEL.todayRows)).length > 0, { timeout, interval: 10, what: 'Today rows' });
  const today = performance.now() - t0;
  const inPageToday = await s.exec('return performance.now();');
  // The page's own marks (ui/src/main.ts, lib/app.svelte.ts): modules evaluated, first paint, the
  // first screen's data (one `boot` call) arrived.
  const marks = await s.exec(`
    const at = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? Math.round(e.startTime) : null; };
    const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
    return { modules: at('cb:modules'), paint: fcp ? Math.round(fcp.startTime) : null, data: at('cb:data') };`);
  await (await s.waitFor(SEL.navClients)).click();
  await s.waitUntil(async () => (await s.findAll(SEL.row)).length > 0, { timeout, interval: 10, what: 'list rows' });
  const wall = performance.now() - t0;
  const inPage = await s.exec('return performance.now();');
  return { s, wall, today, tSession, inPage, inPageToday, marks };
}

const KEYSTROKE_SETUP = `
  const [inputSel, listSel] = arguments;
  const input = document.querySelector(inputSel);
  const list = document.querySelector(listSel) || document.body;
  const kb = (window.__kb = { t0: 0, t1: 0, seen: false });
  input.addEventListener('keydown', () => { kb.t0 = performance.now(); }, { once: true, capture: true });
  const mo = new MutationObserver(() => {
    if (!kb.t0 || kb.seen) return;
    kb.seen = true;
    mo.disconnect();
    requestAnimationFrame(() => setTimeout(() => { kb.t1 = performance.now(); }, 0));
  });
  mo.observe(list, { childList: true, subtree: true, characterData: true, attributes: true });
  window.__kbStop = () => mo.disconnect();
`;

async function typeMeasured(s, input, ch) {
  await s.exec(KEYSTROKE_SETUP, SEL.search, SEL.list);
  await input.type(ch);
  const deadline = Date.now() + 2000;
  for (;;) {
    const kb = await s.exec('return window.__kb;');
    if (kb.t1) return kb.t1 - kb.t0;
    if (Date.now() > deadline) {
      await s.exec('window.__kbStop && window.__kbStop();');
      return null; // the list did not change (same rows) or the key was lost
    }
    await sleep(5);
  }
}

async function clearSearch(s, input) {
  const value = (await input.prop('value')) || '';
  if (value.length) await input.type('\uE003'.repeat(value.length));
  await sleep(300);
}

const driver = await startDriver();
try {
  const fresh = !existsSync(DB);
  console.log(`app ${BINARY}\ndb  ${DB} (${fresh ? 'new' : 'existing'})`);
  if (fresh) {
    rmSync(`${DB}-wal`, { force: true });
    const first = await start(driver, ['--db', DB, '--demo', String(CLIENTS)], 600000);
    console.log(`first start incl. generating ${CLIENTS} demo clients: ${fmt(first.wall)}`);
    await first.s.quit();
    await sleep(500);
  }

  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    const r = await start(driver, ['--db', DB], 60000);
    starts.push(r);
    console.log(
      `warm start ${i + 1}: launch → Today ${fmt(r.today)}, → list rows after tapping Clients ${fmt(r.wall)} ` +
        `(session up after ${fmt(r.tSession)}; in-page since timeOrigin: Today ${fmt(r.inPageToday)}, list ${fmt(r.inPage)}; ` +
        `marks: modules ${r.marks.modules}, first paint ${r.marks.paint}, Today's data ${r.marks.data} ms)`,
    );
    if (i < STARTS - 1) {
      await r.s.quit();
      await sleep(500);
    }
  }
  const s = starts[starts.length - 1].s;
  const stats = await s.invoke('stats');
  console.log(`base: ${stats.clients} clients`);

  // Queries: fragments of real Latin names and phone numbers of the base.
  const page = await s.invoke('list_clients', {
    query: { text: '', category_ids: [], sort: 'recent', offset: 0, limit: 400 },
  });
  const names = page.rows
    .map((r) => r.display_name.split(/\s+/)[0])
    .filter((w) => /^[A-Za-z]{4,}$/.test(w))
    .map((w) => w.slice(0, 4).toLowerCase());
  const phones = page.rows.filter((r) => r.phone).map((r) => r.phone.replace(/\D/g, '').slice(-6, -2));
  const queries = [...new Set([...names.slice(0, 4), ...phones.slice(0, 3)])];
  console.log(`queries: ${queries.join(', ')}`);

  const input = await s.waitFor(SEL.search);
  await input.click();
  const times = [];
  let lost = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      await clearSearch(s, input);
      for (const ch of q) {
        const ms = await typeMeasured(s, input, ch);
        if (ms === null) lost++;
        else times.push(ms);
      }
      await sleep(150);
    }
  }
  await s.screenshot('bench-after-typing');
  console.log(`keystroke → list painted (${CLIENTS} clients): ${summary(times)}; unchanged/lost ${lost}`);
  console.log(`warm start → Today: ${starts.map((r) => fmt(r.today)).join(', ')}`);
  console.log(`warm start → list rows (Today, then a tap on Clients): ${starts.map((r) => fmt(r.wall)).join(', ')}`);
  await s.quit();
} finally {
  await driver.stop();
}
