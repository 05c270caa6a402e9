// Small helpers over the DTOs shared by the card and the form.
import type { ActionKind } from './bindings/ActionKind';
import type { Client } from './bindings/Client';
import type { ClientInput } from './bindings/ClientInput';
import type { ContactAction } from './bindings/ContactAction';
import type { ContactPerson } from './bindings/ContactPerson';

/** A person's name as the list shows it (the core's `display_name`): last, first, middle. */
export function displayName(c: Pick<ClientInput, 'kind' | 'first_name' | 'last_name' | 'middle_name' | 'org_name'>): string {
  if (c.kind === 'organization') return c.org_name.trim();
  return joinNames([c.last_name, c.first_name, c.middle_name]);
}

const CJK = /^[\u{3400}-\u{9fff}\u{f900}-\u{faff}\u{20000}-\u{2ffff}]$/u;

/** Joins name parts with spaces, except between two CJK parts ("王" + "伟" → "王伟"), as the core does. */
export function joinNames(parts: string[]): string {
  let s = '';
  for (const p of parts.map((x) => x.trim()).filter(Boolean)) {
    const cjkPair = s !== '' && CJK.test([...s].pop() ?? '') && CJK.test([...p][0]);
    if (s !== '' && !cjkPair) s += ' ';
    s += p;
  }
  return s;
}

const PHONE_KINDS: ActionKind[] = ['call', 'sms', 'whatsapp', 'viber'];

export type ActionGroupData = { label: string; actions: ContactAction[]; copyable: boolean };

/** Groups actions by what they act on (a phone's Call/SMS/WhatsApp… share its label), in order. */
export function groupActions(actions: ContactAction[]): ActionGroupData[] {
  const groups: ActionGroupData[] = [];
  const byLabel = new Map<string, ActionGroupData>();
  for (const a of actions) {
    let g = byLabel.get(a.label);
    if (!g) {
      g = { label: a.label, actions: [], copyable: false };
      byLabel.set(a.label, g);
      groups.push(g);
    }
    g.actions.push(a);
    if (PHONE_KINDS.includes(a.kind)) g.copyable = true;
  }
  return groups;
}

export function emptyContact(): ContactPerson {
  return {
    id: '',
    first_name: '',
    last_name: '',
    middle_name: '',
    position: '',
    phones: [{ kind: 'mobile', raw: '' }],
    emails: [],
    messengers: [],
    notes: '',
    hobbies: '',
  };
}

export function emptyInput(): ClientInput {
  return {
    kind: 'person',
    first_name: '',
    last_name: '',
    middle_name: '',
    org_name: '',
    phones: [{ kind: 'mobile', raw: '' }],
    emails: [],
    messengers: [],
    website: '',
    address: { street: '', city: '', region: '', postal_code: '', country: '' },
    notes: '',
    hobbies: '',
    tags: [],
    source: '',
    call_time: '',
    contacts: [],
    custom: {},
  };
}

/** The editable part of a stored client (a deep copy the form can mutate). */
export function toInput(c: Client): ClientInput {
  const { id: _id, owner: _o, created_at: _c, updated_at: _u, deleted_at: _d, is_demo: _demo, ...input } = c;
  // The core sends absent optionals as null; the form works with undefined (and omits them on save).
  return JSON.parse(JSON.stringify(input), (_k, v: unknown) => (v === null ? undefined : v)) as ClientInput;
}

/** Drops the empty rows the rep left in the form (in place, so field-error indices match the form). */
export function pruneEmptyRows(i: ClientInput): void {
  i.phones = i.phones.filter((p) => p.raw.trim() !== '');
  i.emails = i.emails.filter((e) => e.address.trim() !== '');
  i.messengers = i.messengers.filter((m) => m.handle.trim() !== '');
  if (i.kind !== 'organization') i.contacts = [];
  for (const p of i.contacts) {
    p.phones = p.phones.filter((x) => x.raw.trim() !== '');
    p.emails = p.emails.filter((x) => x.address.trim() !== '');
    p.messengers = p.messengers.filter((x) => x.handle.trim() !== '');
  }
  i.contacts = i.contacts.filter((p) => p.first_name.trim() || p.last_name.trim() || p.phones.length || p.emails.length);
}
