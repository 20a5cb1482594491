/**
 * The transport-independent walk rules of the SNMP engine, with scripted agents in virtual time:
 * the GETBULK walks of `plugins/sdk/snmp/bulk-walk.ts` fed by a fake `send` (multi-column walks,
 * adaptive max-repetitions: shrink on tooBig and timeout, grow back), `AdaptiveRepetitions` on
 * its own, and the GETNEXT `walkSubtree` of `walk.ts` (runaway and looping agents).
 */
import { expect } from 'chai';
import { lastValueFrom, of } from 'rxjs';
import { AdaptiveRepetitions, walkSubtree, type RequestFailure } from '../../../../plugins/sdk/snmp/walk.js';
import { bulkWalkColumns, bulkWalkSubtree, type BulkSend, type BulkWalkOptions, type RawBulkAnswer } from '../../../../plugins/sdk/snmp/bulk-walk.js';
import type { RawVarbind } from '../../../../plugins/sdk/snmp/net-snmp-varbind.js';
import { compareOid } from '../../../../plugins/sdk/snmp/oid.js';
import { VigieError, type Varbind } from '../../../../plugins/sdk/index.js';
import { VirtualClock } from '../../../../plugins/sdk/testkit/index.js';

/** BER tags as net-snmp hands them over. */
const INTEGER = 2;
const END_OF_MIB_VIEW = 130;

const int = (oid: string, value = 1): Varbind => ({ oid, type: 'Integer', value });
/** A fresh raw varbind per answer: the walk converts them in place. */
const rawInt = (oid: string): RawVarbind => ({ oid, type: INTEGER, value: 1 });

/** One GETBULK the walk asked for. */
interface Request {
  cursors: string[];
  reps: number;
}

/** What an agent answers to one GETBULK (or the error it fails with). */
type Answerer = (cursors: string[], reps: number) => RawBulkAnswer | Error;

/** A `send` answering synchronously, recording every request. */
function syncSend(answer: Answerer, calls: Request[] = []): BulkSend {
  return (cursors, reps, done) => {
    calls.push({ cursors: [...cursors], reps });
    const out = answer(cursors, reps);
    if (out instanceof Error) done(out);
    else done(null, out);
    return () => {};
  };
}

/** An agent holding `oids`: for each cursor, the `reps` OIDs that follow it, like RFC 3416 GETBULK. */
function bulkAgent(oids: string[]): Answerer {
  const sorted = [...oids].sort(compareOid);
  return (cursors, reps) =>
    cursors.map((c) => {
      const i = sorted.findIndex((o) => compareOid(o, c) > 0);
      if (i < 0) return [{ oid: c, type: END_OF_MIB_VIEW, value: null }];
      return sorted.slice(i, i + reps).map(rawInt);
    });
}

const kindOf = (e: unknown): RequestFailure =>
  e instanceof VigieError ? (e.code === 'E_SNMP_TIMEOUT' ? 'timeout' : e.details?.status === 1 ? 'tooBig' : 'other') : 'other';

/** Walk options for an agent that never struggles: `wanted` repetitions, asked as is. */
const plain = (wanted: number, extra: Partial<BulkWalkOptions> = {}): BulkWalkOptions => ({
  repetitions: new AdaptiveRepetitions(),
  wanted,
  kindOf,
  ...extra,
});

const COL = (c: number, rows: number[]) => rows.map((r) => `1.3.6.1.2.1.2.2.1.${c}.${r}`);
const oids = (rows: Varbind[]) => rows.map((v) => v.oid);

