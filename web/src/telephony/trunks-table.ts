/**
 * The sortable trunks table (`#trunks-table`, one `tr[data-trunk][data-state]` per trunk): state
 * (icon and colour), name and URI, OPTIONS RTT, registration, ASR, NER, concurrent calls, MOS (by
 * band: colour and glyph), jitter, loss, calls of the last hour. `update(rows)` patches only the
 * cells that changed and moves rows only when the order changes (focus is kept); `patch(rows,
 * removed)` touches only the trunks named (a live patch about one trunk re-reads one row). A row is a
 * button: click, Enter or Space calls `onSelect(id)`; the selected row has `aria-current="true"`.
 * Column headers are buttons that sort (`aria-sort` on the header cell); a new column sorts worst first.
 */
import { h } from '../panel/dom.js';
import { formatSince } from '../panel/format.js';
import { stateIcon } from '../panel/icons.js';
import {
  BAND_GLYPHS, formatCount, formatLoss, formatMos, formatMs, formatRatio, mosBand, MISSING, registrationLabel, registrationStatus,
} from './format.js';
import { DEFAULT_TRUNK_SORT, nextTrunkSort, sortTrunkRows, type TrunkColumn, type TrunkRow, type TrunkSort } from './trunk-rows.js';

interface Column {
  column: TrunkColumn;
  label: string;
  spoken: string;
  numeric: boolean;
}

const COLUMNS: Column[] = [
  { column: 'state', label: 'State', spoken: 'state', numeric: false },
  { column: 'name', label: 'Trunk', spoken: 'name', numeric: false },
  { column: 'rtt', label: 'OPTIONS RTT', spoken: 'OPTIONS round-trip time', numeric: true },
  { column: 'registration', label: 'Registration', spoken: 'registration', numeric: false },
  { column: 'asr', label: 'ASR', spoken: 'answer-seizure ratio', numeric: true },
  { column: 'ner', label: 'NER', spoken: 'network effectiveness ratio', numeric: true },
  { column: 'concurrent', label: 'Calls now', spoken: 'concurrent calls', numeric: true },
  { column: 'mos', label: 'MOS', spoken: 'mean opinion score', numeric: true },
  { column: 'jitter', label: 'Jitter', spoken: 'jitter', numeric: true },
  { column: 'loss', label: 'Loss', spoken: 'packet loss', numeric: true },
  { column: 'calls', label: 'Calls 1 h', spoken: 'calls in the last hour', numeric: true },
];

interface RowEls {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  /** What each cell shows, to skip unchanged ones. */
  shown: string[];
  row: TrunkRow;
}

export interface TrunksTable {
  readonly el: HTMLTableElement;
  /** Replaces the whole set of trunks. */
  update(rows: readonly TrunkRow[]): void;
  /** Adds or patches these trunks, and drops the `removed` ones; the others are left alone. */
  patch(rows: readonly TrunkRow[], removed?: readonly string[]): void;
  /** Trunks shown. */
  readonly size: number;
  setSelected(id: string | undefined): void;
}

/** A MOS value with its band (colour via `data-band`, glyph, and the band's name for readers). */
export function mosBadge(mos: number | undefined, title?: string): HTMLElement {
  const band = mosBand(mos);
  if (!band) return h('span', { class: 'mos missing', text: MISSING });
  return h('span', { class: `mos mos-${band}`, 'data-band': band, title: title ?? `MOS ${formatMos(mos)}: ${band}` },
    h('span', { class: 'mos-glyph', 'aria-hidden': 'true', text: BAND_GLYPHS[band] }),
    h('span', { class: 'mos-value', text: formatMos(mos) }),
    h('span', { class: 'visually-hidden', text: ` (${band})` }));
}

function registrationBadge(r: TrunkRow): HTMLElement {
  const status = registrationStatus(r.registered);
  const label = registrationLabel(r.registered, r.registerExpiresS);
  if (status === 'unchecked') return h('span', { class: 'reg reg-unchecked', title: 'No REGISTER check on this trunk', text: label });
  return h('span', { class: `reg reg-${status}`, 'data-reg': status },
    h('span', { class: 'reg-glyph', 'aria-hidden': 'true', text: status === 'registered' ? '✓' : '✕' }), label);
}

function rttTitle(r: TrunkRow): string {
  if (r.rttAvgMs === undefined) return 'Last OPTIONS round-trip time';
  const sd = r.rttStddevMs !== undefined ? ` ± ${formatMs(r.rttStddevMs)}` : '';
  return `Last OPTIONS round-trip; moving average ${formatMs(r.rttAvgMs)}${sd}`;
}

function mosTitle(r: TrunkRow): string {
  const parts = [`average ${formatMos(r.mosAvg)}`, `minimum ${formatMos(r.mosMin)}`, `5th percentile ${formatMos(r.mosP5)}`];
  return `MOS over the last interval: ${parts.join(', ')}`;
}

