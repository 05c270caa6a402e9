// The one typed gateway to the Rust core. This is the ONLY module that imports `@tauri-apps/*`.
// Inside Tauri every call is an IPC `invoke`; in a plain browser (the dev/test adapter,
// `clientbase-devserver`) it is `POST /api/<cmd>` with the same JSON arguments.
// Every failure rejects with an `ApiError` ({code, message, fields}).

import { addPluginListener, invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings/ApiError';
import type { AppInfo } from './bindings/AppInfo';
import type { BirthdayPage } from './bindings/BirthdayPage';
import type { Boot } from './bindings/Boot';
import type { CadencePage } from './bindings/CadencePage';
import type { Category } from './bindings/Category';
import type { Channel } from './bindings/Channel';
import type { Client } from './bindings/Client';
import type { ClientCard } from './bindings/ClientCard';
import type { ClientInput } from './bindings/ClientInput';
import type { Congratulation } from './bindings/Congratulation';
import type { CustomFieldDef } from './bindings/CustomFieldDef';
import type { DuplicateMatch } from './bindings/DuplicateMatch';
import type { GreetingAction } from './bindings/GreetingAction';
import type { GreetingDraft } from './bindings/GreetingDraft';
import type { GreetingTemplate } from './bindings/GreetingTemplate';
import type { Interaction } from './bindings/Interaction';
import type { InteractionInput } from './bindings/InteractionInput';
import type { InteractionPage } from './bindings/InteractionPage';
import type { ListItem } from './bindings/ListItem';
import type { ListPage } from './bindings/ListPage';
import type { ListQuery } from './bindings/ListQuery';
import type { LoggedInteraction } from './bindings/LoggedInteraction';
import type { PhoneCheck } from './bindings/PhoneCheck';
import type { Platform } from './bindings/Platform';
import type { Reminder } from './bindings/Reminder';
import type { ReminderSettings } from './bindings/ReminderSettings';
import type { Settings } from './bindings/Settings';
import type { Stats } from './bindings/Stats';
import type { Task } from './bindings/Task';
import type { TaskInput } from './bindings/TaskInput';
import type { TaskPage } from './bindings/TaskPage';
import type { TaskQuery } from './bindings/TaskQuery';
import type { Today } from './bindings/Today';
import type { ImportPreview } from './bindings/ImportPreview';
import type { ImportJobStatus } from './bindings/ImportJobStatus';
import type { ExportFile } from './bindings/ExportFile';
import type { BackupInfo } from './bindings/BackupInfo';
import type { BackupSettings } from './bindings/BackupSettings';
import type { DuplicateGroups } from './bindings/DuplicateGroups';
import type { MergePreview } from './bindings/MergePreview';
import type { DuplicateAction } from './bindings/DuplicateAction';
import type { ImportOptions } from './bindings/ImportOptions';
import type { RowDecision } from './bindings/RowDecision';

export type { ApiError };

// Company sync (issue 5): the answers of `clientbase_sync_client::commands` (ts-rs bindings of
// `SyncStatus` in clientbase-sync-client and `User`/`Role`/`ReassignResponse` in clientbase-sync).
import type { ReassignResponse } from './bindings/ReassignResponse';
import type { SyncRole } from './bindings/SyncRole';
import type { SyncStatus } from './bindings/SyncStatus';
import type { SyncUser } from './bindings/SyncUser';
export type { SyncRole, SyncStatus, SyncUser };
export type ReassignResult = ReassignResponse;

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
  /** Everything the first screen needs, in one round trip. */
  boot: (limit: number) => call<Boot>('boot', { limit }),
  /** The first screen is painted: the core may start its background work (the search index). */
  screenReady: () => call<null>('screen_ready'),

  // The daily loop (issue 3). Times are RFC 3339; "now" and the time zone are the device's.
  listInteractionKinds: () => call<ListItem[]>('list_interaction_kinds'),
  saveInteractionKind: (item: ListItem) => call<ListItem>('save_interaction_kind', { item }),
  deleteInteractionKind: (id: string) => call<ListItem>('delete_interaction_kind', { id }),
  listInteractionOutcomes: () => call<ListItem[]>('list_interaction_outcomes'),
  saveInteractionOutcome: (item: ListItem) => call<ListItem>('save_interaction_outcome', { item }),
  deleteInteractionOutcome: (id: string) => call<ListItem>('delete_interaction_outcome', { id }),
  logInteraction: (input: InteractionInput) => call<LoggedInteraction>('log_interaction', { input }),
  listInteractions: (client: string, offset = 0, limit = 20) =>
    call<InteractionPage>('list_interactions', { client, offset, limit }),
  deleteInteraction: (id: string) => call<Interaction>('delete_interaction', { id }),
  restoreInteraction: (id: string) => call<Interaction>('restore_interaction', { id }),
  listTasks: (query: TaskQuery) => call<TaskPage>('list_tasks', { query }),
  getTask: (id: string) => call<Task>('get_task', { id }),
  createTask: (input: TaskInput) => call<Task>('create_task', { input }),
  updateTask: (id: string, input: TaskInput) => call<Task>('update_task', { id, input }),
  deleteTask: (id: string) => call<Task>('delete_task', { id }),
  restoreTask: (id: string) => call<Task>('restore_task', { id }),
  completeTask: (id: string) => call<Task>('complete_task', { id }),
  uncompleteTask: (id: string) => call<Task>('uncomplete_task', { id }),
  snoozeTask: (id: string, to: string) => call<Task>('snooze_task', { id, to }),
  /** Today with at most `limit` rows in the birthday and cadence sections (counts exact). */
  today: (limit?: number) => call<Today>('today', limit ? { limit } : {}),
  todayBirthdays: (offset: number, limit: number) => call<BirthdayPage>('today_birthdays', { offset, limit }),
  todayCadence: (offset: number, limit: number) => call<CadencePage>('today_cadence', { offset, limit }),
  upcomingReminders: (from: string, to: string, limit: number) =>
    call<Reminder[]>('upcoming_reminders', { from, to, limit }),
  getReminderSettings: () => call<ReminderSettings>('get_reminder_settings'),
  setReminderSettings: (settings: ReminderSettings) => call<ReminderSettings>('set_reminder_settings', { settings }),
  listGreetingTemplates: () => call<GreetingTemplate[]>('list_greeting_templates'),
  saveGreetingTemplate: (template: GreetingTemplate) => call<GreetingTemplate>('save_greeting_template', { template }),
  greetingDraft: (client: string, contact?: string, language?: string) =>
    call<GreetingDraft>('greeting_draft', { client, contact: contact ?? null, language: language ?? null }),
  greetingActions: (client: string, text: string, contact?: string) =>
    call<GreetingAction[]>('greeting_actions', { client, contact: contact ?? null, text }),
  congratulate: (client: string, text: string, channel: Channel | null, contact?: string) =>
    call<Congratulation>('congratulate', { client, contact: contact ?? null, channel, text }),

  // Files (issue 4): `data` is the file's bytes as base64.
  importPreview: (name: string, data: string, mapping?: (string | null)[], options?: ImportOptions) =>
    call<ImportPreview>('import_preview', { name, data, mapping: mapping ?? null, options: options ?? null }),
  importStart: (
    name: string,
    data: string,
    mapping: (string | null)[],
    policy: DuplicateAction,
    decisions: RowDecision[],
    options?: ImportOptions,
  ) => call<number>('import_start', { name, data, mapping, policy, decisions, options: options ?? null }),
  importStatus: (job: number) => call<ImportJobStatus>('import_status', { job }),
  importCancel: (job: number) => call<ImportJobStatus>('import_cancel', { job }),
  importReport: (job: number) => call<ExportFile>('import_report', { job }),
  exportClients: (format: string, query?: Omit<ListQuery, 'offset' | 'limit'>) =>
    call<ExportFile>('export_clients', query ? { query: { ...query, offset: 0, limit: 0 }, format } : { format }),
  listBackups: () => call<BackupInfo[]>('list_backups'),
  backupNow: () => call<BackupInfo>('backup_now'),
  restoreBackup: (path: string) => call<unknown>('restore_backup', { path }),
  getBackupSettings: () => call<BackupSettings>('get_backup_settings'),
  setBackupSettings: (settings: BackupSettings) => call<BackupSettings>('set_backup_settings', { settings }),
  // Company sync (issue 5): clientbase-sync-client's commands.
  syncConnect: (url: string, login: string, password: string, deviceName: string) =>
    call<SyncStatus>('sync_connect', { url, login, password, device_name: deviceName }),
  syncStatus: () => call<SyncStatus>('sync_status'),
  /** A full round now; a failure comes back as the status' `error`. */
  syncNow: () => call<SyncStatus>('sync_now'),
  /** Asks the background loop to sync soon (debounced there). */
  syncRequest: () => call<null>('sync_request'),
  syncSignOut: (wipe: boolean) => call<SyncStatus>('sync_sign_out', { wipe }),
  syncUsers: () => call<SyncUser[]>('sync_users'),
  syncReassign: (from: string, to: string) => call<ReassignResult>('sync_reassign', { from, to }),

  // Orders and client value (issue 6). Money is in minor units; ts-rs types the i64 fields as
  // `bigint` but they travel as JSON numbers: read them with Number(x) and send numbers.
  listOrders: (client: string, offset = 0, limit = 50) =>
    call<import('./bindings/OrderPage').OrderPage>('list_orders', { client, offset, limit }),
  getOrder: (id: string) => call<import('./bindings/Order').Order>('get_order', { id }),
  createOrder: (input: import('./bindings/OrderInput').OrderInput) =>
    call<import('./bindings/Order').Order>('create_order', { input }),
  updateOrder: (id: string, input: import('./bindings/OrderInput').OrderInput) =>
    call<import('./bindings/Order').Order>('update_order', { id, input }),
  deleteOrder: (id: string) => call<import('./bindings/Order').Order>('delete_order', { id }),
  restoreOrder: (id: string) => call<import('./bindings/Order').Order>('restore_order', { id }),
  listOrderStatuses: () => call<import('./bindings/OrderStatus').OrderStatus[]>('list_order_statuses'),
  saveOrderStatus: (status: import('./bindings/OrderStatus').OrderStatus) =>
    call<import('./bindings/OrderStatus').OrderStatus>('save_order_status', { status }),
  deleteOrderStatus: (id: string) => call<import('./bindings/OrderStatus').OrderStatus>('delete_order_status', { id }),
  getOrderSettings: () => call<import('./bindings/OrderSettings').OrderSettings>('get_order_settings'),
  setOrderSettings: (settings: import('./bindings/OrderSettings').OrderSettings) =>
    call<import('./bindings/OrderSettings').OrderSettings>('set_order_settings', { settings }),
  clientTotals: (client: string) => call<import('./bindings/ClientTotals').ClientTotals>('client_totals', { client }),
  lostClients: (query: import('./bindings/LostQuery').LostQuery) =>
    call<import('./bindings/LostPage').LostPage>('lost_clients', { query }),
  analysis: (query: import('./bindings/AnalysisQuery').AnalysisQuery) =>
    call<import('./bindings/AnalysisResult').AnalysisResult>('analysis', { query }),
  /** A result's rows (the query's group, or all) as CSV text. */
  exportAnalysis: (query: import('./bindings/AnalysisQuery').AnalysisQuery) => call<string>('export_analysis', { query }),
  chart: (query: import('./bindings/ChartQuery').ChartQuery) => call<import('./bindings/Chart').Chart>('chart', { query }),
  duplicateGroups: (limit?: number) => call<DuplicateGroups>('duplicate_groups', limit ? { limit } : {}),
  mergePreview: (keep: string, others: string[]) => call<MergePreview>('merge_preview', { keep, others }),
  mergeClients: (keep: string, others: string[], choices: Record<string, string>) =>
    call<ClientCard>('merge_clients', { keep, others, choices }),
};

