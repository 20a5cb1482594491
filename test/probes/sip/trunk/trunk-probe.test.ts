/**
 * The sip-trunk probe in virtual time with a scripted fake engine: thresholds (Kamailio
 * dispatcher semantics), alive codes, RTT statistics, degraded, topology and events. Keepalives
 * are on the trunk's phase grid (`phasedTicks`): `due(k)` is when the k-th is expected.
 */
import { expect } from 'chai';
import { Observable, map, mergeMap, throwError, timer } from 'rxjs';
import { Type, VigieError, nextGridPoint, phaseOf } from '../../../../plugins/sdk/index.js';
import { DEFAULT_START_AT, runProbe, VirtualClock } from '../../../../plugins/sdk/testkit/index.js';
import type { SipResponse } from '../../../../probes/sip/engine/message.js';
import type { TransactionResult } from '../../../../probes/sip/engine/transactions.js';
import { sipTrunkKind, type SipRequester } from '../../../../probes/sip/trunk-probe.js';
import type { SipTrunkTarget } from '../../../../probes/sip/trunk-schema.js';

/** One scripted answer: an RTT with a 200, a code with an RTT, or no answer. */
type Step = number | { code: number; rtt?: number } | 'timeout';

class FakeEngine implements SipRequester {
  readonly sent: { host: string; port: number; uri: string; deadlineMs?: number }[] = [];
  /** When each request was sent (`clock.now()`). */
  readonly sentAt: number[] = [];
  private readonly script: Step[];
  constructor(private readonly clock: VirtualClock, script: Step[]) {
    this.script = [...script];
  }
  request(target: { host: string; port: number }, init: { requestUri: string }, opts?: { deadlineMs?: number }): Observable<TransactionResult> {
    return new Observable<TransactionResult>((sub) => {
      this.sent.push({ ...target, uri: init.requestUri, deadlineMs: opts?.deadlineMs });
      this.sentAt.push(this.clock.now());
      const step = this.script.shift() ?? 'timeout';
      const answer = step === 'timeout'
        ? timer(opts?.deadlineMs ?? 1000, this.clock).pipe(mergeMap(() => throwError(() => new VigieError('E_SIP_TIMEOUT', 'no final response within the deadline'))))
        : timer(typeof step === 'number' ? step : step.rtt ?? 5, this.clock).pipe(map(() => ({
          response: { statusCode: typeof step === 'number' ? 200 : step.code, reasonPhrase: typeof step === 'number' ? 'OK' : 'Scripted' } as SipResponse,
          rttMs: typeof step === 'number' ? step : step.rtt ?? 5,
          retransmits: 0,
        })));
      return answer.subscribe(sub);
    });
  }
}

const INTERVAL = 10_000;
/** The phase of the trunk `start` runs (its context id is `test/carrier-a`). */
const PHASE = phaseOf('test/carrier-a', INTERVAL);

/**
 * Virtual ms after the start at which the k-th keepalive is due: the first at once, the second on
 * the first grid point more than half an interval later, then one per interval.
 */
function keepaliveDue(k: number, startAt: number): number {
  if (k === 0) return 0;
  return nextGridPoint(startAt + INTERVAL / 2, PHASE, INTERVAL) - startAt + (k - 1) * INTERVAL;
}

function start(script: Step[], target: Partial<SipTrunkTarget> = {}) {
  const clock = new VirtualClock();
  const engine = new FakeEngine(clock, script);
  const run = runProbe(sipTrunkKind(() => engine), { uri: 'sip:127.0.0.1:15060', ...target } as SipTrunkTarget, { clock, intervalMs: INTERVAL, name: 'carrier-a' });
  const states = () => run.of('state').map((s) => s.state);
  return { clock, engine, run, states, due: (k: number) => keepaliveDue(k, clock.startAt) };
}

