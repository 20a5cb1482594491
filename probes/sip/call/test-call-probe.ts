/**
 * The `sip-test-call` probe: an active test call through a trunk on a schedule (./test-call.ts).
 *
 * Contract of `sipTestCallProbe(target, ctx, deps)` (a cold observable):
 * - places a call at once, then every `ctx.intervalMs` on `ctx.scheduler`; a call still running
 *   when the next is due is not doubled;
 * - with the first call's result, the trunk's `topology` node (`trunk:<trunk>`, kind `trunk`);
 * - per call, the `sip-call` event of `callEvent()` (source `test-call`; outcome answered /
 *   rejected with finalCode / no-answer / one-way-audio / failed; quality for answered calls),
 *   its data extended with `reason`, `errorCode`, `media` (packet counts, RTT min/max),
 *   `setupMs`, `remoteHangup`, `byeFailed` when they apply;
 * - per call, metrics on `trunk:<trunk>`: `sip.testcall.ok` (1 = answered with echoed audio),
 *   `sip.testcall.setup_ms` (INVITE → final answer), `sip.testcall.pdd_ms`; with media,
 *   `sip.testcall.loss_pct` (100 on one-way audio); with quality, `sip.testcall.mos`,
 *   `sip.testcall.jitter_ms`, `sip.testcall.rtt_ms`, and the shared per-trunk quality metrics
 *   (`sip.mos.avg|min|p5`, `rtp.jitter_ms`, `rtp.loss_pct`, `rtp.rtt_ms`) through a
 *   `QualityWindow` flushed after each call (one sample: avg = min = p5 = the call's MOS);
 * - only programming errors end it through `subscriber.error` (an invalid `uri` or `codecs` included);
 * - unsubscribing hangs up a call in progress and closes its RTP socket.
 */
import { Observable, concatMap, defer, exhaustMap, from, timer } from 'rxjs';
import { defineProbe, trunkId, type MetricObservation, type Observation, type ProbeContext, type ProbeKind } from '../../../plugins/sdk/index.js';
import { QualityWindow, callEvent } from '../call-report.js';
import { sharedUdpEngine } from '../engine/udp-engine.js';
import { whileRetained } from '../engine/requester.js';
import { createCodecTable } from '../quality/codecs.js';
import { defaultLocalAddressFor } from '../trunk-schema.js';
import { runTestCall, type SipInviter, type TestCallDeps, type TestCallResult } from './test-call.js';
import { SipTestCallTargetSchema, testCallDestination, type SipTestCallTarget } from './test-call-schema.js';

/** Metric names of the test call, on `trunk:<name>` (besides the shared `SIP_METRICS` quality ones). */
export const TEST_CALL_METRICS = {
  ok: 'sip.testcall.ok',
  setup: 'sip.testcall.setup_ms',
  pdd: 'sip.testcall.pdd_ms',
  mos: 'sip.testcall.mos',
  loss: 'sip.testcall.loss_pct',
  jitter: 'sip.testcall.jitter_ms',
  rtt: 'sip.testcall.rtt_ms',
} as const;

/** What the probe is given besides its target: the engine (and, for tests, the RTP socket). */
export type TestCallProbeDeps = Omit<TestCallDeps, 'scheduler'>;

/** Loopback trunks use a loopback socket; others the wildcard address of the trunk's IP family. */
export function defaultTestCallLocalAddress(target: Pick<SipTestCallTarget, 'uri' | 'localAddress'>): string {
  if (target.localAddress) return target.localAddress;
  return defaultLocalAddressFor(testCallDestination(target.uri).host);
}

export function sipTestCallProbe(target: SipTestCallTarget, ctx: ProbeContext<SipTestCallTarget>, deps: TestCallProbeDeps): Observable<Observation> {
  return defer(() => {
    const { scheduler, log } = ctx;
    const destination = testCallDestination(target.uri);
    const trunk = target.trunk ?? ctx.name;
    const entity = trunkId(trunk);
    const window = new QualityWindow();
    let announced = false;
    const params = {
      trunk, destination, number: target.number, fromUser: target.fromUser, durationMs: target.durationS * 1000, codec: target.codec,
      rtpPort: target.rtpPort, localAddress: defaultTestCallLocalAddress(target), mediaAddress: target.mediaAddress, timeoutMs: target.timeoutMs,
    };

    const observe = (r: TestCallResult): Observation[] => {
      const at = scheduler.now();
      const out: Observation[] = [];
      if (!announced) {
        announced = true;
        out.push({ kind: 'topology', at, entity, element: 'node', node: { name: trunk, kind: 'trunk', address: `${destination.host}:${destination.port}` } });
      }
      const event = callEvent(r.report, at);
      const { reason, errorCode, media, setupMs, remoteHangup, byeFailed } = r;
      event.data = { ...event.data, ...stripUndefined({ reason, errorCode, media, setupMs, remoteHangup, byeFailed }) };
      out.push(event);
      const metric = (name: string, value: number | undefined): void => {
        if (value !== undefined && Number.isFinite(value)) out.push({ kind: 'metric', at, entity, name, value } satisfies MetricObservation);
      };
      const q = r.report.quality;
      metric(TEST_CALL_METRICS.ok, r.report.outcome === 'answered' && q ? 1 : 0);
      metric(TEST_CALL_METRICS.setup, setupMs);
      metric(TEST_CALL_METRICS.pdd, r.report.pddMs);
      metric(TEST_CALL_METRICS.loss, media?.lossPct);
      if (q) {
        metric(TEST_CALL_METRICS.mos, q.mos);
        metric(TEST_CALL_METRICS.jitter, q.jitterMs);
        metric(TEST_CALL_METRICS.rtt, q.rttMs);
        window.add(trunk, q);
        out.push(...window.flush(at));
      }
      if (r.report.outcome === 'answered') log.debug({ entity, mos: q?.mos, lossPct: q?.lossPct }, 'test call answered');
      else log.warn({ entity, outcome: r.report.outcome, code: r.report.finalCode, reason }, 'test call did not go through');
      return out;
    };

    const codecTable = deps.codecTable ?? (target.codecs?.length ? createCodecTable(target.codecs) : undefined);
    return timer(0, ctx.intervalMs, scheduler).pipe(
      exhaustMap(() => runTestCall(params, { ...deps, scheduler, ...(codecTable ? { codecTable } : {}) })),
      concatMap((r) => from(observe(r))),
    );
  });
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * The `sip-test-call` kind. `engineFor` picks each instance's SIP engine (default: the shared UDP
 * engine of its local address, the one `sip-trunk` probes use too); `openRtp` is for tests.
 */
export function sipTestCallKind(
  engineFor: (target: SipTestCallTarget) => SipInviter = (target) => sharedUdpEngine({ localAddress: defaultTestCallLocalAddress(target) }),
  openRtp?: TestCallDeps['openRtp'],
): ProbeKind<typeof SipTestCallTargetSchema> {
  return defineProbe({
    description: 'SIP active test call: INVITE an echo number through a trunk, send G.711 RTP, measure loss/jitter/RTT of the echo, MOS by the E-model',
    configSchema: SipTestCallTargetSchema,
    defaultIntervalMs: 300_000,
    create: (target, ctx) => defer(() => whileRetained(engineFor(target), (engine) => sipTestCallProbe(target, ctx, { engine, ...(openRtp ? { openRtp } : {}) }))),
  });
}
