/**
 * RFC 6035 `application/vq-rtcpxr` bodies: the RFC's end-of-call session report (§4.7.3, F13) as
 * printed (folded lines, its SSRC without `0x`), a field report from a phone (CallID after
 * `LocalMetrics:`, vendor `x-` lines), alert reports in the RFC's one-line form and a vendor's
 * two-line form, an interval report full of oddities, the rejections, and a seeded fuzz of a few
 * hundred mutated bodies from which only a report or an `E_VQ_REPORT` may come out.
 */
import { expect } from 'chai';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { parseVqReport, VQ_REPORT_MAX_BYTES, type VqReport } from '../../../../probes/sip/rtcpxr/vq-report.js';
import { RFC6035_F13 } from './fixtures.js';

/**
 * RFC 6035 §4.7.3, message F13 (the PUBLISH body sent at the end of the call), line for line with
 * its folded continuation lines and its two slips kept (LocalAddr's SSRC without `0x`, STOP dated
 * before START). The IPv4 and MAC addresses are documentation ones (RFC 5737, RFC 7042) in place of
 * the RFC's; every other character is the RFC's.
 */
// (the body itself is in ./fixtures.ts, shared with the collector tests)

/** A phone's end-of-call report as vendors document it (addresses replaced by documentation ones). */
const PHONE_CALLTERM = [
  'VQSessionReport: CallTerm',
  'LocalMetrics:',
  'Timestamps:START=2010-02-17T13:59:42Z STOP=2010-02-17T13:59:46Z',
  'SessionDesc:PT=0 PD=G.711U PPS=50 SSUP=off',
  'CallID:3c26a8de500f-12ct7zov3kjs',
  'x-UserAgent:phone/8.2',
  'FromID:<sip:446@example.org>',
  'LocalAddr:IP=192.0.2.251 PORT=62754 SSRC=0xCBE3450E',
  'RemoteAddr:IP=192.0.2.233 PORT=54018 SSRC=0xB80B52F3',
  'DialogID:3c26a8de500f-12ct7zov3kjs;to-tag=866ed0cf03;from-tag=45hkui59ns',
  'x-SIPmetrics:SVA=RG SRD=310 SFC=0',
  'JitterBuffer:JBA=0 JBR=0 JBN=0 JBM=0 JBX=65535',
  'PacketLoss:NLR=0.0 JDR=0.0',
  'BurstGapLoss:BLD=0.0 BD=0 GLD=0.0 GD=6569 GMIN=16',
  'Delay:RTD=0 ESD=0 IAJ=4',
  'RemoteMetrics:',
  'JitterBuffer:JBA=0 JBR=0 JBN=0 JBM=0 JBX=0',
  'PacketLoss:NLR=1.5 JDR=0.0',
  'Delay:RTD=0 ESD=0 IAJ=2',
].join('\r\n');

/** An alert in the RFC 6035 ABNF form: Type, Severity and Dir on the report line. */
const ALERT = [
  'VQAlertReport: Type=MOSLQ Severity=Critical Dir=local',
  'CallID: 6dg37f1890463',
  'LocalID: Alice <sip:alice@example.org>',
  'RemoteID: Bill <sip:bill@example.net>',
  'OrigID: Alice <sip:alice@example.org>',
  'LocalAddr: IP=192.0.2.100 PORT=5000 SSRC=0x1a3b5c7d',
  'RemoteAddr:IP=198.51.100.150 PORT=5002 SSRC=0x2468abcd',
  'LocalMetrics:',
  'Timestamps:START=2004-10-10T18:23:43Z STOP=2004-10-10T18:26:02Z',
  'PacketLoss:NLR=12.5 JDR=3.1',
  'Delay:RTD=420 ESD=140 SOWD=350 IAJ=25 MAJ=30',
  'QualityEst:RLQ=55 RCQ=50 MOSLQ=2.6 MOSCQ=2.4',
  'DialogID:1890463548@alice.example.org;to-tag=8472761;from-tag=9123dh311',
].join('\n');

