// The bottom sheets of the daily loop, opened from anywhere (Today, the card, the tasks view, the
// reminders module) and rendered once by App.svelte.
import type { Channel } from './bindings/Channel';
import type { Client } from './bindings/Client';
import type { Task } from './bindings/Task';
import type { TaskKind } from './bindings/TaskKind';

/** Who a log entry / greeting is about. */
export type Person = {
  clientId: string;
  contactId?: string;
  /** The name the sheet shows. */
  name: string;
  /** The client's convenient time to call (free text), shown as a hint next to the callback. */
  callTime?: string;
};

export type TaskSheet = {
  /** Editing this task; absent = a new one. */
  task?: Task;
  clientId?: string;
  clientName?: string;
  kind?: TaskKind;
};

export const sheets = $state({
  task: null as TaskSheet | null,
  snooze: null as { task: Task; clientName?: string } | null,
  log: null as { person: Person; client?: Client } | null,
  /** "How did it go?" after a one-tap call or message. */
  outcome: null as { person: Person; channel: Channel } | null,
  congratulate: null as { person: Person } | null,
  /** The explanation shown before the OS asks for the notification permission. */
  permission: null as { reason: 'task' | 'birthdays' | 'settings'; resolve: (allow: boolean) => void } | null,
});

export function openTaskEditor(s: TaskSheet = {}): void {
  sheets.task = s;
}

export function openSnooze(task: Task, clientName?: string): void {
  sheets.snooze = { task, clientName };
}

export function openLog(person: Person, client?: Client): void {
  sheets.log = { person, client };
}

export function openCongratulate(person: Person): void {
  sheets.congratulate = { person };
}

/** Shows the explanation; resolves true when the rep chose "Allow". */
export function explainPermission(reason: 'task' | 'birthdays' | 'settings'): Promise<boolean> {
  sheets.permission?.resolve(false);
  return new Promise((resolve) => {
    sheets.permission = {
      reason,
      resolve: (allow) => {
        sheets.permission = null;
        resolve(allow);
      },
    };
  });
}
