import { expect } from 'chai';
import { CALL_EVENT as PROBE_CALL_EVENT, MOS_MINOR, MOS_WARNING, SIP_METRICS } from '../../../probes/sip/call-report.js';
import {
  formatClock, formatLoss, formatMos, formatMs, formatRatio, mosBand, outcomeLabel, partyLabel, registrationLabel, registrationStatus,
} from '../../../web/src/telephony/format.js';
import { CALL_EVENT, MOS_FAIR, MOS_GOOD, TRUNK_METRICS } from '../../../web/src/telephony/vocabulary.js';
import { parseRoute, routeHash } from '../../../web/src/views/route.js';

describe('web telephony: vocabulary, formatting and routes', () => {
  it('copies the probe vocabulary exactly (metric names, event type, MOS thresholds)', () => {
    const probe = SIP_METRICS as Record<string, string>;
    for (const [k, v] of Object.entries(TRUNK_METRICS)) expect(v, k).to.equal(probe[k]);
    expect(CALL_EVENT).to.equal(PROBE_CALL_EVENT);
    expect(MOS_GOOD).to.equal(MOS_WARNING);
    expect(MOS_FAIR).to.equal(MOS_MINOR);
  });

  it('bands MOS: good from 4.03, fair from 3.6, else poor; none without a value', () => {
    expect(mosBand(4.4)).to.equal('good');
    expect(mosBand(4.03)).to.equal('good');
    expect(mosBand(4.029)).to.equal('fair');
    expect(mosBand(3.6)).to.equal('fair');
    expect(mosBand(3.59)).to.equal('poor');
    expect(mosBand(1)).to.equal('poor');
    expect(mosBand(undefined)).to.equal(undefined);
    expect(mosBand(Number.NaN)).to.equal(undefined);
  });

  it('formats values, and a missing one as — (never 0)', () => {
    expect(formatMos(4.216)).to.equal('4.22');
    expect(formatMs(0.84)).to.equal('0.84 ms');
    expect(formatMs(0.043)).to.equal('0.04 ms');
    expect(formatMs(0)).to.equal('0.0 ms');
    expect(formatMs(12.34)).to.equal('12.3 ms');
    expect(formatMs(153.4)).to.equal('153 ms');
    expect(formatMs(2500)).to.equal('2500 ms');
    expect(formatMs(12_500)).to.equal('12.5 s');
    expect(formatLoss(0)).to.equal('0 %');
    expect(formatLoss(0.354)).to.equal('0.35 %');
    expect(formatLoss(2.44)).to.equal('2.4 %');
    expect(formatLoss(17.2)).to.equal('17 %');
    expect(formatRatio(66.67)).to.equal('67 %');
    for (const f of [formatMos, formatMs, formatLoss, formatRatio]) expect(f(undefined)).to.equal('—');
  });

  it('labels outcomes, registrations and parties', () => {
    expect(outcomeLabel('answered', 200)).to.equal('answered');
    expect(outcomeLabel('rejected', 486)).to.equal('rejected 486');
    expect(outcomeLabel('no-answer', undefined)).to.equal('no-answer');
    expect(registrationStatus(undefined)).to.equal('unchecked');
    expect(registrationStatus(0)).to.equal('failed');
    expect(registrationLabel(1, 3600)).to.equal('registered (3600 s)');
    expect(registrationLabel(0, undefined)).to.equal('not registered');
    expect(registrationLabel(undefined, 3600)).to.equal('—');
    expect(partyLabel('"Alice" <sip:alice@example.test>;tag=1')).to.equal('alice');
    expect(partyLabel('sip:+33123456@127.0.0.1:5060')).to.equal('+33123456');
    expect(partyLabel('+33123456')).to.equal('+33123456');
    expect(partyLabel(undefined)).to.equal('—');
  });

  it('formats clock times locally', () => {
    const t = new Date(2025, 0, 1, 9, 5, 7).getTime();
    expect(formatClock(t)).to.equal('09:05:07');
  });

  it('routes #telephony and #telephony/<trunk>, anything else to the map, and back', () => {
    expect(parseRoute('')).to.deep.equal({ view: 'map' });
    expect(parseRoute('#map')).to.deep.equal({ view: 'map' });
    expect(parseRoute('#nonsense')).to.deep.equal({ view: 'map' });
    expect(parseRoute('#telephony')).to.deep.equal({ view: 'telephony' });
    expect(parseRoute('#telephony/carrier%20a')).to.deep.equal({ view: 'telephony', trunk: 'trunk:carrier a' });
    expect(parseRoute('#telephony/%E0%A4%A')).to.deep.equal({ view: 'telephony' });
    for (const r of [{ view: 'map' as const }, { view: 'telephony' as const }, { view: 'telephony' as const, trunk: 'trunk:a/b c' }]) {
      expect(parseRoute(routeHash(r))).to.deep.equal(r);
    }
  });
});
