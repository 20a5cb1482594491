/**
 * The page's views as data (no DOM): the map (default) and the telephony view, deep-linkable
 * through the URL's hash. `#telephony` opens the telephony view, `#telephony/<trunk name>` opens it
 * with that trunk selected (charts open, calls filtered); anything else (``, `#map`, an unknown
 * hash) is the map. `routeHash` is the inverse: `parseRoute(routeHash(r))` equals `r`.
 */
export type ViewName = 'map' | 'telephony';
export const VIEWS: readonly ViewName[] = ['map', 'telephony'];

export interface Route {
  view: ViewName;
  /** Telephony only: the selected trunk's id (`trunk:<name>`). */
  trunk?: string;
}

export const VIEW_TITLES: Record<ViewName, string> = { map: 'live map', telephony: 'telephony' };

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === 'telephony' || h === 'telephony/') return { view: 'telephony' };
  if (h.startsWith('telephony/')) {
    const name = decode(h.slice('telephony/'.length));
    return name ? { view: 'telephony', trunk: `trunk:${name}` } : { view: 'telephony' };
  }
  return { view: 'map' };
}

export function routeHash(route: Route): string {
  if (route.view !== 'telephony') return '#map';
  return route.trunk ? `#telephony/${encodeURIComponent(route.trunk.replace(/^trunk:/, ''))}` : '#telephony';
}

export function sameRoute(a: Route, b: Route): boolean {
  return a.view === b.view && (a.trunk ?? '') === (b.trunk ?? '');
}
