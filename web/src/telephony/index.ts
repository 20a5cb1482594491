/**
 * The telephony view (`#telephony-view`): the SIP trunks table (live from the topology topic: trunk
 * nodes carry their latest metrics), the selected trunk's header and history charts, and the calls
 * of the last hour (`sip-call` events: `/api/events` on start and after a reconnect, then the live
 * `events` topic), filtered to the selected trunk, to problems, or by text.
 *
 * Contract: the selected trunk follows the router (`#telephony/<name>`); selecting a row, a call's
 * trunk, or clearing the selection (the chip, the close button, Esc) goes through `router.go`, so
 * the URL always names what is shown. `showOnMap(id)` is the app's map focus. Live updates are
 * coalesced to one render per frame; calls older than an hour are pruned every `PRUNE_MS`.
 */
import type { AppContext, LiveEvent } from '../context.js';
import { h } from '../panel/dom.js';
import { formatSince } from '../panel/format.js';
import { stateIcon } from '../panel/icons.js';
import type { ViewRouter } from '../views/nav.js';
import { callFromEvent, CallLog, callMatcher, HOUR_MS, summarizeCalls, type CallFilter, type CallRow } from './calls.js';
import { createCallsTable } from './calls-table.js';
import { BAND_GLYPHS, formatMos, formatRatio, type MosBand } from './format.js';
import { createTrunkCharts, type FetchJson } from './trunk-charts.js';
import { isTrunk, trunkRow, trunkRows, type TrunkRow } from './trunk-rows.js';
import { createTrunksTable } from './trunks-table.js';
import { CALL_EVENT, MOS_FAIR, MOS_GOOD } from './vocabulary.js';

export const PRUNE_MS = 30_000;
/** The shown trunk's charts reload at most this often while its metrics change. */
export const CHART_REFRESH_MS = 15_000;
export const CALLS_FETCH_LIMIT = 5000;
const CALLS_SHOWN = 500;

export interface TelephonyOptions {
  router: ViewRouter;
  showOnMap(id: string): void;
  fetchJson?: FetchJson;
}

export interface TelephonyView {
  /** The calls kept (last hour), newest first. */
  readonly calls: CallLog;
}

async function defaultFetch(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** The MOS bands, as the tables colour them. */
function mosLegend(): HTMLElement {
  const item = (band: MosBand, text: string) => h('span', { class: `mos mos-${band}`, 'data-band': band },
    h('span', { class: 'mos-glyph', 'aria-hidden': 'true', text: BAND_GLYPHS[band] }), h('span', { class: 'mos-value', text }));
  return h('p', { class: 'mos-legend' }, h('span', { text: 'MOS (E-model):' }),
    item('good', `good ≥ ${MOS_GOOD}`), item('fair', `fair ≥ ${MOS_FAIR}`), item('poor', `poor < ${MOS_FAIR}`));
}

function nextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(fn);
  else setTimeout(fn, 16);
}

