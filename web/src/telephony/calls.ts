/**
 * The calls of the last hour as data (no DOM).
 *
 * - `callFromEvent(e)`: a `sip-call` event (its `data` is a `CallReport`, see `vocabulary.ts`) as a
 *   `CallRow`, every field checked (a field of the wrong type is left out, never guessed); any other
 *   event, or one without a call id or trunk, gives undefined.
 * - `CallLog`: the rows whose report time (`at`) lies within the window (default one hour) before
 *   `now`, newest call first (by start time, else report time), without duplicates (the same report
 *   from `/api/events` and from the live topic counts once), at most `max` rows.
 * - `filterCalls` (trunk, problems only, free text), `isProblemCall`, `summarizeCalls`.
 */
import type { LiveEvent } from '../context.js';
import { mosBand } from './format.js';
import { CALL_EVENT, type CallReportData } from './vocabulary.js';

export const HOUR_MS = 3_600_000;

export interface CallRow {
  key: string;
  /** When the report arrived (the event's time), epoch ms. */
  at: number;
  /** `trunk:<name>` */
  trunkId: string;
  trunk: string;
  callId: string;
  source?: string;
  outcome: string;
  code?: number;
  from?: string;
  to?: string;
  startedAt?: number;
  answeredAt?: number;
  endedAt?: number;
  pddMs?: number;
  durationS?: number;
  mos?: number;
  reportedMos?: number;
  codec?: string;
  lossPct?: number;
  jitterMs?: number;
  rttMs?: number;
  severity: string;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The time a call sorts by: its start, else its report. */
export function callTime(c: CallRow): number {
  return c.startedAt ?? c.at;
}

export function callFromEvent(e: LiveEvent): CallRow | undefined {
  if (!e || e.type !== CALL_EVENT || !e.data || typeof e.data !== 'object' || !Number.isFinite(e.at)) return undefined;
  const d = e.data as CallReportData;
  const entity = typeof e.entity === 'string' && e.entity.startsWith('trunk:') ? e.entity : undefined;
  const trunk = str(d.trunk) ?? entity?.slice('trunk:'.length);
  const callId = str(d.callId);
  if (!trunk || !callId) return undefined;
  const trunkId = entity ?? `trunk:${trunk}`;
  const q = d.quality && typeof d.quality === 'object' ? d.quality : {};
  const source = str(d.source);
  return {
    key: `${trunkId}|${callId}|${source ?? ''}|${e.at}`,
    at: e.at,
    trunkId,
    trunk,
    callId,
    source,
    outcome: str(d.outcome) ?? 'unknown',
    code: num(d.finalCode),
    from: str(d.from),
    to: str(d.to),
    startedAt: num(d.startedAt),
    answeredAt: num(d.answeredAt),
    endedAt: num(d.endedAt),
    pddMs: num(d.pddMs),
    durationS: num(d.durationS),
    mos: num(q.mos),
    reportedMos: num(q.reportedMos),
    codec: str(q.codec),
    lossPct: num(q.lossPct),
    jitterMs: num(q.jitterMs),
    rttMs: num(q.rttMs),
    severity: typeof e.severity === 'string' ? e.severity : 'info',
  };
}

/** A call worth a look: failed, one-way audio, a 5xx final code, or a MOS below good. */
export function isProblemCall(c: CallRow): boolean {
  if (c.outcome === 'failed' || c.outcome === 'one-way-audio') return true;
  if (c.code !== undefined && c.code >= 500 && c.code < 600) return true;
  const band = mosBand(c.mos);
  return band === 'fair' || band === 'poor';
}

export interface CallFilter {
  /** Only this trunk (`trunk:<name>`). */
  trunkId?: string;
  problemsOnly?: boolean;
  /** Space-separated terms, all must match (case-insensitive) the from, to, Call-ID, trunk, outcome, code, codec or source. */
  text?: string;
}

export function callMatcher(filter: CallFilter): (c: CallRow) => boolean {
  const terms = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return (c) => {
    if (filter.trunkId && c.trunkId !== filter.trunkId) return false;
    if (filter.problemsOnly && !isProblemCall(c)) return false;
    if (terms.length === 0) return true;
    const hay = [c.from, c.to, c.callId, c.trunk, c.outcome, c.code, c.codec, c.source].filter((v) => v !== undefined).join(' ').toLowerCase();
    return terms.every((t) => hay.includes(t));
  };
}

export function filterCalls(calls: readonly CallRow[], filter: CallFilter): CallRow[] {
  return calls.filter(callMatcher(filter));
}

export interface CallSummary {
  total: number;
  answered: number;
  /** Answered / total in percent; undefined without calls. */
  asrPct?: number;
  /** Average MOS of the calls that have one. */
  mosAvg?: number;
  problems: number;
}

export function summarizeCalls(calls: readonly CallRow[]): CallSummary {
  let answered = 0;
  let problems = 0;
  let mosSum = 0;
  let mosN = 0;
  for (const c of calls) {
    if (c.outcome === 'answered' || c.outcome === 'one-way-audio') answered++;
    if (isProblemCall(c)) problems++;
    if (c.mos !== undefined) {
      mosSum += c.mos;
      mosN++;
    }
  }
  return {
    total: calls.length,
    answered,
    asrPct: calls.length ? (answered / calls.length) * 100 : undefined,
    mosAvg: mosN ? mosSum / mosN : undefined,
    problems,
  };
}

/** Newest first: by call time, then by report time, then by key (a total order). */
function newerFirst(a: CallRow, b: CallRow): number {
  return callTime(b) - callTime(a) || b.at - a.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export class CallLog {
  private rows: CallRow[] = [];
  private readonly keys = new Set<string>();

  constructor(
    readonly windowMs = HOUR_MS,
    readonly max = 5000,
  ) {}

  /** Newest first. Do not mutate. */
  list(): readonly CallRow[] {
    return this.rows;
  }

  get size(): number {
    return this.rows.length;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a row; false when it is a duplicate or already outside the window ending at `now`. */
  add(row: CallRow, now: number): boolean {
    if (this.keys.has(row.key) || row.at < now - this.windowMs) return false;
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newerFirst(this.rows[mid], row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.rows.splice(lo, 0, row);
    this.keys.add(row.key);
    if (this.rows.length > this.max) this.drop(this.rows.splice(this.max));
    return this.keys.has(row.key);
  }

  /** Adds every row; answers how many were new. */
  addAll(rows: Iterable<CallRow>, now: number): number {
    let n = 0;
    for (const r of rows) if (this.add(r, now)) n++;
    return n;
  }

  /** Drops rows reported before `now - windowMs`; answers how many went. */
  prune(now: number): number {
    const limit = now - this.windowMs;
    const gone = this.rows.filter((r) => r.at < limit);
    if (gone.length === 0) return 0;
    this.rows = this.rows.filter((r) => r.at >= limit);
    this.drop(gone);
    return gone.length;
  }

  /** Calls per trunk id. */
  countByTrunk(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.rows) out.set(r.trunkId, (out.get(r.trunkId) ?? 0) + 1);
    return out;
  }

  private drop(rows: CallRow[]): void {
    for (const r of rows) this.keys.delete(r.key);
  }
}