/** A vendor's alert: Type/Severity/Dir on their own line, a bare `Metrics:` section, decimal SSRCs, OWD. */
const VENDOR_ALERT = [
  'VQAlertReport',
  'Type=OWD Severity=Critical Dir=local',
  'Metrics:',
  'TimeStamps:START=2015-11-20T08:43:05Z STOP=2015-11-20T08:43:14Z',
  'SessionDesc:PT=9 PPS=50 SSUP=off',
  'CallID:41a24694-78e60cfb-69fb60f8@192.0.2.52',
  'LocalAddr:IP=192.0.2.51 PORT=2302 SSRC=3825483318',
  'RemoteAddr:IP=192.0.2.52 PORT=2274 SSRC=2017446972',
  'Delay:RTD=2 ESD=239 OWD=240 IAJ=0',
  'QualityEst:RLQ=94 RCQ=82 MOSLQ=3.8 MOSCQ=3.4',
].join('\n');

function rejected(body: string | Uint8Array, reason: RegExp, maxBytes?: number): void {
  try {
    parseVqReport(body, maxBytes === undefined ? {} : { maxBytes });
  } catch (e) {
    expect(isVigieError(e, 'E_VQ_REPORT'), String(e)).to.equal(true);
    expect(String((e as { details?: { reason?: unknown } }).details?.reason)).to.match(reason);
    return;
  }
  expect.fail(`accepted a body that should be rejected (${reason})`);
}

