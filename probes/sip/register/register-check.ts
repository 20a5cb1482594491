/**
 * The REGISTER check of a trunk: registers at once, then again before the binding expires, and
 * reports the registration on the trunk entity.
 *
 * Contract of `registerCheck(opts)` (a cold observable, all timing on `opts.scheduler`):
 * - runs one attempt (./register-transaction.ts) when subscribed; after a success the next one
 *   is due at half the granted expiry, but never sooner than `intervalMs` (`refreshDelayMs`);
 *   after a failure, `intervalMs` later. Attempts never overlap.
 * - after each attempt: metric `sip.register.ok` (1 registered, 0 not) and, when registered,
 *   `sip.register.expires_s` (the granted expiry, seconds);
 * - when the registration state changes (`unknown` → registered/failed, registered ↔ failed):
 *   an `event` `sip-register`, `major` on failure (with the code and reason), `info` on
 *   (re)registration, data `{ from, to, code, reason, cause, expiresS, aor }`;
 * - the password is never emitted or logged (only hashed by the digest answer);
 * - never errors on SIP or network trouble (those are failed attempts); unsubscribing stops it.
 *   The binding is not removed on unsubscribe: it expires at the registrar by itself.
 */
import { Observable, concatMap, defer, expand, from, map, timer, type SchedulerLike } from 'rxjs';
import type { Logger } from 'pino';
import type { EntityId, Observation } from '../../../plugins/sdk/index.js';
import { SIP_METRICS } from '../call-report.js';
import { randomToken } from '../engine/message.js';
import type { SipRequester } from '../engine/requester.js';
import type { SipTarget } from '../engine/udp-engine.js';
import { registerOnce, type RegisterOutcome } from './register-transaction.js';

/** Event type of a registration change. */
export const REGISTER_EVENT = 'sip-register';

/** The `register:` block of a trunk. */
export interface RegisterConfig {
  user: string;
  password: string;
  authUser?: string;
  domain?: string;
  expires: number;
}

export interface RegisterCheckOptions {
  engine: SipRequester;
  dest: SipTarget;
  register: RegisterConfig;
  /** Domain when `register.domain` is not set (the trunk URI's host). */
  defaultDomain: string;
  /** Trunk name and entity (`trunk:<name>`). */
  name: string;
  entity: EntityId;
  /** Deadline of each REGISTER transaction. */
  timeoutMs: number;
  /** The trunk's interval: retry period after a failure, and the shortest refresh period. */
  intervalMs: number;
  scheduler: SchedulerLike;
  log: Logger;
}

type RegState = 'unknown' | 'registered' | 'failed';

/** Delay until the next attempt: half the granted expiry after a success (never under `intervalMs`), else `intervalMs`. */
export function refreshDelayMs(outcome: RegisterOutcome, intervalMs: number): number {
  return outcome.ok ? Math.max((outcome.expiresS * 1000) / 2, intervalMs) : intervalMs;
}

export function registerCheck(o: RegisterCheckOptions): Observable<Observation> {
  return defer(() => {
    const domain = o.register.domain ?? o.defaultDomain;
    const aor = `sip:${o.register.user}@${domain}`;
    const callId = `${randomToken(12)}@vigie`;
    let cseq = 0;
    let state: RegState = 'unknown';
    const params = {
      dest: o.dest, domain, user: o.register.user, authUser: o.register.authUser, password: o.register.password,
      expiresS: o.register.expires, timeoutMs: o.timeoutMs, callId, nextCseq: () => ++cseq, contactToken: randomToken(6),
    };
    const attempt = (): Observable<RegisterOutcome> => registerOnce(o.engine, params);

    const observe = (r: RegisterOutcome): Observation[] => {
      const at = o.scheduler.now();
      const { entity } = o;
      const out: Observation[] = [{ kind: 'metric', at, entity, name: SIP_METRICS.registered, value: r.ok ? 1 : 0 }];
      if (r.ok) out.push({ kind: 'metric', at, entity, name: SIP_METRICS.registerExpires, value: r.expiresS });
      const next: RegState = r.ok ? 'registered' : 'failed';
      if (next !== state) {
        const from = state;
        state = next;
        const what = r.ok
          ? `registered as ${aor} for ${r.expiresS} s`
          : `registration of ${aor} failed: ${r.code !== undefined ? `${r.code} ` : ''}${r.reason}`;
        out.push({
          kind: 'event', at, entity, type: REGISTER_EVENT, severity: r.ok ? 'info' : 'major',
          message: `SIP trunk ${o.name} ${what}`,
          data: { from, to: next, code: r.code, reason: r.reason, cause: r.ok ? undefined : r.cause, expiresS: r.ok ? r.expiresS : undefined, aor },
        });
        if (r.ok) o.log.info({ entity, aor, expiresS: r.expiresS }, 'SIP trunk registered');
        else o.log.warn({ entity, aor, code: r.code, reason: r.reason, cause: r.cause }, 'SIP trunk registration failed');
      }
      return out;
    };

    return attempt().pipe(
      expand((r) => timer(refreshDelayMs(r, o.intervalMs), o.scheduler).pipe(concatMap(attempt))),
      map(observe),
      concatMap((list) => from(list)),
    );
  });
}
