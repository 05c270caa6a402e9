// Reminders as notifications: the one module that decides what to show when.
//
// - Desktop (and the plain browser): the notification plugin can only show a notification at once,
//   so an in-app scheduler keeps the next two days of `upcoming_reminders` and shows each one when it
//   comes due while the app runs. "Handled up to" (the last moment whose reminders were shown) is
//   kept on this device (localStorage); at start-up everything that came due since then is the
//   "missed reminders" block on Today (also shown when notifications are not allowed).
// - Android / iOS: the OS fires them, also with the app closed. The next 30 days (at most
//   MOBILE_LIMIT: iOS keeps 64 pending per app) are scheduled with `schedule.at`, ids from
//   `Reminder.num`; after every change the pending set is diffed and cancelled / re-scheduled.
//   Tapping one opens the client card or Today (its `extra`).
//
// Permission is never asked at start-up: the first time the rep sets a reminder (a task with a
// reminder, or birthday notifications switched on) an explanation sheet comes first, then the OS.
import {
  api,
  cancelNotifications,
  notifyPermissionState,
  notifyPlatform,
  onNotificationTap,
  pendingNotifications,
  requestNotifyPermission,
  scheduleNotification,
  showNotification,
  type OsNotification,
} from './api';
import { app, onDataChanged, showSnack } from './app.svelte';
import type { Reminder } from './bindings/Reminder';
import { taskTitle } from './daily';
import { t, tn } from './i18n/index.svelte';
import { go } from './router.svelte';
import { explainPermission } from './sheets.svelte';
import { formatDay, formatWhen, parseDay } from './time';

const PREFS_KEY = 'clientbase.notifications';
const HANDLED_KEY = 'clientbase.reminders.handledUntil';
const MISSED_KEY = 'clientbase.reminders.missed';
const SCHEDULED_KEY = 'clientbase.reminders.scheduled';

/** iOS keeps at most 64 pending notifications per app; stay below. */
export const MOBILE_LIMIT = 60;
const MOBILE_DAYS = 30;
const DESKTOP_HOURS = 48;
/** Missed reminders older than this are not worth showing. */
const MISSED_DAYS = 7;
const MISSED_MAX = 50;
/** A reminder shown this late (the computer slept) goes to the missed block instead. */
const LATE_MS = 15 * 60_000;
const TICK_MS = 60_000;
const REFETCH_MS = 3_600_000;
const HOUR = 3_600_000;

let mobile = false;
let started = false;

// ---- device-local state ------------------------------------------------------------------------

function readJson<T>(key: string, fallback: T): T {
  try {
    const v = localStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, v: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(v));
  } catch {
    // Private mode / full storage: reminders still work for this session.
  }
}

function savePrefs(): void {
  writeJson(PREFS_KEY, { asked: app.notify.asked, birthdays: app.notify.birthdays });
}

let handledUntil = 0;
function setHandled(ms: number): void {
  handledUntil = ms;
  writeJson(HANDLED_KEY, new Date(ms).toISOString());
}

function saveMissed(): void {
  writeJson(MISSED_KEY, app.missed);
}

/** Task reminders are the rep's own; birthday ones only when switched on for this device. */
function wanted(r: Reminder): boolean {
  return r.kind === 'task' || app.notify.birthdays;
}

const allowed = () => app.notify.asked && app.notify.permission === 'granted';

// ---- wording -----------------------------------------------------------------------------------

/** The notification for a reminder, worded in the UI language. */
export function notificationFor(r: Reminder): OsNotification {
  let title: string;
  let body: string;
  if (r.kind === 'task') {
    title = taskTitle({ title: r.title, kind: r.task_kind ?? 'other' }, r.client_name);
    const when = r.due_at ? t('rem_due', { when: formatWhen(r.due_at, new Date(r.at), { todayWord: true, capital: false }) }) : '';
    body = [r.title.trim() && r.client_name ? r.client_name : '', when].filter(Boolean).join(' · ');
  } else {
    const name = r.client_name ? `${r.title} (${r.client_name})` : r.title;
    title = r.days_before === 0 ? t('rem_bday_today', { name }) : tn('rem_bday_in', r.days_before, { name });
    const day = r.birthday ? formatDay(parseDay(r.birthday)) : '';
    body = [day, r.age ? tn('bd_turns', r.age) : ''].filter(Boolean).join(' · ');
  }
  return {
    id: r.num,
    title,
    body,
    extra: { target: r.target, client: r.client_id ?? '', contact: r.contact_id ?? '', reminder: r.id },
  };
}