describe('SNMP engine: multi-column walks', () => {
  it('walks several columns with one request per round, each column ending on its own', async () => {
    const data = [...COL(2, [1, 2, 3, 4, 5]), ...COL(7, [1, 2, 3, 4, 5]), ...COL(8, [1, 2]), '1.3.6.1.2.1.2.3.0'];
    const calls: Request[] = [];
    const roots = ['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.7', '1.3.6.1.2.1.2.2.1.99'];
    const cols = await lastValueFrom(bulkWalkColumns(roots, syncSend(bulkAgent(data), calls), plain(2)));
    expect(oids(cols[0])).to.deep.equal(COL(2, [1, 2, 3, 4, 5]));
    expect(oids(cols[1])).to.deep.equal(COL(7, [1, 2, 3, 4, 5]));
    expect(cols[2]).to.deep.equal([]);
    expect(cols[0][0]).to.deep.equal(int(COL(2, [1])[0]), 'raw varbinds come out as SDK varbinds');
    // Round 1 asks the three columns; the empty one (…99 answers past its subtree) leaves; 3 rounds for 5 rows by 2.
    expect(calls.map((c) => c.cursors)).to.deep.equal([roots, [COL(2, [2])[0], COL(7, [2])[0]], [COL(2, [4])[0], COL(7, [4])[0]]]);
    expect(calls.map((c) => c.reps)).to.deep.equal([2, 2, 2]);
  });

  it('keeps a column the agent left out of a cut answer, and ends when an answer advances nothing', async () => {
    const data = [...COL(2, [1, 2, 3]), ...COL(3, [1, 2, 3])];
    let round = 0;
    const agent = bulkAgent(data);
    // The agent drops the second column from every other answer (as when it truncates to fit).
    const cutting: Answerer = (cursors, reps) => {
      const cols = agent(cursors, reps) as RawBulkAnswer;
      return round++ % 2 === 0 && cols.length > 1 ? cols.slice(0, 1) : cols;
    };
    const cols = await lastValueFrom(bulkWalkColumns(['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3'], syncSend(cutting), plain(1)));
    expect(cols.map(oids)).to.deep.equal([COL(2, [1, 2, 3]), COL(3, [1, 2, 3])]);

    const calls: Request[] = [];
    const stuck = await lastValueFrom(bulkWalkColumns(['1.3.6.1.2.1.2.2.1.2'], syncSend(() => [], calls), plain(1)));
    expect(stuck).to.deep.equal([[]]);
    expect(calls).to.have.length(1, 'an answer that advances nothing ends the walk');
  });

  it('stops a column whose agent loops, keeps the others', async () => {
    const loops: string[][] = [];
    const truncated: [string, number][] = [];
    const looping: Answerer = (cursors) =>
      cursors.map((c) => (c.startsWith('1.3.6.1.2.1.2.2.1.2') ? [rawInt('1.3.6.1.2.1.2.2.1.2.1')] : [rawInt(`1.3.6.1.2.1.2.2.1.3.${Number(c.split('.').at(-1)) + 1 || 1}`)]));
    const opts = plain(1, { onLoop: (c, n) => loops.push([c, n]), maxRows: 50, onTruncated: (r, k) => truncated.push([r, k]) });
    const cols = await lastValueFrom(bulkWalkColumns(['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3'], syncSend(looping), opts));
    expect(oids(cols[0])).to.deep.equal(['1.3.6.1.2.1.2.2.1.2.1']);
    expect(cols[1]).to.have.length(50);
    expect(loops).to.deep.equal([['1.3.6.1.2.1.2.2.1.2.1', '1.3.6.1.2.1.2.2.1.2.1']]);
    expect(truncated).to.deep.equal([['1.3.6.1.2.1.2.2.1.3', 50]]);
  });

  it('bulkWalkSubtree emits the rows of its one root; no roots at all asks nothing', async () => {
    const calls: Request[] = [];
    const data = ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.1.0'];
    const rows = await lastValueFrom(bulkWalkSubtree('1.3.6.1.2.1.1', syncSend(bulkAgent(data), calls), plain(2)));
    expect(oids(rows)).to.deep.equal(data.slice(0, 3));
    expect(calls.map((c) => c.cursors)).to.deep.equal([['1.3.6.1.2.1.1'], ['1.3.6.1.2.1.1.3.0']]);
    const none: Request[] = [];
    expect(await lastValueFrom(bulkWalkColumns([], syncSend(bulkAgent(data), none), plain(2)))).to.deep.equal([]);
    expect(none).to.deep.equal([]);
  });

  it('walkSubtree stops a runaway agent at maxRows and says so', async () => {
    let n = 0;
    const runaway = () => of([int(`1.3.6.1.4.1.9.${++n}`)]);
    const truncated: number[] = [];
    const rows = await lastValueFrom(walkSubtree('1.3.6.1.4.1.9', runaway, undefined, { maxRows: 100, onTruncated: (_r, k) => truncated.push(k) }));
    expect(rows).to.have.length(100);
    expect(truncated).to.deep.equal([100]);
  });
});

