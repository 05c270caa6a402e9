// A due reminder becomes a real desktop notification: the REAL Tauri app (under Xvfb, over
// WebDriver, as smoke.test.mjs) with a real notification daemon (dunst) on the test's D-Bus session.
// The in-app scheduler (ui/src/lib/reminders.ts) shows each reminder when it comes due while the app
// runs; tauri-plugin-notification sends it over D-Bus (org.freedesktop.Notifications) to dunst, and
// `dunstctl` reads what dunst received. Nothing is mocked: the task, its reminder time, the app's
// timer, the plugin and the daemon are the real ones.
//
// Needs DISPLAY (xvfb-run) and a D-Bus session (dbus-run-session): scripts/test.sh provides both.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, appBinary, sleep } from './wd.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'clientbase-notify-'));
let driver;
let dunst;

const dunstctl = (...args) => execFileSync('dunstctl', args, { encoding: 'utf8' });

/** Summaries and bodies of every notification dunst shows or has shown. */
function received() {
  // Shown notifications enter dunst's history when closed.
  dunstctl('close-all');
  const history = JSON.parse(dunstctl('history'));
  return history.data.flat().map((n) => ({
    summary: n.summary?.data ?? '',
    body: n.body?.data ?? '',
    appname: n.appname?.data ?? '',
  }));
}

before(async () => {
  assert.ok(existsSync(appBinary()), `app binary missing: ${appBinary()} (cargo build -p clientbase-app)`);
  assert.ok(process.env.DISPLAY, 'DISPLAY is not set: run under xvfb-run');
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'no D-Bus session: run under dbus-run-session');
  dunst = spawn('dunst', [], { stdio: 'ignore' });
  // dunst answers dunstctl once it owns org.freedesktop.Notifications.
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      dunstctl('is-paused');
      break;
    } catch (e) {
      if (dunst.exitCode !== null) throw new Error(`dunst exited with ${dunst.exitCode}`);
      if (Date.now() > deadline) throw new Error(`dunst did not start: ${e.message}`);
      await sleep(100);
    }
  }
  driver = await startDriver();
});

after(async () => {
  await driver?.stop();
  dunst?.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
});

test('a task reminder that comes due while the app runs is shown by the desktop notification daemon', { timeout: 120000 }, async () => {
  const s = await driver.session(appBinary(), ['--db', join(tmp, 'notify.db')]);
  try {
    await s.waitFor('[data-testid="nav-today"]', { timeout: 30000 });
    // The rep already allowed notifications (the explanation sheet is browser-tested); the OS
    // permission itself is the plugin's real answer (always granted on desktop).
    await s.exec(`localStorage.setItem('clientbase.notifications', JSON.stringify({ asked: true })); return true;`);
    const token = `Notify check ${process.pid}`;
    const dueIn = 8000;
    const task = await s.invoke('create_task', {
      input: {
        title: token,
        due_at: new Date(Date.now() + dueIn).toISOString(),
        remind_offset_minutes: 0,
        note: '',
      },
    });
    assert.equal(task.title, token);
    // A fresh start of the UI: the scheduler reads the upcoming reminders (ours among them).
    await s.exec('location.reload(); return true;');
    await s.waitFor('[data-testid="nav-today"]', { timeout: 30000 });
    assert.equal(received().filter((n) => n.summary.includes(token)).length, 0, 'shown before it was due');

    const shown = await s.waitUntil(
      async () => received().find((n) => n.summary.includes(token) || n.body.includes(token)),
      { timeout: dueIn + 30000, interval: 500, what: `a notification for "${token}" in dunst` },
    );
    assert.ok(shown.summary.length > 0, JSON.stringify(shown));
    // Shown once, and not also put in the "missed" block.
    await sleep(1500);
    assert.equal(received().filter((n) => n.summary.includes(token) || n.body.includes(token)).length, 1);
    const missed = await s.exec(`return localStorage.getItem('clientbase.reminders.missed');`);
    assert.ok(!missed || !missed.includes(token), `also listed as missed: ${missed}`);
    await s.screenshot('app-notify-after');
  } finally {
    await s.quit();
  }
});