/** Opens what a reminder is about. */
export function openReminderTarget(target: { target?: unknown; client?: unknown }): void {
  if (target.target === 'client' && typeof target.client === 'string' && target.client) {
    go({ name: 'card', id: target.client });
  } else {
    go({ name: 'today' });
  }
}

export function openMissed(r: Reminder): void {
  dismissMissed(r.id);
  openReminderTarget({ target: r.target, client: r.client_id });
}

export function dismissMissed(id?: string): void {
  app.missed = id ? app.missed.filter((m) => m.id !== id) : [];
  saveMissed();
}

function addMissed(rs: Reminder[]): void {
  if (rs.length === 0) return;
  const seen = new Set(app.missed.map((m) => m.id));
  const add = rs.filter((r) => !seen.has(r.id));
  app.missed = [...app.missed, ...add].sort((a, b) => a.at.localeCompare(b.at)).slice(-MISSED_MAX);
  saveMissed();
}

// ---- desktop: the in-app scheduler ------------------------------------------------------------

let upcoming: Reminder[] = [];
let fetchedAt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let fetching: Promise<void> | null = null;
let again = false;

async function fetchUpcoming(): Promise<void> {
  if (fetching) {
    again = true;
    return fetching;
  }
  fetching = (async () => {
    do {
      again = false;
      const now = Date.now();
      const from = new Date(Math.max(handledUntil, now - MISSED_DAYS * 24 * HOUR));
      const to = new Date(now + DESKTOP_HOURS * HOUR);
      try {
        upcoming = (await api.upcomingReminders(from.toISOString(), to.toISOString(), 500)).filter(wanted);
        fetchedAt = now;
      } catch {
        // The core is busy or closed: try again at the next tick.
      }
    } while (again);
  })();
  try {
    await fetching;
  } finally {
    fetching = null;
  }
  arm();
}

function arm(): void {
  clearTimeout(timer);
  const next = upcoming.find((r) => Date.parse(r.at) > handledUntil);
  const wait = next ? Math.min(Math.max(Date.parse(next.at) - Date.now(), 0), TICK_MS) : TICK_MS;
  timer = setTimeout(() => void tick(), wait);
}

/** Shows what came due since the last tick. */
async function tick(): Promise<void> {
  if (fetching) return; // the fetch re-arms when done
  const now = Date.now();
  const due = upcoming.filter((r) => {
    const at = Date.parse(r.at);
    return at > handledUntil && at <= now;
  });
  setHandled(now);
  const late: Reminder[] = [];
  for (const r of due) {
    if (!allowed() || now - Date.parse(r.at) > LATE_MS) {
      late.push(r);
      continue;
    }
    try {
      await showNotification(notificationFor(r));
    } catch {
      late.push(r);
    }
  }
  addMissed(late);
  if (now - fetchedAt > REFETCH_MS) await fetchUpcoming();
  else arm();
}

/** Start-up: everything that came due while the app was closed goes to the missed block. */
async function collectMissed(): Promise<void> {
  const now = Date.now();
  const stored = readJson<string | null>(HANDLED_KEY, null);
  const since = stored ? Date.parse(stored) : NaN;
  if (Number.isNaN(since)) {
    setHandled(now); // first start on this device: nothing was missed
    return;
  }
  const from = Math.max(since, now - MISSED_DAYS * 24 * HOUR);
  if (from < now) {
    try {
      const rs = await api.upcomingReminders(new Date(from).toISOString(), new Date(now).toISOString(), MISSED_MAX);
      addMissed(rs.filter(wanted));
    } catch {
      return; // keep handledUntil: try again at the next start
    }
  }
  setHandled(now);
}

// ---- Android / iOS: OS-scheduled notifications ------------------------------------------------

let scheduling: Promise<void> | null = null;
let scheduleAgain = false;

/** Signature of what was scheduled under an id, to re-schedule when its time or words change. */
const signature = (n: OsNotification, at: string) => `${at}|${n.title}|${n.body}`;

