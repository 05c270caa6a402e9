// "How did it go?": after a one-tap Call / WhatsApp / Telegram / Viber / SMS the rep leaves the app
// (dialer, messenger). When the app comes back to the foreground, the outcome sheet opens for that
// client. It does not open if the app was not left within LEAVE_WINDOW_MS of the tap (the link did
// not open anything), if the rep was away only a moment, or if the return is too late to be about
// that call.
import type { Channel } from './bindings/Channel';
import { sheets, type Person } from './sheets.svelte';

/** The app must go to the background within this time after the tap. */
export const LEAVE_WINDOW_MS = 60_000;
/** Shorter absences (a permission prompt, a flicker of focus) do not count as having left. */
export const MIN_AWAY_MS = 800;
/** After this long the return is no longer about that call. */
export const MAX_AWAY_MS = 4 * 3_600_000;

type Pending = { person: Person; channel: Channel; tappedAt: number; leftAt: number | null };
let pending: Pending | null = null;
let installed = false;

/** Called when the rep taps a call or message action of `person`. */
export function actionStarted(person: Person, channel: Channel): void {
  install();
  pending = { person, channel, tappedAt: Date.now(), leftAt: null };
}

function left(): void {
  if (!pending || pending.leftAt !== null) return;
  if (Date.now() - pending.tappedAt > LEAVE_WINDOW_MS) {
    pending = null;
    return;
  }
  pending.leftAt = Date.now();
}

function returned(): void {
  if (!pending) return;
  const p = pending;
  const now = Date.now();
  if (p.leftAt === null) {
    // Still here: forget the tap once the window has passed.
    if (now - p.tappedAt > LEAVE_WINDOW_MS) pending = null;
    return;
  }
  const away = now - p.leftAt;
  if (away < MIN_AWAY_MS) {
    p.leftAt = null;
    return;
  }
  pending = null;
  if (away > MAX_AWAY_MS) return;
  // A sheet the rep is busy with (a log, a greeting) is not covered by this one.
  if (sheets.log || sheets.congratulate || sheets.task) return;
  sheets.outcome = { person: p.person, channel: p.channel };
}

function install(): void {
  if (installed) return;
  installed = true;
  document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? left() : returned()));
  window.addEventListener('blur', left);
  window.addEventListener('focus', returned);
  window.addEventListener('pagehide', left);
  window.addEventListener('pageshow', returned);
}
