/**
 * The `sip-trunk` probe: an OPTIONS keepalive to one SIP trunk, Kamailio dispatcher style.
 *
 * Contract of `sipTrunkProbe(target, ctx, engine)` (a cold observable):
 * - with the first keepalive's result (so that one round, e.g. `vigie probe --once`, is one
 *   burst) emits the trunk's `topology` node (entity `trunk:<name>`, kind `trunk`) and, with
 *   `via`, a `topology` link from it to `node:<via>`;
 * - sends an OPTIONS at once, then one every `ctx.intervalMs` on the trunk's phase grid
 *   (`phasedTicks` keyed by `ctx.id`: a fixed phase from a hash of the id, in 100 ms slots, the
 *   second keepalive more than half an interval after the first), so thousands of trunks are
 *   spread over the interval and those of one slot share a timer wake-up; on `ctx.scheduler`,
 *   through `engine` (the daemon's shared UDP engine; tests pass a fake), with `timeoutMs` as its
 *   deadline; a keepalive still in flight when the next is due is not doubled; after a failed
 *   keepalive, while the trunk is not down, another after `retryIntervalMs` (default `timeoutMs`;
 *   none when it is not shorter than the interval);
 * - a final reply whose code `aliveCodes` accepts is a success: metrics `sip.options.rtt_ms`,
 *   `sip.options.rtt_avg_ms`, `sip.options.rtt_stddev_ms` (moving window of `rttWindow`); any
 *   other reply, a timeout or a transport error is a failure (no RTT metric);
 * - after every keepalive, a `state` of the trunk per `TrunkHealth` (unknown until a threshold
 *   is met, then up / degraded / down) with the last code and reason; when that state changes,
 *   an `event` `sip-trunk-state` carrying from, to, the last code/reason and the RTT average;
 * - with `register`, alongside the keepalives, the REGISTER check (register/register-check.ts):
 *   `sip.register.ok`, `sip.register.expires_s` and `sip-register` events on the same entity; it
 *   has no say in the trunk's up/down (a registration failure is an event and a metric);
 * - only programming errors (and an invalid `uri`/`aliveCodes`/transport) end it through `subscriber.error`;
 * - unsubscribing stops the timers and abandons the requests in flight (the shared socket or
 *   connection stays).
 */
import { EMPTY, Observable, Subject, catchError, concatMap, defer, exhaustMap, finalize, from, map, merge, of, switchMap, take, throwError, timer } from 'rxjs';
import {
  defineProbe, isVigieError, linkId, nodeId, phasedTicks, trunkId, type Observation, type ProbeContext, type ProbeKind, type RawState, type Severity,
} from '../../plugins/sdk/index.js';
import { parseAliveCodes } from './alive-codes.js';
import { hostPort } from './engine/message.js';
import { whileRetained, type SipRequester } from './engine/requester.js';
import { registerCheck } from './register/register-check.js';
import { TrunkHealth } from './trunk-health.js';
import { SipTrunkTargetSchema, sipUriHostPort, trunkTransport, type SipTrunkTarget } from './trunk-schema.js';

export type { SipRequester };

/** The outcome of one keepalive. */
type Outcome = { ok: true; code: number; reason: string; rttMs: number } | { ok: false; code?: number; reason: string };

const SEVERITY: Record<RawState, Severity> = { up: 'info', degraded: 'warning', down: 'major', unknown: 'info' };

