/**
 * The `sip-test-call` kind in virtual time, with a scripted SIP engine and a scripted RTP socket:
 * what it emits per outcome (answered with quality and metrics, scored with a configured codec table, one-way audio, rejected 486,
 * no answer, an unusable SDP answer hung up, an RTP socket that cannot bind), the schedule (no
 * doubled call), a far-end hang-up during the media, and a probe stopped mid-call hanging up.
 */
import { expect } from 'chai';
import { NEVER, Observable, Subject, concat, map, of, throwError, timer, type SchedulerLike } from 'rxjs';
import { VigieError, type EventObservation, type MetricObservation } from '../../../../plugins/sdk/index.js';
import { VirtualClock, runProbe } from '../../../../plugins/sdk/testkit/index.js';
import { SIP_METRICS } from '../../../../probes/sip/call-report.js';
import type { EchoStats } from '../../../../probes/sip/call/echo-meter.js';
import type { RtpEchoEndpoint, RtpStreamPlan } from '../../../../probes/sip/call/rtp-echo.js';
import { TEST_CALL_METRICS, sipTestCallKind } from '../../../../probes/sip/call/test-call-probe.js';
import type { SipInviter } from '../../../../probes/sip/call/test-call.js';
import { parseResponse, type SipResponse } from '../../../../probes/sip/engine/message.js';
import type { InviteProgress, SipDialog, SipInviteInit } from '../../../../probes/sip/engine/udp-engine.js';
import type { TransactionResult } from '../../../../probes/sip/engine/transactions.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';

const ANSWER_SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n';

function response(code: number, body = ''): SipResponse {
  const r = parseResponse([
    `SIP/2.0 ${code} ${code === 486 ? 'Busy Here' : 'Whatever'}`, 'Via: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2',
    'Call-ID: c', 'CSeq: 1 INVITE', `Content-Length: ${body.length}`, '', body,
  ].join('\r\n'));
  if (!r.ok) throw new Error(r.reason);
  return r.response;
}

/** A scripted engine: each INVITE follows `script`; records INVITEs and BYEs. */
class FakeEngine implements SipInviter {
  invites: SipInviteInit[] = [];
  byes = 0;
  remoteBye = new Subject<void>();
  constructor(private readonly clock: SchedulerLike, private readonly script: 'answer' | 'reject' | 'timeout' | 'bad-sdp' | 'ring-long') {}

  invite(_t: unknown, init: SipInviteInit): Observable<InviteProgress> {
    this.invites.push(init);
    const s = this.clock;
    const dialog: SipDialog = {
      callId: 'c', localTag: '1', remoteTag: '2', remoteTarget: 'sip:x@127.0.0.1', routeSet: [],
      remoteBye: this.remoteBye,
      bye: () => {
        this.byes++;
        return of({ response: response(200), rttMs: 1, retransmits: 0 } satisfies TransactionResult);
      },
      release: () => undefined,
    };
    const ringing = timer(100, s).pipe(map((): InviteProgress => ({ type: 'provisional', response: response(180), elapsedMs: 100 })));
    switch (this.script) {
      case 'answer':
      case 'bad-sdp':
        return concat(ringing, timer(200, s).pipe(map((): InviteProgress => ({ type: 'answered', response: response(200, this.script === 'answer' ? ANSWER_SDP : 'v=0\r\nm=audio 0 RTP/AVP 0\r\n'), elapsedMs: 300, dialog }))));
      case 'reject':
        return timer(50, s).pipe(map((): InviteProgress => ({ type: 'rejected', response: response(486), elapsedMs: 50 })));
      case 'timeout':
        return concat(ringing, timer(2900, s).pipe(map(() => {
          throw new VigieError('E_SIP_TIMEOUT', 'no final response to INVITE within 3000 ms (deadline; cancelled)', { callId: 'c', cancelled: true });
        })));
      case 'ring-long':
        return concat(ringing, NEVER);
    }
  }
}

/** A scripted RTP socket: `measure` ends `durationMs + 500` later (or 500 after `stop`) with `stats`. */
function fakeRtp(stats: EchoStats, plans: RtpStreamPlan[], bindFails = false) {
  return (): Observable<RtpEchoEndpoint> => {
    if (bindFails) return throwError(() => new VigieError('E_RTP_SOCKET', 'cannot bind the RTP socket to 127.0.0.1:7: EADDRINUSE'));
    return concat(of<RtpEchoEndpoint>({
      address: '127.0.0.1', port: 40000,
      measure: (plan, scheduler, stop) => new Observable<EchoStats>((sub) => {
        plans.push(plan);
        const done = (sent: number): void => {
          sub.next({ ...stats, sent: Math.min(stats.sent, sent) });
          sub.complete();
        };
        const t = timer(plan.durationMs + 500, scheduler).subscribe(() => done(stats.sent));
        const s = stop?.subscribe(() => {
          t.unsubscribe();
          timer(500, scheduler).subscribe(() => done(10));
        });
        return () => {
          t.unsubscribe();
          s?.unsubscribe();
        };
      }),
    }), NEVER);
  };
}

