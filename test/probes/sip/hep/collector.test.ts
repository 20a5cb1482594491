/**
 * The `sip-hep` collector on a real loopback socket, flushed in virtual time: HEP packets built by
 * the test-only encoder (encode.ts) carry a call's SIP messages and RTCP receiver reports tied to
 * it by the correlation id; the call's `sip-call` event carries its quality (loss, jitter, RTT from
 * LSR/DLSR, E-model MOS) and the interval's per-trunk KPIs and quality window follow. Also: the
 * Kamailio captures in fixtures/ through the collector, compressed payloads, and a call spanning
 * three intervals.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { EventObservation } from '../../../../plugins/sdk/index.js';
import { SIP_METRICS, type CallReport } from '../../../../probes/sip/call-report.js';
import { HEP_METRICS } from '../../../../probes/sip/hep/ingest.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { ntpMiddle32FromUnixMs, roundTripMs } from '../../../../probes/sip/rtcp/report.js';
import { startCollector, valueOf, type CollectorRun } from './collector-run.js';
import { encodeHep3, rtcpReceiverReport, sdp, sipRequest, sipResponse, type BlockFields, type HepEndpoint } from './encode.js';

const PROXY: HepEndpoint = { address: '192.0.2.1', port: 5060 };
const GW: HepEndpoint = { address: '198.51.100.7', port: 5060 };
const MEDIA_A: HepEndpoint = { address: '192.0.2.20', port: 40001 };
const MEDIA_B: HepEndpoint = { address: '198.51.100.20', port: 50001 };
const SELF = 'probe:test/test';
const TRUNK = 'trunk:carrier';

const sip = (text: string, src: HepEndpoint, dst: HepEndpoint, timeMs: number): Buffer => encodeHep3({ src, dst, timeMs, payload: text });

/** LSR for a report captured at `timeMs` whose round trip was `rttMs`, with DLSR 1 s. */
function lsrFor(timeMs: number, rttMs: number): { lsr: number; dlsr: number } {
  const dlsr = 65536;
  return { lsr: (ntpMiddle32FromUnixMs(timeMs) - dlsr - Math.round((rttMs / 1000) * 65536)) >>> 0, dlsr };
}

function rtcp(reporter: number, block: BlockFields, timeMs: number, callId: string | undefined, src = MEDIA_A, dst = MEDIA_B): Buffer {
  return encodeHep3({ src, dst, timeMs, protocolType: 5, payload: rtcpReceiverReport(reporter, [block]), correlationId: callId });
}

const callEvents = (c: CollectorRun): CallReport[] =>
  c.run.of('event').filter((e: EventObservation) => e.type === 'sip-call').map((e) => e.data as unknown as CallReport);

