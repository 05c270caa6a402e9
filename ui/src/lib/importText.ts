// Labels for the import's target codes and texts for its per-row problem codes.
import { t, type TextKey } from './i18n/index.svelte';

const PLAIN: Record<string, TextKey> = {
  kind: 'tg_kind',
  full_name: 'tg_full_name',
  first_name: 'f_first_name',
  last_name: 'f_last_name',
  middle_name: 'f_middle_name',
  org_name: 'f_org_name',
  position: 'f_position',
  phone: 'f_phone',
  phone_type: 'tg_phone_type',
  email: 'f_email',
  email_type: 'tg_email_type',
  website: 'f_website',
  street: 'f_street',
  city: 'f_city',
  region: 'f_region',
  postal_code: 'f_postal_code',
  country: 'f_country',
  birthday: 'f_birthday',
  notes: 'f_notes',
  hobbies: 'f_hobbies',
  tags: 'f_tags',
  category: 'f_category',
  source: 'f_source',
  preferred_channel: 'f_channel',
  call_time: 'f_call_time',
};

const KINDS: Record<string, TextKey> = {
  mobile: 'phone_mobile',
  work: 'phone_work',
  home: 'phone_home',
  other: 'phone_other',
};
const MESSENGERS: Record<string, TextKey> = {
  whatsapp: 'messenger_whatsapp',
  telegram: 'messenger_telegram',
  viber: 'messenger_viber',
  other: 'messenger_other',
};

/** `first_name`, `phone:mobile`, `custom:Size`, `contact1:phone`… → a label in the UI language. */
export function targetLabel(code: string): string {
  if (PLAIN[code]) return t(PLAIN[code]);
  const i = code.indexOf(':');
  if (i < 0) return code;
  const head = code.slice(0, i);
  const rest = code.slice(i + 1);
  if (head === 'phone' && KINDS[rest]) return `${t('f_phone')} (${t(KINDS[rest])})`;
  if (head === 'email') return `${t('f_email')} (${rest})`;
  if (head === 'messenger' && MESSENGERS[rest]) return t(MESSENGERS[rest]);
  if (head === 'custom') return t('tg_custom', { name: rest });
  const m = /^contact(\d+)$/.exec(head);
  if (m) return t('tg_contact', { n: m[1], field: PLAIN[rest] ? t(PLAIN[rest]) : rest });
  return code;
}

const PROBLEMS: Record<string, TextKey> = {
  empty_row: 'ip_empty_row',
  name_required: 'fe_name_required',
  contact_name_required: 'ip_contact_name_required',
  phone_invalid: 'fe_phone_invalid',
  phone_too_short: 'fe_phone_too_short',
  email_invalid: 'fe_email_invalid',
  url_invalid: 'fe_url_invalid',
  phone_not_mobile: 'ip_phone_not_mobile',
  date_unparseable: 'ip_date_unparseable',
  birthday_invalid: 'fe_birthday_invalid',
  category_unknown: 'ip_category_unknown',
  channel_unknown: 'ip_value_unknown',
  kind_unknown: 'ip_value_unknown',
  country_unknown: 'ip_value_unknown',
  phone_type_unknown: 'ip_value_unknown',
  custom_invalid: 'fe_custom_invalid',
};

/** A row problem's text, with the offending value. */
export function importProblemText(code: string, value: string): string {
  const text = PROBLEMS[code] ? t(PROBLEMS[code]) : t('ip_unknown');
  return value ? `${text}: ${value}` : text;
}