/**
 * Saves a file the core produced. In the app the shell writes it into the Downloads folder (a web
 * view has no download manager; on a phone, the documents folder, then the system share sheet opens
 * with the file) and the answer is its path; in a browser, an <a download> of a
 * Blob made from its base64 (null: the browser says where it went).
 */
export async function saveFile(f: ExportFile): Promise<string | null> {
  if (inTauri) return invoke<string>('save_file', { fileName: f.file_name, data: f.data, mime: f.mime });
  const bin = atob(f.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: f.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.file_name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return null;
}

/** Reads a picked file as base64. */
export function readFileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

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

// ---- notifications -------------------------------------------------------------------------------
// tauri-plugin-notification through its IPC commands (no npm package: see platform-facts). Desktop
// shows a notification at once (no schedule, pending or cancel there: reminders.ts runs the timers);
// Android/iOS schedule with `schedule.at` and fire with the app closed.
//
// In a plain browser (the devserver tests) nothing reaches an OS: every call is recorded in
// `window.__clientbaseNotifications` (the one test double of the UI), and the permission answer is
// `window.__clientbaseNotificationPermission` ('granted' unless a test sets 'denied' or 'prompt').

/** A notification for the plugin: `num` is its integer id, `extra` says what tapping it opens. */
export type OsNotification = { id: number; title: string; body: string; extra: Record<string, string> };
export type NotifyPermission = 'granted' | 'denied' | 'prompt';
export type NotificationRecord =
  | { op: 'permission_state' | 'request_permission'; result: NotifyPermission }
  | { op: 'show'; notification: OsNotification; time: string }
  | { op: 'schedule'; notification: OsNotification; at: string }
  | { op: 'cancel'; ids: number[] };

type TestWindow = Window & {
  __clientbaseNotifications?: NotificationRecord[];
  __clientbaseNotificationPermission?: NotifyPermission;
  __clientbasePlatform?: Platform;
  __clientbasePending?: Map<number, OsNotification & { at: string }>;
};
const tw = (): TestWindow => window as TestWindow;

function record(r: NotificationRecord): void {
  (tw().__clientbaseNotifications ??= []).push(r);
  window.dispatchEvent(new CustomEvent('clientbase-notification', { detail: r }));
}

/**
 * The platform the notifications run on: the core's answer (`app_info`). A browser test may set
 * `window.__clientbasePlatform` to exercise the mobile scheduling path against the recorder.
 */
export async function notifyPlatform(): Promise<Platform> {
  if (!inTauri && tw().__clientbasePlatform) return tw().__clientbasePlatform as Platform;
  return (await api.appInfo()).platform;
}

export async function notifyPermissionState(): Promise<NotifyPermission> {
  if (!inTauri) {
    const result = tw().__clientbaseNotificationPermission ?? 'prompt';
    record({ op: 'permission_state', result });
    return result;
  }
  const granted = await invoke<boolean | null>('plugin:notification|is_permission_granted');
  return granted === true ? 'granted' : granted === false ? 'denied' : 'prompt';
}

/** Asks the OS (Android 13+ / iOS show their dialog; desktop always grants). */
export async function requestNotifyPermission(): Promise<NotifyPermission> {
  if (!inTauri) {
    let result = tw().__clientbaseNotificationPermission ?? 'prompt';
    if (result === 'prompt') result = 'granted';
    tw().__clientbaseNotificationPermission = result;
    record({ op: 'request_permission', result });
    return result;
  }
  const state = await invoke<string>('plugin:notification|request_permission');
  return state === 'granted' ? 'granted' : state === 'denied' ? 'denied' : 'prompt';
}

/** Shows a notification now. */
export async function showNotification(n: OsNotification): Promise<void> {
  if (!inTauri) {
    record({ op: 'show', notification: n, time: new Date().toISOString() });
    return;
  }
  await invoke('plugin:notification|notify', { options: { ...n, autoCancel: true } });
}

/** Android/iOS: has the OS fire it at `at` (RFC 3339), also with the app closed. */
export async function scheduleNotification(n: OsNotification, at: string): Promise<void> {
  if (!inTauri) {
    (tw().__clientbasePending ??= new Map()).set(n.id, { ...n, at });
    record({ op: 'schedule', notification: n, at });
    return;
  }
  const date = new Date(at).toISOString();
  await invoke('plugin:notification|notify', {
    options: { ...n, autoCancel: true, schedule: { at: { date, repeating: false, allowWhileIdle: true } } },
  });
}

/** Android/iOS: the ids of the notifications scheduled and not yet delivered. */
export async function pendingNotifications(): Promise<number[]> {
  if (!inTauri) return [...(tw().__clientbasePending?.keys() ?? [])];
  const pending = await invoke<{ id: number }[]>('plugin:notification|get_pending');
  return pending.map((p) => p.id);
}

/** Android/iOS: cancels scheduled notifications. */
export async function cancelNotifications(ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  if (!inTauri) {
    for (const id of ids) tw().__clientbasePending?.delete(id);
    record({ op: 'cancel', ids });
    return;
  }
  await invoke('plugin:notification|cancel', { notifications: ids });
}

/** Android/iOS: calls `handler` with a tapped notification's `extra`. */
export async function onNotificationTap(handler: (extra: Record<string, unknown>) => void): Promise<void> {
  if (!inTauri) {
    window.addEventListener('clientbase-notification-tap', (e) =>
      handler(((e as CustomEvent).detail ?? {}) as Record<string, unknown>),
    );
    return;
  }
  await addPluginListener<{ notification?: { extra?: Record<string, unknown> } }>('notification', 'actionPerformed', (e) =>
    handler(e.notification?.extra ?? {}),
  );
}
