// App-wide state: settings, categories, custom fields, the snackbar, and a "data changed" tick
// that tells the list to refetch after a save/delete/demo load.
import { api } from './api';
import type { ApiError } from './bindings/ApiError';
import type { Category } from './bindings/Category';
import type { CustomFieldDef } from './bindings/CustomFieldDef';
import type { ListItem } from './bindings/ListItem';
import type { Platform } from './bindings/Platform';
import type { Reminder } from './bindings/Reminder';
import type { Settings } from './bindings/Settings';
import type { Stats } from './bindings/Stats';
import type { Today } from './bindings/Today';
import type { ListQuery } from './bindings/ListQuery';

/** What the client list last showed (text, filters, order): "export the current list" uses it. */
export const listView = $state<{ query: Omit<ListQuery, 'offset' | 'limit'> | null }>({ query: null });
import { applyLangSetting, t } from './i18n/index.svelte';

export type Snack = { id: number; text: string; actionLabel?: string; action?: () => void; error?: ApiError };

export const app = $state({
  ready: false,
  bootError: null as ApiError | null,
  settings: { language: '', default_country: 'UA', user_name: '' } as Settings,
  categories: [] as Category[],
  customFields: [] as CustomFieldDef[],
  stats: null as Stats | null,
  /** The Today screen's data (also the tab badge); refetched after every change and on return. */
  today: null as Today | null,
  todayError: null as ApiError | null,
  /** Interaction kinds and outcomes, archived ones included (pickers hide those). */
  kinds: [] as ListItem[],
  outcomes: [] as ListItem[],
  /** Reminders that came due while the app was closed (desktop) or could not be shown. */
  missed: [] as Reminder[],
  /** Notifications on this device (reminders.ts). */
  notify: {
    platform: 'desktop' as Platform,
    /** The OS's answer; 'prompt' until asked. */
    permission: 'prompt' as 'granted' | 'denied' | 'prompt',
    /** The explanation was shown once (we never ask at start-up, and ask once). */
    asked: false,
    /** Birthday reminders as notifications on this device. */
    birthdays: false,
  },
  /** "Try with demo clients" is running. */
  demoLoading: false,
  /** Bumped whenever clients, tasks or interactions change, so lists and cards refetch. */
  dataVersion: 0,
  snack: null as Snack | null,
  confirm: null as { text: string; okLabel: string; resolve: (ok: boolean) => void } | null,
});

/** An in-app confirmation (window.confirm is not available in every mobile webview). */
export function askConfirm(text: string, okLabel: string): Promise<boolean> {
  app.confirm?.resolve(false);
  return new Promise((resolve) => {
    app.confirm = {
      text,
      okLabel,
      resolve: (ok) => {
        app.confirm = null;
        resolve(ok);
      },
    };
  });
}

let snackSeq = 0;
let snackTimer: ReturnType<typeof setTimeout> | undefined;

export function showSnack(s: Omit<Snack, 'id'>, ms = 6000): void {
  clearTimeout(snackTimer);
  app.snack = { ...s, id: ++snackSeq };
  snackTimer = setTimeout(() => (app.snack = null), ms);
}

export function dismissSnack(): void {
  clearTimeout(snackTimer);
  app.snack = null;
}

export function categoryById(id: string | undefined): Category | undefined {
  return id ? app.categories.find((c) => c.id === id) : undefined;
}

/** The categories a new base is created with (migrations/0001_init.sql): id → code and stored name. */
const SEEDED: Record<string, { code: 'A' | 'B' | 'C' | 'D'; name: string }> = {
  '00000000-0000-7000-8000-00000000000a': { code: 'A', name: 'VIP' },
  '00000000-0000-7000-8000-00000000000b': { code: 'B', name: 'prospect in progress' },
  '00000000-0000-7000-8000-00000000000c': { code: 'C', name: 'potential' },
  '00000000-0000-7000-8000-00000000000d': { code: 'D', name: 'dropped' },
};

/** A seeded category the user has not renamed is shown in the UI language; a renamed one as named. */
function localizedCategory(c: Category): Category {
  const seed = SEEDED[c.id];
  return seed && c.name === seed.name ? { ...c, name: t(`cat_seed_${seed.code}`) } : c;
}

function setCategories(list: Category[]): void {
  app.categories = list.map(localizedCategory).sort((a, b) => a.position - b.position);
}

export async function reloadCategories(): Promise<void> {
  setCategories(await api.listCategories());
}

function setCustomFields(list: CustomFieldDef[]): void {
  app.customFields = list.sort((a, b) => a.position - b.position);
}

export async function reloadCustomFields(): Promise<void> {
  setCustomFields(await api.listCustomFields());
}

export async function reloadStats(): Promise<void> {
  app.stats = await api.stats();
}

/** Rows of the birthday and cadence sections in Today's first answer (the rest is paged). */
export const TODAY_ROWS = 8;
let todaySeq = 0;
export async function reloadToday(): Promise<void> {
  const seq = ++todaySeq;
  try {
    const today = await api.today(TODAY_ROWS);
    if (seq !== todaySeq) return;
    app.today = today;
    app.todayError = null;
  } catch (e) {
    if (seq === todaySeq) app.todayError = e as ApiError;
  }
}

export async function reloadLists(): Promise<void> {
  [app.kinds, app.outcomes] = await Promise.all([api.listInteractionKinds(), api.listInteractionOutcomes()]);
}

const changeListeners: (() => void)[] = [];
/** Runs `fn` after every change of the data (the reminders reschedule from here). */
export function onDataChanged(fn: () => void): void {
  changeListeners.push(fn);
}

/** Something was written: lists, cards, Today and its badge, and the reminders refetch. */
export function dataChanged(): void {
  app.dataVersion++;
  void reloadStats().catch(() => {});
  void reloadToday();
  for (const fn of changeListeners) fn();
}

/** The region of the system locale ("uk-UA" → "UA"), for reading numbers typed without +code. */
function systemCountry(): string {
  for (const tag of [...(navigator.languages ?? []), navigator.language]) {
    const region = /^[a-z]{2,3}(?:-[A-Za-z]{4})?-([A-Z]{2})\b/.exec(tag ?? '')?.[1];
    if (region) return region;
  }
  return 'UA';
}

export async function boot(): Promise<void> {
  try {
    // One call for the whole first screen (each call is an IPC round trip, slow in a new web view).
    const b = await api.boot(TODAY_ROWS);
    performance.mark('cb:data');
    app.settings = b.settings;
    if (!app.settings.default_country) app.settings.default_country = systemCountry();
    applyLangSetting(b.settings.language);
    app.stats = b.stats;
    // After the language: seeded categories are named in it.
    setCategories(b.categories);
    setCustomFields(b.custom_fields);
    todaySeq++;
    app.today = b.today ?? null;
    app.todayError = b.today_error ?? null;
    [app.kinds, app.outcomes] = [b.interaction_kinds, b.interaction_outcomes];
    app.bootError = null;
  } catch (e) {
    app.bootError = e as ApiError;
  }
  app.ready = true;
}