export function sipTrunkProbe(target: SipTrunkTarget, ctx: ProbeContext<SipTrunkTarget>, engine: SipRequester): Observable<Observation> {
  return defer(() => {
    const { scheduler, log } = ctx;
    const dest = sipUriHostPort(target.uri);
    const transport = trunkTransport(target);
    const alive = parseAliveCodes(target.aliveCodes);
    const name = target.name ?? ctx.name;
    const entity = trunkId(name);
    const health = new TrunkHealth({
      failureThreshold: target.failureThreshold,
      successThreshold: target.successThreshold,
      window: target.rttWindow,
      degradedRttMs: target.degradedRttMs,
    });
    let reported: RawState = 'unknown';
    let announced = false;

    const topology = (): Observation[] => {
      const at = scheduler.now();
      const out: Observation[] = [{
        kind: 'topology', at, entity, element: 'node',
        node: { name, kind: 'trunk', address: `${dest.host}:${dest.port}`, attrs: { uri: target.uri, transport, ...(target.via ? { via: target.via } : {}) } },
      }];
      if (target.via) {
        const a = { node: entity };
        const b = { node: nodeId(target.via) };
        out.push({ kind: 'topology', at, entity: linkId(a, b), element: 'link', link: { a, b, attrs: { role: 'trunk-egress' } } });
      }
      return out;
    };

    /** The topology, ahead of whichever result (keepalive or registration) comes first. */
    const announce = (): Observation[] => {
      if (announced) return [];
      announced = true;
      return topology();
    };

    const judge = (o: Outcome): Observation[] => {
      const at = scheduler.now();
      const out: Observation[] = announce();
      if (o.ok) {
        health.success(o.rttMs);
        const stats = health.rtt!;
        out.push({ kind: 'metric', at, entity, name: 'sip.options.rtt_ms', value: o.rttMs });
        out.push({ kind: 'metric', at, entity, name: 'sip.options.rtt_avg_ms', value: stats.avgMs });
        out.push({ kind: 'metric', at, entity, name: 'sip.options.rtt_stddev_ms', value: stats.stddevMs });
      } else {
        health.failure();
      }
      const state = health.state;
      const streak = health.streak;
      const detail = o.code !== undefined ? `${o.code} ${o.reason}`.trim() : o.reason;
      // A result against the state in force is only counted toward its threshold: say how far.
      const pending = state === 'unknown' || (state === 'down') === o.ok;
      const reason = pending
        ? `${detail} (${o.ok ? `${streak.successes}/${target.successThreshold} successes` : `${streak.failures}/${target.failureThreshold} failures`})`
        : state === 'degraded' ? `${detail}; average RTT ${health.rtt!.avgMs.toFixed(1)} ms over ${target.degradedRttMs} ms` : detail;
      out.push({ kind: 'state', at, entity, state, reason });
      if (state !== reported) {
        const from = reported;
        reported = state;
        const message = `SIP trunk ${name} is ${state} (was ${from}): ${reason}`;
        out.push({
          kind: 'event', at, entity, type: 'sip-trunk-state', severity: SEVERITY[state], message,
          data: { from, to: state, code: o.code, reason: o.reason, rttAvgMs: health.rtt?.avgMs },
        });
        if (state === 'down') log.warn({ entity, reason }, 'SIP trunk down');
        else log.info({ entity, state, reason }, 'SIP trunk state');
      }
      return out;
    };

    const keepalive = (): Observable<Observation> =>
      defer(() => engine.request(dest, { method: 'OPTIONS', requestUri: target.uri }, { deadlineMs: target.timeoutMs })).pipe(
        take(1),
        map((r): Outcome => alive.matches(r.response.statusCode)
          ? { ok: true, code: r.response.statusCode, reason: r.response.reasonPhrase, rttMs: r.rttMs }
          : { ok: false, code: r.response.statusCode, reason: r.response.reasonPhrase }),
        catchError((e: unknown) =>
          isVigieError(e, 'E_SIP_TIMEOUT') || isVigieError(e, 'E_SIP_TRANSPORT') ? of<Outcome>({ ok: false, reason: e.message }) : throwError(() => e)),
        concatMap((o) => from(judge(o))),
      );

    // Every interval; after a failure, while the trunk is not down yet, again after retryIntervalMs
    // (default: the timeout; none when not shorter than the interval), so a dead trunk is confirmed
    // within interval + (threshold − 1) × (timeout + retry) + timeout, not threshold intervals.
    const retryMs = target.retryIntervalMs ?? target.timeoutMs;
    const retry = retryMs < ctx.intervalMs ? retryMs : undefined;
    const retries = new Subject<void>();
    const keepalives = merge(phasedTicks({ key: ctx.id, intervalMs: ctx.intervalMs, scheduler }), retries.pipe(switchMap(() => timer(retry ?? 0, scheduler)))).pipe(
      exhaustMap(() => keepalive().pipe(
        finalize(() => {
          if (retry !== undefined && health.streak.failures > 0 && health.state !== 'down') retries.next();
        }),
      )),
    );
    const registration = target.register
      ? registerCheck({
        engine, dest, register: target.register, defaultDomain: hostPort(dest.host), name, entity,
        timeoutMs: target.timeoutMs, intervalMs: ctx.intervalMs, scheduler, log,
      }).pipe(concatMap((o) => from([...announce(), o])))
      : EMPTY;
    return merge(keepalives, registration);
  });
}

/**
 * The `sip-trunk` kind, with the engine each instance uses chosen by `engineFor` (the daemon:
 * the shared UDP or TCP engine of the trunk's local address; tests: a fake).
 */
export function sipTrunkKind(engineFor: (target: SipTrunkTarget) => SipRequester): ProbeKind<typeof SipTrunkTargetSchema> {
  return defineProbe({
    description: 'SIP trunk keepalive over UDP or TCP: OPTIONS with Kamailio dispatcher thresholds, RTT average/std dev, up/degraded/down; optional REGISTER check with digest auth',
    configSchema: SipTrunkTargetSchema,
    defaultIntervalMs: 30_000,
    create: (target, ctx) => defer(() => whileRetained(engineFor(target), (engine) => sipTrunkProbe(target, ctx, engine))),
  });
}
