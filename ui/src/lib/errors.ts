// Translates the core's error codes. A rep never sees raw Rust/SQL text: unknown codes get a
// generic translated message, and the English `message` is only offered as collapsed details.
import type { ApiError } from './bindings/ApiError';
import type { FieldError } from './bindings/FieldError';
import { countryName, t, type TextKey } from './i18n/index.svelte';

const API_CODES: Record<string, TextKey> = {
  schema_too_new: 'err_schema_too_new',
  db_open: 'err_db_open',
  not_found: 'err_not_found',
  validation: 'err_validation',
  conflict: 'err_conflict',
  db: 'err_db',
  bad_request: 'err_bad_request',
  internal: 'err_internal',
  unreachable: 'err_unreachable',
  backup_failed: 'err_backup_failed',
  cancelled: 'imp_cancelled',
  export_failed: 'err_export_failed',
  save_failed: 'err_save_failed',
  empty_file: 'err_empty_file',
  file_too_large: 'err_file_too_large',
  unknown_format: 'err_unknown_format',
  workbook_unreadable: 'err_workbook_unreadable',
  workbook_encrypted: 'err_workbook_encrypted',
  too_many_cells: 'err_file_too_large',
  no_sheets: 'err_no_sheets',
  sheet_not_found: 'err_no_sheets',
  unknown_encoding: 'err_unknown_encoding',
  encoding_mismatch: 'err_unknown_encoding',
  vcard_malformed: 'err_vcard_malformed',
  no_vcard: 'err_vcard_malformed',
  wrong_kind: 'err_unknown_format',
  // Company sync.
  offline: 'se_offline',
  unauthorized: 'se_unauthorized',
  token_expired: 'se_unauthorized',
  device_revoked: 'se_device_revoked',
  update_required: 'se_update_required',
  too_many_attempts: 'se_too_many_attempts',
  clock_skew: 'se_clock_skew',
  forbidden: 'se_forbidden',
  insecure_url: 'se_insecure_url',
  bad_url: 'se_bad_url',
  not_connected: 'se_not_connected',
};

const BACKUP_REASONS: Record<string, TextKey> = {
  not_sqlite: 'err_backup_not_sqlite',
  corrupt: 'err_backup_corrupt',
  schema_too_new: 'err_backup_schema_too_new',
  not_clientbase: 'err_backup_not_clientbase',
};

const FIELD_CODES: Record<string, TextKey> = {
  phone_invalid: 'fe_phone_invalid',
  phone_not_mobile: 'fe_phone_not_mobile',
  phone_too_short: 'fe_phone_too_short',
  phone_too_long: 'fe_phone_too_long',
  phone_country: 'fe_phone_country',
  phone_invalid_country: 'fe_phone_country',
  email_invalid: 'fe_email_invalid',
  name_required: 'fe_name_required',
  birthday_invalid: 'fe_birthday_invalid',
  url_invalid: 'fe_url_invalid',
  custom_invalid: 'fe_custom_invalid',
  required: 'fe_required',
  too_long: 'fe_too_long',
  color_invalid: 'fe_color_invalid',
  phone_required: 'fe_required',
  date_invalid: 'fe_date_invalid',
  date_in_future: 'fe_date_in_future',
  kind_invalid: 'fe_choice_invalid',
  outcome_invalid: 'fe_choice_invalid',
  category_invalid: 'fe_choice_invalid',
  language_invalid: 'fe_choice_invalid',
  client_invalid: 'fe_client_invalid',
  contact_invalid: 'fe_client_invalid',
  offset_invalid: 'fe_offset_invalid',
  days_invalid: 'fe_days_invalid',
  time_invalid: 'fe_time_invalid',
  cadence_invalid: 'fe_cadence_invalid',
};

/** True when the code has its own translation (so the details need not be offered). */
export function isKnownError(e: ApiError): boolean {
  return (e.code in API_CODES || e.code === 'backup_invalid') && e.code !== 'internal' && e.code !== 'db';
}

export function errorText(e: ApiError): string {
  if (e.code === 'backup_invalid') {
    const reason = e.fields?.[0]?.code ?? '';
    return t(BACKUP_REASONS[reason] ?? 'err_backup_corrupt');
  }
  const key = API_CODES[e.code];
  return key ? t(key) : t('err_generic');
}

export function fieldErrorText(fe: FieldError): string {
  const key = FIELD_CODES[fe.code] ?? 'fe_unknown';
  const params: Record<string, string> = { ...fe.params };
  if (params.country) params.country = countryName(params.country);
  return t(key, params);
}

/** Field path ("phones.0.raw") → translated message, for the form. */
export function fieldErrorMap(fields: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fe of fields) if (!(fe.field in out)) out[fe.field] = fieldErrorText(fe);
  return out;
}

/**
 * The value a field error is about, for noticing that the rep has edited it: the value at a path
 * like "phones.0.raw" or "contacts.1.emails.0"; "name" (no name at all) stands for every name field.
 */
export function valueAt(input: unknown, path: string): string {
  if (path === 'name' && input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    return JSON.stringify([o.first_name, o.last_name, o.middle_name, o.org_name]);
  }
  let v: unknown = input;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<string, unknown>)[part];
  }
  return JSON.stringify(v) ?? '';
}

/**
 * Field errors the rep has not yet acted on: an error goes away as soon as its field changes from
 * the value it was reported for (it comes back at the next save if the new value is wrong too).
 */
export function unresolvedErrors(
  errors: Record<string, string>,
  reportedFor: Record<string, string>,
  input: unknown,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(errors)) if (valueAt(input, path) === reportedFor[path]) out[path] = text;
  return out;
}
