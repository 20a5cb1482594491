/**
 * From RFC 6035 reports to call quality (probes/sip/rtcpxr/report-quality.ts): the burst ratio
 * against hand-worked values, the delay and codec choices, the per-direction E-model score (the
 * expected MOS computed here with scoreCall from the report's numbers), the worse direction, the
 * call report's parties and times, and the alert event's severity. Also the trunk matcher.
 */
import { expect } from 'chai';
import { createCodecTable } from '../../../../probes/sip/quality/codecs.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import {
  alertEvent, burstRatio, callParties, codecOf, oneWayDelay, packetIntervalMs, QUALITY_ALERT_EVENT, scoreDirection, scoreReport, sessionCallReport,
} from '../../../../probes/sip/rtcpxr/report-quality.js';
import { partyOf, trunkMatcher } from '../../../../probes/sip/rtcpxr/trunk-match.js';
import { parseVqReport } from '../../../../probes/sip/rtcpxr/vq-report.js';
import { reportBody, RFC6035_F13 } from './fixtures.js';

const table = createCodecTable();

describe('sip rtcpxr quality: burst ratio from BurstGapLoss', () => {
  const bgl = (bld: number, bd: number, gld: number, gd: number) => ({ params: {}, burstLossDensityPct: bld, burstDurationMs: bd, gapLossDensityPct: gld, gapDurationMs: gd });

  it('is 1 for random loss (equal densities), no loss, or missing values', () => {
    expect(burstRatio(bgl(3, 400, 3, 600))).to.be.closeTo(1, 1e-12);
    expect(burstRatio(bgl(0, 0, 0, 5000))).to.equal(1);
    expect(burstRatio(undefined)).to.equal(1);
    expect(burstRatio({ params: {}, burstLossDensityPct: 50, burstDurationMs: 100 })).to.equal(1);
    expect(burstRatio(bgl(-5, 100, 0, 100))).to.equal(1);
  });

  it('matches hand-worked values', () => {
    // bursts of 200 ms (10 packets) at 50 %: runs of 1/(1-0.5) = 2 packets; p = 100/1000 = 0.1 → 2 × 0.9
    expect(burstRatio(bgl(50, 200, 0, 800), 20)).to.be.closeTo(1.8, 1e-9);
    // bursts of 60 ms (3 packets) fully lost: runs of 3; p = 60/1000 → 3 × 0.94
    expect(burstRatio(bgl(100, 60, 0, 940), 20)).to.be.closeTo(2.82, 1e-9);
    // the same loss spread thinner inside longer bursts is less bursty
    expect(burstRatio(bgl(25, 400, 0, 600), 20)).to.be.lessThan(burstRatio(bgl(50, 200, 0, 800), 20));
  });

  it('packet interval from PPS, FD×FPP, FD, else 20 ms', () => {
    expect(packetIntervalMs({ params: {}, packetsPerSecond: 50 })).to.equal(20);
    expect(packetIntervalMs({ params: {}, frameDurationMs: 10, framesPerPacket: 3 })).to.equal(30);
    expect(packetIntervalMs({ params: {}, frameDurationMs: 30 })).to.equal(30);
    expect(packetIntervalMs(undefined)).to.equal(20);
  });
});

describe('sip rtcpxr quality: delay and codec', () => {
  it('one-way delay: OWD, else SOWD, else RTD/2 + ESD, else none', () => {
    expect(oneWayDelay({ params: {}, oneWayMs: 240, symmetricOneWayMs: 100, roundTripMs: 10 })).to.deep.equal({ ms: 240, source: 'OWD' });
    expect(oneWayDelay({ params: {}, symmetricOneWayMs: 100, roundTripMs: 10 })).to.deep.equal({ ms: 100, source: 'SOWD' });
    expect(oneWayDelay({ params: {}, roundTripMs: 120, endSystemMs: 30 })).to.deep.equal({ ms: 90, source: 'RTD/2+ESD' });
    expect(oneWayDelay({ params: {}, roundTripMs: 120 })).to.deep.equal({ ms: 60, source: 'RTD/2+ESD' });
    expect(oneWayDelay({ params: {}, interarrivalJitterMs: 3 })).to.deep.equal({ source: 'none' });
  });

  it('codec: PD, else a static PT', () => {
    expect(codecOf({ params: {}, payloadType: 0, payloadDesc: 'G.711U' })).to.equal('G.711U');
    expect(codecOf({ params: {}, payloadType: 8 })).to.equal('G.711');
    expect(codecOf({ params: {}, payloadType: 18 })).to.equal('G.729');
    expect(codecOf({ params: {}, payloadType: 101 })).to.equal(undefined);
  });
});