describe('sip-trunk probe (virtual time, fake engine)', () => {
  it('announces the trunk node and, with via, its link to that node', () => {
    const { run } = start([10], { via: 'edge-rtr-1' });
    run.advance(9);
    expect(run.observations).to.deep.equal([]);
    run.advance(1);
    const topo = run.of('topology');
    expect(topo[0]).to.deep.include({ entity: 'trunk:carrier-a', element: 'node' });
    expect(topo[0].element === 'node' && topo[0].node.kind).to.equal('trunk');
    expect(topo[1]).to.deep.include({ entity: 'link:node:edge-rtr-1--trunk:carrier-a', element: 'link' });
    expect(topo[1].element === 'link' && topo[1].link.b.node).to.equal('node:edge-rtr-1');
    run.stop();
  });

  it('sends OPTIONS to the URI host/port with timeoutMs as deadline, at once then every interval on the trunk\'s phase', () => {
    const { run, engine, clock, due } = start([1, 1, 1], { timeoutMs: 1500 });
    run.advance(due(2) - 1);
    expect(engine.sent).to.have.length(2);
    run.advance(1);
    expect(engine.sent).to.have.length(3);
    expect(engine.sent[0]).to.deep.equal({ host: '127.0.0.1', port: 15060, uri: 'sip:127.0.0.1:15060', deadlineMs: 1500 });
    const sent = engine.sentAt.map((t) => t - clock.startAt);
    expect(sent).to.deep.equal([0, due(1), due(2)]);
    expect(sent[1], 'second keepalive more than half an interval after the first').to.be.greaterThan(INTERVAL / 2).and.at.most(1.5 * INTERVAL);
    expect(sent[2] - sent[1]).to.equal(INTERVAL);
    expect(engine.sentAt.slice(1).map((t) => t % INTERVAL), 'on the phase of the context id').to.deep.equal([PHASE, PHASE]);
    run.stop();
  });

  it('phases trunks by their id: from a start off the grid, still on the same grid points', () => {
    const clock = new VirtualClock(DEFAULT_START_AT + 3_217);
    const engine = new FakeEngine(clock, [1, 1, 1]);
    const run = runProbe(sipTrunkKind(() => engine), { uri: 'sip:127.0.0.1:15060' } as SipTrunkTarget, { clock, intervalMs: INTERVAL, name: 'carrier-a' });
    run.advance(3 * INTERVAL);
    expect(engine.sentAt.length).to.be.at.least(3);
    expect(engine.sentAt[0]).to.equal(clock.startAt);
    expect(engine.sentAt.slice(1).map((t) => t % INTERVAL)).to.deep.equal(engine.sentAt.slice(1).map(() => PHASE));
    expect(engine.sentAt.slice(1).map((t) => t - clock.startAt)).to.deep.equal(engine.sentAt.slice(1).map((_, i) => keepaliveDue(i + 1, clock.startAt)));
    run.stop();
  });

  it('with retryIntervalMs retries a failed keepalive sooner until the trunk is down, then keeps the interval', () => {
    const { run, engine, states, due } = start([10, 'timeout', 'timeout', 'timeout', 10], { failureThreshold: 2, timeoutMs: 2000, retryIntervalMs: 1000 });
    run.advance(due(1) + 2000); // t=0 up; t=due(1) no answer 2 s later: 1/2
    expect(states()).to.deep.equal(['up', 'up']);
    run.advance(1000 + 2000); // the retry 3 s after due(1) times out 2 s later: down, 5 s before the next interval would have said so
    expect(states()).to.deep.equal(['up', 'up', 'down']);
    expect(engine.sent).to.have.length(3);
    expect(engine.sentAt[2] - engine.sentAt[1]).to.equal(3000);
    run.advance(due(2) - due(1) - 5000 - 1); // down: no more retries before the interval (due(2))
    expect(engine.sent).to.have.length(3);
    run.advance(1 + 2000);
    expect(engine.sent).to.have.length(4);
    run.stop();
  });

  it('by default retries a failed keepalive one timeout after it failed, and never when that is not sooner than the interval', () => {
    const { run, engine, states, due } = start([10, 'timeout', 'timeout', 'timeout', 10], { failureThreshold: 3, timeoutMs: 2000 });
    run.advance(due(1) + 2000 + 2000 + 2000 + 2000 + 2000); // fails at due(1)+2 s, retried at +4 s, fails at +6 s, retried at +8 s, fails at +10 s
    expect(engine.sentAt.slice(1).map((t) => t - engine.sentAt[1])).to.deep.equal([0, 4000, 8000]);
    expect(states()).to.deep.equal(['up', 'up', 'up', 'down']);
    run.stop();

    const slow = start([10, 'timeout', 'timeout', 'timeout'], { failureThreshold: 3, timeoutMs: 2000, retryIntervalMs: INTERVAL });
    slow.run.advance(slow.due(1) + INTERVAL - 1);
    expect(slow.engine.sent, 'no retry before the next interval').to.have.length(2);
    slow.run.stop();
  });

  it('goes down only after failureThreshold consecutive failures, up after successThreshold', () => {
    // 2 successes → up; fail, fail, success (resets the count); fail ×3 → down; success, success → up
    const { run, states, due } = start([10, 10, 'timeout', 'timeout', 10, 'timeout', { code: 503 }, 'timeout', 10, 10], {
      failureThreshold: 3, successThreshold: 2, timeoutMs: 2000, retryIntervalMs: INTERVAL, // no early retry: Kamailio's interval-only probing
    });
    run.advance(due(9) + 2000);
    expect(states()).to.deep.equal(['unknown', 'up', 'up', 'up', 'up', 'up', 'up', 'down', 'down', 'up']);
    const events = run.of('event');
    expect(events.map((e) => [e.data?.from, e.data?.to])).to.deep.equal([['unknown', 'up'], ['up', 'down'], ['down', 'up']]);
    expect(events[1].severity).to.equal('major');
    expect(events[1].data?.reason).to.match(/deadline/);
    expect(run.of('state')[0].reason).to.match(/1\/2 successes/);
    expect(run.of('state')[2].reason).to.match(/deadline.*\(1\/3 failures\)/);
    expect(run.of('state')[8].reason).to.match(/^200 OK \(1\/2 successes\)$/);
    expect(run.of('state')[9].reason).to.equal('200 OK');
    expect(run.errors).to.deep.equal([]);
    run.stop();
  });

  it('counts a reply as alive only per aliveCodes, and carries the last code in the event', () => {
    const { run, states, due } = start([{ code: 404 }, { code: 503 }], { aliveCodes: 'class=2;code=404', failureThreshold: 1 });
    run.advance(due(1) + 100);
    expect(states()).to.deep.equal(['up', 'down']);
    const down = run.of('event')[1];
    expect(down.data).to.deep.include({ code: 503, to: 'down' });
    expect(down.message).to.match(/503/);
    expect(run.of('metric').filter((m) => m.name === 'sip.options.rtt_ms')).to.have.length(1);
  });

  it('reports RTT, its moving average and std dev over the last rttWindow replies', () => {
    const rtts = [10, 20, 30, 40, 50];
    const { run, due } = start(rtts, { rttWindow: 3 });
    run.advance(due(4) + 100);
    const metric = (n: string) => run.of('metric').filter((m) => m.name === n).map((m) => m.value);
    expect(metric('sip.options.rtt_ms')).to.deep.equal(rtts);
    expect(metric('sip.options.rtt_avg_ms')).to.deep.equal([10, 15, 20, 30, 40]);
    const sd = metric('sip.options.rtt_stddev_ms');
    expect(sd[0]).to.equal(0);
    expect(sd[4]).to.be.closeTo(Math.sqrt(200 / 3), 1e-9); // 30, 40, 50
  });

  it('is degraded while the moving-average RTT exceeds degradedRttMs, up again below it', () => {
    const { run, states, due } = start([50, 400, 400, 50, 50, 50, 50], { degradedRttMs: 200, rttWindow: 3 });
    run.advance(due(6) + 1000);
    // averages: 50, 225, 283, 283, 166, 50, 50
    expect(states()).to.deep.equal(['up', 'degraded', 'degraded', 'degraded', 'up', 'up', 'up']);
    expect(run.of('event').map((e) => e.data?.to)).to.deep.equal(['up', 'degraded', 'up']);
    expect(run.of('event')[1].severity).to.equal('warning');
  });

  it('does not double a keepalive still in flight, and stops on unsubscribe', () => {
    // the first keepalive is still in flight when the second is due
    const { run, engine, due } = start(['timeout', 'timeout'], { timeoutMs: keepaliveDue(1, DEFAULT_START_AT) + 5000 });
    run.advance(due(1) + 1);
    expect(engine.sent).to.have.length(1);
    run.stop();
    run.advance(10 * INTERVAL);
    expect(engine.sent).to.have.length(1);
    expect(run.clock.actions).to.have.length(0);
  });

  it('fails through the observable on an invalid aliveCodes', () => {
    const clock = new VirtualClock();
    const kind = sipTrunkKind(() => new FakeEngine(clock, []));
    // bypass the schema's pattern as a plugin host without validation would
    const run = runProbe({ ...kind, configSchema: { ...kind.configSchema, properties: { ...kind.configSchema.properties, aliveCodes: Type.String({ default: 'class=2' }) } } as typeof kind.configSchema },
      { uri: 'sip:127.0.0.1:15060', aliveCodes: 'class=9' } as SipTrunkTarget, { clock });
    run.advance(0);
    expect(String(run.errors[0])).to.match(/aliveCodes/);
  });
});
