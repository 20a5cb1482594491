import { expect } from 'chai';
import { Observable, VirtualTimeScheduler, interval, map, type Subscription } from 'rxjs';
import type { EventObservation, Observation } from '../../../plugins/sdk/index.js';
import { supervise } from '../../../core/host/supervisor.js';

function metricEvery(ms: number, s: VirtualTimeScheduler): Observable<Observation> {
  return interval(ms, s).pipe(map((i) => ({ kind: 'metric' as const, at: s.now(), entity: 'node:a', name: 'x', value: i })));
}

function run(s: VirtualTimeScheduler, until: number): void {
  s.maxFrames = until;
  s.flush();
}

describe('supervisor', () => {
  let s: VirtualTimeScheduler;
  let sub: Subscription | undefined;
  beforeEach(() => {
    s = new VirtualTimeScheduler(undefined, 0);
  });
  afterEach(() => sub?.unsubscribe());

  it('tags observations with the instance id', () => {
    const out: Observation[] = [];
    sub = supervise({ id: 'k/a', create: () => metricEvery(1000, s), intervalMs: 1000 }, { scheduler: s }).subscribe((o) => out.push(o));
    run(s, 3500);
    expect(out.map((o) => o.source)).to.deep.equal(['k/a', 'k/a', 'k/a']);
  });

  it('restarts a failing probe with exponential backoff and raises probe-failed each time', () => {
    const out: Observation[] = [];
    const starts: number[] = [];
    const create = () => new Observable<Observation>((sub) => {
      starts.push(s.now());
      sub.error(new Error('boom'));
    });
    const restarts: string[] = [];
    sub = supervise({ id: 'k/bad', create }, { scheduler: s, initialBackoffMs: 100, maxBackoffMs: 1000, hooks: { onRestart: (id) => restarts.push(id) } })
      .subscribe((o) => out.push(o));
    run(s, 2500);
    // starts at 0, then +100, +200, +400, +800, +1000 (capped)
    expect(starts).to.deep.equal([0, 100, 300, 700, 1500, 2500]);
    const failed = out.filter((o): o is EventObservation => o.kind === 'event' && o.type === 'probe-failed');
    expect(failed.length).to.equal(6);
    expect(failed[0]!.entity).to.equal('probe:k/bad');
    expect(failed[0]!.data).to.include({ error: 'boom', attempt: 1, retryInMs: 100 });
    expect(restarts.length).to.equal(6);
  });

  it('contains a probe that throws while being created', () => {
    const out: Observation[] = [];
    let n = 0;
    const create = (): Observable<Observation> => {
      n += 1;
      if (n === 1) throw new Error('constructor threw');
      return metricEvery(100, s);
    };
    sub = supervise({ id: 'k/t', create }, { scheduler: s, initialBackoffMs: 50 }).subscribe((o) => out.push(o));
    run(s, 260);
    expect(out[0]).to.include({ kind: 'event', type: 'probe-failed' });
    expect(out.filter((o) => o.kind === 'metric').length).to.equal(2); // restarted at 50: metrics at 150, 250
  });

  it('treats completion as a failure', () => {
    const out: Observation[] = [];
    const create = () => new Observable<Observation>((sub) => sub.complete());
    sub = supervise({ id: 'k/c', create }, { scheduler: s, initialBackoffMs: 1000 }).subscribe((o) => out.push(o));
    run(s, 10);
    expect((out[0] as EventObservation).message).to.match(/completed/);
  });

  it('raises probe-stalled once after 3 silent intervals, and probe-recovered when it speaks again', () => {
    const out: Observation[] = [];
    const create = () => new Observable<Observation>((sub) => {
      // speaks at 0, then silent until 10,000
      sub.next({ kind: 'metric', at: s.now(), entity: 'node:a', name: 'x', value: 1 });
      const h = s.schedule(() => sub.next({ kind: 'metric', at: s.now(), entity: 'node:a', name: 'x', value: 2 }), 10_000);
      return () => h.unsubscribe();
    });
    const stalls: boolean[] = [];
    sub = supervise({ id: 'k/s', create, intervalMs: 1000 }, { scheduler: s, hooks: { onStalled: (_id, st) => stalls.push(st) } })
      .subscribe((o) => out.push(o));
    run(s, 12_000);
    const types = out.filter((o) => o.kind === 'event').map((o) => [(o as EventObservation).type, o.at]);
    expect(types).to.deep.equal([['probe-stalled', 3000], ['probe-recovered', 10_000]]);
    expect(stalls).to.deep.equal([true, false]);
  });

  it('unsubscribing stops the probe and cancels a pending restart', () => {
    let teardowns = 0;
    let starts = 0;
    const create = () => new Observable<Observation>((sub) => {
      starts += 1;
      const h = s.schedule(() => sub.error(new Error('x')), 10);
      return () => {
        teardowns += 1;
        h.unsubscribe();
      };
    });
    sub = supervise({ id: 'k/u', create }, { scheduler: s, initialBackoffMs: 100 }).subscribe();
    run(s, 50);
    sub.unsubscribe();
    run(s, 10_000);
    expect(starts).to.equal(1);
    expect(teardowns).to.equal(1);
  });
});