describe('sip rtcpxr quality: scoring a report', () => {
  it('the RFC 6035 F13 report: G.729, NLR+JDR 7 %, SOWD 200 ms, random loss; MOSCQ kept as reportedMos', () => {
    const r = parseVqReport(RFC6035_F13);
    const d = scoreDirection(r.localMetrics!, table);
    if (!d.scored) expect.fail(d.unscored);
    const expected = scoreCall({ codec: 'G.729', oneWayDelayMs: 200, lossPct: 5 + 2, burstR: 1 });
    expect(d.quality.mos).to.be.closeTo(expected.mos, 1e-9);
    expect(d.quality).to.include({ codec: 'G.729', lossPct: 5, jitterMs: 2, rttMs: 200, oneWayDelayMs: 200, reportedMos: 4.3 });
    expect(d.quality.r).to.be.closeTo(expected.r, 1e-9);
    expect(d.delaySource).to.equal('SOWD');
    expect(d.burstR).to.be.closeTo(1, 1e-9);
  });

  it('the call quality is the worse direction; the remote borrows the local codec', () => {
    const r = parseVqReport(reportBody({ local: { codec: 'PCMA', nlr: 0.5, rtd: 40 }, remote: { nlr: 6, rtd: 40, mosCq: 3.2 } }));
    const s = scoreReport(r, table);
    const local = scoreCall({ codec: 'G.711', oneWayDelayMs: 20, lossPct: 0.5 });
    const remote = scoreCall({ codec: 'G.711', oneWayDelayMs: 20, lossPct: 6 });
    expect(s.local?.scored && s.local.quality.mos).to.be.closeTo(local.mos, 1e-9);
    expect(s.remote?.scored && s.remote.quality.mos).to.be.closeTo(remote.mos, 1e-9);
    expect(s.quality?.mos).to.be.closeTo(remote.mos, 1e-9);
    expect(s.quality?.reportedMos).to.equal(3.2);
    expect(remote.mos).to.be.lessThan(local.mos);
  });

  it('not scored: an unknown codec, no packet loss; a codec added by configuration is scored', () => {
    const opus = parseVqReport(reportBody({ local: { codec: 'opus', pt: 111, nlr: 1, rtd: 50 } }));
    const s = scoreReport(opus, table);
    expect(s.quality).to.equal(undefined);
    expect(s.unscored).to.match(/unknown codec "opus"/);
    expect(s.local?.scored === false && s.local.measured).to.include({ codec: 'opus', lossPct: 1 });
    const withOpus = scoreReport(opus, createCodecTable([{ name: 'opus', ie: 6, bpl: 20 }]));
    expect(withOpus.quality?.mos).to.be.closeTo(scoreCall({ codec: { name: 'Opus', ie: 6, bpl: 20 }, oneWayDelayMs: 25, lossPct: 1 }).mos, 1e-9);
    const noLoss = scoreReport(parseVqReport(reportBody({ local: { codec: 'PCMU', rtd: 50 } })), table);
    expect(noLoss.unscored).to.match(/no packet loss/);
    expect(scoreReport(parseVqReport('VQSessionReport\nCallID: x\n'), table).unscored).to.match(/no LocalMetrics/);
  });

  it('garbage numbers do not score: NLR over 100 is unscored, never a throw', () => {
    const s = scoreReport(parseVqReport(reportBody({ local: { codec: 'PCMU', nlr: 250, rtd: 10 } })), table);
    expect(s.quality).to.equal(undefined);
    expect(s.unscored).to.match(/lossPct/);
  });
});

