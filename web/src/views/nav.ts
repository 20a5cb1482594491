/**
 * The view switch (Map ↔ Telephony): fills `#view-nav` with one link per view (real `<a href>`,
 * so Tab/Enter, middle-click and the back button work; a plain click goes through `go`), follows
 * the hash (`route.ts`), and shows
 * the current view: `body[data-view]`, `aria-current="page"` on its link, the document title, and
 * the `hidden` attribute of each view's own sections (`sections[view]`). The map's sections are only
 * made invisible by the stylesheet (`body[data-view=telephony]`), never `display: none`, so the map
 * keeps its size and layout while another view is on top.
 *
 * Contract of the returned router: `route` is the current route; `go(route)` shows it (a history
 * entry when the view changes; a replaced one when only the trunk changes); `onChange` listeners get
 * every route shown, whether from `go`, a link or the back button.
 */
import { h } from '../panel/dom.js';
import { parseRoute, routeHash, sameRoute, VIEW_TITLES, VIEWS, type Route, type ViewName } from './route.js';

export interface ViewRouter {
  readonly route: Route;
  go(route: Route): void;
  onChange(listener: (route: Route) => void): () => void;
}

const LABELS: Record<ViewName, string> = { map: 'Map', telephony: 'Telephony' };
const HINTS: Record<ViewName, string> = { map: 'Topology map', telephony: 'SIP trunks and calls' };

export function mountViews(nav: HTMLElement, sections: Partial<Record<ViewName, HTMLElement[]>>): ViewRouter {
  let route = parseRoute(location.hash);
  const listeners = new Set<(r: Route) => void>();
  const baseTitle = document.title.replace(/\s+—.*$/, '') || 'Vigie';

  nav.classList.add('view-nav');
  if (!nav.getAttribute('aria-label')) nav.setAttribute('aria-label', 'Views');
  const links = new Map<ViewName, HTMLAnchorElement>();
  for (const v of VIEWS) {
    const a = h('a', { href: routeHash({ view: v }), 'data-view': v, title: HINTS[v] }, LABELS[v]);
    // handled here rather than by fragment navigation, which would move the Tab starting point to
    // the element the hash names (`#map`); modified clicks (new tab, ...) keep the browser's way
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      router.go({ view: v });
    });
    links.set(v, a);
  }
  nav.replaceChildren(...links.values());

  function apply(): void {
    document.body.dataset.view = route.view;
    document.title = `${baseTitle} — ${VIEW_TITLES[route.view]}`;
    for (const [v, a] of links) {
      if (v === route.view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    for (const v of VIEWS) for (const el of sections[v] ?? []) el.hidden = v !== route.view;
    for (const l of [...listeners]) l(route);
  }

  window.addEventListener('hashchange', () => {
    const next = parseRoute(location.hash);
    if (sameRoute(next, route)) return;
    route = next;
    apply();
  });

  const router: ViewRouter = {
    get route() {
      return route;
    },
    go(next) {
      if (sameRoute(next, route)) return;
      const viewChanged = next.view !== route.view;
      route = { ...next };
      const hash = routeHash(route);
      if (viewChanged) history.pushState(null, '', hash);
      else history.replaceState(null, '', hash);
      apply();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  apply();
  return router;
}
