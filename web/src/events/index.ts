/**
 * The events view: newest first, filtered by minimum severity (`#events-filter-severity`) and
 * text (`#events-filter-text`: entity, kind, message; `entity:`/`kind:` prefixes), each item
 * `li[data-event-type][data-severity]` with a severity icon and colour. Starts from
 * `ctx.live.events` (or `/api/events` when the live copy is still empty), then follows
 * `ctx.live.onEvent`, and re-merges the live list after a resync. Choosing an event focuses the
 * node of its entity on the map (`ctx.focus`).
 */
import type { AppContext, LiveEvent } from '../context.js';
import { h } from '../panel/dom.js';
import { formatTime } from '../panel/format.js';
import { severityIcon } from '../panel/icons.js';
import { eventKey, eventMatcher, mergeEvents, nodeOfEntity, SEVERITY_NAMES, type EventFilter } from './filter.js';

const KEEP = 500;
const SHOWN = 300;

export function mountEvents(ctx: AppContext, el: HTMLElement): void {
  let events: LiveEvent[] = [...ctx.live.events];
  const filter: EventFilter = {};
  let matches = eventMatcher(filter);

  const severity = h('select', { id: 'events-filter-severity', 'aria-label': 'Minimum severity' },
    h('option', { value: '', text: 'All severities' }),
    ...SEVERITY_NAMES.map((s) => h('option', { value: s, text: s === 'critical' ? 'critical' : `${s} and above` })));
  const text = h('input', { id: 'events-filter-text', type: 'search', placeholder: 'Filter: entity, kind, text', 'aria-label': 'Filter events by entity, kind or text', autocomplete: 'off', spellcheck: 'false' });
  const count = h('span', { class: 'events-count', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'events-list', 'aria-label': 'Events, newest first' });
  if (el.id !== 'events' && !document.getElementById('events')) list.id = 'events';
  el.classList.add('events-view');
  el.replaceChildren(h('div', { class: 'events-filters' }, severity, text, count), list);

  function item(e: LiveEvent): HTMLLIElement {
    const node = nodeOfEntity(e.entity, ctx.live.ports, ctx.live.links);
    const known = node !== undefined && ctx.live.nodes.has(node);
    const label = `${e.severity} ${e.type} on ${e.entity}${e.message ? `: ${e.message}` : ''}`;
    const content = [
      severityIcon(e.severity),
      h('time', { datetime: new Date(e.at).toISOString(), text: formatTime(e.at) }),
      h('span', { class: 'event-entity', text: e.entity.replace(/^(node|port):/, '') }),
      h('span', { class: 'event-type', text: e.type }),
      h('span', { class: 'event-message', text: e.message ?? '' }),
    ];
    const body = known
      ? h('button', { type: 'button', class: 'event-body', 'aria-label': `${label}. Show ${node} on the map`, onclick: () => ctx.focus(node) }, ...content)
      : h('div', { class: 'event-body', 'aria-label': label }, ...content);
    return h('li', { 'data-event-type': e.type, 'data-severity': e.severity, 'data-entity': e.entity, 'data-key': eventKey(e) }, body);
  }

  function renderAll(): void {
    const shown = events.filter(matches).slice(0, SHOWN);
    list.replaceChildren(...shown.map(item));
    renderCount();
  }

  function renderCount(): void {
    const n = list.children.length;
    count.textContent = n === 0 ? (events.length === 0 ? 'No events yet.' : 'No event matches.') : `${n}${n >= SHOWN ? '+' : ''} shown`;
  }

  function add(e: LiveEvent): void {
    if (events.some((x) => eventKey(x) === eventKey(e))) return;
    events = mergeEvents([e], events, KEEP);
    if (!matches(e)) return;
    if (events[0] === e) list.prepend(item(e));
    else return renderAll();
    while (list.children.length > SHOWN) list.lastElementChild?.remove();
    renderCount();
  }

  function applyFilter(): void {
    filter.minSeverity = severity.value || undefined;
    filter.text = text.value;
    matches = eventMatcher(filter);
    renderAll();
  }

  severity.addEventListener('change', applyFilter);
  let debounce: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(applyFilter, 120);
  });

  ctx.live.onEvent(add);
  ctx.live.onConnection((state) => {
    if (state !== 'live') return;
    const merged = mergeEvents(ctx.live.events, events, KEEP);
    if (merged.length !== events.length || merged.some((e, i) => e !== events[i])) {
      events = merged;
      renderAll();
    }
  });
  ctx.live.onTopology((changed) => {
    // Event buttons depend on which nodes exist: redraw once the first snapshot is in.
    if (changed.snapshot) {
      events = mergeEvents(ctx.live.events, events, KEEP);
      renderAll();
    }
  });

  renderAll();
  if (events.length === 0) {
    fetch('/api/events?limit=200', { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : { events: [] }))
      .then((body: { events?: LiveEvent[] }) => {
        events = mergeEvents(events, body.events ?? [], KEEP);
        renderAll();
      }, () => undefined);
  }
}
