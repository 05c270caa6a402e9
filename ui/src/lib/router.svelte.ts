// Hash routes, so the Android back button / browser back work:
// #/ (Today) · #/clients · #/c/<id> · #/new · #/edit/<id> · #/tasks · #/settings · #/duplicates · #/handover
export type Route =
  | { name: 'today' }
  | { name: 'list' }
  | { name: 'card'; id: string }
  | { name: 'new' }
  | { name: 'edit'; id: string }
  | { name: 'tasks' }
  | { name: 'settings' }
  | { name: 'duplicates' }
  | { name: 'analytics' }
  | { name: 'handover' };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'clients':
      return { name: 'list' };
    case 'c':
      return parts[1] ? { name: 'card', id: parts[1] } : { name: 'list' };
    case 'edit':
      return parts[1] ? { name: 'edit', id: parts[1] } : { name: 'list' };
    case 'new':
      return { name: 'new' };
    case 'tasks':
      return { name: 'tasks' };
    case 'settings':
      return { name: 'settings' };
    case 'duplicates':
      return { name: 'duplicates' };
    case 'analytics':
      return { name: 'analytics' };
    case 'handover':
      return { name: 'handover' };
    default:
      return { name: 'today' };
  }
}

export function href(r: Route): string {
  switch (r.name) {
    case 'list':
      return '#/clients';
    case 'card':
      return `#/c/${encodeURIComponent(r.id)}`;
    case 'edit':
      return `#/edit/${encodeURIComponent(r.id)}`;
    case 'new':
      return '#/new';
    case 'tasks':
      return '#/tasks';
    case 'settings':
      return '#/settings';
    case 'duplicates':
      return '#/duplicates';
    case 'analytics':
      return '#/analytics';
    case 'handover':
      return '#/handover';
    default:
      return '#/';
  }
}

/** The two "home" screens; the one shown last is the master pane beside a card on wide screens. */
export type Master = 'today' | 'list';

function masterOf(r: Route, prev: Master): Master {
  return r.name === 'today' ? 'today' : r.name === 'list' ? 'list' : prev;
}

const initial = parse(location.hash);
export const router = $state<{ route: Route; master: Master }>({ route: initial, master: masterOf(initial, 'today') });

function setRoute(r: Route): void {
  router.route = r;
  router.master = masterOf(r, router.master);
}

/** How many in-app steps can be undone with history.back(). */
let depth = 0;

window.addEventListener('hashchange', () => {
  setRoute(parse(location.hash));
});

// ---- overlays and the back button ----------------------------------------------------------------
// An open overlay (a bottom sheet, a dialog) owns one history entry with the screen's own URL, so the
// Android back button (a `popstate` in the web view) and the browser's back close the top overlay and
// nothing else. When an overlay closes by itself (cancel, save, Escape) its entry is taken back with
// history.go(-n); navigation asked for meanwhile waits until that step has landed, so it never pushes
// on top of an overlay's entry (which a later back would return to).

type Overlay = { id: number; close: () => void };
const overlays: Overlay[] = [];
let overlaySeq = 0;
/** history.go(-n) steps of ours still to arrive as popstate events. */
let ownPops = 0;
/** Entries released by overlays that closed themselves, taken back in one step at the next microtask. */
let toRelease = 0;
const afterPops: (() => void)[] = [];

function runAfterPops(): void {
  while (ownPops === 0 && toRelease === 0 && afterPops.length) afterPops.shift()!();
}

function releaseEntries(n: number): void {
  if (n <= 0) return;
  if (toRelease === 0) {
    queueMicrotask(() => {
      const steps = toRelease;
      toRelease = 0;
      if (steps > 0) {
        ownPops++;
        history.go(-steps);
      } else runAfterPops();
    });
  }
  toRelease += n;
}

window.addEventListener('popstate', () => {
  if (ownPops > 0) {
    ownPops--;
    runAfterPops();
    return;
  }
  // The user's back: close the top overlay; the screen (same URL) stays.
  const top = overlays.pop();
  if (top) top.close();
});

/**
 * An overlay opened: it takes a history entry. Returns the function to call when it closes (its
 * unmount): a no-op when back already closed it.
 */
export function pushOverlay(close: () => void): () => void {
  const id = ++overlaySeq;
  const push = () => {
    history.pushState({ overlay: id }, '', location.href);
    overlays.push({ id, close });
  };
  if (ownPops > 0 || toRelease > 0) afterPops.push(push);
  else push();
  return () => {
    const i = overlays.findIndex((o) => o.id === id);
    if (i >= 0) {
      // Its entry and those of any overlays opened above it (they close with it).
      const n = overlays.length - i;
      overlays.splice(i);
      releaseEntries(n);
    } else {
      const j = afterPops.indexOf(push);
      if (j >= 0) afterPops.splice(j, 1);
    }
  };
}

/** Runs `f` once no overlay entry is on top of the history (closing the open overlays' entries first). */
function whenNoOverlay(f: () => void): void {
  if (overlays.length) {
    // Navigating away closes the overlays (App.svelte closes the sheets on a route change).
    const n = overlays.length;
    overlays.length = 0;
    releaseEntries(n);
  }
  if (ownPops > 0 || toRelease > 0) afterPops.push(f);
  else f();
}

function navigate(r: Route, replace: boolean): void {
  const h = href(r);
  if (replace) {
    history.replaceState(null, '', h);
    setRoute(r);
  } else if (location.hash !== h && !(h === '#/' && location.hash === '')) {
    depth++;
    location.hash = h;
  } else {
    setRoute(r);
  }
}

export function go(r: Route, replace = false): void {
  whenNoOverlay(() => navigate(r, replace));
}

/** Back within the app when we came from inside it, otherwise to `parent`. */
export function back(parent: Route = { name: router.master === 'today' ? 'today' : 'list' }): void {
  whenNoOverlay(() => {
    if (depth > 0) {
      depth--;
      history.back();
    } else {
      navigate(parent, true);
    }
  });
}