describe('sip rtcpxr quality: call report and alert event', () => {
  it('parties: the reporter calls unless OrigID is the remote party', () => {
    expect(callParties(parseVqReport(RFC6035_F13))).to.deep.equal({ from: 'Alice <sip:alice@example.org>', to: 'Bill <sip:bill@example.net>' });
    const inbound = parseVqReport(RFC6035_F13.replace('OrigID: Alice <sip:alice@example.org>', 'OrigID: Bill <sip:bill@example.net>'));
    expect(callParties(inbound)).to.deep.equal({ from: 'Bill <sip:bill@example.net>', to: 'Alice <sip:alice@example.org>' });
  });

  it('times: start, end and duration from Timestamps; an end before the start gives no duration', () => {
    const good = parseVqReport(reportBody({ callId: 'c1', local: { codec: 'PCMU', nlr: 0, rtd: 20, start: '2026-01-01T10:00:00Z', stop: '2026-01-01T10:02:30Z' } }));
    const rep = sessionCallReport(good, 'carrier', scoreReport(good, table), 5);
    expect(rep).to.include({ callId: 'c1', trunk: 'carrier', source: 'rtcp-xr', outcome: 'answered', startedAt: Date.UTC(2026, 0, 1, 10), endedAt: Date.UTC(2026, 0, 1, 10, 2, 30), durationS: 150 });
    expect(rep.answeredAt).to.equal(rep.startedAt);
    const f13 = parseVqReport(RFC6035_F13);
    const slip = sessionCallReport(f13, 't', scoreReport(f13, table), 5);
    expect(slip.startedAt).to.equal(Date.UTC(2004, 9, 10, 18, 23, 43));
    expect(slip).to.not.have.property('durationS');
    expect(slip).to.not.have.property('endedAt');
    const none = parseVqReport(reportBody({ local: { codec: 'PCMU', nlr: 0 } }));
    expect(sessionCallReport(none, 't', scoreReport(none, table), 1234).startedAt).to.equal(1234);
  });

  it('alert severity: Warning → warning, Critical → critical, Clear → info, other → warning', () => {
    const body = (sev: string) => `VQAlertReport: Type=NLR Severity=${sev} Dir=local\r\nCallID: a1\r\nRemoteID: <sip:9@carrier.example.net>\r\nLocalMetrics:\r\nSessionDesc:PT=0\r\nPacketLoss:NLR=9 JDR=1\r\nDelay:RTD=100\r\n`;
    const ev = (sev: string) => {
      const r = parseVqReport(body(sev));
      return alertEvent(r, 'carrier', scoreReport(r, table), 77, '127.0.0.1:5060');
    };
    expect(ev('Warning').severity).to.equal('warning');
    expect(ev('Critical').severity).to.equal('critical');
    expect(ev('Clear').severity).to.equal('info');
    expect(ev('Bogus').severity).to.equal('warning');
    const e = ev('Critical');
    expect(e).to.include({ kind: 'event', at: 77, entity: 'trunk:carrier', type: QUALITY_ALERT_EVENT });
    expect(e.data).to.include({ callId: 'a1', alertType: 'NLR', alertSeverity: 'Critical', direction: 'local', reporter: '127.0.0.1:5060' });
    const q = (e.data as { quality: { mos: number } }).quality;
    expect(q.mos).to.be.closeTo(scoreCall({ codec: 'G.711', oneWayDelayMs: 50, lossPct: 10 }).mos, 1e-9);
    expect(e.message).to.match(/Critical alert NLR \(local\) on carrier/);
  });
});

describe('sip rtcpxr: trunk matching', () => {
  const match = trunkMatcher([
    { name: 'by-address', match: { addresses: ['192.0.2.50', '198.51.100.7:20000', '[2001:db8::5]:5060'] } },
    { name: 'by-domain', match: { domains: ['carrier.example.net'] } },
    { name: 'by-prefix', match: { prefixes: ['+44', '0 800'] } },
  ], 'default');

  it('addresses: the PUBLISH source, LocalAddr or RemoteAddr, as IP or IP:PORT; IPv4-mapped reads as IPv4', () => {
    expect(match({ source: { address: '192.0.2.50', port: 5060 } })).to.equal('by-address');
    expect(match({ source: { address: '::ffff:192.0.2.50', port: 5060 } })).to.equal('by-address');
    expect(match({ localAddr: { ip: '192.0.2.50', port: 4000 } })).to.equal('by-address');
    expect(match({ remoteAddr: { ip: '198.51.100.7', port: 20000 } })).to.equal('by-address');
    expect(match({ remoteAddr: { ip: '198.51.100.7', port: 20002 } })).to.equal('default');
    expect(match({ source: { address: '2001:db8::5', port: 5060 } })).to.equal('by-address');
  });

  it('domains: the RemoteID host or a subdomain, not a mere suffix; prefixes: the RemoteID number, separators ignored', () => {
    expect(match({ remoteId: 'Bill <sip:bill@carrier.example.net>' })).to.equal('by-domain');
    expect(match({ remoteId: '<sip:bill@sbc1.CARRIER.example.net;user=phone>' })).to.equal('by-domain');
    expect(match({ remoteId: '<sip:bill@othercarrier.example.net>' })).to.equal('default');
    expect(match({ remoteId: '<sip:+44-20-7946-0000@gw.example.com>' })).to.equal('by-prefix');
    expect(match({ remoteId: '<tel:0800123456>' })).to.equal('by-prefix');
    expect(match({ remoteId: 'sip:+33123@gw.example.com' })).to.equal('default');
    expect(match({})).to.equal('default');
  });

  it('the first matching rule wins', () => {
    expect(match({ source: { address: '192.0.2.50', port: 1 }, remoteId: '<sip:+44@carrier.example.net>' })).to.equal('by-address');
    expect(partyOf('"B" <sips:%2B44@[2001:db8::1]:5061>')).to.deep.equal({ user: '+44', host: '2001:db8::1' });
  });
});
