// Logging an interaction (the Log sheet and "How did it go?"): one call to the core, then Undo.
import { api } from './api';
import { dataChanged, showSnack } from './app.svelte';
import type { ApiError } from './bindings/ApiError';
import type { Channel } from './bindings/Channel';
import type { LoggedInteraction } from './bindings/LoggedInteraction';
import { NOT_REACHED } from './daily';
import { t } from './i18n/index.svelte';
import { ensureNotifications } from './reminders';
import type { Person } from './sheets.svelte';

export type LogEntry = {
  person: Person;
  kindId: string;
  /** When it happened (absent or null = now). */
  at?: Date | null;
  outcomeId?: string;
  outcomeCode?: string;
  channel?: Channel;
  note?: string;
  nextStep?: string;
  callback?: Date | null;
  /** Remind at the callback's time. */
  remind?: boolean;
};

/** Logs it; resolves the result (rejects with the ApiError, for the sheet's field errors). */
export async function logEntry(e: LogEntry): Promise<LoggedInteraction> {
  const reached = !e.outcomeCode || !NOT_REACHED.includes(e.outcomeCode);
  const logged = await api.logInteraction({
    client_id: e.person.clientId,
    contact_id: e.person.contactId,
    at: e.at ? e.at.toISOString() : undefined,
    kind_id: e.kindId,
    outcome_id: e.outcomeId,
    channel: e.channel,
    note: e.note ?? '',
    next_step: e.nextStep ?? '',
    // A conversation (or a callback that replaces it) settles today's call tasks of the client.
    complete_calls: reached || !!e.callback,
    callback: e.callback
      ? {
          title: '',
          kind: 'call',
          due_at: e.callback.toISOString(),
          remind_offset_minutes: e.remind ? 0 : undefined,
          repeat: 'none',
          note: e.nextStep ?? '',
        }
      : undefined,
  });
  dataChanged();
  showSnack(
    {
      text: logged.callback ? t('log_saved_callback') : t('log_saved'),
      actionLabel: t('undo'),
      action: () => void undoLog(logged),
    },
    8000,
  );
  if (logged.callback && e.remind) void ensureNotifications('task');
  return logged;
}

async function undoLog(l: LoggedInteraction): Promise<void> {
  try {
    await api.deleteInteraction(l.interaction.id);
    if (l.callback) await api.deleteTask(l.callback.id);
    for (const task of l.completed) await api.uncompleteTask(task.id);
    dataChanged();
  } catch (e) {
    showSnack({ text: '', error: e as ApiError });
  }
}
