// Saving an export in the REAL Tauri app (under Xvfb, over WebDriver, as smoke.test.mjs): a web
// view's <a download> has no download manager in the app, so Settings → Export goes through the
// shell's `save_file`, which writes into the user's Downloads folder (the XDG user folder, set
// here to a temp dir) without replacing an earlier file. The test reads the files back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, rmSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, appBinary } from './wd.mjs';

const tid = (id) => `[data-testid="${id}"]`;
const tmp = mkdtempSync(join(tmpdir(), 'clientbase-files-'));
const downloads = join(tmp, 'dl');
let driver;

before(async () => {
  assert.ok(existsSync(appBinary()), `app binary missing: ${appBinary()} (cargo build -p clientbase-app)`);
  const config = join(tmp, 'config');
  mkdirSync(config);
  writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  driver = await startDriver({ env: { XDG_CONFIG_HOME: config } });
});

after(async () => {
  await driver?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('Settings → Export saves a CSV into Downloads, a second export beside it', { timeout: 120000 }, async () => {
  const s = await driver.session(appBinary(), ['--db', join(tmp, 'files.db')]);
  try {
    await s.waitFor(tid('nav-today'), { timeout: 30000 });
    const stats = await s.invoke('load_demo', { count: 40 });
    assert.equal(stats.clients, 40);
    await (await s.waitFor(tid('nav-settings'))).click();
    await s.waitFor(tid('export-format'));
    await s.exec(
      `const el = document.querySelector('[data-testid="export-format"]');
       el.value = 'csv'; el.dispatchEvent(new Event('change', { bubbles: true })); return el.value;`,
    );
    await (await s.waitFor(tid('export-start'))).click();
    const files = await s.waitUntil(
      () => (existsSync(downloads) ? readdirSync(downloads).filter((f) => f.endsWith('.csv')) : []).length === 1 && readdirSync(downloads),
      { timeout: 20000, what: 'a CSV in Downloads' },
    );
    assert.equal(files.length, 1, `only the file, no leftovers: ${files}`);
    const csv = readFileSync(join(downloads, files[0]));
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM (Excel opens Cyrillic)');
    const lines = csv.toString('utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 41, 'a header and the 40 clients');
    // The snack names where it went.
    await s.waitUntil(async () => (await s.exec('return document.body.innerText;')).includes(downloads), {
      timeout: 5000,
      what: 'the saved path on screen',
    });
    await s.screenshot('app-export-saved');

    // Again: a second file, the first one kept.
    // (The snack with the path may cover the button for a while: press it from the page.)
    await s.exec(`document.querySelector('[data-testid="export-start"]').click(); return true;`);
    await s.waitUntil(() => readdirSync(downloads).filter((f) => f.endsWith('.csv')).length === 2, {
      timeout: 20000,
      what: 'a second CSV',
    });
    const both = readdirSync(downloads).sort();
    assert.ok(both.some((f) => / \(1\)\.csv$/.test(f)), both.join(', '));
    assert.deepEqual(readFileSync(join(downloads, files[0])), csv, 'the first export is untouched');
  } finally {
    await s.quit();
  }
});