describe('sip-hep collector (loopback socket, virtual-time intervals)', function () {
  this.timeout(10_000);
  let c: CollectorRun | undefined;
  afterEach(() => c?.stop());

  it('ties RTCP to its call by the correlation id and reports the call with its quality, then the interval KPIs', async () => {
    c = await startCollector({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }] });
    const t = c.run.clock.now();
    const id = 'rtcp-call@test';
    const f = { callId: id };
    const answer = { ...f, toTag: 'gw', body: sdp(0) };
    // Direction A: two reports (loss between them = Δcumulative / Δextended); RTT from the second.
    const a1 = { ssrc: 0x2222, fractionLost: 13, cumulativeLost: 5, extendedHighestSeq: 1000, jitter: 160, ...lsrFor(t + 5600, 60) };
    const a2 = { ssrc: 0x2222, fractionLost: 5, cumulativeLost: 15, extendedHighestSeq: 1500, jitter: 240, ...lsrFor(t + 10_600, 80) };
    // Direction B: no loss, less jitter, no SR seen yet (LSR 0: no RTT).
    const b1 = { ssrc: 0x1111, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 800, jitter: 80 };
    const b2 = { ...b1, extendedHighestSeq: 1300 };
    await c.send(
      sip(sipRequest('INVITE', { ...f, body: sdp(0) }), PROXY, GW, t),
      sip(sipResponse(180, 'Ringing', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY, t + 100),
      sip(sipResponse(200, 'OK', 'INVITE', answer), GW, PROXY, t + 600),
      sip(sipRequest('ACK', { ...f, toTag: 'gw' }), PROXY, GW, t + 610),
      rtcp(0x1111, a1, t + 5600, id),
      rtcp(0x2222, b1, t + 5700, id, MEDIA_B, MEDIA_A),
      rtcp(0x1111, a2, t + 10_600, id),
      rtcp(0x2222, b2, t + 10_700, id, MEDIA_B, MEDIA_A),
      rtcp(0x1111, a2, t + 10_800, 'unknown-call@test'),
      rtcp(0x1111, a2, t + 10_900, undefined),
      sip(sipRequest('BYE', { ...f, toTag: 'gw', cseq: 2 }), PROXY, GW, t + 20_600),
    );
    const reports = callEvents(c);
    expect(reports).to.have.length(1);
    const r = reports[0];
    expect(r).to.include({ callId: id, trunk: 'carrier', source: 'hep', outcome: 'answered', finalCode: 200, pddMs: 100, durationS: 20 });

    const lossPct = (100 * (a2.cumulativeLost - a1.cumulativeLost)) / (a2.extendedHighestSeq - a1.extendedHighestSeq);
    const jitter = Math.max(a2.jitter, b2.jitter) / 8; // 8000 Hz (PCMU): units → ms
    const rtt = roundTripMs(ntpMiddle32FromUnixMs(t + 10_600), a2.lsr, a2.dlsr)!;
    const expected = scoreCall({ codec: 'G.711', oneWayDelayMs: rtt / 2, lossPct });
    const q = r.quality!;
    expect(q.codec).to.equal('G.711');
    expect(q.lossPct).to.be.closeTo(lossPct, 1e-9);
    expect(q.jitterMs).to.be.closeTo(jitter, 1e-9);
    expect(q.rttMs).to.be.closeTo(80, 0.05);
    expect(q.oneWayDelayMs).to.be.closeTo(rtt / 2, 1e-9);
    expect(q.mos).to.be.closeTo(expected.mos, 1e-9);
    expect(q.mos).to.be.below(scoreCall({ codec: 'G.711', oneWayDelayMs: 0, lossPct: 0 }).mos);

    const m = c.flush();
    expect(valueOf(m, TRUNK, SIP_METRICS.attempts)).to.equal(1);
    expect(valueOf(m, TRUNK, SIP_METRICS.asr)).to.equal(100);
    expect(valueOf(m, TRUNK, SIP_METRICS.acd)).to.equal(20);
    expect(valueOf(m, TRUNK, SIP_METRICS.mosAvg)).to.be.closeTo(expected.mos, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.mosMin)).to.be.closeTo(expected.mos, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.loss)).to.be.closeTo(lossPct, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.jitter)).to.be.closeTo(jitter, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.rtt)).to.be.closeTo(rtt, 1e-9);
    expect(valueOf(m, SELF, HEP_METRICS.received)).to.equal(11);
    expect(valueOf(m, SELF, HEP_METRICS.sip)).to.equal(5);
    expect(valueOf(m, SELF, HEP_METRICS.rtcp)).to.equal(4);
    expect(valueOf(m, SELF, HEP_METRICS.rtcpUnmatched)).to.equal(2);
    expect(valueOf(m, SELF, HEP_METRICS.callsTracked)).to.equal(0);
    // A new interval starts empty: the counters were reset, the quality window too.
    const next = c.flush();
    expect(valueOf(next, SELF, HEP_METRICS.received)).to.equal(0);
    expect(valueOf(next, TRUNK, SIP_METRICS.mosAvg)).to.equal(undefined);
  });

  it('samples the quality of a call still in progress once per interval with fresh RTCP', async () => {
    c = await startCollector({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }] });
    const t = c.run.clock.now();
    const id = 'ongoing@test';
    await c.send(
      sip(sipRequest('INVITE', { callId: id }), PROXY, GW, t),
      sip(sipResponse(200, 'OK', 'INVITE', { callId: id, toTag: 'gw', body: sdp(8) }), GW, PROXY, t + 300),
      rtcp(7, { ssrc: 9, fractionLost: 64, cumulativeLost: 50, extendedHighestSeq: 200, jitter: 400 }, t + 5000, id),
    );
    const m = c.flush();
    const loss = (100 * 64) / 256; // a single report: its fraction lost
    expect(valueOf(m, TRUNK, SIP_METRICS.loss)).to.be.closeTo(loss, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.jitter)).to.be.closeTo(400 / 8, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.mosAvg)).to.be.closeTo(scoreCall({ codec: 'PCMA', oneWayDelayMs: 0, lossPct: loss }).mos, 1e-9);
    expect(valueOf(m, TRUNK, SIP_METRICS.rtt)).to.equal(undefined);
    expect(valueOf(m, TRUNK, SIP_METRICS.concurrent)).to.equal(1);
    // No new RTCP in the next interval: no new sample.
    expect(valueOf(c.flush(), TRUNK, SIP_METRICS.mosAvg)).to.equal(undefined);
  });

  it('flushes a call spanning three intervals in virtual time', async () => {
    c = await startCollector({ trunks: [{ name: 'carrier', match: { to: '@carrier\\.example$' } }] });
    const t = c.run.clock.now();
    const f = { callId: 'span@test', uri: 'sip:+331234@carrier.example' };
    await c.send(sip(sipRequest('INVITE', f), PROXY, GW, t), sip(sipResponse(183, 'Session Progress', 'INVITE', { ...f, toTag: 'g' }), GW, PROXY, t + 2500));
    const first = c.flush();
    expect(valueOf(first, TRUNK, SIP_METRICS.attempts)).to.equal(0);
    expect(valueOf(first, TRUNK, SIP_METRICS.concurrent)).to.equal(0);
    expect(valueOf(first, SELF, HEP_METRICS.callsTracked)).to.equal(1);
    await c.send(sip(sipResponse(200, 'OK', 'INVITE', { ...f, toTag: 'g' }), GW, PROXY, t + 65_000));
    const second = c.flush();
    expect(valueOf(second, TRUNK, SIP_METRICS.attempts)).to.equal(1);
    expect(valueOf(second, TRUNK, SIP_METRICS.pdd)).to.equal(2500);
    expect(valueOf(second, TRUNK, SIP_METRICS.concurrent)).to.equal(1);
    await c.send(sip(sipRequest('BYE', { ...f, toTag: 'g', cseq: 2 }), PROXY, GW, t + 155_000));
    const third = c.flush();
    expect(valueOf(third, TRUNK, SIP_METRICS.acd)).to.equal(90);
    expect(valueOf(third, TRUNK, SIP_METRICS.concurrent)).to.equal(0);
    expect(callEvents(c).map((r) => r.durationS)).to.deep.equal([90]);
  });

  it('decodes the Kamailio captures in fixtures/ and a compressed payload', async () => {
    const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const names = ['kamailio-options-ipv4.hep', 'kamailio-options-ipv6-authkey.hep', 'kamailio-200ok-ipv4-authkey.hep'];
    c = await startCollector({ trunks: [{ name: 'carrier', addresses: ['198.51.100.7'] }] });
    await c.send(...names.map(fixture));
    const t = c.run.clock.now();
    await c.send(encodeHep3({ src: PROXY, dst: GW, timeMs: t, payload: sipRequest('INVITE', { callId: 'zipped@test' }), compress: true }));
    const open = c.flush();
    expect(valueOf(open, SELF, HEP_METRICS.sip)).to.equal(names.length + 1);
    expect(valueOf(open, SELF, HEP_METRICS.malformed)).to.equal(0);
    expect(valueOf(open, SELF, HEP_METRICS.callsTracked)).to.equal(1); // OPTIONS are not calls; the inflated INVITE is
    c.stop();

    // With the auth key Kamailio was configured with, the capture made without one is rejected.
    c = await startCollector({ authKey: 'vigie-fixture-key' });
    await c.send(...names.map(fixture));
    const keyed = c.flush();
    expect(valueOf(keyed, SELF, HEP_METRICS.sip)).to.equal(2);
    expect(valueOf(keyed, SELF, HEP_METRICS.rejected)).to.equal(1);
  });
});
