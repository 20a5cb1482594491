import { expect } from 'chai';
import { CounterRate, Threshold } from '../../../plugins/sdk/index.js';

describe('sdk: counter rates', () => {
  it('gives no rate for the first sample, then the rate per second', () => {
    const r = new CounterRate({ bits: 64 });
    expect(r.update({ value: 1000n, at: 0 })).to.equal(undefined);
    expect(r.update({ value: 11_000n, at: 10_000 })).to.equal(1000);
  });

  it('handles a 32-bit wrap', () => {
    const r = new CounterRate({ bits: 32 });
    r.update({ value: 2n ** 32n - 100n, at: 0 });
    expect(r.update({ value: 900n, at: 1000 })).to.equal(1000);
  });

  it('handles a 64-bit wrap with bigint precision', () => {
    const r = new CounterRate({ bits: 64 });
    r.update({ value: 2n ** 64n - 10n, at: 0 });
    expect(r.update({ value: 10n, at: 2000 })).to.equal(10);
  });

  it('no spike after a reboot (uptime went backwards), a discontinuity, or an implausible wrap', () => {
    const r = new CounterRate({ bits: 64, maxRate: 1e9 });
    r.update({ value: 5_000_000n, at: 0, uptime: 100_000 });
    expect(r.update({ value: 10n, at: 1000, uptime: 50 }), 'reboot').to.equal(undefined);
    expect(r.update({ value: 1010n, at: 2000, uptime: 150 })).to.equal(1000);
    const d = new CounterRate({ bits: 64 });
    d.update({ value: 100n, at: 0, discontinuity: 1 });
    expect(d.update({ value: 200n, at: 1000, discontinuity: 2 }), 'ifCounterDiscontinuityTime changed').to.equal(undefined);
    const w = new CounterRate({ bits: 64, maxRate: 1e9 });
    w.update({ value: 500n, at: 0 });
    expect(w.update({ value: 100n, at: 1000 }), 'a 64-bit counter going back is a reset, not a wrap').to.equal(undefined);
  });

  it('a forward step above maxRate is still counted traffic (agents misreport speeds: net-snmp says lo is 10 Mb/s)', () => {
    const r = new CounterRate({ bits: 32, maxRate: 1000 });
    r.update({ value: 0n, at: 0 });
    expect(r.update({ value: 5000n, at: 1000 })).to.equal(5000);
    expect(r.update({ value: 4000n, at: 2000 }), 'but a backwards step implying 2^32 in a second is a reset').to.equal(undefined);
  });

  it('gives no rate when time does not advance', () => {
    const r = new CounterRate({ bits: 32 });
    r.update({ value: 1n, at: 5 });
    expect(r.update({ value: 2n, at: 5 })).to.equal(undefined);
  });
});

describe('sdk: thresholds', () => {
  it('enters at the limit and clears only below the margin (no flapping)', () => {
    const t = new Threshold({ warning: 80, critical: 95, clearMargin: 0.05 });
    expect([70, 80, 77, 75, 95, 92, 90, 50].map((v) => t.evaluate(v))).to.deep.equal([
      'ok', 'warning', 'warning', 'ok', 'critical', 'critical', 'warning', 'ok',
    ]);
  });

  it('supports low-is-bad metrics', () => {
    const t = new Threshold({ warning: 3.6, critical: 3.1, direction: 'below', clearMargin: 0.05 });
    expect([4.2, 3.5, 3.7, 3.0, 4.0].map((v) => t.evaluate(v))).to.deep.equal(['ok', 'warning', 'warning', 'critical', 'ok']);
  });
});
