// Wording and small rules of the daily loop shared by Today, the card, the sheets and reminders.
import type { ActionKind } from './bindings/ActionKind';
import type { Channel } from './bindings/Channel';
import type { ListItem } from './bindings/ListItem';
import type { Task } from './bindings/Task';
import { t, type TextKey } from './i18n/index.svelte';

/** Seeded list entries (migrations/0006): code → the stored English name while not renamed. */
const SEEDED_KINDS: Record<string, [string, TextKey]> = {
  call: ['Call', 'ikind_call'],
  meeting: ['Meeting', 'ikind_meeting'],
  message: ['Message', 'ikind_message'],
  email: ['E-mail', 'ikind_email'],
  visit: ['Visit', 'ikind_visit'],
  greeting: ['Greeting', 'ikind_greeting'],
};
const SEEDED_OUTCOMES: Record<string, [string, TextKey]> = {
  reached: ['Reached', 'outcome_reached'],
  no_answer: ['No answer', 'outcome_no_answer'],
  busy: ['Busy', 'outcome_busy'],
  call_back: ['Call back', 'outcome_call_back'],
  meeting_set: ['Meeting set', 'outcome_meeting_set'],
  order_placed: ['Order placed', 'outcome_order_placed'],
  refused: ['Refused', 'outcome_refused'],
};

/** A seeded entry the user has not renamed is shown in the UI language; a renamed one as named. */
export function itemName(item: ListItem, list: 'kinds' | 'outcomes'): string {
  const seed = (list === 'kinds' ? SEEDED_KINDS : SEEDED_OUTCOMES)[item.code];
  return seed && item.name === seed[0] ? t(seed[1]) : item.name;
}

/** Outcomes after which the call did not happen: the open call tasks stay open. */
export const NOT_REACHED = ['no_answer', 'busy', 'call_back'];

/** The interaction kind a one-tap channel logs as. */
export function kindCodeFor(channel: Channel): string {
  return channel === 'call' ? 'call' : channel === 'email' ? 'email' : 'message';
}

/** The channel of a card action (map and website are not contacts). */
export function channelOf(kind: ActionKind): Channel | null {
  switch (kind) {
    case 'call':
    case 'sms':
    case 'whatsapp':
    case 'telegram':
    case 'viber':
    case 'email':
      return kind;
    default:
      return null;
  }
}

const CHANNEL_NAMES: Record<Channel, TextKey> = {
  call: 'channel_call',
  sms: 'channel_sms',
  whatsapp: 'channel_whatsapp',
  telegram: 'channel_telegram',
  viber: 'channel_viber',
  email: 'channel_email',
};
export function channelName(c: Channel): string {
  return t(CHANNEL_NAMES[c]);
}

/** What a task row shows as its title: its own, or "Call Ivanov" / "Congratulate Ivanov". */
export function taskTitle(task: Pick<Task, 'title' | 'kind'>, clientName?: string | null): string {
  if (task.title.trim()) return task.title;
  if (task.kind === 'congratulate') return t('task_congratulate_name', { name: clientName ?? '' }).trim();
  return t('task_call_name', { name: clientName ?? '' }).trim();
}

/** A phone as a `tel:` URL ("+380 67 555 01 23" → "tel:+380675550123"). */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}
