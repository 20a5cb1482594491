/**
 * The walk loops shared by every transport, independent of net-snmp so they can be tested with
 * scripted agents, and the adaptive max-repetitions of GETBULK.
 *
 * `walkSubtree(root, step, onLoop?, opts?)`: calls `step(cursor)` (one GETNEXT or GETBULK
 * answer: the varbinds that follow `cursor`, in order) until the walk ends, then emits every
 * row under `root` once, in OID order, and completes. The walk ends at the first varbind outside
 * the subtree, at endOfMibView, on an empty answer, on an OID that does not increase (an agent
 * that loops: `onLoop` is told, the rows so far are kept), and after `opts.maxRows` rows
 * (default 1,000,000; `opts.onTruncated` is told). A step's error ends the walk with that error.
 * Unsubscribing abandons the step in flight.
 *
 * `walkColumnsLoop(roots, step, onLoop?, opts?)`: the same for several table columns at once
 * (one multi-OID GETBULK per round, as `snmpbulkwalk` cannot do): `step(cursors)` answers, for
 * each cursor, the varbinds that follow it. Each column ends on its own by the rules above and
 * leaves the next rounds; an answer that advances no column ends the walk (no hang). Emits one
 * array of rows per root, in the order of `roots`.
 *
 * `AdaptiveRepetitions` and `withAdaptiveRepetitions`: the max-repetitions of one agent, shrunk
 * when it answers `tooBig` or times out and grown back after successes (see their comments).
 */
import { EMPTY, Observable, catchError, concat, defer, expand, ignoreElements, of, tap, throwError } from 'rxjs';
import type { Varbind } from './types.js';
import { compareOid, oidInSubtree } from './oid.js';

export type WalkStep = (cursor: string) => Observable<Varbind[]>;
/** One round of a multi-column walk: for each cursor, the varbinds that follow it. */
export type ColumnsStep = (cursors: string[]) => Observable<Varbind[][]>;
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

/** One column being walked. */
class Column {
  readonly rows: Varbind[] = [];
  cursor: string;
  done = false;
  constructor(
    readonly root: string,
    private readonly maxRows: number,
    private readonly onLoop?: OnLoop,
    private readonly onTruncated?: (root: string, rows: number) => void,
  ) {
    this.cursor = root;
  }

  /** Takes one answer; returns how many rows it added. */
  consume(batch: readonly Varbind[] | undefined): number {
    let added = 0;
    if (!batch || batch.length === 0) return 0;
    for (const vb of batch) {
      if (vb.type === 'EndOfMibView' || !oidInSubtree(this.root, vb.oid)) {
        this.done = true;
        return added;
      }
      if (compareOid(vb.oid, this.cursor) <= 0) {
        this.onLoop?.(this.cursor, vb.oid);
        this.done = true;
        return added;
      }
      this.rows.push(vb);
      this.cursor = vb.oid;
      added++;
      if (this.rows.length >= this.maxRows) {
        this.onTruncated?.(this.root, this.rows.length);
        this.done = true;
        return added;
      }
    }
    return added;
  }
}

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

export function walkColumnsLoop(roots: readonly string[], step: ColumnsStep, onLoop?: OnLoop, opts: WalkLoopOptions = {}): Observable<Varbind[][]> {
  return defer(() => {
    const cols = roots.map((r) => new Column(r, opts.maxRows ?? DEFAULT_MAX_ROWS, onLoop, opts.onTruncated));
    if (cols.length === 0) return of([]);
    let active = cols;
    const round = (): Observable<Varbind[][]> => step(active.map((c) => c.cursor));
    const steps = round().pipe(
      expand((answers) => {
        let progress = 0;
        active.forEach((c, i) => {
          const added = c.consume(answers[i]);
          // A column answered with nothing at all is over; one left out of a cut answer is not.
          if (added === 0 && answers[i] !== undefined) c.done = true;
          progress += added;
        });
        active = progress === 0 ? [] : active.filter((c) => !c.done);
        return active.length === 0 ? EMPTY : round();
      }),
      ignoreElements(),
    );
    return concat(steps, defer(() => of(cols.map((c) => c.rows))));
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

export type RequestFailure = 'tooBig' | 'timeout' | 'other';

/**
 * One request sized by `reps`: `request(r)` with `r = reps.next(wanted)`. On `tooBig` it
 * retries at once with the shrunk size (down to 1 repetition, then fails); on a timeout it
 * shrinks and retries, twice at most (a large answer may be what the agent or the path cannot
 * deliver; a dead agent costs three timeouts, and the poller's deadline bounds that); any other
 * error passes through. `kindOf` tells the failures apart.
 */
export function withAdaptiveRepetitions<T>(
  reps: AdaptiveRepetitions,
  wanted: number | undefined,
  request: (r: number) => Observable<T>,
  kindOf: (e: unknown) => RequestFailure,
): Observable<T> {
  return defer(() => {
    let timeoutRetries = 2;
    const attempt = (): Observable<T> =>
      defer(() => {
        const r = reps.next(wanted);
        return request(r).pipe(
          tap(() => reps.succeeded(r)),
          catchError((e: unknown) => {
            const kind = kindOf(e);
            if (kind === 'tooBig' && r > 1) {
              reps.shrink(r);
              return attempt();
            }
            if (kind === 'timeout' && r > 1 && timeoutRetries-- > 0) {
              reps.shrink(r);
              return attempt();
            }
            return throwError(() => e);
          }),
        );
      });
    return attempt();
  });
}
