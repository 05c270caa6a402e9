// The i18n layer: current language (reactive), `t` for text, `tn` for plurals, and
// locale-aware names of countries and months. EVERY visible string goes through here.
import { en } from './en';
import { ru } from './ru';
import { uk } from './uk';
import { el } from './el';
import { zh } from './zh';
import { LANGS, type Dict, type Lang, type PluralKey, type TextKey } from './types';

export { LANGS, type Lang, type TextKey, type PluralKey };

const DICTS: Record<Lang, Dict> = { en, ru, uk, el, zh };

/** Each language's own name, shown in the language picker in that language. */
export const LANG_NAMES: Record<Lang, string> = {
  en: 'English',
  ru: 'Русский',
  uk: 'Українська',
  el: 'Ελληνικά',
  zh: '中文',
};

/** Maps a BCP 47 tag (navigator.language, "uk-UA", "zh-Hans-CN") to a supported language. */
export function matchLang(tag: string | undefined | null): Lang | null {
  if (!tag) return null;
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(base) ? (base as Lang) : null;
}

export function systemLang(): Lang {
  const tags = typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [];
  for (const tag of tags) {
    const l = matchLang(tag);
    if (l) return l;
  }
  return 'en';
}

let current = $state<Lang>(systemLang());

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l === 'zh' ? 'zh-Hans' : l;
}

/** Applies the saved setting ("" = follow the system). */
export function applyLangSetting(setting: string): void {
  setLang(matchLang(setting) ?? systemLang());
}

function fill(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function t(key: TextKey, params?: Record<string, string | number>): string {
  return fill(DICTS[current][key] ?? en[key], params);
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

export function tn(key: PluralKey, count: number, params?: Record<string, string | number>): string {
  let rules = pluralRules.get(current);
  if (!rules) {
    rules = new Intl.PluralRules(current);
    pluralRules.set(current, rules);
  }
  const forms = DICTS[current][key];
  const cat = rules.select(count) as keyof typeof forms;
  const text = forms[cat] ?? forms.other;
  return fill(text, { count: formatNumber(count), ...params });
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current).format(n);
}

const regionNames = new Map<Lang, Intl.DisplayNames>();

/** "UA" → "Ukraine" / "Украина" / "Ουκρανία" / "乌克兰". Unknown codes are returned as they are. */
export function countryName(code: string): string {
  if (!code) return '';
  let names = regionNames.get(current);
  if (!names) {
    names = new Intl.DisplayNames([current], { type: 'region' });
    regionNames.set(current, names);
  }
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Month 1–12 in the nominative, standalone form ("March", "март", "Μάρτιος", "三月"). */
export function monthName(month: number): string {
  const d = new Date(Date.UTC(2000, month - 1, 1));
  return new Intl.DateTimeFormat(current, { month: 'long', timeZone: 'UTC' }).format(d);
}

/** Birthday as "14 March", "14 March 1985" in the current language. */
export function formatBirthday(b: { day: number; month: number; year?: number | null }): string {
  const hasYear = b.year !== undefined && b.year !== null;
  const d = new Date(Date.UTC(hasYear ? (b.year as number) : 2000, b.month - 1, b.day)); // 2000: leap, for 29 Feb
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', timeZone: 'UTC' };
  if (hasYear) opts.year = 'numeric';
  return new Intl.DateTimeFormat(current, opts).format(d);
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium' }).format(d);
}
