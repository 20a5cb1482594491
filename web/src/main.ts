/**
 * The browser app's entry: builds the `AppContext` (live client, selection, focus), mounts the
 * view switch (map ↔ telephony, `#telephony`), the map, search, filters, legend, node panel,
 * events, telephony view and theme controls, shows the connection state, binds the global keys
 * (`/` search), and exposes `window.__vigie = { cy, ctx, ready, map, views, telephony }` for tests
 * and benchmarks. Focusing a node (search, a neighbour, "show on map") switches to the map view.
 */
import type { AppContext, ConnectionState } from './context.js';
import { LiveClient, wsUrl } from './live/live-client.js';
import { mountFilters, mountLegend } from './map/controls.js';
import { LayoutStore } from './map/layout-store.js';
import { MapView } from './map/map-view.js';
import { mountSearch } from './search/search-box.js';
import { mountPanel } from './panel/index.js';
import { mountEvents } from './events/index.js';
import { mountThemeControls } from './theme/index.js';
import { mountTelephony } from './telephony/index.js';
import { mountViews } from './views/nav.js';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page lacks #${id}`);
  return el as T;
}

function createSelection(): AppContext['selection'] {
  let node: string | undefined;
  const listeners = new Set<(node: string | undefined) => void>();
  return {
    get node() {
      return node;
    },
    set(next) {
      if (next === node) return;
      node = next;
      for (const l of [...listeners]) l(node);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  resyncing: 'resynchronising…',
  offline: 'offline, retrying',
};

function showConnection(el: HTMLElement, state: ConnectionState): void {
  el.dataset.state = state;
  el.textContent = CONNECTION_TEXT[state];
  el.title = state === 'live' ? 'Receiving live updates' : `Live updates: ${CONNECTION_TEXT[state]}`;
}

function start(): void {
  const live = new LiveClient({ url: wsUrl(location), onWarning: (m) => console.warn(m) });
  const selection = createSelection();
  const layout = new LayoutStore({ onWarning: (m) => console.warn(m) });
  const map = new MapView({ container: byId('map'), live, selection, layout });
  const views = mountViews(byId('view-nav'), { telephony: [byId('telephony-view')] });
  const ctx: AppContext = {
    live,
    selection,
    focus: (id) => {
      views.go({ view: 'map' });
      map.focus(id);
    },
  };
  const ready = map.ready;
  const telephony = mountTelephony(ctx, byId('telephony-view'), { router: views, showOnMap: (id) => ctx.focus(id) });
  (window as unknown as { __vigie: unknown }).__vigie = { cy: map.cy, ctx, ready, map, views, telephony };

  const conn = byId('conn-state');
  showConnection(conn, live.connection);
  live.onConnection((s) => showConnection(conn, s));

  const counts = byId('counts');
  const showCounts = () => {
    let down = 0;
    for (const n of live.nodes.values()) if (n.state === 'down' || n.state === 'unreachable') down++;
    counts.textContent = `${live.nodes.size} nodes · ${live.links.size} links${down ? ` · ${down} down` : ''}`;
  };
  map.onUpdate(showCounts);

  mountSearch({ input: byId<HTMLInputElement>('search'), results: byId<HTMLUListElement>('search-results'), ctx });
  mountFilters(byId('filters'), map);
  mountLegend(byId('legend'));
  mountPanel(ctx, byId('panel'));
  mountEvents(ctx, byId('events-pane'));
  mountThemeControls(byId('theme-controls'), (on) => {
    document.body.classList.toggle('noc', on);
    map.setAutoFit(on);
  });
  byId('fit-button').addEventListener('click', () => map.fit());

  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null;
    const typing = !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      byId<HTMLInputElement>('search').focus();
    }
  });
  window.addEventListener('online', () => live.connect());
  window.addEventListener('pagehide', () => void layout.flush());
  live.connect();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