const CLEAN: EchoStats = { sent: 100, received: 98, lost: 2, lossPct: 2, duplicates: 0, foreign: 0, jitterMs: 1.5, rttMs: 60, rttMinMs: 50, rttMaxMs: 90 };
const TARGET = { uri: 'sip:127.0.0.1:5999', number: '4000', trunk: 'carrier-a', durationS: 2 };

function run(script: ConstructorParameters<typeof FakeEngine>[1], stats: EchoStats = CLEAN, opts: { bindFails?: boolean; target?: Record<string, unknown> } = {}) {
  const clock = new VirtualClock();
  const engine = new FakeEngine(clock, script);
  const plans: RtpStreamPlan[] = [];
  const kind = sipTestCallKind(() => engine, fakeRtp(stats, plans, opts.bindFails));
  const r = runProbe(kind, { ...TARGET, ...opts.target } as never, { intervalMs: 60_000, clock });
  const events = (): EventObservation[] => r.of('event').filter((e) => e.type === 'sip-call');
  const metrics = (name: string): number[] => r.of('metric').filter((m: MetricObservation) => m.name === name).map((m) => m.value);
  return { r, engine, plans, events, metrics };
}

describe('sip test call: the sip-test-call kind (virtual time, scripted peers)', () => {
  it('answered: one sip-call event with E-model quality, test-call and trunk quality metrics, BYE sent', () => {
    const { r, engine, plans, events, metrics } = run('answer');
    r.advance(0);
    expect(engine.invites).to.have.length(1);
    const init = engine.invites[0]!;
    expect(init.requestUri).to.equal('sip:4000@127.0.0.1:5999');
    expect(init.contentType).to.equal('application/sdp');
    expect(init.body).to.include('m=audio 40000 RTP/AVP 0 8').and.include('c=IN IP4 127.0.0.1');
    r.advance(300);
    expect(plans).to.deep.equal([{ remote: { host: '127.0.0.1', port: 6000 }, codec: 'PCMU', payloadType: 0, durationMs: 2000, graceMs: undefined }]);
    expect(events()).to.have.length(0);
    r.advance(2500);
    expect(engine.byes).to.equal(1);
    const [ev] = events();
    expect(ev).to.include({ entity: 'trunk:carrier-a', severity: 'info', at: r.clock.startAt + 2800 });
    const expected = scoreCall({ codec: 'G.711', oneWayDelayMs: 30, lossPct: 2 });
    expect(ev!.data).to.deep.include({ trunk: 'carrier-a', source: 'test-call', outcome: 'answered', finalCode: 200, pddMs: 100, to: '4000', setupMs: 300, durationS: 2.5 });
    expect(ev!.data!.quality).to.deep.equal({ mos: expected.mos, r: expected.r, codec: 'PCMU', lossPct: 2, jitterMs: 1.5, rttMs: 60, oneWayDelayMs: 30 });
    expect(ev!.data!.media).to.deep.equal(CLEAN);
    expect(metrics(TEST_CALL_METRICS.ok)).to.deep.equal([1]);
    expect(metrics(TEST_CALL_METRICS.mos)).to.deep.equal([expected.mos]);
    expect(metrics(TEST_CALL_METRICS.loss)).to.deep.equal([2]);
    expect(metrics(TEST_CALL_METRICS.jitter)).to.deep.equal([1.5]);
    expect(metrics(TEST_CALL_METRICS.rtt)).to.deep.equal([60]);
    expect(metrics(TEST_CALL_METRICS.setup)).to.deep.equal([300]);
    expect(metrics(TEST_CALL_METRICS.pdd)).to.deep.equal([100]);
    expect(metrics(SIP_METRICS.mosAvg)).to.deep.equal([expected.mos]);
    expect(metrics(SIP_METRICS.mosP5)).to.deep.equal([expected.mos]);
    expect(metrics(SIP_METRICS.loss)).to.deep.equal([2]);
    expect(r.of('topology')).to.have.length(1);
    expect(r.of('topology')[0]).to.deep.include({ entity: 'trunk:carrier-a', element: 'node' });
    // Next call at the interval; the node is not repeated.
    r.advance(60_000);
    expect(engine.invites).to.have.length(2);
    expect(events()).to.have.length(2);
    expect(r.of('topology')).to.have.length(1);
    expect(r.errors).to.deep.equal([]);
  });

  it('scores with the configured codec table (G.711 without PLC: Bpl 4.3)', () => {
    const { r, events } = run('answer', CLEAN, { target: { codecs: [{ name: 'G.711', ie: 0, bpl: 4.3 }] } });
    r.advance(3000);
    const q = events()[0]!.data!.quality as { mos: number };
    const noPlc = scoreCall({ codec: { name: 'G.711', ie: 0, bpl: 4.3 }, oneWayDelayMs: 30, lossPct: 2 });
    expect(q.mos).to.equal(noPlc.mos);
    expect(q.mos).to.be.below(scoreCall({ codec: 'G.711', oneWayDelayMs: 30, lossPct: 2 }).mos - 0.5);
  });

  it('one-way audio: answered but nothing echoed → one-way-audio (minor), loss 100, no MOS', () => {
    const { r, events, metrics, engine } = run('answer', { ...CLEAN, received: 0, lost: 100, lossPct: 100, rttMs: undefined, rttMinMs: undefined, rttMaxMs: undefined, jitterMs: 0 });
    r.advance(3000);
    const [ev] = events();
    expect(ev).to.include({ severity: 'minor' });
    expect(ev!.data).to.include({ outcome: 'one-way-audio', finalCode: 200 });
    expect(ev!.data!.quality).to.equal(undefined);
    expect(String(ev!.data!.reason)).to.match(/none of 100 RTP packets came back from 127\.0\.0\.1:6000/);
    expect(metrics(TEST_CALL_METRICS.ok)).to.deep.equal([0]);
    expect(metrics(TEST_CALL_METRICS.loss)).to.deep.equal([100]);
    expect(metrics(TEST_CALL_METRICS.mos)).to.deep.equal([]);
    expect(metrics(SIP_METRICS.mosAvg)).to.deep.equal([]);
    expect(engine.byes).to.equal(1);
  });

  it('rejected: a 486 → rejected with finalCode 486, no media', () => {
    const { r, events, metrics, plans } = run('reject');
    r.advance(100);
    const [ev] = events();
    expect(ev!.data).to.include({ outcome: 'rejected', finalCode: 486, reason: '486 Busy Here', setupMs: 50 });
    expect(ev!.message).to.include('rejected (486)');
    expect(plans).to.have.length(0);
    expect(metrics(TEST_CALL_METRICS.ok)).to.deep.equal([0]);
    expect(metrics(TEST_CALL_METRICS.setup)).to.deep.equal([50]);
  });

  it('no answer: E_SIP_TIMEOUT from the engine → no-answer with the reason', () => {
    const { r, events } = run('timeout');
    r.advance(3000);
    const [ev] = events();
    expect(ev!.data).to.include({ outcome: 'no-answer', errorCode: 'E_SIP_TIMEOUT', pddMs: 100 });
    expect(ev!.data!.finalCode).to.equal(undefined);
    expect(String(ev!.data!.reason)).to.include('cancelled');
  });

  it('an unusable SDP answer: failed with E_SDP_ANSWER, and the call is hung up', () => {
    const { r, events, engine, plans } = run('bad-sdp');
    r.advance(300);
    const [ev] = events();
    expect(ev).to.include({ severity: 'minor' });
    expect(ev!.data).to.include({ outcome: 'failed', errorCode: 'E_SDP_ANSWER', finalCode: 200 });
    expect(String(ev!.data!.reason)).to.include('port 0');
    expect(engine.byes).to.equal(1);
    expect(plans).to.have.length(0);
  });

  it('an RTP socket that cannot bind: failed with E_RTP_SOCKET, no INVITE', () => {
    const { r, events, engine } = run('answer', CLEAN, { bindFails: true });
    r.advance(0);
    expect(events()[0]!.data).to.include({ outcome: 'failed', errorCode: 'E_RTP_SOCKET' });
    expect(engine.invites).to.have.length(0);
    expect(r.errors).to.deep.equal([]);
  });

  it('does not start a call while one is still running', () => {
    const { r, engine } = run('ring-long', CLEAN, { target: { timeoutMs: 200_000 } });
    r.advance(150_000);
    expect(engine.invites).to.have.length(1);
  });

  it('a far-end hang-up during the media ends it early: answered, remoteHangup', () => {
    const { r, events, engine } = run('answer');
    r.advance(1000);
    engine.remoteBye.next();
    r.advance(500);
    const [ev] = events();
    expect(ev!.data).to.include({ outcome: 'answered', remoteHangup: true, durationS: 1.2 });
    // bye() is still asked for: a real dialog's completes empty once the far end hung up (invite-engine.test.ts).
    expect(engine.byes).to.equal(1);
  });

  it('stopping the probe mid-call hangs up', () => {
    const { r, engine } = run('answer');
    r.advance(1000);
    expect(engine.byes).to.equal(0);
    r.stop();
    expect(engine.byes).to.equal(1);
  });
});
