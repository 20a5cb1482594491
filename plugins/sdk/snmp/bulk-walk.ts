/**
 * `bulkWalkSubtree` and `bulkWalkColumns`: the GETBULK walks of the net-snmp sessions (one
 * subtree, or several table columns with one multi-OID GETBULK per round), as one observable per
 * walk with a plain callback loop inside: no operator chain and no intermediate arrays per
 * request, each raw net-snmp varbind checked and converted in one pass, in place
 * (`adoptNetSnmp`). This is the one home of the GETBULK walk rules (pinned by
 * `test/plugins/sdk/snmp/walk.test.ts` with a scripted `send`); what ends a column is decided by
 * `Column` and the request size by `AdaptiveRepetitions`, both in `walk.ts`:
 *
 * - each round asks, for every column still going, the varbinds that follow its cursor; a column
 *   ends at the first varbind outside its subtree, at endOfMibView, on an empty answer, on an OID
 *   that does not increase (`onLoop` is told, the rows so far are kept) or after `maxRows` rows;
 *   a column left out of a cut answer stays for the next round; an answer that advances no column
 *   ends the walk;
 * - each request is sized by the agent's `AdaptiveRepetitions`: `tooBig` is retried at once with
 *   half the repetitions (down to 1, then the walk fails with it), a timeout is retried smaller
 *   twice at most per request (a dead agent costs three timeouts; the poller's deadline bounds
 *   that); any other error ends the walk with it;
 * - emits once, when the walk ends: one array of rows per root in the order of `roots`, or (with
 *   `bulkWalkSubtree`) the rows of its one root; unsubscribing abandons the request in flight.
 */
import { Observable, type Subscriber } from 'rxjs';
import type { Varbind } from './types.js';
import { adoptNetSnmp, type RawVarbind } from './net-snmp-varbind.js';
import { Column, DEFAULT_MAX_ROWS_PER_ROOT, type AdaptiveRepetitions, type OnLoop, type RequestFailure, type WalkLoopOptions } from './walk.js';

/** A GETBULK answer as net-snmp gives it: for each requested OID, the varbinds that follow it. */
export type RawBulkAnswer = readonly (RawVarbind | readonly RawVarbind[] | undefined)[];

/** Called once per request: an error, or the answer. */
export type BulkDone = (err: unknown, answer?: RawBulkAnswer) => void;

/** Sends one GETBULK of `cursors` with `reps` repetitions; returns a function that abandons it. */
export type BulkSend = (cursors: string[], reps: number, done: BulkDone) => () => void;

export interface BulkWalkOptions extends WalkLoopOptions {
  /** The agent's learnt max-repetitions. */
  repetitions: AdaptiveRepetitions;
  /** Max-repetitions asked by the caller (capped by the learnt ceiling). */
  wanted?: number;
  /** Tells `tooBig` and timeouts apart from other errors. */
  kindOf: (e: unknown) => RequestFailure;
  onLoop?: OnLoop;
}

const END_OF_MIB_VIEW = 130;

/** Feeds one column's part of an answer; returns how many rows it added. */
function consumeRaw(col: Column, batch: RawVarbind | readonly RawVarbind[]): number {
  if (!Array.isArray(batch)) {
    const raw = batch as RawVarbind;
    if (!col.accepts(raw.oid, raw.type === END_OF_MIB_VIEW)) return 0;
    col.keep(adoptNetSnmp(raw));
    return 1;
  }
  const list = batch as readonly RawVarbind[];
  let added = 0;
  for (let i = 0; i < list.length; i++) {
    const raw = list[i];
    if (!col.accepts(raw.oid, raw.type === END_OF_MIB_VIEW)) return added;
    added++;
    if (!col.keep(adoptNetSnmp(raw))) return added;
  }
  return added;
}

