/**
 * The transport-independent parts of the SNMP engine (`plugins/sdk/snmp/walk.ts`), with
 * scripted agents in virtual time: multi-column walks, adaptive max-repetitions (shrink on
 * tooBig and timeout, grow back), runaway and looping agents.
 */
import { expect } from 'chai';
import { Observable, lastValueFrom, of, throwError, timer, map } from 'rxjs';
import {
  AdaptiveRepetitions,
  walkColumnsLoop,
  walkSubtree,
  withAdaptiveRepetitions,
  type RequestFailure,
} from '../../../../plugins/sdk/snmp/walk.js';
import { compareOid } from '../../../../plugins/sdk/snmp/oid.js';
import { VigieError, type Varbind } from '../../../../plugins/sdk/index.js';
import { VirtualClock } from '../../../../plugins/sdk/testkit/index.js';

const int = (oid: string, value = 1): Varbind => ({ oid, type: 'Integer', value });

/** An agent holding `oids` (sorted): GETBULK of several cursors, `reps` rows each, like RFC 3416. */
function bulkAgent(oids: string[], reps: number, calls: string[][]): (cursors: string[]) => Observable<Varbind[][]> {
  const sorted = [...oids].sort(compareOid);
  return (cursors) => {
    calls.push(cursors);
    return of(
      cursors.map((c) => {
        const i = sorted.findIndex((o) => compareOid(o, c) > 0);
        if (i < 0) return [{ oid: c, type: 'EndOfMibView' as const, value: null }];
        return sorted.slice(i, i + reps).map((o) => int(o));
      }),
    );
  };
}

const COL = (c: number, rows: number[]) => rows.map((r) => `1.3.6.1.2.1.2.2.1.${c}.${r}`);

