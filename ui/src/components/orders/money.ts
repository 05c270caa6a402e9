// Money and dates of issue 6 in the UI language. Amounts are minor units (ts-rs types them `bigint`;
// they arrive as JSON numbers, so everything goes through Number()).
import { lang } from '../../lib/i18n/index.svelte';

const digitsCache = new Map<string, number>();

/** Fraction digits of a currency (JPY 0, EUR 2, BHD 3); 2 for an unknown code. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

export function num(x: bigint | number | null | undefined): number {
  return x === null || x === undefined ? 0 : Number(x);
}

/** 123456 minor units of UAH → "₴1,234.56" / "1 234,56 ₴" in the UI language. */
export function formatMoney(minor: bigint | number | null | undefined, currency: string, compact = false): string {
  const v = num(minor) / 10 ** currencyDigits(currency);
  try {
    return new Intl.NumberFormat(lang(), {
      style: 'currency',
      currency,
      ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
    }).format(v);
  } catch {
    return `${v.toFixed(currencyDigits(currency))} ${currency}`;
  }
}

/** "12.50" typed in any locale (comma or dot) → minor units; null when it is not an amount. */
export function parseAmount(text: string, currency: string): number | null {
  let s = text.replace(/[\s\u00a0\u202f']/g, '');
  // "1,500.00" and "1.500,00": the last separator is the decimal one, the others group thousands.
  const last = Math.max(s.lastIndexOf(','), s.lastIndexOf('.'));
  if (last >= 0) s = s.slice(0, last).replace(/[.,]/g, '') + '.' + s.slice(last + 1);
  if (!/^\d+(\.\d*)?$/.test(s)) return null;
  const d = currencyDigits(currency);
  const [int, frac = ''] = s.split('.');
  if (frac.length > d) return null;
  return Number(int) * 10 ** d + Number((frac + '0'.repeat(d)).slice(0, d) || 0);
}

/** Minor units → the text the amount field starts with ("12.5" → "12.50"). */
export function amountText(minor: bigint | number, currency: string): string {
  const d = currencyDigits(currency);
  return (num(minor) / 10 ** d).toFixed(d);
}

/** `YYYY-MM-DD` → "24 Nov 2026" in the UI language (a local date: no time-zone shift). */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m) return day;
  return new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d || 1)),
  );
}

/** `YYYY-MM` → "Nov 26" (short, for chart axes). */
export function formatMonth(ym: string, long = false): string {
  const [y, m] = ym.split('-').map(Number);
  if (!y || !m) return ym;
  return new Intl.DateTimeFormat(lang(), long ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

export function formatCount(n: number, maxFrac = 0): string {
  return new Intl.NumberFormat(lang(), { maximumFractionDigits: maxFrac }).format(n);
}

export function formatPercent(p: number): string {
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 1 }).format(p / 100);
}

/** Today as `YYYY-MM-DD` in the device's zone. */
export function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` n days before today (local). */
export function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
