/**
 * Call KPIs from hand-built sequences of mirrored SIP messages, through the call tracker and the
 * per-interval KPI window: every outcome class of RFC 6076 (§4.6 SER, §4.7 SEER, §4.8 ISA) and of
 * ASR/NER, PDD/SRD, retransmissions and a proxy's mirrored copies counted once, a gateway
 * failover counted twice, 401/407 challenges, 3xx redirects, CANCEL, calls spanning intervals,
 * expiry and the bound on followed calls. Expected values are computed from the scenario's own
 * composition with the definitions, not written down.
 */
import { expect } from 'chai';
import { toCallReport } from '../../../../probes/sip/calls/call-record.js';
import { SIP_METRICS } from '../../../../probes/sip/call-report.js';
import { sipRequest, sipResponse } from '../hep/encode.js';
import { CallScenario, metricsOf } from './scenario.js';

const UAC = '192.0.2.10:5060';
const PROXY = '192.0.2.1:5060';
const GW = '198.51.100.7:5060';
const GW2 = '198.51.100.8:5060';

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

interface Case {
  final: number;
  ringAfterMs?: number;
  finalAfterMs: number;
  cancel?: boolean;
}

/** Plays one call through the proxy → gateway leg: INVITE, optional 180, optional CANCEL, final, ACK (and BYE for a 2xx). */
function play(s: CallScenario, id: string, c: Case): void {
  const f = { callId: id };
  s.send(sipRequest('INVITE', f), PROXY, GW);
  s.send(sipResponse(100, 'Trying', 'INVITE', f), GW, PROXY);
  if (c.ringAfterMs !== undefined) s.advance(c.ringAfterMs).send(sipResponse(180, 'Ringing', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY);
  if (c.cancel) s.send(sipRequest('CANCEL', f), PROXY, GW);
  s.advance(c.finalAfterMs).send(sipResponse(c.final, 'X', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY);
  s.send(sipRequest('ACK', { ...f, toTag: 'gw' }), PROXY, GW);
  if (c.final < 300) s.advance(1000).send(sipRequest('BYE', { ...f, toTag: 'gw', cseq: 2 }), PROXY, GW);
}

describe('call KPIs from mirrored SIP (tracker + KPI window)', () => {
  it('computes attempts, ASR, NER, SER, SEER, ISA, PDD, SRD, ACD from the outcomes of one interval', () => {
    const cases: Case[] = [
      { final: 200, ringAfterMs: 120, finalAfterMs: 2000 },
      { final: 200, ringAfterMs: 300, finalAfterMs: 4000 },
      { final: 200, finalAfterMs: 250 }, // answered without ringing: PDD and SRD run to the 200
      { final: 200, ringAfterMs: 80, finalAfterMs: 1000 },
      { final: 486, finalAfterMs: 40 },
      { final: 486, ringAfterMs: 90, finalAfterMs: 3000 },
      { final: 480, ringAfterMs: 100, finalAfterMs: 30_000 },
      { final: 603, ringAfterMs: 150, finalAfterMs: 5000 },
      { final: 404, finalAfterMs: 20 },
      { final: 302, finalAfterMs: 10 },
      { final: 503, finalAfterMs: 60 },
      { final: 503, finalAfterMs: 70 },
      { final: 408, finalAfterMs: 32_000 },
      { final: 500, finalAfterMs: 15 },
      { final: 487, ringAfterMs: 200, finalAfterMs: 8000, cancel: true }, // caller gave up while it rang
      { final: 487, finalAfterMs: 500, cancel: true }, // caller gave up before any ringing
    ];
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }]);
    cases.forEach((c, i) => play(s, `call-${i}@test`, c));
    const m = metricsOf(s.flush(), 'carrier');

    const n = cases.length;
    const count = (p: (c: Case) => boolean): number => cases.filter(p).length;
    const answered = count((c) => c.final < 300);
    const redirected = count((c) => c.final >= 300 && c.final < 400);
    const seer = answered + count((c) => [480, 486, 600, 603].includes(c.final));
    const ner = seer + count((c) => c.final === 487 && c.ringAfterMs !== undefined);
    const isa = count((c) => [408, 500, 503, 504].includes(c.final));
    expect(m.get(SIP_METRICS.attempts)).to.equal(n);
    expect(m.get(SIP_METRICS.asr)).to.be.closeTo((100 * answered) / n, 1e-9);
    expect(m.get(SIP_METRICS.ner)).to.be.closeTo((100 * ner) / n, 1e-9);
    expect(m.get(SIP_METRICS.ser)).to.be.closeTo((100 * answered) / (n - redirected), 1e-9);
    expect(m.get(SIP_METRICS.seer)).to.be.closeTo((100 * seer) / (n - redirected), 1e-9);
    expect(m.get(SIP_METRICS.isa)).to.be.closeTo((100 * isa) / n, 1e-9);

    // PDD: to the 180, else to the final response; a caller's cancel before ringing measures nothing.
    const pdd = cases.filter((c) => !(c.cancel && c.ringAfterMs === undefined)).map((c) => c.ringAfterMs ?? c.finalAfterMs);
    expect(m.get(SIP_METRICS.pdd)).to.be.closeTo(mean(pdd), 1e-9);
    // SRD (RFC 6076 §4.3): to the first non-100 provisional, else to the 2xx or failure; not for 3xx.
    const srd = cases
      .filter((c) => c.ringAfterMs !== undefined || (!c.cancel && !(c.final >= 300 && c.final < 400)))
      .map((c) => c.ringAfterMs ?? c.finalAfterMs);
    expect(m.get(SIP_METRICS.srd)).to.be.closeTo(mean(srd), 1e-9);
    // Every answered call lasted 1 s (200 → BYE).
    expect(m.get(SIP_METRICS.acd)).to.be.closeTo(1, 1e-9);
    expect(m.get(SIP_METRICS.concurrent)).to.equal(0);
    expect(s.ended()).to.have.length(n);
  });

  it('counts a call once despite retransmissions and a proxy mirroring each message in and out', () => {
    // A regex trunk matches both legs (UAC → proxy and proxy → gateway): one attempt, on the first leg.
    const s = new CallScenario([{ name: 'by-domain', match: { requestUri: '@198\\.51\\.100\\.7$' } }]);
    const f = { callId: 'mirror@test' };
    const ringing = { ...f, toTag: 'gw' };
    s.send(sipRequest('INVITE', f), UAC, PROXY).advance(1).send(sipRequest('INVITE', f), PROXY, GW);
    s.advance(499).send(sipRequest('INVITE', f), UAC, PROXY).send(sipRequest('INVITE', f), PROXY, GW); // Timer A retransmission, mirrored
    s.advance(50).send(sipResponse(180, 'Ringing', 'INVITE', ringing), GW, PROXY).advance(1).send(sipResponse(180, 'Ringing', 'INVITE', ringing), PROXY, UAC);
    for (let i = 0; i < 3; i++) {
      s.advance(500).send(sipResponse(200, 'OK', 'INVITE', ringing), GW, PROXY).send(sipResponse(200, 'OK', 'INVITE', ringing), PROXY, UAC);
    }
    s.send(sipRequest('ACK', ringing), UAC, PROXY).send(sipRequest('ACK', ringing), PROXY, GW);
    s.advance(10_000).send(sipRequest('BYE', { ...ringing, cseq: 2 }), UAC, PROXY).send(sipRequest('BYE', { ...ringing, cseq: 2 }), PROXY, GW);
    s.send(sipRequest('INVITE', f), UAC, PROXY); // a late copy after the end: not a new attempt
    const m = metricsOf(s.flush(), 'by-domain');
    expect(m.get(SIP_METRICS.attempts)).to.equal(1);
    expect(m.get(SIP_METRICS.asr)).to.equal(100);
    expect(m.get(SIP_METRICS.pdd)).to.equal(1 + 499 + 50 + 1); // first 180 on the UAC leg, from the first INVITE
    const [call] = s.ended();
    expect(s.ended()).to.have.length(1);
    const report = toCallReport(call);
    expect(report).to.include({ outcome: 'answered', finalCode: 200, callId: 'mirror@test', trunk: 'by-domain', source: 'hep' });
    expect(report.durationS).to.equal((2 * 500 + 10_000) / 1000); // first 200 on the UAC leg → BYE (the 200 was retransmitted twice)
    expect(m.get(SIP_METRICS.acd)).to.equal(report.durationS);
  });

  it('counts each trunk once when a call crosses two, and a gateway failover as two attempts', () => {
    const s = new CallScenario([
      { name: 'pbx', addresses: ['192.0.2.10:5060'] },
      { name: 'carrier', addresses: ['198.51.100.7', '198.51.100.8'] },
    ]);
    const f = { callId: 'failover@test' };
    s.send(sipRequest('INVITE', f), UAC, PROXY).send(sipRequest('INVITE', f), PROXY, GW);
    s.advance(100).send(sipResponse(503, 'Service Unavailable', 'INVITE', { ...f, toTag: 'gw1' }), GW, PROXY);
    s.send(sipRequest('INVITE', f), PROXY, GW2); // the proxy fails over to the second gateway (same transaction)
    s.advance(200).send(sipResponse(180, 'Ringing', 'INVITE', { ...f, toTag: 'gw2' }), GW2, PROXY).send(sipResponse(180, 'Ringing', 'INVITE', { ...f, toTag: 'gw2' }), PROXY, UAC);
    s.advance(300).send(sipResponse(200, 'OK', 'INVITE', { ...f, toTag: 'gw2' }), GW2, PROXY).send(sipResponse(200, 'OK', 'INVITE', { ...f, toTag: 'gw2' }), PROXY, UAC);
    const flush = s.flush();
    const carrier = metricsOf(flush, 'carrier');
    expect(carrier.get(SIP_METRICS.attempts)).to.equal(2);
    expect(carrier.get(SIP_METRICS.asr)).to.equal(50);
    expect(carrier.get(SIP_METRICS.isa)).to.equal(50);
    expect(carrier.get(SIP_METRICS.concurrent)).to.equal(1);
    const pbx = metricsOf(flush, 'pbx');
    expect(pbx.get(SIP_METRICS.attempts)).to.equal(1);
    expect(pbx.get(SIP_METRICS.asr)).to.equal(100);
    expect(pbx.get(SIP_METRICS.concurrent)).to.equal(1);
    // One BYE (seen on the UAC leg) ends the dialog for both trunks.
    s.advance(5000).send(sipRequest('BYE', { ...f, toTag: 'gw2', cseq: 2 }), UAC, PROXY);
    const after = s.flush();
    expect(metricsOf(after, 'pbx').get(SIP_METRICS.concurrent)).to.equal(0);
    expect(metricsOf(after, 'carrier').get(SIP_METRICS.acd)).to.equal(5);
    expect(metricsOf(after, 'pbx').get(SIP_METRICS.attempts)).to.equal(0);
  });

  it('treats a 401/407 challenge as part of the attempt: the retry continues it and is timed from itself', () => {
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }]);
    const f = { callId: 'auth@test' };
    s.send(sipRequest('INVITE', f), PROXY, GW).advance(20).send(sipResponse(407, 'Proxy Authentication Required', 'INVITE', { ...f, toTag: 'c' }), GW, PROXY);
    s.send(sipRequest('ACK', { ...f, toTag: 'c' }), PROXY, GW);
    s.advance(1000).send(sipRequest('INVITE', { ...f, cseq: 2 }), PROXY, GW);
    s.advance(150).send(sipResponse(180, 'Ringing', 'INVITE', { ...f, cseq: 2, toTag: 'gw' }), GW, PROXY);
    s.advance(850).send(sipResponse(200, 'OK', 'INVITE', { ...f, cseq: 2, toTag: 'gw' }), GW, PROXY);
    const m = metricsOf(s.flush(), 'carrier');
    expect(m.get(SIP_METRICS.attempts)).to.equal(1);
    expect(m.get(SIP_METRICS.asr)).to.equal(100);
    expect(m.get(SIP_METRICS.pdd)).to.equal(150);
  });

  it('leaves 3xx redirects out of the SER and SEER denominators; the redirected INVITE is a new attempt', () => {
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }]);
    const f = { callId: 'redirect@test' };
    s.send(sipRequest('INVITE', f), PROXY, GW).advance(10).send(sipResponse(302, 'Moved Temporarily', 'INVITE', { ...f, toTag: 'r' }), GW, PROXY);
    s.send(sipRequest('ACK', { ...f, toTag: 'r' }), PROXY, GW);
    s.send(sipRequest('INVITE', { ...f, uri: 'sip:bob@198.51.100.7' }), PROXY, GW); // a retransmission-like copy of CSeq 1: ignored
    s.advance(5).send(sipRequest('INVITE', { ...f, cseq: 2, uri: 'sip:bob@198.51.100.7' }), PROXY, GW);
    s.advance(100).send(sipResponse(200, 'OK', 'INVITE', { ...f, cseq: 2, toTag: 'b' }), GW, PROXY);
    const m = metricsOf(s.flush(), 'carrier');
    expect(m.get(SIP_METRICS.attempts)).to.equal(2);
    expect(m.get(SIP_METRICS.asr)).to.equal(50);
    expect(m.get(SIP_METRICS.ser)).to.equal(100); // 1 / (2 − 1)
    expect(m.get(SIP_METRICS.seer)).to.equal(100);
    expect(s.ended().map((c) => toCallReport(c).outcome)).to.deep.equal(['rejected']);
  });

  it('counts an attempt in the interval its setup concludes; a call spanning intervals keeps the ratios whole', () => {
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }]);
    const f = { callId: 'long@test' };
    s.send(sipRequest('INVITE', f), PROXY, GW).send(sipResponse(180, 'Ringing', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY);
    const first = metricsOf(s.flush(), 'carrier');
    expect(first.get(SIP_METRICS.attempts)).to.equal(0);
    expect(first.has(SIP_METRICS.asr), 'no ratio without attempts').to.equal(false);
    expect(first.get(SIP_METRICS.concurrent)).to.equal(0);
    s.advance(60_000).send(sipResponse(200, 'OK', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY);
    const second = metricsOf(s.flush(), 'carrier');
    expect(second.get(SIP_METRICS.attempts)).to.equal(1);
    expect(second.get(SIP_METRICS.asr)).to.equal(100);
    expect(second.get(SIP_METRICS.concurrent)).to.equal(1);
    expect(second.has(SIP_METRICS.acd)).to.equal(false);
    s.advance(90_000).send(sipRequest('BYE', { ...f, toTag: 'gw', cseq: 2 }), GW, PROXY); // the callee hangs up
    const third = metricsOf(s.flush(), 'carrier');
    expect(third.get(SIP_METRICS.attempts)).to.equal(0);
    expect(third.get(SIP_METRICS.acd)).to.equal(90);
    expect(third.get(SIP_METRICS.concurrent)).to.equal(0);
  });

  it('expires unanswered setups and endless calls, and bounds the calls it follows', () => {
    const setupTimeoutMs = 180_000;
    const maxCallDurationMs = 4 * 3600_000;
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }], { setupTimeoutMs, maxCallDurationMs, maxCalls: 3 });
    s.send(sipRequest('INVITE', { callId: 'silent@test' }), PROXY, GW);
    s.send(sipRequest('INVITE', { callId: 'challenged@test' }), PROXY, GW).send(sipResponse(401, 'Unauthorized', 'INVITE', { callId: 'challenged@test', toTag: 'x' }), GW, PROXY);
    s.send(sipRequest('INVITE', { callId: 'endless@test' }), PROXY, GW).send(sipResponse(200, 'OK', 'INVITE', { callId: 'endless@test', toTag: 'y' }), GW, PROXY);
    s.advance(setupTimeoutMs - 1).sweep();
    expect(s.ended()).to.have.length(0);
    s.advance(1).sweep();
    const reports = new Map(s.ended().map((c) => [c.callId, toCallReport(c)]));
    expect(reports.get('silent@test')).to.include({ outcome: 'no-answer' });
    expect(reports.get('silent@test')!.finalCode).to.equal(undefined);
    expect(reports.get('challenged@test')).to.include({ outcome: 'rejected', finalCode: 401 });
    const m = metricsOf(s.flush(), 'carrier');
    expect(m.get(SIP_METRICS.attempts)).to.equal(3);
    expect(m.get(SIP_METRICS.isa)).to.be.closeTo(100 / 3, 1e-9); // the silent one: no final response at all
    expect(m.get(SIP_METRICS.concurrent)).to.equal(1);
    expect(s.tracker.counters.expired).to.equal(2);

    s.advance(maxCallDurationMs).sweep();
    const endless = toCallReport(s.ended().find((c) => c.callId === 'endless@test')!);
    expect(endless.outcome).to.equal('answered');
    expect(endless.durationS).to.equal(undefined);
    const after = metricsOf(s.flush(), 'carrier');
    expect(after.get(SIP_METRICS.concurrent)).to.equal(0);
    expect(after.has(SIP_METRICS.acd)).to.equal(false);
    expect(s.tracker.size).to.equal(0);

    for (let i = 0; i < 5; i++) s.send(sipRequest('INVITE', { callId: `flood-${i}@test` }), PROXY, GW);
    expect(s.tracker.size).to.equal(3);
    expect(s.tracker.counters.evicted).to.equal(2);
    expect(s.tracker.withCallId('flood-0@test')).to.have.length(0);
    expect(s.tracker.withCallId('flood-4@test')).to.have.length(1);
  });

  it('ignores INVITEs of no trunk, re-INVITEs, and responses from another leg', () => {
    const s = new CallScenario([{ name: 'carrier', addresses: ['198.51.100.7'] }]);
    s.send(sipRequest('INVITE', { callId: 'elsewhere@test' }), UAC, PROXY);
    expect(s.tracker.counters.unmappedInvites).to.equal(1);
    const f = { callId: 'reinvite@test' };
    s.send(sipRequest('INVITE', f), PROXY, GW).send(sipResponse(200, 'OK', 'INVITE', { ...f, toTag: 'gw' }), GW, PROXY);
    s.send(sipRequest('INVITE', { ...f, toTag: 'gw', cseq: 2 }), PROXY, GW); // re-INVITE: not an attempt
    s.send(sipResponse(503, 'Unavailable', 'INVITE', { callId: 'other@test' }), GW, PROXY);
    const m = metricsOf(s.flush(), 'carrier');
    expect(m.get(SIP_METRICS.attempts)).to.equal(1);
    expect(m.get(SIP_METRICS.concurrent)).to.equal(1);
  });
});