describe('sip rtcpxr: RFC 6035 report bodies', () => {
  it('parses the RFC 6035 §4.7.3 end-of-call session report (F13) as printed', () => {
    const r = parseVqReport(RFC6035_F13);
    expect(r).to.include({ kind: 'session', reportType: 'VQSessionReport', callTerm: true, callId: '6dg37f1890463' });
    expect(r).to.include({
      localId: 'Alice <sip:alice@example.org>', remoteId: 'Bill <sip:bill@example.net>', origId: 'Alice <sip:alice@example.org>',
      localGroup: 'example-phone-55671', remoteGroup: 'example-gateway-09871',
      localMac: '00:00:5e:00:53:01', remoteMac: '00:00:5e:00:53:02',
    });
    expect(r.localAddr).to.include({ ip: '192.0.2.100', port: 5000, ssrc: '1a3b5c7d', ssrcValue: 0x1a3b5c7d });
    expect(r.remoteAddr).to.include({ ip: '198.51.100.150', port: 5002, ssrc: '0x2468abcd', ssrcValue: 0x2468abcd });
    expect(r.dialogId).to.deep.equal({
      raw: '1890463548@alice.example.org;to-tag=8472761; from-tag=9123dh311',
      callId: '1890463548@alice.example.org', toTag: '8472761', fromTag: '9123dh311',
    });
    expect(r.unknownLines).to.deep.equal([]);

    const l = r.localMetrics!;
    expect(l.timestamps).to.include({ start: '2004-10-10T18:23:43Z', stop: '2004-10-01T18:26:02Z', startMs: Date.UTC(2004, 9, 10, 18, 23, 43) });
    const { params: sdParams, ...sd } = l.sessionDesc!;
    expect(sd).to.deep.equal({
      payloadType: 18, payloadDesc: 'G729', sampleRate: 8000, frameDurationMs: 20, frameOctets: 20, framesPerPacket: 2,
      packetsPerSecond: 50, fmtp: 'annexb=no', plc: 3, silenceSuppression: true,
    });
    expect(sdParams.FMTP).to.equal('annexb=no'); // the folded half of the line was joined back on
    expect(l.jitterBuffer).to.include({ adaptive: 3, rate: 2, nominalMs: 40, maxMs: 80, absMaxMs: 120 });
    expect(l.packetLoss).to.include({ networkLossPct: 5, jitterDiscardPct: 2 });
    expect(l.burstGapLoss).to.include({ burstLossDensityPct: 0, burstDurationMs: 0, gapLossDensityPct: 2, gapDurationMs: 500, gapMin: 16 });
    expect(l.delay).to.include({ roundTripMs: 200, endSystemMs: 140, symmetricOneWayMs: 200, interarrivalJitterMs: 2, meanAbsJitterMs: 10 });
    expect(l.delay).to.not.have.property('oneWayMs');
    expect(l.signal).to.include({ signalLevelDbm0: -21, noiseLevelDbm0: -50, residualEchoReturnLossDb: 55 });
    expect(l.qualityEst).to.include({ listeningR: 90, conversationalR: 85, externalRIn: 90, mosLq: 4.2, mosCq: 4.3, algorithm: 'P.564' });
    expect(l.unknownLines).to.deep.equal([]);

    const rm = r.remoteMetrics!;
    expect(rm.signal).to.include({ noiseLevelDbm0: -45 });
    expect(rm.qualityEst).to.include({ mosLq: 4.3, mosCq: 4.2, algorithm: 'P.564' });
    expect(rm.qualityEst).to.not.have.property('externalRIn');
  });

  it('reads the same report with LF line ends, as bytes, and with extra spaces', () => {
    const lf = parseVqReport(RFC6035_F13.replace(/\r\n/g, '\n'));
    const bytes = parseVqReport(new TextEncoder().encode(RFC6035_F13));
    const spaced = parseVqReport(RFC6035_F13.replace(/\r\n(?! )/g, '  \r\n').replace(/ PORT=/g, '   PORT=').replace(/^/, '\r\n\r\n'));
    const reference = parseVqReport(RFC6035_F13);
    expect(lf).to.deep.equal(reference);
    expect(bytes).to.deep.equal(reference);
    expect(spaced.localAddr).to.deep.include({ ip: '192.0.2.100', port: 5000 });
    expect(spaced.localMetrics?.qualityEst?.mosLq).to.equal(4.2);
  });

  it('parses a phone report: identification lines inside LocalMetrics, vendor lines kept raw', () => {
    const r = parseVqReport(PHONE_CALLTERM);
    expect(r).to.include({ kind: 'session', callTerm: true, callId: '3c26a8de500f-12ct7zov3kjs' });
    expect(r.localAddr).to.include({ ip: '192.0.2.251', port: 62754, ssrcValue: 0xcbe3450e });
    expect(r.dialogId).to.include({ toTag: '866ed0cf03', fromTag: '45hkui59ns' });
    expect(r.localMetrics?.sessionDesc).to.include({ payloadType: 0, payloadDesc: 'G.711U', packetsPerSecond: 50, silenceSuppression: false });
    expect(r.localMetrics?.jitterBuffer).to.include({ absMaxMs: 65535 });
    expect(r.localMetrics?.burstGapLoss).to.include({ gapDurationMs: 6569 });
    expect(r.remoteMetrics?.packetLoss).to.include({ networkLossPct: 1.5 });
    // x- lines and FromID sit inside LocalMetrics: kept raw there, in order
    expect(r.localMetrics?.unknownLines.map((l) => l.name)).to.deep.equal(['x-UserAgent', 'FromID', 'x-SIPmetrics']);
    expect(r.localMetrics?.unknownLines[2]).to.deep.equal({ name: 'x-SIPmetrics', value: 'SVA=RG SRD=310 SFC=0' });
  });

  it('an interval report without CallTerm, and the report line without a colon', () => {
    const r = parseVqReport('VQIntervalReport\nCallID: abc@host\nLocalMetrics:\nPacketLoss:NLR=0.5 JDR=0.1\n');
    expect(r).to.include({ kind: 'interval', reportType: 'VQIntervalReport', callTerm: false, callId: 'abc@host' });
    expect(r.localMetrics?.packetLoss).to.include({ networkLossPct: 0.5, jitterDiscardPct: 0.1 });
    expect(r).to.not.have.property('remoteMetrics');
  });
});

