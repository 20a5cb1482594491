import { expect } from 'chai';
import { alignSeries, chooseStep, pointsDrawn, RANGES, seriesUrl, sumSeries, TARGET_POINTS } from '../../../web/src/chart/series.js';

describe('web chart: series', () => {
  it('chooses a readable step giving about 300 points for each range', () => {
    for (const span of Object.values(RANGES)) {
      const step = chooseStep(span);
      const points = span / step;
      expect(points, `span ${span} step ${step}`).to.be.within(TARGET_POINTS / 1.5, TARGET_POINTS * 1.5);
      expect(step % 1000).to.equal(0);
    }
    expect(chooseStep(RANGES['1h'])).to.equal(10_000);
    expect(chooseStep(RANGES['24h'])).to.equal(300_000);
    expect(chooseStep(RANGES['7d'])).to.equal(1_800_000);
    expect(chooseStep(10)).to.equal(1000);
  });

  it('builds the /api/series query', () => {
    const url = new URL(seriesUrl('port:sw/eth1', 'if.in.bps', 3_600_500, 3_600_000, 10_000), 'http://x');
    expect(url.pathname).to.equal('/api/series');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ entity: 'port:sw/eth1', metric: 'if.in.bps', from: '500', to: '3600500', step: '10000' });
  });

  it('aligns series on one time axis in seconds, with nulls where one is missing', () => {
    const data = alignSeries([[{ t: 0, avg: 1 }, { t: 10_000, avg: 2 }], [{ t: 10_000, avg: 5 }, { t: 20_000, avg: 6 }]], 10_000);
    expect(data).to.deep.equal([[0, 10, 20], [1, 2, null], [null, 5, 6]]);
    expect(pointsDrawn(data)).to.equal(3);
  });

  it('breaks lines over a gap longer than a step and a half', () => {
    const data = alignSeries([[{ t: 0, avg: 1 }, { t: 50_000, avg: 2 }]], 10_000);
    expect(data).to.deep.equal([[0, 10, 50], [1, null, 2]]);
    expect(pointsDrawn(data), 'the gap marker is not a point').to.equal(2);
  });

  it('handles no data', () => {
    const data = alignSeries([[], [], []], 10_000);
    expect(data).to.deep.equal([[], [], [], []]);
    expect(pointsDrawn(data)).to.equal(0);
  });

  it('sums error series bucket by bucket', () => {
    expect(sumSeries([{ t: 0, avg: 1 }, { t: 10, avg: 2 }], [{ t: 10, avg: 3 }, { t: 20, avg: 4 }])).to.deep.equal([{ t: 0, avg: 1 }, { t: 10, avg: 5 }, { t: 20, avg: 4 }]);
  });
});
