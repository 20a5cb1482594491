import { expect } from 'chai';
import { formatBps, formatDuration, formatErrorRate, formatPercent, formatSince, formatSpeed, formatUptime, MISSING, si } from '../../../web/src/panel/format.js';

describe('web panel: formatting', () => {
  it('formats bits/s with SI prefixes and three significant digits', () => {
    expect(formatBps(0)).to.equal('0 b/s');
    expect(formatBps(950)).to.equal('950 b/s');
    expect(formatBps(1_000)).to.equal('1 kb/s');
    expect(formatBps(34_465_056.12)).to.equal('34.5 Mb/s');
    expect(formatBps(131_232_963)).to.equal('131 Mb/s');
    expect(formatBps(1.25e9)).to.equal('1.25 Gb/s');
    expect(formatBps(999_600)).to.equal('1 Mb/s');
    expect(formatBps(4e15)).to.equal('4 Pb/s');
  });

  it('gives a dash for missing or non-finite values', () => {
    for (const v of [undefined, NaN, Infinity]) {
      expect(formatBps(v)).to.equal(MISSING);
      expect(formatPercent(v)).to.equal(MISSING);
      expect(formatErrorRate(v)).to.equal(MISSING);
      expect(formatUptime(v)).to.equal(MISSING);
    }
    expect(formatSpeed(0)).to.equal(MISSING);
    expect(si(-1500, 'b/s')).to.equal('-1.5 kb/s');
  });

  it('formats speeds, percentages and error rates', () => {
    expect(formatSpeed(1e9)).to.equal('1 Gb/s');
    expect(formatSpeed(100e6)).to.equal('100 Mb/s');
    expect(formatPercent(0)).to.equal('0 %');
    expect(formatPercent(3.4465)).to.equal('3.4 %');
    expect(formatPercent(87.6)).to.equal('88 %');
    expect(formatErrorRate(0)).to.equal('0');
    expect(formatErrorRate(0.004)).to.equal('<0.01/s');
    expect(formatErrorRate(3.456)).to.equal('3.46/s');
  });

  it('formats uptime and durations with their largest units', () => {
    expect(formatUptime(0)).to.equal('0s');
    expect(formatUptime(42.9)).to.equal('42s');
    expect(formatUptime(200)).to.equal('3m 20s');
    expect(formatUptime(5 * 3600 + 2 * 60 + 9)).to.equal('5h 2m');
    expect(formatUptime(5_989_235)).to.equal('69d 7h 40m');
    expect(formatUptime(-1)).to.equal(MISSING);
    expect(formatDuration(86_400)).to.equal('1d 0h');
    expect(formatSince(1_000, 61_000)).to.equal('1m 0s');
    expect(formatSince(5_000, 1_000)).to.equal('0s');
  });
});