describe('sip rtcpxr: alert reports', () => {
  it('the RFC form: Type, Severity and Dir on the report line', () => {
    const r = parseVqReport(ALERT);
    expect(r).to.include({ kind: 'alert', reportType: 'VQAlertReport', callTerm: false, callId: '6dg37f1890463' });
    expect(r.alert).to.include({ type: 'MOSLQ', severity: 'Critical', direction: 'local' });
    expect(r.localMetrics?.packetLoss?.networkLossPct).to.equal(12.5);
    expect(r.localMetrics?.delay).to.include({ roundTripMs: 420, symmetricOneWayMs: 350, meanAbsJitterMs: 30 });
    expect(r.localMetrics?.qualityEst).to.include({ mosLq: 2.6, mosCq: 2.4 });
    const ms = r.localMetrics!.timestamps!;
    expect(ms.stopMs! - ms.startMs!).to.equal(139_000);
  });

  it('a CallTerm alert', () => {
    const r = parseVqReport(ALERT.replace('VQAlertReport: ', 'VQAlertReport: CallTerm '));
    expect(r.callTerm).to.equal(true);
    expect(r.alert).to.include({ type: 'MOSLQ', severity: 'Critical', direction: 'local' });
  });

  it("a vendor's form: Type/Severity/Dir on the next line, a bare Metrics: section, decimal SSRCs, OWD", () => {
    const r = parseVqReport(VENDOR_ALERT);
    expect(r.kind).to.equal('alert');
    expect(r.alert).to.include({ type: 'OWD', severity: 'Critical', direction: 'local' });
    expect(r.localAddr).to.include({ ssrc: '3825483318', ssrcValue: 3825483318 });
    expect(r.localMetrics?.timestamps).to.include({ start: '2015-11-20T08:43:05Z' }); // `TimeStamps` in any case
    expect(r.localMetrics?.delay).to.include({ oneWayMs: 240, endSystemMs: 239 });
    expect(r.localMetrics?.qualityEst).to.include({ listeningR: 94, mosCq: 3.4 });
  });
});

describe('sip rtcpxr: tolerated oddities', () => {
  it('NaN, empty and garbage values are undefined; unknown parameters and lines are kept raw', () => {
    const r: VqReport = parseVqReport([
      'vqsessionreport : callterm',
      'callid:  x1  ',
      'Frobnicate: 42',
      'RemoteMetrics:',
      'packetloss:NLR=NaN JDR= FOO=bar',
      'Delay:RTD=abc ESD=12.5 IAJ=1e1 MAJ=5%',
      'QualityEst:MOSLQ=nan EXTR=77 X-NEW=1',
      'Mystery:thing',
      'LocalMetrics:',
      'JitterBuffer:JBA=3',
      'JitterBuffer:JBA=2',
      'LocalAddr:IP=[2001:db8::1] PORT=99999 SSRC=0x123456789',
    ].join('\n'));
    expect(r).to.include({ kind: 'session', callTerm: true, callId: 'x1' });
    expect(r.unknownLines).to.deep.equal([{ name: 'Frobnicate', value: '42' }]);
    const pl = r.remoteMetrics!.packetLoss!;
    expect(pl).to.not.have.property('networkLossPct');
    expect(pl).to.not.have.property('jitterDiscardPct');
    expect(pl.params).to.deep.equal({ NLR: 'NaN', JDR: '', FOO: 'bar' });
    expect(r.remoteMetrics!.delay).to.deep.equal({
      params: { RTD: 'abc', ESD: '12.5', IAJ: '1e1', MAJ: '5%' }, endSystemMs: 12.5, interarrivalJitterMs: 10, meanAbsJitterMs: 5,
    });
    expect(r.remoteMetrics!.qualityEst).to.include({ externalRIn: 77 });
    expect(r.remoteMetrics!.qualityEst).to.not.have.property('mosLq');
    expect(r.remoteMetrics!.qualityEst!.params['X-NEW']).to.equal('1');
    expect(r.remoteMetrics!.unknownLines).to.deep.equal([{ name: 'Mystery', value: 'thing' }]);
    // the first of a repeated metric line wins; the second is kept raw
    expect(r.localMetrics!.jitterBuffer!.adaptive).to.equal(3);
    expect(r.localMetrics!.unknownLines).to.deep.equal([{ name: 'JitterBuffer', value: 'JBA=2' }]);
    // an out-of-range port and a 36-bit SSRC are not numbers, but stay raw
    expect(r.localAddr).to.deep.equal({ ip: '2001:db8::1', ssrc: '0x123456789', params: { IP: '[2001:db8::1]', PORT: '99999', SSRC: '0x123456789' } });
  });

  it('a second report type line is kept raw, not merged', () => {
    const r = parseVqReport('VQIntervalReport\nCallID:a\nVQAlertReport: Type=NLR\n');
    expect(r.kind).to.equal('interval');
    expect(r).to.not.have.property('alert');
    expect(r.unknownLines).to.deep.equal([{ name: 'VQAlertReport', value: 'Type=NLR' }]);
  });
});

