/**
 * The E-model (simplified ITU-T G.107) against values worked by hand from the formula, the codec
 * table (defaults, aliases, Opus by configuration), the clamps and the rejected inputs.
 *
 * Worked values (R = 93.2 − Id − Ie_eff; MOS = 1 + 0.035R + R(R−60)(100−R)·7e−6):
 * - G.711, 0 % loss, 0 ms: Id 0, Ie_eff 0 → R 93.2;
 *   MOS = 1 + 3.262 + 93.2·33.2·6.8·7e−6 = 1 + 3.262 + 0.147286 = 4.409286 (≈ 4.41).
 * - G.711, 2 % random loss, 100 ms: Id = 0.024·100 = 2.4 (below the 177.3 ms knee);
 *   Ie_eff = 0 + 95·2 / (2/1 + 25.1) = 190 / 27.1 = 7.011070 → R = 83.788930;
 *   MOS = 1 + 2.932613 + 83.78893·23.78893·16.21107·7e−6 = 1 + 2.932613 + 0.226189 = 4.158801.
 * - G.729, 1 % random loss, 200 ms: Id = 4.8 + 0.11·(200 − 177.3) = 4.8 + 2.497 = 7.297;
 *   Ie_eff = 10 + 85·1 / (1 + 19) = 14.25 → R = 71.653;
 *   MOS = 1 + 2.507855 + 71.653·11.653·28.347·7e−6 = 1 + 2.507855 + 0.165683 = 3.673538.
 * - G.722, 5 % loss with BurstR 2, 150 ms: Id = 3.6; Ie_eff = 4 + 91·5 / (2.5 + 15.7) = 4 + 25 = 29
 *   → R = 60.6; MOS = 1 + 2.121 + 60.6·0.6·39.4·7e−6 = 3.131028.
 * - R = 50 → MOS = 1 + 1.75 + 50·(−10)·50·7e−6 = 2.575; R = 100 → 4.5 (continuous with the clamp).
 */
import { expect } from 'chai';
import { aggregateScores, delayImpairment, mosFromR, mosOf, scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { canonicalCodecName, createCodecTable, DEFAULT_CODECS, lookupCodec } from '../../../../probes/sip/quality/codecs.js';
import { isVigieError } from '../../../../plugins/sdk/index.js';

const EPS = 1e-5;

function expectQualityError(fn: () => unknown, field: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isVigieError(caught, 'E_QUALITY_INPUT'), `expected E_QUALITY_INPUT, got ${String(caught)}`).to.equal(true);
  expect((caught as { details?: { field?: string } }).details?.field).to.equal(field);
}

describe('sip quality: E-model worked values', () => {
  it('G.711, no loss, no delay: R 93.2, MOS 4.41', () => {
    const s = scoreCall({ codec: 'G.711', oneWayDelayMs: 0, lossPct: 0 });
    expect(s.r).to.be.closeTo(93.2, EPS);
    expect(s.mos).to.be.closeTo(4.409286, EPS);
    expect(s.mos.toFixed(2)).to.equal('4.41');
  });

  it('G.711, 2 % random loss, 100 ms', () => {
    const s = scoreCall({ codec: 'G.711', oneWayDelayMs: 100, lossPct: 2 });
    expect(s.id).to.be.closeTo(2.4, EPS);
    expect(s.ieEff).to.be.closeTo(7.011070, EPS);
    expect(s.r).to.be.closeTo(83.788930, EPS);
    expect(s.mos).to.be.closeTo(4.158801, EPS);
  });

  it('G.729, 1 % loss, 200 ms: the delay term past the 177.3 ms knee', () => {
    const s = scoreCall({ codec: 'G.729', oneWayDelayMs: 200, lossPct: 1 });
    expect(s.id).to.be.closeTo(7.297, EPS);
    expect(s.ieEff).to.be.closeTo(14.25, EPS);
    expect(s.r).to.be.closeTo(71.653, EPS);
    expect(s.mos).to.be.closeTo(3.673538, EPS);
    expect(mosOf({ codec: 'G.729', oneWayDelayMs: 200, lossPct: 1 })).to.equal(s.mos);
  });

  it('G.722, 5 % bursty loss (BurstR 2), 150 ms', () => {
    const s = scoreCall({ codec: 'G.722', oneWayDelayMs: 150, lossPct: 5, burstR: 2 });
    expect(s.ieEff).to.be.closeTo(29, EPS);
    expect(s.r).to.be.closeTo(60.6, EPS);
    expect(s.mos).to.be.closeTo(3.131028, EPS);
  });

  it('the delay knee: Id is linear at 0.024/ms below 177.3 ms and steeper above', () => {
    expect(delayImpairment(177.3)).to.be.closeTo(0.024 * 177.3, EPS);
    expect(delayImpairment(277.3) - delayImpairment(177.3)).to.be.closeTo(100 * (0.024 + 0.11), EPS);
  });

  it('bursty loss hurts more than random loss at the same rate', () => {
    const random = mosOf({ codec: 'G.711', oneWayDelayMs: 50, lossPct: 3 });
    const bursty = mosOf({ codec: 'G.711', oneWayDelayMs: 50, lossPct: 3, burstR: 3 });
    expect(bursty).to.be.lessThan(random);
  });

  it('MOS from R: worked points and clamps', () => {
    expect(mosFromR(50)).to.be.closeTo(2.575, EPS);
    expect(mosFromR(100)).to.be.closeTo(4.5, EPS);
    expect(mosFromR(0)).to.be.closeTo(1, EPS);
    expect(mosFromR(-5)).to.equal(1);
    expect(mosFromR(130)).to.equal(4.5);
    expect(mosFromR(-Infinity)).to.equal(1);
  });

  it('a call beyond hope (100 % loss, 1 s) clamps to MOS 1 with R negative', () => {
    const s = scoreCall({ codec: 'G.711', oneWayDelayMs: 1000, lossPct: 100 });
    expect(s.r).to.be.lessThan(0);
    expect(s.mos).to.equal(1);
  });
});

