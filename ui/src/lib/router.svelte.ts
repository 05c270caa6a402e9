// Hash routes, so the Android back button / browser back work: #/ · #/c/<id> · #/new · #/edit/<id> · #/settings
export type Route =
  | { name: 'list' }
  | { name: 'card'; id: string }
  | { name: 'new' }
  | { name: 'edit'; id: string }
  | { name: 'settings' };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'c':
      return parts[1] ? { name: 'card', id: parts[1] } : { name: 'list' };
    case 'edit':
      return parts[1] ? { name: 'edit', id: parts[1] } : { name: 'list' };
    case 'new':
      return { name: 'new' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'list' };
  }
}

export function href(r: Route): string {
  switch (r.name) {
    case 'card':
      return `#/c/${encodeURIComponent(r.id)}`;
    case 'edit':
      return `#/edit/${encodeURIComponent(r.id)}`;
    case 'new':
      return '#/new';
    case 'settings':
      return '#/settings';
    default:
      return '#/';
  }
}

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

/** How many in-app steps can be undone with history.back(). */
let depth = 0;

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

export function go(r: Route, replace = false): void {
  const h = href(r);
  if (replace) {
    history.replaceState(null, '', h);
    router.route = r;
  } else if (location.hash !== h) {
    depth++;
    location.hash = h;
  } else {
    router.route = r;
  }
}

/** Back within the app when we came from inside it, otherwise to `parent`. */
export function back(parent: Route = { name: 'list' }): void {
  if (depth > 0) {
    depth--;
    history.back();
  } else {
    go(parent, true);
  }
}
