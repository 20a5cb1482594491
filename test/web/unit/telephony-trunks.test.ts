import { expect } from 'chai';
import type { TopoNode } from '../../../web/src/context.js';
import { DEFAULT_TRUNK_SORT, nextTrunkSort, sortTrunkRows, stateCounts, trunkRow, trunkRows, type TrunkRow } from '../../../web/src/telephony/trunk-rows.js';

function trunk(name: string, state: string, metrics?: Record<string, number>, attrs: Record<string, unknown> = {}): TopoNode {
  return { id: `trunk:${name}`, name, kind: 'trunk', state: state as TopoNode['state'], attrs, metrics };
}

describe('web telephony: trunks table data', () => {
  it('reads state, URI, via and every live metric of a trunk node', () => {
    const r = trunkRow(trunk('carrier-a', 'up', {
      'sip.options.rtt_ms': 12.5, 'sip.options.rtt_avg_ms': 11, 'sip.options.rtt_stddev_ms': 2, 'sip.register.ok': 1, 'sip.register.expires_s': 3600,
      'sip.calls.asr_pct': 62.5, 'sip.calls.ner_pct': 98, 'sip.calls.concurrent': 0, 'sip.mos.avg': 4.2, 'sip.mos.min': 3.1, 'sip.mos.p5': 3.5,
      'rtp.jitter_ms': 3.4, 'rtp.loss_pct': 0, 'rtp.rtt_ms': 40,
    }, { uri: 'sip:127.0.0.1:5070', via: 'edge-1' }), new Map([['trunk:carrier-a', 7]]));
    expect(r).to.deep.include({
      id: 'trunk:carrier-a', name: 'carrier-a', state: 'up', uri: 'sip:127.0.0.1:5070', via: 'edge-1', rttMs: 12.5, rttAvgMs: 11, rttStddevMs: 2,
      registered: 1, registerExpiresS: 3600, asrPct: 62.5, nerPct: 98, concurrent: 0, mosAvg: 4.2, mosMin: 3.1, mosP5: 3.5,
      jitterMs: 3.4, lossPct: 0, mediaRttMs: 40, calls: 7,
    });
  });

  it('leaves a metric that was never reported undefined (not 0), and counts 0 calls when counted', () => {
    const r = trunkRow(trunk('bare', 'unknown'), new Map());
    for (const k of ['rttMs', 'registered', 'asrPct', 'nerPct', 'concurrent', 'mosAvg', 'jitterMs', 'lossPct'] as const) expect(r[k], k).to.equal(undefined);
    expect(r.calls).to.equal(0);
    expect(trunkRow(trunk('bare', 'up')).calls, 'not counted').to.equal(undefined);
    const odd = trunkRow(trunk('odd', 'up', { 'sip.mos.avg': Number.NaN, 'sip.options.rtt_ms': Infinity }));
    expect(odd.mosAvg).to.equal(undefined);
    expect(odd.rttMs).to.equal(undefined);
  });

  it('keeps only trunk nodes', () => {
    const nodes: TopoNode[] = [trunk('a', 'up'), { id: 'node:sw-1', name: 'sw-1', kind: 'switch', state: 'up', attrs: {} }, trunk('b', 'down')];
    expect(trunkRows(nodes).map((r) => r.id)).to.deep.equal(['trunk:a', 'trunk:b']);
  });

  const rows: TrunkRow[] = [
    { id: 'trunk:t10', name: 't10', state: 'up', rttMs: 5, mosAvg: 4.3, registered: 1, lossPct: 0 },
    { id: 'trunk:t2', name: 't2', state: 'down', rttMs: undefined, mosAvg: 3.2, registered: 0 },
    { id: 'trunk:t1', name: 't1', state: 'degraded', rttMs: 250, mosAvg: undefined, lossPct: 2.5 },
    { id: 'trunk:t3', name: 't3', state: 'up', rttMs: 20, mosAvg: 3.9, registered: 1, lossPct: 0.4 },
  ];

  it('sorts worst state first by default, names naturally', () => {
    expect(sortTrunkRows(rows, DEFAULT_TRUNK_SORT).map((r) => r.name)).to.deep.equal(['t2', 't1', 't3', 't10']);
    expect(sortTrunkRows(rows, { column: 'name', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['t1', 't2', 't3', 't10']);
    expect(sortTrunkRows(rows, { column: 'name', dir: 'desc' }).map((r) => r.name)).to.deep.equal(['t10', 't3', 't2', 't1']);
  });

  it('sorts numbers either way with unknown values last, without mutating its input', () => {
    const before = rows.map((r) => r.id);
    expect(sortTrunkRows(rows, { column: 'rtt', dir: 'desc' }).map((r) => r.name)).to.deep.equal(['t1', 't3', 't10', 't2']);
    expect(sortTrunkRows(rows, { column: 'rtt', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['t10', 't3', 't1', 't2']);
    expect(sortTrunkRows(rows, { column: 'mos', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['t2', 't3', 't10', 't1']);
    expect(sortTrunkRows(rows, { column: 'registration', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['t2', 't3', 't10', 't1']);
    expect(sortTrunkRows(rows, { column: 'loss', dir: 'desc' }).map((r) => r.name)).to.deep.equal(['t1', 't3', 't10', 't2']);
    expect(rows.map((r) => r.id)).to.deep.equal(before);
  });

  it('starts a new column worst first and flips the same column', () => {
    expect(nextTrunkSort(DEFAULT_TRUNK_SORT, 'mos')).to.deep.equal({ column: 'mos', dir: 'asc' });
    expect(nextTrunkSort(DEFAULT_TRUNK_SORT, 'rtt')).to.deep.equal({ column: 'rtt', dir: 'desc' });
    expect(nextTrunkSort(DEFAULT_TRUNK_SORT, 'asr')).to.deep.equal({ column: 'asr', dir: 'asc' });
    expect(nextTrunkSort(DEFAULT_TRUNK_SORT, 'loss')).to.deep.equal({ column: 'loss', dir: 'desc' });
    expect(nextTrunkSort({ column: 'mos', dir: 'asc' }, 'mos')).to.deep.equal({ column: 'mos', dir: 'desc' });
  });

  it('counts trunks by state', () => {
    expect(stateCounts(rows)).to.deep.equal({ up: 2, down: 1, degraded: 1 });
  });
});