describe('SNMP engine: adaptive max-repetitions', () => {
  it('shrinks below a failed size, grows back after successes, and lifts the ceiling', () => {
    const r = new AdaptiveRepetitions({ initial: 40, growAfter: 3 });
    expect(r.next()).to.equal(40);
    r.shrink(40);
    expect(r.ceiling).to.equal(20);
    expect(r.next()).to.equal(20);
    expect(r.next(10)).to.equal(10);
    for (let i = 0; i < 2; i++) r.succeeded(20);
    expect(r.ceiling).to.equal(20);
    r.succeeded(10); // below the ceiling: says nothing about it
    r.succeeded(20);
    expect(r.ceiling).to.equal(30);
    for (let i = 0; i < 3; i++) r.succeeded(30);
    expect(r.ceiling).to.equal(undefined);
    expect(r.next()).to.equal(40);
    r.shrink(1);
    expect(r.ceiling).to.equal(1);
  });

  /** The rows of the subtree the picky agent serves, then one OID past it (so one answer can end the walk). */
  const ROOT = '1.3.6.1.2.1.31.1.1.1.1';
  const ROWS = [1, 2, 3].map((i) => `${ROOT}.${i}`);
  const served = bulkAgent([...ROWS, '1.3.6.1.2.1.31.1.1.1.2.1']);

  /**
   * A virtual-time agent: after 5 ms answers `tooBig` above `limit` repetitions, else the rows;
   * above `timeoutAbove` repetitions it answers nothing and the request times out after 2 s.
   * Records the repetitions of every request; abandoning a request cancels its answer.
   */
  const picky = (clock: VirtualClock, limit: number, asked: number[], timeoutAbove = Infinity): BulkSend => (cursors, reps, done) => {
    asked.push(reps);
    const [delay, out]: [number, RawBulkAnswer | Error] =
      reps > timeoutAbove
        ? [2000, new VigieError('E_SNMP_TIMEOUT', 'timeout')]
        : reps > limit
          ? [5, new VigieError('E_SNMP', 'tooBig', { status: 1 })]
          : [5, served(cursors, reps)];
    const sub = clock.schedule(() => (out instanceof Error ? done(out) : done(null, out)), delay);
    return () => sub.unsubscribe();
  };

  /** Subscribes to a walk, recording its rows, its error and when it ended (ms after the start). */
  function watch(clock: VirtualClock, walk: ReturnType<typeof bulkWalkSubtree>) {
    const seen: { rows?: string[]; error?: unknown; endedAt?: number } = {};
    const start = clock.now();
    walk.subscribe({
      next: (rows) => (seen.rows = oids(rows)),
      error: (e: unknown) => ((seen.error = e), (seen.endedAt = clock.now() - start)),
      complete: () => (seen.endedAt = clock.now() - start),
    });
    return seen;
  }

  it('retries a tooBig at once with half the repetitions, and the next walk starts from there', () => {
    const clock = new VirtualClock();
    const reps = new AdaptiveRepetitions({ initial: 50 });
    const asked: number[] = [];
    const first = watch(clock, bulkWalkSubtree(ROOT, picky(clock, 10, asked), { repetitions: reps, kindOf }));
    clock.advance(100);
    expect(asked).to.deep.equal([50, 25, 12, 6]);
    expect(first).to.deep.equal({ rows: ROWS, endedAt: 20 }, 'four requests of 5 ms, no wait between them');
    expect(reps.ceiling).to.equal(6);
    asked.length = 0;
    const second = watch(clock, bulkWalkSubtree(ROOT, picky(clock, 10, asked), { repetitions: reps, kindOf }));
    clock.advance(100);
    expect(asked).to.deep.equal([6], 'remembered for the agent');
    expect(second.rows).to.deep.equal(ROWS);
  });

  it('retries a timeout twice at most, smaller each time; a third timeout fails; tooBig at 1 repetition fails', () => {
    const clock = new VirtualClock();
    const asked: number[] = [];
    const shrunk = watch(clock, bulkWalkSubtree(ROOT, picky(clock, 100, asked, 30), { repetitions: new AdaptiveRepetitions({ initial: 40 }), kindOf }));
    clock.advance(3000);
    expect(asked).to.deep.equal([40, 20]);
    expect(shrunk).to.deep.equal({ rows: ROWS, endedAt: 2005 });

    asked.length = 0;
    const dead = watch(clock, bulkWalkSubtree(ROOT, picky(clock, 100, asked, 5), { repetitions: new AdaptiveRepetitions({ initial: 40 }), kindOf }));
    clock.advance(10_000);
    expect(asked).to.deep.equal([40, 20, 10]);
    expect((dead.error as VigieError).code).to.equal('E_SNMP_TIMEOUT');
    expect(dead.rows).to.equal(undefined);
    expect(dead.endedAt).to.equal(6000, 'a dead agent costs three timeouts');

    asked.length = 0;
    const tooBig = watch(clock, bulkWalkSubtree(ROOT, picky(clock, 0, asked), { repetitions: new AdaptiveRepetitions({ initial: 4 }), kindOf }));
    clock.advance(100);
    expect(asked).to.deep.equal([4, 2, 1]);
    expect((tooBig.error as VigieError).details?.status).to.equal(1);
  });

  it('gives each request of a walk its own timeout retries', () => {
    const clock = new VirtualClock();
    const asked: number[] = [];
    const calm = picky(clock, 100, []);
    // Every round's first try times out; the retry answers (with the one row that follows the cursor).
    let tries = 0;
    const flaky: BulkSend = (cursors, reps, done) => {
      asked.push(reps);
      if (tries++ % 2 === 0) {
        const sub = clock.schedule(() => done(new VigieError('E_SNMP_TIMEOUT', 'timeout')), 2000);
        return () => sub.unsubscribe();
      }
      return calm(cursors, 1, done);
    };
    const walk = watch(clock, bulkWalkSubtree(ROOT, flaky, { repetitions: new AdaptiveRepetitions({ initial: 40 }), kindOf }));
    clock.advance(60_000);
    expect(walk.error).to.equal(undefined);
    expect(walk.rows).to.deep.equal(ROWS);
    expect(asked).to.deep.equal([40, 20, 20, 10, 10, 5, 5, 2], 'four timeouts in one walk, one per request');
  });

  it('passes other errors through without retrying', async () => {
    const calls: Request[] = [];
    const err = new VigieError('E_SNMP', 'authorizationError', { status: 16 });
    const out = await lastValueFrom(bulkWalkColumns(['1.3.6.1.2.1.1'], syncSend(() => err, calls), plain(25))).catch((e: unknown) => e);
    expect(out).to.equal(err);
    expect(calls).to.have.length(1);
  });

  it('abandons the request in flight when unsubscribed; its late answer is ignored', () => {
    const clock = new VirtualClock();
    const asked: number[] = [];
    let cancelled = 0;
    const send = picky(clock, 100, asked);
    const counting: BulkSend = (cursors, reps, done) => {
      const cancel = send(cursors, reps, done);
      return () => (cancelled++, cancel());
    };
    const seen: unknown[] = [];
    const sub = bulkWalkSubtree(ROOT, counting, plain(1)).subscribe({ next: (v) => seen.push(v), error: (e) => seen.push(e) });
    clock.advance(7); // first answer in, second request in flight
    sub.unsubscribe();
    clock.advance(100);
    expect(asked).to.deep.equal([1, 1]);
    expect(cancelled).to.equal(1);
    expect(seen).to.deep.equal([]);
  });
});