export function mountTelephony(ctx: AppContext, el: HTMLElement, opts: TelephonyOptions): TelephonyView {
  const fetchJson = opts.fetchJson ?? defaultFetch;
  const log = new CallLog(HOUR_MS, CALLS_FETCH_LIMIT);
  const filter: CallFilter = {};
  let selected: string | undefined;
  let chartsLoadedAt = 0;

  // ---- trunks ----
  const summary = h('p', { class: 'tel-summary', role: 'status', 'aria-live': 'polite' });
  const trunksEmpty = h('p', { class: 'empty', text: 'No SIP trunk yet: add a sip-trunk probe to the config (see probes/sip/README.md).' });
  const trunks = createTrunksTable((id) => select(id === selected ? undefined : id));

  // ---- selected trunk ----
  const detailIcon = h('span', { class: 'node-state-icon' });
  const detailName = h('h3', { class: 'trunk-title', id: 'trunk-detail-title' });
  const detailInfo = h('span', { class: 'trunk-info' });
  const mapBtn = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Show this trunk on the map', onclick: () => selected && opts.showOnMap(selected) }, 'Show on map');
  const closeBtn = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the trunk details (Esc)', onclick: () => select(undefined) }, '×');
  const charts = createTrunkCharts(fetchJson);
  const detail = h('section', { id: 'trunk-detail', class: 'trunk-detail', 'aria-labelledby': 'trunk-detail-title' },
    h('header', { class: 'panel-head' }, detailIcon, detailName, detailInfo, mapBtn, closeBtn), charts.el);
  detail.hidden = true;

  // ---- calls ----
  const chip = h('button', { type: 'button', class: 'filter-chip', id: 'calls-trunk-filter', onclick: () => select(undefined) });
  chip.hidden = true;
  const problems = h('input', { type: 'checkbox', id: 'calls-problems' });
  const text = h('input', { type: 'search', id: 'calls-filter', placeholder: 'Filter: number, Call-ID, codec…', 'aria-label': 'Filter calls by number, Call-ID, codec, outcome or source', autocomplete: 'off', spellcheck: 'false' });
  const callsSummary = h('span', { class: 'calls-summary', role: 'status', 'aria-live': 'polite' });
  const callsEmpty = h('p', { class: 'empty' });
  const calls = createCallsTable((id) => select(id));

  el.classList.add('telephony-view');
  el.replaceChildren(
    h('header', { class: 'tel-head' }, h('h2', { text: 'Telephony' }), summary, mosLegend()),
    h('section', { class: 'tel-trunks', 'aria-labelledby': 'trunks-heading' },
      h('h3', { id: 'trunks-heading', text: 'SIP trunks' }), h('div', { class: 'table-scroll' }, trunks.el), trunksEmpty),
    detail,
    h('section', { class: 'tel-calls', 'aria-labelledby': 'calls-heading' },
      h('div', { class: 'calls-head' },
        h('h3', { id: 'calls-heading', text: 'Calls in the last hour' }), chip,
        h('label', { class: 'check', for: 'calls-problems' }, problems, 'Problems only'), text, callsSummary),
      h('div', { class: 'table-scroll' }, calls.el), callsEmpty),
  );

  // ---- rendering ----
  /** What the next frame redraws: every trunk (`all`) or the trunk ids named, and/or the calls. */
  let pending: { trunks: Set<string> | 'all'; calls: boolean } | undefined;
  function schedule(part: { trunks?: Iterable<string> | 'all'; calls?: boolean }): void {
    const first = !pending;
    const p = (pending ??= { trunks: new Set(), calls: false });
    if (part.trunks === 'all') p.trunks = 'all';
    else if (part.trunks && p.trunks !== 'all') for (const id of part.trunks) p.trunks.add(id);
    if (part.calls) p.calls = true;
    if (first) nextFrame(flush);
  }
  function flush(): void {
    const p = pending;
    pending = undefined;
    if (p && (p.trunks === 'all' || p.trunks.size > 0)) renderTrunks(p.trunks);
    if (p?.calls) renderCalls();
  }

  function renderTrunks(which: Set<string> | 'all'): void {
    const counts = log.countByTrunk();
    if (which === 'all') trunks.update(trunkRows(ctx.live.nodes.values(), counts));
    else {
      const rows: TrunkRow[] = [];
      const removed: string[] = [];
      for (const id of which) {
        const node = ctx.live.nodes.get(id);
        if (node && isTrunk(node)) rows.push(trunkRow(node, counts));
        else removed.push(id);
      }
      trunks.patch(rows, removed);
    }
    const n = trunks.size;
    trunksEmpty.hidden = n > 0;
    trunks.el.hidden = n === 0;
    el.dataset.trunks = String(n);
    const byState = new Map<string, number>();
    for (const node of ctx.live.nodes.values()) if (isTrunk(node)) byState.set(node.state, (byState.get(node.state) ?? 0) + 1);
    const parts = [...byState].sort((a, b) => b[1] - a[1]).map(([s, k]) => `${k} ${s}`);
    summary.textContent = n ? `${n} trunk${n === 1 ? '' : 's'}: ${parts.join(', ')}` : '';
    renderDetail();
  }

  function renderDetail(): void {
    if (!selected) return;
    const node = ctx.live.nodes.get(selected);
    const row = node ? trunkRow(node) : undefined;
    const state = row?.state ?? 'unknown';
    detail.dataset.state = state;
    detailIcon.replaceChildren(stateIcon(state));
    detailName.textContent = row?.name ?? selected.replace(/^trunk:/, '');
    const since = row?.since !== undefined ? ` for ${formatSince(row.since, Date.now())}` : '';
    const where = [row?.uri, row?.via ? `via ${row.via}` : undefined].filter(Boolean).join(' · ');
    detailInfo.textContent = row ? `${state}${since}${where ? ` · ${where}` : ''}` : 'not in the topology (yet)';
    mapBtn.hidden = !node;
  }

  function renderCalls(): void {
    filter.trunkId = selected;
    const shown = log.list().filter(callMatcher(filter));
    calls.render(shown.slice(0, CALLS_SHOWN));
    const s = summarizeCalls(shown);
    const parts = [`${s.total} call${s.total === 1 ? '' : 's'}`];
    if (s.total > CALLS_SHOWN) parts.push(`newest ${CALLS_SHOWN} shown`);
    if (s.asrPct !== undefined) parts.push(`answered ${formatRatio(s.asrPct)}`);
    if (s.mosAvg !== undefined) parts.push(`MOS ${formatMos(s.mosAvg)}`);
    if (s.problems) parts.push(`${s.problems} with problems`);
    callsSummary.textContent = parts.join(' · ');
    callsEmpty.hidden = shown.length > 0;
    calls.el.hidden = shown.length === 0;
    const on = selected ? ` on ${selected.replace(/^trunk:/, '')}` : '';
    callsEmpty.textContent = log.size === 0 ? 'No calls reported in the last hour.' : `No call${on} matches in the last hour.`;
    el.dataset.calls = String(shown.length);
  }

  // ---- selection ----
  function applySelection(id: string | undefined): void {
    if (id === selected) return;
    selected = id;
    trunks.setSelected(id);
    chip.hidden = !id;
    chip.textContent = id ? `Trunk: ${id.replace(/^trunk:/, '')} ×` : '';
    chip.setAttribute('aria-label', id ? `Showing the calls of ${id.replace(/^trunk:/, '')} only; show every trunk's calls` : '');
    if (id) {
      detail.hidden = false;
      detail.dataset.trunk = id;
      renderDetail();
      charts.show(id);
      chartsLoadedAt = Date.now();
    } else {
      detail.hidden = true;
      delete detail.dataset.trunk;
      charts.close();
    }
    schedule({ calls: true });
  }

  function select(id: string | undefined): void {
    opts.router.go({ view: 'telephony', trunk: id });
  }

  opts.router.onChange((route) => {
    if (route.view === 'telephony') applySelection(route.trunk);
  });

  // ---- data ----
  function addCalls(events: Iterable<LiveEvent>): void {
    const now = Date.now();
    const touched = new Set<string>();
    for (const e of events) {
      const row: CallRow | undefined = e.type === CALL_EVENT ? callFromEvent(e) : undefined;
      if (row && log.add(row, now)) touched.add(row.trunkId);
    }
    if (touched.size) schedule({ trunks: touched, calls: true });
  }

  function fetchCalls(): void {
    const q = new URLSearchParams({ type: CALL_EVENT, from: String(Date.now() - HOUR_MS), limit: String(CALLS_FETCH_LIMIT) });
    fetchJson(`/api/events?${q.toString()}`).then((body) => {
      const list = (body as { events?: unknown }).events;
      if (Array.isArray(list)) addCalls(list as LiveEvent[]);
    }, () => undefined);
  }

  ctx.live.onTopology((changed) => {
    if (changed.snapshot) schedule({ trunks: 'all' });
    else {
      const ids = changed.nodes.filter((id) => id.startsWith('trunk:') || ctx.live.nodes.get(id)?.kind === 'trunk');
      if (ids.length) schedule({ trunks: ids });
    }
    if (selected && (changed.snapshot || changed.nodes.includes(selected)) && Date.now() - chartsLoadedAt >= CHART_REFRESH_MS) {
      chartsLoadedAt = Date.now();
      charts.refresh();
    }
  });
  ctx.live.onEvent((e) => addCalls([e]));
  let wasOffline = false;
  ctx.live.onConnection((state) => {
    if (state === 'offline') wasOffline = true;
    if (state === 'live' && wasOffline) {
      wasOffline = false;
      fetchCalls();
    }
  });

  problems.addEventListener('change', () => {
    filter.problemsOnly = problems.checked;
    schedule({ calls: true });
  });
  let debounce: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      filter.text = text.value;
      schedule({ calls: true });
    }, 120);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || el.hidden || !selected) return;
    const t = e.target as HTMLElement | null;
    if (t && ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) return; // Esc clears a field first
    e.preventDefault();
    select(undefined);
  }, true);
  setInterval(() => {
    if (log.prune(Date.now()) > 0) schedule({ trunks: 'all', calls: true });
    else if (selected) renderDetail();
  }, PRUNE_MS);

  addCalls(ctx.live.events);
  fetchCalls();
  if (opts.router.route.view === 'telephony') applySelection(opts.router.route.trunk);
  schedule({ trunks: 'all', calls: true });
  return { calls: log };
}
