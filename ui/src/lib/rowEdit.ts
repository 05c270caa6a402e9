// Save and delete for the rows of the settings list editors (categories, custom fields): one place for
// "field errors next to the row, anything else in the snackbar" and "confirm before deleting".
import { askConfirm, showSnack } from './app.svelte';
import type { ApiError } from './bindings/ApiError';
import { fieldErrorMap } from './errors';
import { t } from './i18n/index.svelte';

/** Saves a row; `errors[key]` holds its field errors afterwards (none on success). */
export async function saveRow(
  errors: Record<string, Record<string, string>>,
  key: string,
  save: () => Promise<unknown>,
  reload: () => Promise<void>,
): Promise<void> {
  try {
    await save();
    delete errors[key];
    await reload();
    showSnack({ text: t('saved') }, 2000);
  } catch (e) {
    const err = e as ApiError;
    if (err.fields?.length) errors[key] = fieldErrorMap(err.fields);
    else showSnack({ text: '', error: err });
  }
}

/** Removes row `i`: an unsaved draft at once, a saved one after the user confirms `question`. */
export async function removeRow<T extends { id: string }>(
  drafts: T[],
  i: number,
  question: string,
  remove: (id: string) => Promise<unknown>,
  reload: () => Promise<void>,
): Promise<void> {
  const row = drafts[i];
  if (!row.id) {
    drafts.splice(i, 1);
    return;
  }
  if (!(await askConfirm(question, t('delete')))) return;
  try {
    await remove(row.id);
    await reload();
  } catch (e) {
    showSnack({ text: '', error: e as ApiError });
  }
}
