// Company sync in the UI: the status line's data, "sync now", and when to ask for a sync. The
// network work and its timing (on start, debounced after a change, every few minutes, back-off while
// offline) live in the Rust side (clientbase-sync-client's background loop); the UI asks for a
// round on start, after each local change (debounced there), every few minutes as a fallback, and
// on pull-to-refresh, and refreshes its screens when a round has brought something in.
import { api, type SyncStatus } from './api';
import { dataChanged, onDataChanged } from './app.svelte';
import { errorText } from './errors';
import { t, tn } from './i18n/index.svelte';

export const sync = $state({
  /** null: not known yet (or the build has no sync commands). */
  status: null as SyncStatus | null,
  /** A "sync now" (button or pull-to-refresh) is running. */
  busy: false,
});

const EVERY_MS = 5 * 60_000;
let started = false;
/** Set while the UI reloads after a round: that reload is not a local change to push. */
let applying = false;

function apply(s: SyncStatus): void {
  const before = sync.status;
  sync.status = s;
  // A round finished since the last look: what it pulled is shown.
  if (before?.connected && s.last_sync_ms !== null && s.last_sync_ms !== before.last_sync_ms) {
    applying = true;
    try {
      dataChanged();
    } finally {
      applying = false;
    }
  }
}

export async function refreshSyncStatus(): Promise<void> {
  try {
    apply(await api.syncStatus());
  } catch {
    // A build without the sync commands (or a core that failed to open): no status line.
  }
}

/** A full round now (the Settings button, pull-to-refresh). */
export async function syncNow(): Promise<void> {
  if (sync.busy || !sync.status?.connected) return;
  sync.busy = true;
  try {
    apply(await api.syncNow());
  } catch {
    await refreshSyncStatus();
  } finally {
    sync.busy = false;
  }
}

export function setSyncStatus(s: SyncStatus): void {
  apply(s);
}

/** Starts the UI's part (once, after the first screen is painted). */
export async function startSync(): Promise<void> {
  if (started) return;
  started = true;
  await refreshSyncStatus();
  if (sync.status?.connected) void api.syncRequest().catch(() => {});
  onDataChanged(() => {
    if (applying || !sync.status?.connected) return;
    void api.syncRequest().catch(() => {});
    void refreshSyncStatus();
  });
  // The status line's "N min ago" and what the background loop did; a fallback nudge every few minutes.
  let ticks = 0;
  setInterval(() => {
    if (document.visibilityState !== 'visible' || !sync.status?.connected) return;
    ticks++;
    if (ticks % 10 === 0) void api.syncRequest().catch(() => {});
    void refreshSyncStatus();
  }, EVERY_MS / 10);
}

/** The status line: synced N min ago / syncing (progress) / offline / error with its reason; and waiting changes. */
export function statusLine(s: SyncStatus): string {
  switch (s.state) {
    case 'syncing':
      return s.progress && s.progress.total > 0
        ? t('sy_progress', { done: String(s.progress.done), total: String(s.progress.total) })
        : t('sy_syncing');
    case 'offline':
      return t('sy_offline');
    case 'error':
      return t('sy_error', { reason: errorText({ code: s.error ?? 'internal', message: '', fields: [] }) });
    case 'synced':
      return !s.minutes_ago ? t('sy_synced_now') : tn('sy_synced_ago', s.minutes_ago);
    default:
      return t('sy_not_synced');
  }
}

export function pendingLine(s: SyncStatus): string {
  return s.pending > 0 ? tn('sy_pending', s.pending) : '';
}

/** Managers and admins see everybody's clients and hand them over. */
export function isManager(s: SyncStatus | null): boolean {
  return !!s?.user && (s.user.role === 'manager' || s.user.role === 'admin');
}
