/**
 * The node panel's ports table as data (no DOM): one `PortRow` per port, read from a `TopoPort`
 * (rates `if.in.bps`, `if.out.bps`, `if.in.util_pct`/`if.out.util_pct`, `if.in.errors`/`if.out.errors`;
 * attrs `speed`, `alias`), and a stable sort on any column. Port names sort naturally (eth2 < eth10).
 */
import { naturalCollator, sortByKey, type SortDir } from '../table-sort.js';
import type { TopoPort } from '../context.js';

export type PortColumn = 'state' | 'name' | 'speed' | 'in' | 'out' | 'util' | 'errors';
export type { SortDir };
export interface PortSort {
  column: PortColumn;
  dir: SortDir;
}

export interface PortRow {
  id: string;
  name: string;
  alias?: string;
  state: string;
  /** bits/s, undefined when unknown. */
  speed?: number;
  inBps?: number;
  outBps?: number;
  /** Highest of in/out utilisation, 0–100. */
  util?: number;
  /** Input + output errors per second. */
  errors?: number;
}

/** Worst first when sorting by state ascending. */
export const STATE_ORDER: Record<string, number> = { down: 0, unreachable: 1, degraded: 2, unknown: 3, maintenance: 4, up: 5 };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

/** Utilisation: the port's util metrics, else computed from rates and speed. */
function utilisation(rates: Record<string, number>, speed: number | undefined): number | undefined {
  const inU = num(rates['if.in.util_pct']);
  const outU = num(rates['if.out.util_pct']);
  if (inU !== undefined || outU !== undefined) return Math.max(inU ?? 0, outU ?? 0);
  const single = num(rates['if.util.pct']);
  if (single !== undefined) return single;
  const inB = num(rates['if.in.bps']);
  const outB = num(rates['if.out.bps']);
  if (speed && speed > 0 && (inB !== undefined || outB !== undefined)) return (Math.max(inB ?? 0, outB ?? 0) / speed) * 100;
  return undefined;
}

export function portRow(port: TopoPort): PortRow {
  const rates = port.rates ?? {};
  const attrs = port.attrs ?? {};
  const speed = num(attrs.speed);
  const alias = str(attrs.alias);
  return {
    id: port.id,
    name: port.name,
    alias: alias && alias !== port.name ? alias : undefined,
    state: port.state,
    speed: speed && speed > 0 ? speed : undefined,
    inBps: num(rates['if.in.bps']),
    outBps: num(rates['if.out.bps']),
    util: utilisation(rates, speed),
    errors: sumDefined(num(rates['if.in.errors']), num(rates['if.out.errors'])),
  };
}


function key(row: PortRow, column: PortColumn): number | string | undefined {
  switch (column) {
    case 'state': return STATE_ORDER[row.state] ?? 3;
    case 'name': return row.name;
    case 'speed': return row.speed;
    case 'in': return row.inBps;
    case 'out': return row.outBps;
    case 'util': return row.util;
    case 'errors': return row.errors;
  }
}

/**
 * Rows sorted by `sort` (a new array). Unknown values go last in either direction; ties keep
 * the natural name order.
 */
export function sortPortRows(rows: readonly PortRow[], sort: PortSort): PortRow[] {
  return sortByKey(rows, (r) => key(r, sort.column), sort.dir, (a, b) => naturalCollator.compare(a.name, b.name));
}

/** Clicking a column: the same column flips the direction; a new one starts with its natural direction. */
export function nextSort(current: PortSort, column: PortColumn): PortSort {
  if (current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: column === 'name' || column === 'state' ? 'asc' : 'desc' };
}
