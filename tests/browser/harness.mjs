// Shared test harness: start clientbase-devserver (real core, fresh temp DB) and Debian Chromium
// through playwright-core at phone size with touch. Builds nothing: expects the devserver binary
// ($CLIENTBASE_DEVSERVER, default target/debug/clientbase-devserver) and ui/dist to exist.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

export function devserverPath() {
  const p = process.env.CLIENTBASE_DEVSERVER ?? 'target/debug/clientbase-devserver';
  return isAbsolute(p) ? p : resolve(ROOT, p);
}

/**
 * A fixed-offset time zone (no DST) in which the instant `at` falls between 12:00 and 12:59 local time.
 * A test that gives it to the core (`startServer({ tz: zone.tz })`), to the browser (`timezoneId`) and
 * uses `offsetMs` for its own dates has "today" mean the same day everywhere, and nowhere near its end:
 * local midnight is 11 hours away, far beyond any test file's time limits, whatever the hour of the run
 * and the machine's own zone.
 * @returns {{timezoneId: string, tz: string, offsetMs: number}} `timezoneId` for Chromium (an IANA id,
 *   which Chromium's ICU knows), `tz` for the devserver's TZ (POSIX form: needs no tzdata files),
 *   `offsetMs` = local − UTC.
 */
export function zoneAtNoon(at = Date.now()) {
  const h = 12 - new Date(at).getUTCHours(); // −11 … +12: every one is a real zone
  const abs = Math.abs(h);
  return {
    // IANA's Etc/GMT±N have POSIX's inverted sign: Etc/GMT-3 is UTC+3.
    timezoneId: h === 0 ? 'UTC' : `Etc/GMT${h > 0 ? '-' : '+'}${abs}`,
    tz: h === 0 ? 'UTC0' : `<${h > 0 ? '+' : '-'}${String(abs).padStart(2, '0')}>${-h}`,
    offsetMs: h * 3_600_000,
  };
}

/**
 * Starts the devserver on port 0 with a fresh DB in a temp dir. `tz` (optional) is its TZ: the zone the
 * core takes "now" in (Today, reminders, birthdays); by default the one this process has.
 * @returns {Promise<{url: string, api: (cmd: string, args?: object) => Promise<any>, stop: () => Promise<void>}>}
 */
export async function startServer({ demo, tz } = {}) {
  const bin = devserverPath();
  if (!existsSync(bin)) throw new Error(`devserver binary missing: ${bin} (cargo build -p clientbase-devserver)`);
  const ui = join(ROOT, 'ui', 'dist');
  if (!existsSync(join(ui, 'index.html'))) throw new Error(`${ui}/index.html missing (cd ui && npm run build)`);
  const dir = mkdtempSync(join(tmpdir(), 'clientbase-browser-'));
  const args = ['--port', '0', '--db', join(dir, 'test.db'), '--ui', ui];
  if (demo) args.push('--demo', String(demo));
  const env = tz === undefined ? process.env : { ...process.env, TZ: tz };
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`devserver did not start in 120 s\n${stderr}`)), 120_000);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      m ? res(m[1]) : rej(new Error(`unexpected first line: ${line}\n${stderr}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`devserver exited with ${code}\n${stderr}`));
    });
  });
  const api = async (cmd, body = {}) => {
    const r = await fetch(`${url}/api/${cmd}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw Object.assign(new Error(`${cmd}: ${json.code}: ${json.message}`), { apiError: json, status: r.status });
    return json;
  };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, api, stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page with its own context (so language/localStorage never leak between tests). `timezoneId`
 * (optional) is the page's zone; by default the machine's.
 */
export async function openPage(browser, url, { device = PHONE, locale = 'en-US', timezoneId } = {}) {
  const context = await browser.newContext({ ...device, locale, ...(timezoneId ? { timezoneId } : {}) });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(url);
  return { page, context, errors };
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Digits only. */
export const digits = (s) => String(s ?? '').replace(/\D/g, '');

/** The page must not scroll sideways (nothing overflows the phone's width). */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const over = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed') {
        // Elements inside a horizontally scrollable strip are fine.
        let p = el.parentElement;
        let scrollable = false;
        while (p) {
          const s = getComputedStyle(p);
          if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') {
            scrollable = true;
            break;
          }
          p = p.parentElement;
        }
        if (!scrollable) over.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.scrollingElement.scrollWidth, width: w, over: over.slice(0, 10) };
  });
}

/** Visible interactive elements smaller than 44×44 CSS px (WCAG 2.5.5 / platform guidance). */
export async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('button, a[href], select, input:not([type=hidden]), textarea, summary')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || el.closest('.sr-only')) continue;
      if (r.bottom < 0 || r.top > window.innerHeight) continue;
      // A text input inside a bigger tappable box (search field, tag box) counts at the box's size.
      const box = el.closest('label, .box') ?? el;
      const b = box.getBoundingClientRect();
      if (Math.max(r.height, b.height) < 43.5 || Math.max(r.width, b.width) < 43.5) {
        out.push(`${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
}

/** Polls `fn` until it returns something truthy. */
export async function until(fn, { timeout = 10_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