/** Per cell: a signature (to skip unchanged cells) and how to fill it. */
function cellContent(r: TrunkRow, now: number): { sig: string; fill: (td: HTMLTableCellElement) => void }[] {
  const text = (t: string, title?: string) => ({ sig: `${t}|${title ?? ''}`, fill: (td: HTMLTableCellElement) => { td.textContent = t; td.title = title ?? ''; } });
  const since = r.since !== undefined ? ` for ${formatSince(r.since, now)}` : '';
  return [
    { sig: `${r.state}|${since}`, fill: (td) => { td.replaceChildren(stateIcon(r.state), h('span', { class: 'state-label', text: r.state })); td.title = `${r.state}${since}`; } },
    { sig: `${r.name}|${r.uri ?? ''}|${r.via ?? ''}`, fill: (td) => {
      td.replaceChildren(h('span', { class: 'trunk-name', text: r.name }), ...(r.uri ? [h('span', { class: 'trunk-uri', text: r.uri })] : []));
      td.title = r.via ? `${r.uri ?? r.name}, via ${r.via}` : (r.uri ?? r.name);
    } },
    text(formatMs(r.rttMs), rttTitle(r)),
    { sig: `${r.registered}|${r.registerExpiresS}`, fill: (td) => td.replaceChildren(registrationBadge(r)) },
    text(formatRatio(r.asrPct), 'Answer-seizure ratio over the last interval'),
    text(formatRatio(r.nerPct), 'Network effectiveness ratio over the last interval'),
    text(formatCount(r.concurrent), 'Calls established now'),
    { sig: `${r.mosAvg}|${r.mosMin}|${r.mosP5}`, fill: (td) => td.replaceChildren(mosBadge(r.mosAvg, mosTitle(r))) },
    text(formatMs(r.jitterMs), 'Average interarrival jitter over the last interval'),
    text(formatLoss(r.lossPct), 'Average packet loss over the last interval'),
    text(formatCount(r.calls), 'Call reports in the last hour'),
  ];
}

export function createTrunksTable(onSelect: (id: string) => void): TrunksTable {
  let sort: TrunkSort = { ...DEFAULT_TRUNK_SORT };
  let selected: string | undefined;
  const rows = new Map<string, RowEls>();
  const tbody = h('tbody');
  const headers = new Map<TrunkColumn, HTMLTableCellElement>();
  const headRow = h('tr');
  for (const c of COLUMNS) {
    const th = h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'data-column': c.column },
      h('button', { type: 'button', class: 'sort', 'aria-label': `Sort trunks by ${c.spoken}`, onclick: () => setSort(nextTrunkSort(sort, c.column)) }, c.label));
    headers.set(c.column, th);
    headRow.append(th);
  }
  const table = h('table', { id: 'trunks-table', class: 'telephony-table trunks' },
    h('caption', { class: 'visually-hidden', text: 'SIP trunks: select one for its charts and calls' }), h('thead', {}, headRow), tbody);

  function paintHeaders(): void {
    for (const [col, th] of headers) th.setAttribute('aria-sort', col === sort.column ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  }

  function newRow(r: TrunkRow): RowEls {
    const cells = COLUMNS.map((c) => h('td', { class: c.numeric ? 'num' : undefined, 'data-column': c.column }));
    const tr = h('tr', { 'data-trunk': r.id, tabindex: 0, 'aria-label': `Trunk ${r.name}: show its charts and calls` }, ...cells);
    tr.addEventListener('click', () => onSelect(r.id));
    tr.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target === tr) {
        e.preventDefault();
        onSelect(r.id);
      }
    });
    return { tr, cells, shown: cells.map(() => '\u0000'), row: r };
  }

  function fill(els: RowEls, r: TrunkRow, now: number): void {
    els.tr.dataset.state = r.state;
    cellContent(r, now).forEach((c, i) => {
      if (els.shown[i] === c.sig) return;
      c.fill(els.cells[i]);
      els.shown[i] = c.sig;
    });
    const band = mosBand(r.mosAvg);
    if (band) els.tr.dataset.mosBand = band;
    else delete els.tr.dataset.mosBand;
    els.row = r;
  }

  function reorder(): void {
    const order = sortTrunkRows([...rows.values()].map((e) => e.row), sort);
    const current = tbody.children;
    const same = order.length === current.length && order.every((r, i) => (current[i] as HTMLElement).dataset.trunk === r.id);
    if (same) return;
    const focused = document.activeElement instanceof HTMLElement && tbody.contains(document.activeElement) ? document.activeElement : undefined;
    tbody.append(...order.map((r) => rows.get(r.id)!.tr));
    focused?.focus();
  }

  function setSort(s: TrunkSort): void {
    sort = s;
    paintHeaders();
    reorder();
  }

  function paintSelected(): void {
    for (const [id, els] of rows) {
      els.tr.classList.toggle('active', id === selected);
      if (id === selected) els.tr.setAttribute('aria-current', 'true');
      else els.tr.removeAttribute('aria-current');
    }
  }

  function upsert(list: readonly TrunkRow[]): void {
    const now = Date.now();
    for (const r of list) {
      let els = rows.get(r.id);
      if (!els) {
        els = newRow(r);
        rows.set(r.id, els);
        tbody.append(els.tr);
      }
      fill(els, r, now);
    }
  }

  function drop(ids: Iterable<string>): void {
    for (const id of ids) {
      rows.get(id)?.tr.remove();
      rows.delete(id);
    }
  }

  paintHeaders();
  return {
    el: table,
    update(list) {
      const keep = new Set(list.map((r) => r.id));
      drop([...rows.keys()].filter((id) => !keep.has(id)));
      upsert(list);
      reorder();
      paintSelected();
    },
    patch(list, removed = []) {
      drop(removed);
      upsert(list);
      reorder();
      paintSelected();
    },
    get size() {
      return rows.size;
    },
    setSelected(id) {
      selected = id;
      paintSelected();
    },
  };
}
