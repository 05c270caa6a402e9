// Local date and time helpers for the daily loop. The core speaks RFC 3339 instants; the UI shows and
// picks local dates and times (the device's zone), words them with Intl in the UI language.
import { lang } from './i18n/index.svelte';

const DAY_MS = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a local date. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `HH:MM` of a local time. */
export function localTime(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A local date (`YYYY-MM-DD`) and time (`HH:MM`) → a Date (a DST gap moves forward, as the OS does). */
export function fromLocal(date: string, time: string): Date | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{1,2}):(\d{2})/.exec(time || '00:00');
  if (!dm || !tm) return null;
  const d = new Date(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2]), 0, 0);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Local midnight of `d`. */
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** Calendar days from today to `d` (negative = past), in local dates. */
export function daysFromToday(d: Date, now = new Date()): number {
  const a = startOfDay(now);
  const b = startOfDay(d);
  return Math.round((b.getTime() - a.getTime()) / DAY_MS);
}

/** A `YYYY-MM-DD` as a local Date at noon (safe from DST edges). */
export function parseDay(s: string): Date {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(y, (m ?? 1) - 1, d ?? 1, 12);
}

/** Tomorrow at `HH:MM` local. */
export function tomorrowAt(hhmm: string, now = new Date()): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, h || 0, m || 0);
}

/** `minutes` from now, rounded up to the next 5 minutes. */
export function inMinutes(minutes: number, now = new Date()): Date {
  const t = new Date(now.getTime() + minutes * 60_000);
  t.setSeconds(0, 0);
  const over = t.getMinutes() % 5;
  if (over) t.setMinutes(t.getMinutes() + 5 - over);
  return t;
}

/** The first `HH:MM` (or `H:MM`, `HH.MM`) in free text like "weekdays after 14:00". */
export function timeInText(text: string | undefined): string | null {
  const m = /\b([01]?\d|2[0-3])[:.]([0-5]\d)\b/.exec(text ?? '');
  return m ? `${pad(Number(m[1]))}:${m[2]}` : null;
}

function upperFirst(s: string): string {
  return s ? s[0].toLocaleUpperCase(lang()) + s.slice(1) : s;
}

/** "Today" / "Tomorrow" / "Yesterday" / "In 3 days" / "3 days ago" in the UI language. */
export function relativeDay(days: number, capital = true): string {
  const s = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' }).format(days, 'day');
  return capital ? upperFirst(s) : s;
}

export function formatTime(d: Date): string {
  return new Intl.DateTimeFormat(lang(), { timeStyle: 'short' }).format(d);
}

/** "Mon, 24 Nov" (with the year when it is not this year's). */
export function formatDay(d: Date, now = new Date()): string {
  const opts: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return new Intl.DateTimeFormat(lang(), opts).format(d);
}

/** "Thursday, 20 November": the Today screen's date. */
export function formatLongDay(d: Date): string {
  return new Intl.DateTimeFormat(lang(), { weekday: 'long', day: 'numeric', month: 'long' }).format(d);
}

/** A moment near today: "15:00" (today), "Tomorrow, 15:00", "Yesterday, 15:00", else "Mon, 24 Nov, 15:00". */
export function formatWhen(iso: string, now = new Date(), { todayWord = false, capital = true } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const days = daysFromToday(d, now);
  const time = formatTime(d);
  if (days === 0) return todayWord ? `${relativeDay(0, capital)}, ${time}` : time;
  if (Math.abs(days) === 1) return `${relativeDay(days, capital)}, ${time}`;
  return `${formatDay(d, now)}, ${time}`;
}

/** A date and time for the history: "24 Nov 2026, 15:00". */
export function formatStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** "3 days ago" / "today" / a date beyond a month. */
export function formatAgo(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const days = daysFromToday(d, now);
  if (days <= 0 && days > -31) return relativeDay(days, false);
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium' }).format(d);
}
