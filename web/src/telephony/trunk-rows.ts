/**
 * The trunks table as data (no DOM): one `TrunkRow` per topology node of kind `trunk`, read from
 * its state, attrs (`uri`, `via`) and live `metrics` (names in `vocabulary.ts`); a metric never
 * reported stays `undefined`. Rows sort on any column, unknown values last in either direction;
 * a column's first click sorts worst first (state by severity, MOS/ASR/NER lowest, RTT/jitter/loss
 * highest, failed registrations first).
 */
import type { TopoNode } from '../context.js';
import { STATE_ORDER } from '../panel/ports.js';
import { naturalCollator, sortByKey, type SortDir } from '../table-sort.js';
import { TRUNK_METRICS as M } from './vocabulary.js';

export type { SortDir };

export type TrunkColumn = 'state' | 'name' | 'rtt' | 'registration' | 'asr' | 'ner' | 'concurrent' | 'mos' | 'jitter' | 'loss' | 'calls';

export interface TrunkSort {
  column: TrunkColumn;
  dir: SortDir;
}

export interface TrunkRow {
  /** `trunk:<name>` */
  id: string;
  name: string;
  state: string;
  /** Epoch ms of the last state change. */
  since?: number;
  uri?: string;
  via?: string;
  rttMs?: number;
  rttAvgMs?: number;
  rttStddevMs?: number;
  /** `sip.register.ok` as reported: 1 registered, 0 failed; undefined when not checked. */
  registered?: number;
  registerExpiresS?: number;
  asrPct?: number;
  nerPct?: number;
  pddMs?: number;
  concurrent?: number;
  mosAvg?: number;
  mosMin?: number;
  mosP5?: number;
  jitterMs?: number;
  lossPct?: number;
  mediaRttMs?: number;
  /** Calls reported on this trunk in the last hour (from the calls list), undefined when not counted. */
  calls?: number;
}

/** The default order: worst state first, then by name. */
export const DEFAULT_TRUNK_SORT: TrunkSort = { column: 'state', dir: 'asc' };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function isTrunk(node: TopoNode): boolean {
  return node.kind === 'trunk' || node.id.startsWith('trunk:');
}

/** The row of one trunk node; `calls` from `callsByTrunk` (keyed by trunk id) when given. */
export function trunkRow(node: TopoNode, callsByTrunk?: ReadonlyMap<string, number>): TrunkRow {
  const m = node.metrics ?? {};
  const attrs = node.attrs ?? {};
  return {
    id: node.id,
    name: node.name || node.id.replace(/^trunk:/, ''),
    state: node.state ?? 'unknown',
    since: num(node.since),
    uri: str(attrs.uri),
    via: str(attrs.via),
    rttMs: num(m[M.optionsRtt]),
    rttAvgMs: num(m[M.optionsRttAvg]),
    rttStddevMs: num(m[M.optionsRttStddev]),
    registered: num(m[M.registered]),
    registerExpiresS: num(m[M.registerExpires]),
    asrPct: num(m[M.asr]),
    nerPct: num(m[M.ner]),
    pddMs: num(m[M.pdd]),
    concurrent: num(m[M.concurrent]),
    mosAvg: num(m[M.mosAvg]),
    mosMin: num(m[M.mosMin]),
    mosP5: num(m[M.mosP5]),
    jitterMs: num(m[M.jitter]),
    lossPct: num(m[M.loss]),
    mediaRttMs: num(m[M.rtt]),
    calls: callsByTrunk ? (callsByTrunk.get(node.id) ?? 0) : undefined,
  };
}

/** Rows of every trunk among `nodes`. */
export function trunkRows(nodes: Iterable<TopoNode>, callsByTrunk?: ReadonlyMap<string, number>): TrunkRow[] {
  const out: TrunkRow[] = [];
  for (const n of nodes) if (isTrunk(n)) out.push(trunkRow(n, callsByTrunk));
  return out;
}


function key(row: TrunkRow, column: TrunkColumn): number | string | undefined {
  switch (column) {
    case 'state': return STATE_ORDER[row.state] ?? 3;
    case 'name': return row.name;
    case 'rtt': return row.rttMs;
    case 'registration': return row.registered === undefined ? undefined : row.registered >= 1 ? 1 : 0;
    case 'asr': return row.asrPct;
    case 'ner': return row.nerPct;
    case 'concurrent': return row.concurrent;
    case 'mos': return row.mosAvg;
    case 'jitter': return row.jitterMs;
    case 'loss': return row.lossPct;
    case 'calls': return row.calls;
  }
}

/** Rows sorted by `sort` (a new array); unknown values last either way; ties by name. */
export function sortTrunkRows(rows: readonly TrunkRow[], sort: TrunkSort): TrunkRow[] {
  return sortByKey(rows, (r) => key(r, sort.column), sort.dir, (a, b) => naturalCollator.compare(a.name, b.name) || naturalCollator.compare(a.id, b.id));
}

/** The direction that puts the worst values first. */
const WORST_FIRST: Record<TrunkColumn, SortDir> = {
  state: 'asc', name: 'asc', rtt: 'desc', registration: 'asc', asr: 'asc', ner: 'asc',
  concurrent: 'desc', mos: 'asc', jitter: 'desc', loss: 'desc', calls: 'desc',
};

/** Clicking a column: the same column flips; a new one starts worst first. */
export function nextTrunkSort(current: TrunkSort, column: TrunkColumn): TrunkSort {
  if (current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: WORST_FIRST[column] };
}

/** Counts by state for the summary line: `{ up: 3, down: 1 }`. */
export function stateCounts(rows: readonly TrunkRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}
