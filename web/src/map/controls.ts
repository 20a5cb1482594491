/**
 * The map's side controls: filters by kind and state (`#filters`, checkboxes
 * `data-filter-kind` / `data-filter-state`, checked = shown), the site list with
 * collapse/expand, and the legend (`#legend`: state colours with their icons, kind shapes,
 * link utilisation and speed).
 */
import { KINDS, STATE_COLOURS, STATES, stateIconUri } from './palette.js';
import { UTIL_STOPS, speedWidth } from './scale.js';
import type { MapView } from './map-view.js';

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function checkbox(attr: string, value: string, label: Array<Node | string>, onChange: () => void): HTMLLabelElement {
  const input = h('input', { type: 'checkbox', [attr]: value });
  input.checked = true;
  input.addEventListener('change', onChange);
  return h('label', { class: 'check' }, input, ...label);
}

function stateSwatch(state: (typeof STATES)[number]): HTMLElement {
  const s = h('span', { class: `swatch state-${state}`, 'aria-hidden': 'true' });
  s.style.backgroundColor = STATE_COLOURS[state];
  s.style.backgroundImage = `url("${stateIconUri(state)}")`;
  return s;
}

/** Small inline SVGs of the kind shapes, for the filters and the legend. */
const KIND_SVG: Record<string, string> = {
  switch: '<rect x="3" y="5" width="18" height="14" rx="4"/>',
  router: '<ellipse cx="12" cy="12" rx="9" ry="9"/>',
  trunk: '<path d="M12 2l10 10-10 10L2 12z"/>',
  room: '<path d="M7 3h10l5 9-5 9H7l-5-9z"/>',
  database: '<path d="M4 5q8-4 16 0v14q-8 4-16 0z"/>',
  server: '<rect x="4" y="4" width="16" height="16"/>',
  ups: '<path d="M3 5h13l5 7-5 7H3z"/>',
  unknown: '<path d="M8 2h8l6 6v8l-6 6H8l-6-6V8z"/>',
};

function kindIcon(kind: string): HTMLElement {
  const s = h('span', { class: 'kind-icon', 'aria-hidden': 'true' });
  s.innerHTML = `<svg viewBox="0 0 24 24" width="16" height="16" fill="currentColor">${KIND_SVG[kind] ?? KIND_SVG.unknown}</svg>`;
  return s;
}

export function mountFilters(el: HTMLElement, map: MapView): void {
  const apply = () => {
    const hiddenKinds = [...el.querySelectorAll<HTMLInputElement>('input[data-filter-kind]')].filter((i) => !i.checked).map((i) => i.dataset.filterKind!);
    const hiddenStates = [...el.querySelectorAll<HTMLInputElement>('input[data-filter-state]')].filter((i) => !i.checked).map((i) => i.dataset.filterState!);
    map.setFilters(hiddenKinds, hiddenStates);
  };
  const kinds = h('fieldset', { class: 'filter-group' }, h('legend', { text: 'Kind' }),
    ...KINDS.map((k) => checkbox('data-filter-kind', k, [kindIcon(k), k], apply)));
  const states = h('fieldset', { class: 'filter-group' }, h('legend', { text: 'State' }),
    ...STATES.map((s) => checkbox('data-filter-state', s, [stateSwatch(s), s], apply)));
  const sites = h('fieldset', { class: 'filter-group', id: 'sites' }, h('legend', { text: 'Sites' }));
  const renderSites = () => {
    const list = map.groups.sites();
    sites.replaceChildren(h('legend', { text: 'Sites' }), ...list.map((site) => {
      const collapsed = map.groups.isCollapsed(site);
      const b = h('button', { type: 'button', class: 'site-toggle', 'data-site': site, 'aria-pressed': String(collapsed), title: collapsed ? 'Expand this site' : 'Collapse this site into one node' },
        h('span', { class: 'chevron', 'aria-hidden': 'true', text: collapsed ? '▸' : '▾' }), site);
      b.addEventListener('click', () => map.groups.setCollapsed(site, !map.groups.isCollapsed(site)));
      return b;
    }));
    if (!list.length) sites.append(h('p', { class: 'hint', text: 'no sites' }));
  };
  map.groups.onChange(renderSites);
  renderSites();
  el.replaceChildren(h('h2', { text: 'Filters' }), kinds, states, sites);
}

export function mountLegend(el: HTMLElement): void {
  const states = h('ul', { class: 'legend-list' }, ...STATES.map((s) => h('li', {}, stateSwatch(s), s)));
  const kinds = h('ul', { class: 'legend-list kinds' }, ...KINDS.map((k) => h('li', {}, kindIcon(k), k)));
  const gradient = UTIL_STOPS.map(([u, c]) => `${c} ${u}%`).join(', ');
  const bar = h('div', { class: 'util-bar', 'aria-hidden': 'true' });
  bar.style.background = `linear-gradient(to right, ${gradient})`;
  const util = h('div', { class: 'legend-util' }, bar, h('div', { class: 'util-scale' }, h('span', { text: '0 %' }), h('span', { text: '50 %' }), h('span', { text: '100 %' })));
  const speeds = h('ul', { class: 'legend-list speeds' }, ...[[1e8, '100M'], [1e9, '1G'], [1e10, '10G'], [1e11, '100G']].map(([bps, label]) => {
    const line = h('span', { class: 'speed-line', 'aria-hidden': 'true' });
    line.style.height = `${speedWidth(bps as number)}px`;
    return h('li', {}, line, label as string);
  }));
  const down = h('ul', { class: 'legend-list' },
    h('li', {}, h('span', { class: 'dash-line down', 'aria-hidden': 'true' }), 'link down'),
    h('li', {}, h('span', { class: 'dash-line dotted', 'aria-hidden': 'true' }), 'link state unknown'));
  el.replaceChildren(
    h('h2', { text: 'Legend' }),
    h('h3', { text: 'State' }), states,
    h('h3', { text: 'Kind' }), kinds,
    h('h3', { text: 'Link utilisation' }), util,
    h('h3', { text: 'Link speed' }), speeds, down,
    h('p', { class: 'hint', text: 'Hover a link for its ports and load. Double-click a site to collapse it; click it to expand.' }),
  );
}
