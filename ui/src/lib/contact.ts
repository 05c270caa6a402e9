// A tap on a call / message link: remember it for "How did it go?", then open it. In Tauri through
// the opener plugin; in a browser the anchor's own navigation does it.
import { inTauri, openUrl } from './api';
import { showSnack } from './app.svelte';
import { actionStarted } from './afterAction';
import type { Channel } from './bindings/Channel';
import { t } from './i18n/index.svelte';
import type { Person } from './sheets.svelte';

export function contactClick(e: MouseEvent, url: string, person?: Person | null, channel?: Channel | null): void {
  if (person && channel) actionStarted(person, channel);
  if (!inTauri) return;
  e.preventDefault();
  openUrl(url).catch(() => showSnack({ text: t('open_failed') }));
}