describe('SNMP engine: multi-column walks', () => {
  it('walks several columns with one request per round, each column ending on its own', async () => {
    const data = [...COL(2, [1, 2, 3, 4, 5]), ...COL(7, [1, 2, 3, 4, 5]), ...COL(8, [1, 2]), '1.3.6.1.2.1.2.3.0'];
    const calls: string[][] = [];
    const roots = ['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.7', '1.3.6.1.2.1.2.2.1.99'];
    const cols = await lastValueFrom(walkColumnsLoop(roots, bulkAgent(data, 2, calls)));
    expect(cols[0].map((v) => v.oid)).to.deep.equal(COL(2, [1, 2, 3, 4, 5]));
    expect(cols[1].map((v) => v.oid)).to.deep.equal(COL(7, [1, 2, 3, 4, 5]));
    expect(cols[2]).to.deep.equal([]);
    // Round 1 asks the three columns; the empty one (…99 answers past its subtree) leaves; 3 more rounds for 5 rows by 2.
    expect(calls.length).to.equal(3);
    expect(calls[0]).to.have.length(3);
    expect(calls[1]).to.have.length(2);
  });

  it('keeps a column the agent left out of a cut answer, and ends when an answer advances nothing', async () => {
    const data = [...COL(2, [1, 2, 3]), ...COL(3, [1, 2, 3])];
    let round = 0;
    const agent = bulkAgent(data, 1, []);
    // The agent drops the second column from every other answer (as when it truncates to fit).
    const cutting = (cursors: string[]) => agent(cursors).pipe(map((cols) => (round++ % 2 === 0 && cols.length > 1 ? cols.slice(0, 1) : cols)));
    const cols = await lastValueFrom(walkColumnsLoop(['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3'], cutting));
    expect(cols.map((c) => c.length)).to.deep.equal([3, 3]);
    const stuck = await lastValueFrom(walkColumnsLoop(['1.3.6.1.2.1.2.2.1.2'], () => of([])));
    expect(stuck).to.deep.equal([[]]);
  });

  it('stops a column whose agent loops, keeps the others', async () => {
    const loops: string[][] = [];
    const agent = (cursors: string[]) =>
      of(cursors.map((c) => (c.startsWith('1.3.6.1.2.1.2.2.1.2') ? [int('1.3.6.1.2.1.2.2.1.2.1')] : [int(`1.3.6.1.2.1.2.2.1.3.${Number(c.split('.').at(-1)) + 1 || 1}`)])));
    const cols = await lastValueFrom(walkColumnsLoop(['1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3'], agent, (c, n) => loops.push([c, n]), { maxRows: 50 }));
    expect(cols[0].map((v) => v.oid)).to.deep.equal(['1.3.6.1.2.1.2.2.1.2.1']);
    expect(cols[1]).to.have.length(50);
    expect(loops).to.deep.equal([['1.3.6.1.2.1.2.2.1.2.1', '1.3.6.1.2.1.2.2.1.2.1']]);
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

  /** A virtual-time agent answering `tooBig` above `limit` repetitions (after `latency` ms). */
  const picky = (clock: VirtualClock, limit: number, asked: number[], timeoutAbove = Infinity) => (reps: number) => {
    asked.push(reps);
    if (reps > timeoutAbove) return timer(2000, clock).pipe(map((): never => { throw new VigieError('E_SNMP_TIMEOUT', 'timeout'); }));
    if (reps > limit) return timer(5, clock).pipe(map((): never => { throw new VigieError('E_SNMP', 'tooBig', { status: 1 }); }));
    return timer(5, clock).pipe(map(() => reps));
  };
  const kindOf = (e: unknown): RequestFailure =>
    e instanceof VigieError ? (e.code === 'E_SNMP_TIMEOUT' ? 'timeout' : e.details?.status === 1 ? 'tooBig' : 'other') : 'other';

  it('retries a tooBig at once with half the repetitions, and the next walk starts from there', () => {
    const clock = new VirtualClock();
    const reps = new AdaptiveRepetitions({ initial: 50 });
    const asked: number[] = [];
    const got: number[] = [];
    withAdaptiveRepetitions(reps, undefined, picky(clock, 10, asked), kindOf).subscribe((v) => got.push(v));
    clock.advance(100);
    expect(asked).to.deep.equal([50, 25, 12, 6]);
    expect(got).to.deep.equal([6]);
    expect(clock.now() - clock.startAt).to.equal(100);
    asked.length = 0;
    withAdaptiveRepetitions(reps, undefined, picky(clock, 10, asked), kindOf).subscribe();
    clock.advance(100);
    expect(asked).to.deep.equal([6], 'remembered for the agent');
  });

  it('retries a timeout twice at most, smaller each time; a third timeout fails; tooBig at 1 repetition fails', () => {
    const clock = new VirtualClock();
    const reps = new AdaptiveRepetitions({ initial: 40 });
    const asked: number[] = [];
    const got: number[] = [];
    withAdaptiveRepetitions(reps, undefined, picky(clock, 100, asked, 30), kindOf).subscribe((v) => got.push(v));
    clock.advance(3000);
    expect(asked).to.deep.equal([40, 20]);
    expect(got).to.deep.equal([20]);

    const errors: unknown[] = [];
    asked.length = 0;
    withAdaptiveRepetitions(new AdaptiveRepetitions({ initial: 40 }), undefined, picky(clock, 100, asked, 5), kindOf).subscribe({ error: (e) => errors.push(e) });
    clock.advance(10_000);
    expect(asked).to.deep.equal([40, 20, 10]);
    expect((errors[0] as VigieError).code).to.equal('E_SNMP_TIMEOUT');

    const tooBig: unknown[] = [];
    withAdaptiveRepetitions(new AdaptiveRepetitions({ initial: 4 }), undefined, picky(clock, 0, [], Infinity), kindOf).subscribe({ error: (e) => tooBig.push(e) });
    clock.advance(100);
    expect((tooBig[0] as VigieError).details?.status).to.equal(1);
  });

  it('passes other errors through without retrying', async () => {
    let calls = 0;
    const err = new VigieError('E_SNMP', 'authorizationError', { status: 16 });
    const out = await lastValueFrom(
      withAdaptiveRepetitions(new AdaptiveRepetitions(), 25, () => (calls++, throwError(() => err)), kindOf),
    ).catch((e: unknown) => e);
    expect(out).to.equal(err);
    expect(calls).to.equal(1);
  });
});
