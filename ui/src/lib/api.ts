// The one typed gateway to the Rust core. This is the ONLY module that imports `@tauri-apps/*`.
// Inside Tauri every call is an IPC `invoke`; in a plain browser (the dev/test adapter,
// `clientbase-devserver`) it is `POST /api/<cmd>` with the same JSON arguments.
// Every failure rejects with an `ApiError` ({code, message, fields}).

import { invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings/ApiError';
import type { AppInfo } from './bindings/AppInfo';
import type { Category } from './bindings/Category';
import type { Client } from './bindings/Client';
import type { ClientCard } from './bindings/ClientCard';
import type { ClientInput } from './bindings/ClientInput';
import type { CustomFieldDef } from './bindings/CustomFieldDef';
import type { DuplicateMatch } from './bindings/DuplicateMatch';
import type { ListPage } from './bindings/ListPage';
import type { ListQuery } from './bindings/ListQuery';
import type { PhoneCheck } from './bindings/PhoneCheck';
import type { Settings } from './bindings/Settings';
import type { Stats } from './bindings/Stats';

export type { ApiError };

export const inTauri: boolean = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as ApiError).code === 'string' &&
    typeof (e as ApiError).message === 'string'
  );
}

/** Turns anything thrown (IPC string, network failure, ApiError) into an ApiError. */
function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message, fields: Array.isArray(e.fields) ? e.fields : [] };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message, fields: [] };
}

async function httpCall<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`./api/${cmd}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
  } catch (e) {
    throw { code: 'unreachable', message: e instanceof Error ? e.message : String(e), fields: [] } satisfies ApiError;
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw { code: 'internal', message: `HTTP ${res.status}: ${text.slice(0, 200)}`, fields: [] } satisfies ApiError;
  }
  if (!res.ok) throw toApiError(body ?? `HTTP ${res.status}`);
  return body as T;
}

function asClient(r: Client | ClientCard): Client {
  return 'client' in r ? r.client : r;
}

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return inTauri ? await invoke<T>(cmd, args) : await httpCall<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  getSettings: () => call<Settings>('get_settings'),
  setSettings: (settings: Settings) => call<Settings>('set_settings', { settings }),
  listClients: (query: ListQuery) => call<ListPage>('list_clients', { query }),
  getClient: (id: string) => call<ClientCard>('get_client', { id }),
  checkDuplicates: (input: ClientInput, exclude?: string) =>
    call<DuplicateMatch[]>('check_duplicates', exclude ? { input, exclude } : { input }),
  // The core answers a save with the stored Client (or its ClientCard); the UI only needs the Client.
  createClient: (input: ClientInput) => call<Client | ClientCard>('create_client', { input }).then(asClient),
  updateClient: (id: string, input: ClientInput) =>
    call<Client | ClientCard>('update_client', { id, input }).then(asClient),
  deleteClient: (id: string) => call<unknown>('delete_client', { id }),
  restoreClient: (id: string) => call<unknown>('restore_client', { id }),
  checkPhone: (raw: string, country: string) => call<PhoneCheck>('check_phone', { raw, country }),
  listCategories: () => call<Category[]>('list_categories'),
  saveCategory: (category: Category) => call<Category>('save_category', { category }),
  deleteCategory: (id: string) => call<unknown>('delete_category', { id }),
  listCustomFields: () => call<CustomFieldDef[]>('list_custom_fields'),
  saveCustomField: (field: CustomFieldDef) => call<CustomFieldDef>('save_custom_field', { field }),
  deleteCustomField: (id: string) => call<unknown>('delete_custom_field', { id }),
  listTags: () => call<string[]>('list_tags'),
  listCities: () => call<string[]>('list_cities'),
  loadDemo: (count: number) => call<Stats>('load_demo', { count }),
  clearDemo: () => call<Stats>('clear_demo'),
  stats: () => call<Stats>('stats'),
};

/**
 * Opens a contact URL (tel:, sms:, mailto:, https://wa.me/…, viber://…) with the system handler.
 * Tauri: the opener plugin (its scope lists the allowed schemes). Browser: a normal navigation,
 * or a new tab for web pages so the app stays open.
 */
export async function openUrl(url: string): Promise<void> {
  if (inTauri) {
    try {
      await invoke('plugin:opener|open_url', { url });
    } catch (e) {
      throw toApiError(e);
    }
    return;
  }
  if (/^https?:/i.test(url)) window.open(url, '_blank', 'noopener');
  else window.location.href = url;
}
