/**
 * The sortable ports table of the node panel (`#ports-table`, one `tr[data-port]` per port).
 * `update(ports)` patches the cells that changed and moves rows only when the order changes, so a
 * live patch never rebuilds the table (focus is kept). Clicking a row, or Enter/Space on it, calls
 * `onOpen(portId)`; the column headers are buttons that sort (`aria-sort` on the header cell).
 */
import type { TopoPort } from '../context.js';
import { h } from './dom.js';
import { formatBps, formatErrorRate, formatPercent, formatSpeed } from './format.js';
import { stateIcon } from './icons.js';
import { nextSort, portRow, sortPortRows, type PortColumn, type PortRow, type PortSort } from './ports.js';

const COLUMNS: { column: PortColumn; label: string; spoken: string; numeric: boolean }[] = [
  { column: 'state', label: 'State', spoken: 'state', numeric: false },
  { column: 'name', label: 'Port', spoken: 'name', numeric: false },
  { column: 'speed', label: 'Speed', spoken: 'speed', numeric: true },
  { column: 'in', label: 'In', spoken: 'input rate', numeric: true },
  { column: 'out', label: 'Out', spoken: 'output rate', numeric: true },
  { column: 'util', label: 'Util.', spoken: 'utilisation', numeric: true },
  { column: 'errors', label: 'Errors', spoken: 'errors per second', numeric: true },
];

interface RowEls {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  row: PortRow;
}

export interface PortsTable {
  readonly el: HTMLTableElement;
  /** Replaces the set of ports (rows added/removed as needed, the rest patched). */
  update(ports: readonly TopoPort[]): void;
  /** Marks the row whose chart is open. */
  setActive(portId: string | undefined): void;
}

export function createPortsTable(onOpen: (portId: string) => void): PortsTable {
  let sort: PortSort = { column: 'name', dir: 'asc' };
  const rows = new Map<string, RowEls>();
  const tbody = h('tbody');
  const headers = new Map<PortColumn, HTMLTableCellElement>();
  const headRow = h('tr');
  for (const c of COLUMNS) {
    const th = h('th', { scope: 'col', class: c.numeric ? 'num' : undefined },
      h('button', { type: 'button', class: 'sort', 'aria-label': `Sort ports by ${c.spoken}`, onclick: () => setSort(nextSort(sort, c.column)) }, c.label));
    headers.set(c.column, th);
    headRow.append(th);
  }
  const table = h('table', { id: 'ports-table', class: 'ports' }, h('caption', { class: 'visually-hidden', text: 'Ports' }), h('thead', {}, headRow), tbody);

  function paintHeaders(): void {
    for (const [col, th] of headers) th.setAttribute('aria-sort', col === sort.column ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  }

  function cellTexts(r: PortRow): string[] {
    return ['', r.alias ? `${r.name} · ${r.alias}` : r.name, formatSpeed(r.speed), formatBps(r.inBps), formatBps(r.outBps), formatPercent(r.util), formatErrorRate(r.errors)];
  }

  function newRow(r: PortRow): RowEls {
    const cells = COLUMNS.map((c) => h('td', { class: c.numeric ? 'num' : undefined }));
    const tr = h('tr', { 'data-port': r.id, tabindex: 0, 'aria-label': `Port ${r.name}: open its history` }, ...cells);
    tr.addEventListener('click', () => onOpen(r.id));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onOpen(r.id);
      }
    });
    return { tr, cells, row: { ...r, state: '' } };
  }

  function patch(els: RowEls, r: PortRow): void {
    if (els.row.state !== r.state) {
      els.cells[0].replaceChildren(stateIcon(r.state), h('span', { class: 'state-label', text: r.state }));
      els.tr.dataset.state = r.state;
    }
    const texts = cellTexts(r);
    for (let i = 1; i < texts.length; i++) if (els.cells[i].textContent !== texts[i]) els.cells[i].textContent = texts[i];
    els.cells[1].title = r.alias ?? '';
    els.row = r;
  }

  function reorder(): void {
    const order = sortPortRows([...rows.values()].map((e) => e.row), sort);
    const current = tbody.children;
    const same = order.length === current.length && order.every((r, i) => (current[i] as HTMLElement).dataset.port === r.id);
    if (same) return;
    const focused = document.activeElement instanceof HTMLElement && tbody.contains(document.activeElement) ? document.activeElement : undefined;
    tbody.append(...order.map((r) => rows.get(r.id)!.tr));
    focused?.focus();
  }

  function setSort(s: PortSort): void {
    sort = s;
    paintHeaders();
    reorder();
  }

  paintHeaders();
  return {
    el: table,
    update(ports) {
      const seen = new Set<string>();
      for (const p of ports) {
        seen.add(p.id);
        let els = rows.get(p.id);
        if (!els) {
          els = newRow(portRow(p));
          rows.set(p.id, els);
          tbody.append(els.tr);
        }
        patch(els, portRow(p));
      }
      for (const [id, els] of rows) {
        if (!seen.has(id)) {
          els.tr.remove();
          rows.delete(id);
        }
      }
      reorder();
    },
    setActive(portId) {
      for (const [id, els] of rows) els.tr.classList.toggle('active', id === portId);
    },
  };
}
