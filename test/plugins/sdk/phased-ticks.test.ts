/**
 * `phasedTicks` in virtual time: the immediate tick, the phase grid, the gap rule of the second
 * tick, the spread of many keys over the interval, slot quantization and shared wake-ups, no drift
 * and no double tick when the scheduler runs late or early, and unsubscription.
 */
import { expect } from 'chai';
import type { SchedulerAction, Subscription } from 'rxjs';
import { DEFAULT_PHASE_SLOT_MS, isVigieError, nextGridPoint, phaseOf, phasedTicks } from '../../../plugins/sdk/index.js';
import { VirtualClock } from '../../../plugins/sdk/testkit/index.js';

const INTERVAL = 10_000;

/** A virtual clock whose next `schedule` calls run late (or early) by what `lag()` says. */
class LaggyClock extends VirtualClock {
  lag: () => number = () => 0;
  override schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return super.schedule(work, Math.max(0, delay + this.lag()), state);
  }
}

/** Subscribes and records the time (`clock.now()`) of every tick, by index. */
function record(clock: VirtualClock, key: string, intervalMs = INTERVAL, slotMs?: number) {
  const at: number[] = [];
  const errors: unknown[] = [];
  const sub = phasedTicks({ key, intervalMs, scheduler: clock, slotMs }).subscribe({
    next: (n) => {
      expect(n).to.equal(at.length);
      at.push(clock.now());
    },
    error: (e) => errors.push(e),
  });
  return { at, errors, sub };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `sip-trunk/carrier-${i}`);

