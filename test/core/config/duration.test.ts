import { expect } from 'chai';
import { parseDuration } from '../../../core/config/index.js';
import { isVigieError } from '../../../plugins/sdk/index.js';

describe('config/parseDuration', () => {
  it('reads numbers as milliseconds and strings with units', () => {
    expect(parseDuration(250)).to.equal(250);
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('10s')).to.equal(10_000);
    expect(parseDuration('5m')).to.equal(300_000);
    expect(parseDuration('2h')).to.equal(7_200_000);
    expect(parseDuration('30d')).to.equal(30 * 86_400_000);
    expect(parseDuration('1w')).to.equal(7 * 86_400_000);
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(parseDuration('750')).to.equal(750);
  });

  it('rejects malformed, negative, non-finite and oversized durations with E_CONFIG naming the value', () => {
    for (const bad of ['', '10 s', '10x', 's', '-5s', '1h 30m', 'ms']) {
      expect(() => parseDuration(bad), bad).to.throw().that.satisfies((e: unknown) => isVigieError(e, 'E_CONFIG') && e.message.includes(JSON.stringify(bad)));
    }
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e300]) {
      expect(() => parseDuration(bad), String(bad)).to.throw(/invalid duration/);
    }
    expect(() => parseDuration('99999999999999999999d')).to.throw(/invalid duration/);
  });
});
