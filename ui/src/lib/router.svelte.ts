// Hash routes, so the Android back button / browser back work:
// #/ (Today) · #/clients · #/c/<id> · #/new · #/edit/<id> · #/tasks · #/settings
export type Route =
  | { name: 'today' }
  | { name: 'list' }
  | { name: 'card'; id: string }
  | { name: 'new' }
  | { name: 'edit'; id: string }
  | { name: 'tasks' }
  | { name: 'settings' };

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

export function go(r: Route, replace = false): void {
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

/** Back within the app when we came from inside it, otherwise to `parent`. */
export function back(parent: Route = { name: router.master === 'today' ? 'today' : 'list' }): void {
  if (depth > 0) {
    depth--;
    history.back();
  } else {
    go(parent, true);
  }
}