describe('sip quality: codec table', () => {
  it('has the issue defaults and resolves SDP aliases', () => {
    const t = createCodecTable();
    expect(lookupCodec(t, 'PCMU')).to.deep.equal({ name: 'G.711', ie: 0, bpl: 25.1 });
    expect(lookupCodec(t, 'pcma/8000')).to.include({ name: 'G.711' });
    expect(lookupCodec(t, 'G729a')).to.deep.equal({ name: 'G.729', ie: 10, bpl: 19 });
    expect(lookupCodec(t, 'g.722')).to.deep.equal({ name: 'G.722', ie: 4, bpl: 15.7 });
    expect(DEFAULT_CODECS.map((c) => c.name)).to.deep.equal(['G.711', 'G.729', 'G.722']);
    expect(canonicalCodecName('opus/48000/2')).to.equal('Opus');
  });

  it('Opus is unknown until configured, then scores with its profile', () => {
    expectQualityError(() => mosOf({ codec: 'opus', oneWayDelayMs: 0, lossPct: 0 }), 'codec');
    const t = createCodecTable([{ name: 'opus', ie: 5, bpl: 20 }]);
    // R = 93.2 − 0 − (5 + 90·1/(1 + 20)) = 93.2 − 9.285714 = 83.914286
    expect(scoreCall({ codec: 'OPUS', oneWayDelayMs: 0, lossPct: 1 }, t).r).to.be.closeTo(83.914286, EPS);
  });

  it('a configured profile overrides a default; an inline profile needs no table', () => {
    const t = createCodecTable([{ name: 'PCMA', ie: 2, bpl: 10 }]);
    expect(lookupCodec(t, 'G.711')).to.deep.equal({ name: 'G.711', ie: 2, bpl: 10 });
    expect(scoreCall({ codec: { name: 'custom', ie: 3.2, bpl: 10 }, oneWayDelayMs: 0, lossPct: 0 }).r).to.be.closeTo(90, EPS);
  });

  it('rejects invalid profiles with the field named', () => {
    expectQualityError(() => createCodecTable([{ name: 'x', ie: -1, bpl: 10 }]), 'ie');
    expectQualityError(() => createCodecTable([{ name: 'x', ie: 96, bpl: 10 }]), 'ie');
    expectQualityError(() => createCodecTable([{ name: 'x', ie: 1, bpl: 0 }]), 'bpl');
    expectQualityError(() => createCodecTable([{ name: 'x', ie: 1, bpl: NaN }]), 'bpl');
    expectQualityError(() => createCodecTable([{ name: ' ', ie: 1, bpl: 1 }]), 'name');
  });
});

describe('sip quality: rejected inputs', () => {
  const ok = { codec: 'G.711', oneWayDelayMs: 10, lossPct: 1 };
  it('negative, NaN or infinite delay', () => {
    expectQualityError(() => mosOf({ ...ok, oneWayDelayMs: -1 }), 'oneWayDelayMs');
    expectQualityError(() => mosOf({ ...ok, oneWayDelayMs: NaN }), 'oneWayDelayMs');
    expectQualityError(() => mosOf({ ...ok, oneWayDelayMs: Infinity }), 'oneWayDelayMs');
  });
  it('loss outside 0..100 or NaN', () => {
    expectQualityError(() => mosOf({ ...ok, lossPct: -0.1 }), 'lossPct');
    expectQualityError(() => mosOf({ ...ok, lossPct: 100.1 }), 'lossPct');
    expectQualityError(() => mosOf({ ...ok, lossPct: NaN }), 'lossPct');
  });
  it('burst ratio below 1 or NaN', () => {
    expectQualityError(() => mosOf({ ...ok, burstR: 0.5 }), 'burstR');
    expectQualityError(() => mosOf({ ...ok, burstR: NaN }), 'burstR');
  });
  it('a non-number sneaking through untyped config, and NaN R', () => {
    expectQualityError(() => mosOf({ ...ok, lossPct: '2' as unknown as number }), 'lossPct');
    expectQualityError(() => mosFromR(NaN), 'r');
    expectQualityError(() => mosOf({ ...ok, codec: null as unknown as string }), 'codec');
  });
});

describe('sip quality: per-interval aggregation', () => {
  it('is undefined for an empty interval', () => {
    expect(aggregateScores([])).to.equal(undefined);
  });

  it('average, minimum and nearest-rank 5th percentile', () => {
    // 40 values 4.0, 3.9, …, 0.1 (descending); ⌈0.05·40⌉ = 2 → the second smallest, 0.2.
    const values = Array.from({ length: 40 }, (_, i) => (40 - i) / 10);
    const a = aggregateScores(values)!;
    expect(a.count).to.equal(40);
    expect(a.minimum).to.be.closeTo(0.1, EPS);
    expect(a.p5).to.be.closeTo(0.2, EPS);
    expect(a.average).to.be.closeTo(2.05, EPS); // (0.1 + 4.0) / 2
  });

  it('one score is its own average, minimum and p5; input order does not matter', () => {
    expect(aggregateScores([3.7])).to.deep.equal({ count: 1, average: 3.7, minimum: 3.7, p5: 3.7 });
    const a = aggregateScores([4.2, 1.5, 3.9, 4.4]);
    expect(a).to.include({ minimum: 1.5, p5: 1.5, count: 4 });
    expect(a!.average).to.be.closeTo(3.5, EPS);
  });

  it('rejects a NaN score with its index', () => {
    expectQualityError(() => aggregateScores([4, NaN]), 'values[1]');
  });
});