async function scheduleOnce(): Promise<void> {
  const scheduled = readJson<Record<string, string>>(SCHEDULED_KEY, {});
  const desired = new Map<number, { n: OsNotification; at: string }>();
  if (allowed()) {
    const now = Date.now();
    const rs = await api.upcomingReminders(
      new Date(now + 5_000).toISOString(),
      new Date(now + MOBILE_DAYS * 24 * HOUR).toISOString(),
      MOBILE_LIMIT * 3,
    );
    for (const r of rs.filter(wanted)) {
      if (desired.size >= MOBILE_LIMIT) break;
      if (!desired.has(r.num)) desired.set(r.num, { n: notificationFor(r), at: r.at });
    }
  }
  let pending: Set<number>;
  try {
    pending = new Set(await pendingNotifications());
  } catch {
    pending = new Set(Object.keys(scheduled).map(Number));
  }
  const stale = [...new Set([...pending, ...Object.keys(scheduled).map(Number)])].filter((id) => {
    const want = desired.get(id);
    return !want || scheduled[id] !== signature(want.n, want.at);
  });
  await cancelNotifications(stale.filter((id) => pending.has(id) || id in scheduled));
  const next: Record<string, string> = {};
  for (const [id, { n, at }] of desired) {
    const sig = signature(n, at);
    if (scheduled[id] === sig && pending.has(id)) {
      next[id] = sig;
      continue;
    }
    try {
      await scheduleNotification(n, at);
      next[id] = sig;
    } catch {
      // A time already past by now, or the OS refused: the next change retries.
    }
  }
  writeJson(SCHEDULED_KEY, next);
}

async function scheduleMobile(): Promise<void> {
  if (scheduling) {
    scheduleAgain = true;
    return scheduling;
  }
  scheduling = (async () => {
    do {
      scheduleAgain = false;
      try {
        await scheduleOnce();
      } catch {
        // The core or the plugin failed; the next change retries.
      }
    } while (scheduleAgain);
  })();
  try {
    await scheduling;
  } finally {
    scheduling = null;
  }
}

// ---- public ------------------------------------------------------------------------------------

/** Tasks, birthdays, settings or the language changed: refetch and reschedule. */
export function remindersChanged(): Promise<void> {
  if (!started) return Promise.resolve();
  return mobile ? scheduleMobile() : fetchUpcoming();
}

/** The app is in the foreground again (or the computer woke up): catch up. */
export function remindersForeground(): void {
  if (!started) return;
  if (mobile) {
    // The rep may have allowed or blocked notifications in the system settings meanwhile.
    void notifyPermissionState()
      .then((p) => (app.notify.permission = p))
      .catch(() => {})
      .then(() => scheduleMobile());
  } else void tick();
}

/** Start-up (after boot). Never asks for the permission. */
export async function startReminders(): Promise<void> {
  if (started) return;
  const prefs = readJson<{ asked?: boolean; birthdays?: boolean }>(PREFS_KEY, {});
  app.notify.asked = !!prefs.asked;
  app.notify.birthdays = !!prefs.birthdays;
  app.missed = readJson<Reminder[]>(MISSED_KEY, []);
  try {
    app.notify.platform = await notifyPlatform();
  } catch {
    app.notify.platform = 'desktop';
  }
  mobile = app.notify.platform !== 'desktop';
  try {
    app.notify.permission = await notifyPermissionState();
  } catch {
    app.notify.permission = 'prompt';
  }
  started = true;
  onDataChanged(() => void remindersChanged());
  if (mobile) {
    onNotificationTap((extra) => openReminderTarget(extra)).catch(() => {});
    await scheduleMobile();
  } else {
    const stored = readJson<string | null>(HANDLED_KEY, null);
    handledUntil = stored ? Date.parse(stored) || 0 : 0;
    await collectMissed();
    await fetchUpcoming();
  }
}

/**
 * The rep just set a reminder: the first time, explain and ask the OS. Resolves whether
 * notifications will be shown; when they will not, says so (reminders stay in the app).
 */
export async function ensureNotifications(reason: 'task' | 'birthdays' | 'settings'): Promise<boolean> {
  if (app.notify.asked && app.notify.permission === 'granted') return true;
  if (app.notify.asked && reason === 'task') return false; // asked once; Settings can ask again
  const allow = await explainPermission(reason);
  app.notify.asked = true;
  savePrefs();
  if (!allow) {
    showSnack({ text: t('notify_later') }, 6000);
    return false;
  }
  let result: 'granted' | 'denied' | 'prompt';
  try {
    result = await requestNotifyPermission();
  } catch {
    result = 'denied';
  }
  app.notify.permission = result;
  if (result !== 'granted') showSnack({ text: t('notify_denied') }, 8000);
  await remindersChanged();
  return result === 'granted';
}

/** Settings: "Allow notifications" (after "Not now" or a refusal). */
export function allowNotifications(): Promise<boolean> {
  app.notify.asked = false;
  return ensureNotifications('settings');
}

/** Settings: birthday notifications on this device on/off. */
export async function setBirthdayNotifications(on: boolean): Promise<void> {
  app.notify.birthdays = on;
  savePrefs();
  if (on) await ensureNotifications('birthdays');
  await remindersChanged();
}
