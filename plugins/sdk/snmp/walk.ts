/**
 * The GETNEXT walk loop and the pieces every walk shares, independent of net-snmp so they can be
 * tested with scripted agents. The GETBULK walks (one subtree, or several table columns with one
 * multi-OID GETBULK per round) live in `bulk-walk.ts`, which uses `Column` and
 * `AdaptiveRepetitions` from here.
 *
 * `walkSubtree(root, step, onLoop?, opts?)`: calls `step(cursor)` (one GETNEXT answer, or any
 * answer: the varbinds that follow `cursor`, in order) until the walk ends, then emits every
 * row under `root` once, in OID order, and completes. The walk ends at the first varbind outside
 * the subtree, at endOfMibView, on an empty answer, on an OID that does not increase (an agent
 * that loops: `onLoop` is told, the rows so far are kept), and after `opts.maxRows` rows
 * (default 1,000,000; `opts.onTruncated` is told): the rules of `Column`. A step's error ends
 * the walk with that error. Unsubscribing abandons the step in flight.
 *
 * `AdaptiveRepetitions`: the max-repetitions of one agent, shrunk when it answers `tooBig` or
 * times out and grown back after successes (see its comment; `bulk-walk.ts` applies it).
 */
import { EMPTY, Observable, concat, defer, expand, ignoreElements, of } from 'rxjs';
import type { Varbind } from './types.js';
import { compareOid, oidInSubtree } from './oid.js';

export type WalkStep = (cursor: string) => Observable<Varbind[]>;
export type OnLoop = (cursor: string, next: string) => void;

/**
 * A session that also walks several table columns with one multi-OID GETBULK per round (the
 * net-snmp client's sessions do; `device/table.ts` falls back to one walk per column for others).
 * Emits one array of rows per root, in the order of `roots`.
 */
export interface ColumnWalker {
  walkColumns(roots: string[], opts?: { maxRepetitions?: number }): Observable<Varbind[][]>;
}

export interface WalkLoopOptions {
  /** Rows kept per root before the walk stops (default 1,000,000): a bound on a runaway agent. */
  maxRows?: number;
  onTruncated?: (root: string, rows: number) => void;
}

const DEFAULT_MAX_ROWS = 1_000_000;
const DOT = 46;

/** One column being walked (also by the callback walks of `bulk-walk.ts`). */
export class Column {
  readonly rows: Varbind[] = [];
  cursor: string;
  done = false;
  /** `root.` when the root is written plainly (no leading or trailing dot): a native prefix test. */
  private readonly prefix?: string;
  constructor(
    readonly root: string,
    private readonly maxRows: number,
    private readonly onLoop?: OnLoop,
    private readonly onTruncated?: (root: string, rows: number) => void,
  ) {
    this.cursor = root;
    if (root.length > 0 && !root.startsWith('.') && !root.endsWith('.')) this.prefix = `${root}.`;
  }

  /** Takes one answer; returns how many rows it added. */
  consume(batch: readonly Varbind[] | undefined): number {
    let added = 0;
    if (!batch || batch.length === 0) return 0;
    for (const vb of batch) {
      if (!this.accepts(vb.oid, vb.type === 'EndOfMibView')) return added;
      added++;
      if (!this.keep(vb)) return added;
    }
    return added;
  }

  /**
   * Whether a varbind with this OID (`end`: an endOfMibView) is the column's next row; if not,
   * the column is over (left the subtree, ended, or did not increase: `onLoop` is told).
   */
  accepts(oid: string, end: boolean): boolean {
    const inSubtree =
      this.prefix !== undefined && oid.charCodeAt(0) !== DOT ? oid.startsWith(this.prefix) : oidInSubtree(this.root, oid);
    if (end || !inSubtree) {
      this.done = true;
      return false;
    }
    if (compareOid(oid, this.cursor) <= 0) {
      this.onLoop?.(this.cursor, oid);
      this.done = true;
      return false;
    }
    return true;
  }

  /** Keeps an accepted row; false when the column is now full (`maxRows`: `onTruncated` is told). */
  keep(vb: Varbind): boolean {
    this.rows.push(vb);
    this.cursor = vb.oid;
    if (this.rows.length < this.maxRows) return true;
    this.onTruncated?.(this.root, this.rows.length);
    this.done = true;
    return false;
  }
}

export const DEFAULT_MAX_ROWS_PER_ROOT = DEFAULT_MAX_ROWS;

export function walkSubtree(root: string, step: WalkStep, onLoop?: OnLoop, opts: WalkLoopOptions = {}): Observable<Varbind[]> {
  return defer(() => {
    const col = new Column(root, opts.maxRows ?? DEFAULT_MAX_ROWS, onLoop, opts.onTruncated);
    const steps = step(col.cursor).pipe(
      expand((batch) => {
        // An empty answer ends the walk, as does any answer that leaves the subtree.
        if (col.consume(batch) === 0) col.done = true;
        return col.done ? EMPTY : step(col.cursor);
      }),
      ignoreElements(),
    );
    return concat(steps, defer(() => of(col.rows)));
  });
}

export interface AdaptiveOptions {
  /** Max-repetitions asked when the caller names none (default 25). */
  initial?: number;
  /** Successful answers in a row before the ceiling grows back (default 5). */
  growAfter?: number;
}

/**
 * The max-repetitions one agent copes with. Contract:
 * - `next(wanted)` gives the repetitions to ask now: `wanted` (else `initial`), capped by the
 *   learnt ceiling;
 * - `shrink(used)` (after `tooBig` or a timeout with `used` repetitions) halves the ceiling below
 *   `used`, never under 1, and restarts the success count;
 * - `succeeded(used)` counts an answer at the ceiling; after `growAfter` in a row the ceiling
 *   grows by half (at least 1), and is lifted once it reaches the largest size ever asked, so an
 *   agent that struggled once gets back to full speed (and shrinks again if it still struggles).
 */
export class AdaptiveRepetitions {
  private cap?: number;
  private streak = 0;
  private largestAsked = 0;
  readonly initial: number;
  private readonly growAfter: number;

  constructor(opts: AdaptiveOptions = {}) {
    this.initial = Math.max(1, Math.floor(opts.initial ?? 25));
    this.growAfter = Math.max(1, Math.floor(opts.growAfter ?? 5));
  }

  /** The learnt ceiling, or undefined when the agent has never struggled (or fully recovered). */
  get ceiling(): number | undefined {
    return this.cap;
  }

  next(wanted?: number): number {
    const w = Math.max(1, Math.floor(wanted ?? this.initial));
    this.largestAsked = Math.max(this.largestAsked, w);
    return this.cap === undefined ? w : Math.min(w, this.cap);
  }

  shrink(used: number): void {
    this.cap = Math.max(1, Math.floor(Math.min(used, this.cap ?? used) / 2));
    this.streak = 0;
  }

  succeeded(used: number): void {
    if (this.cap === undefined || used < this.cap) return;
    if (++this.streak < this.growAfter) return;
    this.streak = 0;
    const grown = Math.max(this.cap + 1, Math.floor(this.cap * 1.5));
    this.cap = grown >= this.largestAsked ? undefined : grown;
  }
}

/** How a request failed, for the retries of `bulk-walk.ts`: `tooBig` and `timeout` are retried smaller. */
export type RequestFailure = 'tooBig' | 'timeout' | 'other';