/** The state of one walk; `onAnswer` is the only callback, bound once. */
class BulkWalkRun {
  private readonly cols: Column[];
  private active: Column[];
  private cursors: string[] = [];
  private reps = 0;
  private timeoutRetries = 2;
  private seq = 0;
  private abandon?: () => void;
  private over = false;

  constructor(
    roots: readonly string[],
    private readonly send: BulkSend,
    private readonly opts: BulkWalkOptions,
    private readonly single: boolean,
    private readonly subscriber: Subscriber<Varbind[][]> | Subscriber<Varbind[]>,
  ) {
    const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS_PER_ROOT;
    this.cols = roots.map((r) => new Column(r, maxRows, opts.onLoop, opts.onTruncated));
    this.active = this.cols;
  }

  start(): void {
    if (this.cols.length === 0) return this.finish();
    this.round();
  }

  stop(): void {
    this.over = true;
    this.abandon?.();
    this.abandon = undefined;
  }

  private round(): void {
    this.cursors = this.active.map((c) => c.cursor);
    this.timeoutRetries = 2;
    this.attempt();
  }

  private attempt(): void {
    this.reps = this.opts.repetitions.next(this.opts.wanted);
    const seq = ++this.seq;
    const abandon = this.send(this.cursors, this.reps, this.onAnswer);
    // The answer may have come synchronously (an error) and started the next request already.
    if (this.seq === seq && !this.over) this.abandon = abandon;
  }

  private readonly onAnswer: BulkDone = (err, answer) => {
    if (this.over) return;
    this.abandon = undefined;
    const r = this.reps;
    if (err) {
      const kind = this.opts.kindOf(err);
      if ((kind === 'tooBig' && r > 1) || (kind === 'timeout' && r > 1 && this.timeoutRetries-- > 0)) {
        this.opts.repetitions.shrink(r);
        return this.attempt();
      }
      this.over = true;
      this.subscriber.error(err);
      return;
    }
    this.opts.repetitions.succeeded(r);
    try {
      this.take(answer);
    } catch (e) {
      // A throwing onLoop/onTruncated (or a malformed answer) ends the walk through the observable.
      this.over = true;
      this.subscriber.error(e);
    }
  };

  /** Feeds an answer to the columns; starts the next round or ends the walk. */
  private take(answer: RawBulkAnswer | undefined): void {
    const active = this.active;
    let progress = 0;
    let going = 0;
    for (let i = 0; i < active.length; i++) {
      const c = active[i];
      const batch = answer?.[i];
      const added = batch === undefined ? 0 : consumeRaw(c, batch);
      // A column answered with nothing at all is over; one left out of a cut answer is not.
      if (added === 0 && batch !== undefined) c.done = true;
      progress += added;
      if (!c.done) going++;
    }
    if (progress === 0 || going === 0) return this.finish();
    if (going < active.length) this.active = active.filter((c) => !c.done);
    this.round();
  }

  private finish(): void {
    this.over = true;
    if (this.single) (this.subscriber as Subscriber<Varbind[]>).next(this.cols[0]?.rows ?? []);
    else (this.subscriber as Subscriber<Varbind[][]>).next(this.cols.map((c) => c.rows));
    this.subscriber.complete();
  }
}

/** Walks several columns at once (see the module comment); one array of rows per root. */
export function bulkWalkColumns(roots: readonly string[], send: BulkSend, opts: BulkWalkOptions): Observable<Varbind[][]> {
  return new Observable<Varbind[][]>((subscriber) => {
    const run = new BulkWalkRun(roots, send, opts, false, subscriber);
    run.start();
    return () => run.stop();
  });
}

/** Walks one subtree (see the module comment); every row under `root`, in OID order. */
export function bulkWalkSubtree(root: string, send: BulkSend, opts: BulkWalkOptions): Observable<Varbind[]> {
  return new Observable<Varbind[]>((subscriber) => {
    const run = new BulkWalkRun([root], send, opts, true, subscriber);
    run.start();
    return () => run.stop();
  });
}
