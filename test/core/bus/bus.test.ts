import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { Observation } from '../../../plugins/sdk/index.js';
import { ObservationBus } from '../../../core/bus/bus.js';

const metric = (i: number): Observation => ({ kind: 'metric', at: i, entity: 'port:a/eth1', name: 'if.in.bps', value: i });
const state = (i: number): Observation => ({ kind: 'state', at: i, entity: 'node:a', state: 'up' });

function makeBus(bufferLimit: number, s: VirtualTimeScheduler) {
  const routed: Record<string, Observation[]> = { metric: [], state: [], event: [], topology: [] };
  const bus = new ObservationBus(
    { bufferLimit, scheduler: s, drainChunk: 10 },
    {
      metric: (o) => routed.metric!.push(o),
      state: (o) => routed.state!.push(o),
      event: (o) => routed.event!.push(o),
      topology: (o) => routed.topology!.push(o),
    },
  );
  return { bus, routed };
}

describe('observation bus', () => {
  it('routes each kind to its sink, in order, asynchronously on the scheduler', () => {
    const s = new VirtualTimeScheduler();
    const { bus, routed } = makeBus(100, s);
    const src = new Subject<Observation>();
    bus.attach(src);
    src.next(metric(1));
    src.next(state(2));
    src.next({ kind: 'event', at: 3, entity: 'node:a', type: 'reboot', severity: 'warning', message: 'x' });
    src.next({ kind: 'topology', at: 4, entity: 'node:a', element: 'node', node: { name: 'a', kind: 'switch' } });
    expect(routed.metric).to.have.length(0);
    s.flush();
    expect(Object.fromEntries(Object.entries(routed).map(([k, v]) => [k, v.map((o) => o.at)]))).to.deep.equal({
      metric: [1], state: [2], event: [3], topology: [4],
    });
  });

  it('bounds the queue: metrics over the limit are dropped and counted; states survive up to twice the limit', () => {
    const s = new VirtualTimeScheduler();
    const drops: string[] = [];
    const { routed } = makeBus(5, s);
    const bus = new ObservationBus({ bufferLimit: 5, scheduler: s, onDrop: (k) => drops.push(k) }, {
      metric: (o) => routed.metric!.push(o), state: (o) => routed.state!.push(o), event: () => {}, topology: () => {},
    });
    for (let i = 0; i < 8; i++) bus.push(metric(i));
    for (let i = 0; i < 8; i++) bus.push(state(i));
    expect(bus.stats().queued).to.equal(10);
    expect(bus.stats().dropped).to.deep.equal({ metric: 3, state: 3, event: 0, topology: 0 });
    s.flush();
    expect(routed.metric!.map((o) => o.at)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(routed.state!.map((o) => o.at)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(drops.length).to.equal(6);
  });

  it('drains in chunks so one flood does not monopolise a tick, and drain() empties synchronously', () => {
    const s = new VirtualTimeScheduler();
    const { bus, routed } = makeBus(1000, s);
    for (let i = 0; i < 35; i++) bus.push(metric(i));
    bus.drain();
    expect(routed.metric).to.have.length(35);
    expect(bus.stats().queued).to.equal(0);
  });

  it('keeps going when a sink throws', () => {
    const s = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    const got: number[] = [];
    const bus = new ObservationBus({ bufferLimit: 10, scheduler: s, onSinkError: (e) => errors.push(e) }, {
      metric: (o) => {
        if (o.at === 1) throw new Error('sink broke');
        got.push(o.at);
      },
      state: () => {}, event: () => {}, topology: () => {},
    });
    [0, 1, 2].forEach((i) => bus.push(metric(i)));
    s.flush();
    expect(got).to.deep.equal([0, 2]);
    expect(errors).to.have.length(1);
  });
});