describe('sip rtcpxr: rejected bodies', () => {
  it('no report type line', () => {
    rejected('', /no report type line/);
    rejected('CallID: abc\nLocalMetrics:\nPacketLoss:NLR=1\n', /no report type line/);
    rejected('VQFooReport\nCallID: abc\n', /no report type line/);
  });

  it('no CallID, or an empty one', () => {
    rejected('VQSessionReport\nLocalMetrics:\nPacketLoss:NLR=1\n', /no CallID/);
    rejected('VQSessionReport\nCallID:   \n', /no CallID/);
    rejected('VQSessionReport\nCall-ID: abc\n', /no CallID/); // the SIP header name is not the report's line
  });

  it('oversized bodies, as text and as bytes, and a custom cap', () => {
    const big = RFC6035_F13 + 'x-Pad: ' + 'y'.repeat(VQ_REPORT_MAX_BYTES) + '\r\n';
    rejected(big, /exceeds the 32768-byte cap/);
    rejected(Buffer.from(big), /exceeds/);
    rejected(RFC6035_F13, /exceeds the 100-byte cap/, 100);
    expect(parseVqReport(RFC6035_F13, { maxBytes: RFC6035_F13.length }).callId).to.equal('6dg37f1890463');
  });

  it('input that is neither text nor bytes', () => {
    rejected(42 as unknown as string, /neither a string nor bytes/);
    rejected(null as unknown as string, /neither a string nor bytes/);
  });
});

describe('sip rtcpxr: fuzz', () => {
  it('a few hundred mutated bodies yield a report or an E_VQ_REPORT, nothing else', () => {
    let seed = 0x6035_0001;
    const rand = (): number => {
      // xorshift32, deterministic so a failure replays
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const bases = [RFC6035_F13, PHONE_CALLTERM, ALERT, VENDOR_ALERT];
    const junk = ['=', ':', '"', ' ', '\t', '\r', '\n', '\0', '\u00e9', '\ud800', 'NaN', '0x', '==', ';', 'CallID:', 'LocalMetrics:', 'VQAlertReport'];
    const mutate = (body: string): string => {
      const lines = body.split(/\r?\n/);
      switch (Math.floor(rand() * 6)) {
        case 0: return body.slice(0, Math.floor(rand() * body.length)); // truncated
        case 1: lines.splice(Math.floor(rand() * lines.length), 1); return lines.join('\n'); // a line dropped
        case 2: { const i = Math.floor(rand() * lines.length); lines.splice(i, 0, lines[i]); return lines.join('\r\n'); } // duplicated
        case 3: { // characters replaced by junk
          const chars = [...body];
          for (let k = 0; k < 1 + rand() * 20; k++) chars[Math.floor(rand() * chars.length)] = pick(junk);
          return chars.join('');
        }
        case 4: return Array.from({ length: Math.floor(rand() * 400) }, () => String.fromCharCode(Math.floor(rand() * 128))).join(''); // random ASCII
        default: { const i = Math.floor(rand() * lines.length); lines[i] = lines[i].replace(/=\S*/g, () => '=' + pick(junk)); return lines.join('\n'); } // values garbled
      }
    };
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      const body = mutate(pick(bases));
      const input: string | Uint8Array = i % 4 === 0 ? Buffer.from(body, 'latin1') : body;
      try {
        const r = parseVqReport(input);
        expect(r.callId, `case ${i}`).to.be.a('string').and.not.equal('');
        expect(['session', 'interval', 'alert'], `case ${i}`).to.include(r.kind);
        for (const m of [r.localMetrics, r.remoteMetrics]) {
          const n = m?.packetLoss?.networkLossPct;
          if (n !== undefined) expect(Number.isFinite(n), `case ${i}`).to.equal(true);
        }
        accepted++;
      } catch (e) {
        expect(isVigieError(e, 'E_VQ_REPORT'), `case ${i}: ${String(e)}`).to.equal(true);
        refused++;
      }
    }
    // both paths are exercised, or the fuzz proves nothing
    expect(accepted).to.be.greaterThan(50);
    expect(refused).to.be.greaterThan(50);
  });
});