describe('sdk: phasedTicks', () => {
  it('ticks 0 at once on subscribe (delay 0 on the scheduler)', () => {
    const clock = new VirtualClock(1_000_003);
    const { at, sub } = record(clock, 'sip-trunk/a');
    expect(at).to.deep.equal([]);
    clock.advance(0);
    expect(at).to.deep.equal([1_000_003]);
    sub.unsubscribe();
  });

  it('ticks on the key’s grid afterwards, exactly one interval apart', () => {
    const clock = new VirtualClock(1_234_567);
    const key = 'sip-trunk/grid';
    const phase = phaseOf(key, INTERVAL);
    const { at, sub } = record(clock, key);
    clock.advance(20 * INTERVAL);
    expect(at.length).to.be.within(20, 21);
    for (const t of at.slice(1)) expect(((t % INTERVAL) + INTERVAL) % INTERVAL).to.equal(phase);
    for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 1]).to.equal(INTERVAL);
    sub.unsubscribe();
  });

  it('puts tick 1 on the first grid point more than half an interval after tick 0', () => {
    for (const key of keys(200)) {
      const phase = phaseOf(key, INTERVAL);
      // a start a few ms either side of the boundary (start + I/2 on a grid point), and an arbitrary one
      for (const start of [phase - INTERVAL / 2 + 3 * INTERVAL, phase - INTERVAL / 2 + 3 * INTERVAL + 1, phase - INTERVAL / 2 + 3 * INTERVAL - 1, 7_777_777]) {
        const clock = new VirtualClock(start);
        const { at, sub } = record(clock, key);
        clock.advance(2 * INTERVAL);
        const gap = at[1] - at[0];
        expect(gap, `${key} from ${start}`).to.be.greaterThan(INTERVAL / 2).and.at.most(1.5 * INTERVAL);
        expect(at[1] - INTERVAL, 'the grid point before was not eligible').to.be.at.most(start + INTERVAL / 2);
        expect(((at[1] - phase) % INTERVAL + INTERVAL) % INTERVAL).to.equal(0);
        sub.unsubscribe();
      }
    }
    // exactly on the boundary: strictly more than half, so a full 1.5 intervals
    const key = 'sip-trunk/boundary';
    const clock = new VirtualClock(phaseOf(key, INTERVAL) - INTERVAL / 2 + 5 * INTERVAL);
    const { at, sub } = record(clock, key);
    clock.advance(2 * INTERVAL);
    expect(at[1] - at[0]).to.equal(1.5 * INTERVAL);
    sub.unsubscribe();
  });

  it('spreads 5,000 keys over every 100 ms slot of a 10 s interval, none crowded', () => {
    const counts = new Array<number>(INTERVAL / DEFAULT_PHASE_SLOT_MS).fill(0);
    for (const key of keys(5000)) {
      const phase = phaseOf(key, INTERVAL);
      expect(phase).to.be.at.least(0).and.below(INTERVAL);
      counts[phase / DEFAULT_PHASE_SLOT_MS]++;
    }
    const mean = 5000 / counts.length;
    expect(counts.filter((c) => c === 0), 'empty slots').to.have.length(0);
    expect(Math.max(...counts)).to.be.at.most(2.5 * mean);
    expect(Math.min(...counts)).to.be.at.least(mean / 2.5);
  });

  it('is stable: the same key gets the same phase and the same tick times', () => {
    expect(phaseOf('sip-trunk/x', INTERVAL)).to.equal(phaseOf('sip-trunk/x', INTERVAL));
    const a = new VirtualClock(5_000_000);
    const b = new VirtualClock(5_000_000);
    const ra = record(a, 'sip-trunk/x');
    const rb = record(b, 'sip-trunk/x');
    a.advance(5 * INTERVAL);
    b.advance(5 * INTERVAL);
    expect(ra.at).to.deep.equal(rb.at);
    const distinct = new Set(keys(50).map((k) => phaseOf(k, INTERVAL)));
    expect(distinct.size, 'different keys, different phases').to.be.greaterThan(30);
  });

  it('rounds phases down to slots, and clamps a slot that is not usable to 1 ms', () => {
    const raw = keys(500).map((k) => phaseOf(k, INTERVAL, 1));
    expect(raw.some((p) => p % DEFAULT_PHASE_SLOT_MS !== 0), 'raw phases are not all on slot boundaries').to.equal(true);
    keys(500).forEach((k, i) => {
      expect(phaseOf(k, INTERVAL)).to.equal(Math.floor(raw[i] / 100) * 100);
      expect(phaseOf(k, INTERVAL, 250)).to.equal(Math.floor(raw[i] / 250) * 250);
      for (const slot of [0, -5, Number.NaN, Infinity, INTERVAL, 2 * INTERVAL]) expect(phaseOf(k, INTERVAL, slot), `slot ${slot}`).to.equal(raw[i]);
    });
    // a custom slot reaches the ticks
    const clock = new VirtualClock(3_000_000);
    const { at, sub } = record(clock, 'sip-trunk/slot', INTERVAL, 250);
    clock.advance(3 * INTERVAL);
    for (const t of at.slice(1)) expect(t % 250).to.equal(0);
    sub.unsubscribe();
  });

  it('makes keys of one slot tick at the same instant (one wake-up)', () => {
    const bySlot = new Map<number, string[]>();
    for (const key of keys(300)) bySlot.set(phaseOf(key, INTERVAL), [...(bySlot.get(phaseOf(key, INTERVAL)) ?? []), key]);
    const [a, b] = [...bySlot.values()].find((ks) => ks.length >= 2 && phaseOf(ks[0], INTERVAL, 1) !== phaseOf(ks[1], INTERVAL, 1))!;
    const clock = new VirtualClock(9_000_000);
    const ra = record(clock, a);
    clock.advance(1234);
    const rb = record(clock, b); // subscribed later, same slot
    clock.advance(4 * INTERVAL);
    const later = rb.at.slice(1);
    expect(later.length).to.be.at.least(3);
    expect(later.every((t) => ra.at.includes(t)), 'every tick of b is a tick of a').to.equal(true);
    expect(ra.at.filter((t) => t > later[0])).to.deep.equal(later.slice(1));
    ra.sub.unsubscribe();
    rb.sub.unsubscribe();
  });

  it('computes the next grid point strictly after now', () => {
    expect(nextGridPoint(0, 300, 1000)).to.equal(300);
    expect(nextGridPoint(300, 300, 1000)).to.equal(1300);
    expect(nextGridPoint(299, 300, 1000)).to.equal(300);
    expect(nextGridPoint(301, 300, 1000)).to.equal(1300);
    expect(nextGridPoint(-50, 300, 1000)).to.equal(300);
    expect(nextGridPoint(-800, 300, 1000)).to.equal(-700);
    expect(nextGridPoint(1_767_225_600_123, 4_500, 10_000)).to.equal(1_767_225_604_500);
  });

  it('does not drift when every tick runs late', () => {
    const clock = new LaggyClock(2_000_000);
    const key = 'sip-trunk/drift';
    const phase = phaseOf(key, INTERVAL);
    let i = 0;
    clock.lag = () => (i++ * 37) % 90; // 0–89 ms late, each time
    const { at, sub } = record(clock, key);
    clock.advance(200 * INTERVAL);
    expect(at.length).to.be.within(199, 201);
    for (const t of at.slice(1)) {
      const late = (((t - phase) % INTERVAL) + INTERVAL) % INTERVAL;
      expect(late, 'lateness stays that of one tick').to.be.below(90);
    }
    sub.unsubscribe();
  });

  it('skips the grid points a late tick missed, without a burst or a double tick', () => {
    for (const lateBy of [2.5 * INTERVAL, 2 * INTERVAL, INTERVAL, 1]) {
      const clock = new LaggyClock(4_000_000);
      const key = 'sip-trunk/late';
      const phase = phaseOf(key, INTERVAL);
      const { at, sub } = record(clock, key);
      clock.lag = () => lateBy; // tick 0 schedules tick 1 late
      clock.advance(0);
      clock.lag = () => 0;
      clock.advance(10 * INTERVAL);
      const grid1 = nextGridPoint(4_000_000 + INTERVAL / 2, phase, INTERVAL);
      expect(at[1], `late by ${lateBy}`).to.equal(grid1 + lateBy);
      expect(at[2]).to.equal(nextGridPoint(grid1 + lateBy, phase, INTERVAL));
      expect(at[2] - at[1]).to.be.greaterThan(0).and.at.most(INTERVAL);
      for (let k = 3; k < at.length; k++) expect(at[k] - at[k - 1]).to.equal(INTERVAL);
      expect(new Set(at).size, 'no two ticks at one instant').to.equal(at.length);
      sub.unsubscribe();
    }
  });

  it('does not tick twice for one grid point when a tick runs early', () => {
    const clock = new LaggyClock(6_000_000);
    const key = 'sip-trunk/early';
    const phase = phaseOf(key, INTERVAL);
    const { at, sub } = record(clock, key);
    clock.lag = () => -1; // tick 0 schedules tick 1 a millisecond before its grid point
    clock.advance(0);
    clock.lag = () => 0;
    clock.advance(5 * INTERVAL);
    const grid1 = nextGridPoint(6_000_000 + INTERVAL / 2, phase, INTERVAL);
    expect(at[1]).to.equal(grid1 - 1);
    expect(at[2]).to.equal(grid1 + INTERVAL);
    sub.unsubscribe();
  });

  it('stops on unsubscribe, leaving nothing scheduled', () => {
    const clock = new VirtualClock();
    const { at, sub } = record(clock, 'sip-trunk/stop');
    clock.advance(2 * INTERVAL);
    const n = at.length;
    expect(n).to.be.at.least(2);
    sub.unsubscribe();
    expect(clock.actions).to.have.length(0);
    clock.advance(10 * INTERVAL);
    expect(at).to.have.length(n);
  });

  it('schedules nothing more when unsubscribed from within a tick', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const sub = phasedTicks({ key: 'sip-trunk/take', intervalMs: INTERVAL, scheduler: clock }).subscribe((n) => {
      seen.push(n);
      if (n === 1) sub.unsubscribe();
    });
    clock.advance(1.5 * INTERVAL); // tick 1 is due by then, tick 2 not yet
    expect(seen).to.deep.equal([0, 1]);
    expect(clock.actions, 'no tick 2 pending').to.have.length(0);
    clock.advance(2 * INTERVAL);
    expect(seen).to.deep.equal([0, 1]);
  });

  it('fails through the observable on an interval that is not a positive number', () => {
    for (const intervalMs of [0, -1, Number.NaN, Infinity]) {
      const { at, errors } = record(new VirtualClock(), 'sip-trunk/bad', intervalMs);
      expect(at).to.deep.equal([]);
      expect(isVigieError(errors[0], 'E_CONFIG'), `interval ${intervalMs}`).to.equal(true);
    }
    expect(() => phaseOf('k', 0)).to.throw(RangeError);
    expect(() => nextGridPoint(0, 0, -1)).to.throw(RangeError);
  });
});
