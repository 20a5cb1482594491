/**
 * One active test call (issue 5, item 5): bind an RTP socket, INVITE the test number through the
 * trunk with a G.711 SDP offer, and once answered send RTP for the call's duration to the address
 * of the SDP answer, measure the echo that comes back (loss, RFC 3550 jitter, round-trip time),
 * hang up with BYE, and score the call with the E-model (one-way delay ≈ RTT / 2).
 *
 * Contract of `runTestCall(params, deps)`: a cold observable that emits one {@link TestCallResult}
 * and completes. Every network outcome is a result, never an error:
 * - 2xx and echoed RTP → `answered` with quality; 2xx and nothing back → `one-way-audio`;
 * - 300–699 → `rejected` with `finalCode`;
 * - no final answer within `timeoutMs` (Timer B, or the deadline; a ringing call is CANCELled) →
 *   `no-answer`;
 * - anything else (RTP socket cannot bind, SIP transport error, an unusable SDP answer, a 2xx
 *   without a To tag) → `failed`, with the coded error's code and message as `errorCode`/`reason`.
 * Only a programming error (not a VigieError) ends it through `subscriber.error`. Unsubscribing
 * mid-call hangs up (BYE, or CANCEL while ringing) and closes the RTP socket.
 */
import { isIP } from 'node:net';
import { Observable, catchError, concatMap, defaultIfEmpty, defer, filter, finalize, from, map, of, switchMap, take, tap, throwError, type SchedulerLike } from 'rxjs';
import { isVigieError, type VigieError } from '../../../plugins/sdk/index.js';
import type { CallReport } from '../call-report.js';
import { hostPort, randomToken } from '../engine/message.js';
import { advertised, connectProbe, isWildcard } from '../engine/route-source.js';
import type { InviteProgress, SipDialog, SipInviteInit, SipInviteOptions, SipTarget } from '../engine/udp-engine.js';
import { scoreCall } from '../quality/e-model.js';
import type { CodecTable } from '../quality/codecs.js';
import type { EchoStats } from './echo-meter.js';
import { openRtpEcho, type RtpEchoEndpoint, type RtpSocketOptions } from './rtp-echo.js';
import { buildSdpOffer, parseSdpAnswer, type G711Codec } from './sdp.js';

/** What a test call needs of a SIP engine: `SipUdpEngine` has it; tests may pass a fake. */
export interface SipInviter {
  invite(target: SipTarget, init: SipInviteInit, opts?: SipInviteOptions): Observable<InviteProgress>;
  /** A shared engine counts its users (see engine/shared-engines.ts). */
  retain?(): () => void;
}

/** One test call's settings (the probe derives them from its target). */
export interface TestCallParams {
  /** Trunk name: the report's `trunk`. */
  trunk: string;
  destination: SipTarget;
  number: string;
  fromUser: string;
  durationMs: number;
  codec: G711Codec;
  /** Local RTP port, 0 for any. */
  rtpPort: number;
  /** Local address of the RTP socket. */
  localAddress: string;
  /** Address put in the SDP offer; default the RTP socket's, or for a wildcard bind the local address routed toward the trunk. */
  mediaAddress?: string;
  timeoutMs: number;
  /** Echoes awaited after the last packet (default 500 ms). */
  graceMs?: number;
  /** Deadline of the BYE (default 4000 ms). */
  byeTimeoutMs?: number;
}

export interface TestCallDeps {
  engine: SipInviter;
  scheduler: SchedulerLike;
  /** The RTP socket (default ./rtp-echo.ts; tests may script it). */
  openRtp?: (opts: RtpSocketOptions) => Observable<RtpEchoEndpoint>;
  /** Codec table of the E-model (default the built-in one). */
  codecTable?: CodecTable;
}

/** One finished call: the report for `callEvent()`, plus what explains it. */
export interface TestCallResult {
  report: CallReport;
  /** Why the call is not a clean `answered` (an error's or a hang-up's message). */
  reason?: string;
  /** Code of the VigieError behind a `failed` / `no-answer`. */
  errorCode?: string;
  /** The echoed stream's measurements, when media was sent. */
  media?: EchoStats;
  /** INVITE → final response, ms. */
  setupMs?: number;
  /** The far end hung up before the call's duration was over. */
  remoteHangup?: boolean;
  /** Our BYE got no 2xx: its code and reason, or the error. */
  byeFailed?: string;
}

const OTHER: Record<G711Codec, G711Codec> = { PCMU: 'PCMA', PCMA: 'PCMU' };
const DEFAULT_BYE_TIMEOUT_MS = 4000;

export function runTestCall(p: TestCallParams, deps: TestCallDeps): Observable<TestCallResult> {
  const openRtp = deps.openRtp ?? openRtpEcho;
  const { scheduler } = deps;
  return defer(() => {
    const callId = `${randomToken(12)}@vigie`;
    const requestUri = `sip:${p.number}@${hostPort(p.destination.host, p.destination.port)}`;
    const report = (r: Omit<CallReport, 'callId' | 'trunk' | 'source' | 'to' | 'from'>): CallReport => ({
      callId, trunk: p.trunk, source: 'test-call', from: p.fromUser, to: p.number, ...r,
    });
    const failedBefore = (e: VigieError): TestCallResult => {
      const now = scheduler.now();
      return { report: report({ outcome: 'failed', startedAt: now, endedAt: now }), reason: e.message, errorCode: e.code };
    };

    const call = (ep: RtpEchoEndpoint): Observable<TestCallResult> => mediaAddressFor(ep, p).pipe(
      switchMap((sdpAddress) => {
        const startedAt = scheduler.now();
        let pddMs: number | undefined;
        const offer = buildSdpOffer({ address: sdpAddress, port: ep.port, codec: p.codec, sessionId: String(startedAt) });
        const init: SipInviteInit = {
          requestUri, callId, fromUri: `sip:${p.fromUser}@${hostPort(p.destination.host)}`, body: offer, contentType: 'application/sdp',
        };
        return deps.engine.invite(p.destination, init, { deadlineMs: p.timeoutMs }).pipe(
          tap((ev) => {
            if (pddMs === undefined && (ev.type !== 'provisional' || ev.response.statusCode === 180 || ev.response.statusCode === 183)) pddMs = ev.elapsedMs;
          }),
          filter((ev): ev is Exclude<InviteProgress, { type: 'provisional' }> => ev.type !== 'provisional'),
          take(1),
          concatMap((ev): Observable<TestCallResult> => {
            const base = { startedAt, pddMs, finalCode: ev.response.statusCode };
            if (ev.type === 'rejected') {
              return of({ report: report({ ...base, outcome: 'rejected', endedAt: scheduler.now() }), reason: `${ev.response.statusCode} ${ev.response.reasonPhrase}`.trim(), setupMs: ev.elapsedMs });
            }
            return answered(ep, ev.dialog, ev.response.message.body, base, ev.elapsedMs);
          }),
          catchError((e: unknown) => {
            if (!isVigieError(e)) return throwError(() => e);
            const outcome = isVigieError(e, 'E_SIP_TIMEOUT') ? 'no-answer' : 'failed';
            return of({ report: report({ outcome, startedAt, pddMs, endedAt: scheduler.now() }), reason: e.message, errorCode: e.code });
          }),
        );
      }),
    );

    const answered = (ep: RtpEchoEndpoint, dialog: SipDialog, body: string | undefined, base: Pick<CallReport, 'startedAt' | 'pddMs' | 'finalCode'>, setupMs: number): Observable<TestCallResult> => {
      const answeredAt = scheduler.now();
      let hungUp = false;
      let remoteHangup = false;
      const hangUp = (): Observable<string | undefined> => {
        hungUp = true;
        return dialog.bye({ deadlineMs: p.byeTimeoutMs ?? DEFAULT_BYE_TIMEOUT_MS }).pipe(
          map((r) => (r.response.statusCode < 300 ? undefined : `${r.response.statusCode} ${r.response.reasonPhrase}`.trim())),
          defaultIfEmpty(undefined),
          catchError((e: unknown) => (isVigieError(e) ? of(e.message) : throwError(() => e))),
        );
      };
      const ended = (r: Omit<TestCallResult, 'report' | 'setupMs' | 'remoteHangup'> & { outcome: CallReport['outcome']; quality?: CallReport['quality'] }): TestCallResult => {
        const endedAt = scheduler.now();
        const { outcome, quality, ...rest } = r;
        return {
          report: report({ ...base, outcome, answeredAt, endedAt, durationS: (endedAt - answeredAt) / 1000, ...(quality ? { quality } : {}) }),
          setupMs,
          ...(remoteHangup ? { remoteHangup } : {}),
          ...rest,
        };
      };
      const sdp = parseSdpAnswer(body, [p.codec, OTHER[p.codec]]);
      const work: Observable<TestCallResult> = !sdp.ok
        ? hangUp().pipe(map((byeFailed) => ended({ outcome: 'failed', reason: sdp.error.message, errorCode: sdp.error.code, ...(byeFailed ? { byeFailed } : {}) })))
        : ep.measure(
          { remote: { host: sdp.answer.address, port: sdp.answer.port }, codec: sdp.answer.codec, payloadType: sdp.answer.payloadType, durationMs: p.durationMs, graceMs: p.graceMs },
          scheduler,
          dialog.remoteBye.pipe(tap(() => (remoteHangup = true))),
        ).pipe(
          concatMap((media) => hangUp().pipe(map((byeFailed) => {
            const extra = { media, ...(byeFailed ? { byeFailed } : {}) };
            if (media.received === 0) {
              return ended({ outcome: 'one-way-audio', reason: `answered, but none of ${media.sent} RTP packets came back from ${sdp.answer.address}:${sdp.answer.port}`, ...extra });
            }
            const oneWayDelayMs = (media.rttMs ?? 0) / 2;
            const score = scoreCall({ codec: sdp.answer.codec, oneWayDelayMs, lossPct: media.lossPct }, deps.codecTable);
            const quality = { mos: score.mos, r: score.r, codec: sdp.answer.codec, lossPct: media.lossPct, jitterMs: media.jitterMs, rttMs: media.rttMs, oneWayDelayMs };
            return ended({ outcome: 'answered', quality, ...(remoteHangup ? { reason: 'the far end hung up before the end of the test' } : {}), ...extra });
          }))),
          catchError((e: unknown) => {
            if (!isVigieError(e)) return throwError(() => e);
            return hangUp().pipe(map((byeFailed) => ended({ outcome: 'failed', reason: e.message, errorCode: e.code, ...(byeFailed ? { byeFailed } : {}) })));
          }),
        );
      // Torn down mid-call (the probe stopped): hang up anyway.
      return work.pipe(finalize(() => {
        if (!hungUp) dialog.bye().subscribe({ error: () => undefined });
      }));
    };

    // The socket stays open for the whole call (switchMap), and is closed by take(1) after the result.
    return openRtp({ localAddress: p.localAddress, port: p.rtpPort }).pipe(
      switchMap(call),
      take(1),
      catchError((e: unknown) => (isVigieError(e) ? of(failedBefore(e)) : throwError(() => e))),
    );
  });
}

/**
 * The address for the SDP offer: configured, the RTP socket's own, or (wildcard bind) the local
 * address the kernel routes toward the trunk. Synchronous unless that last lookup is needed.
 */
function mediaAddressFor(ep: RtpEchoEndpoint, p: TestCallParams): Observable<string> {
  if (p.mediaAddress) return of(p.mediaAddress);
  if (!isWildcard(ep.address)) return of(ep.address);
  const v6 = isIP(p.destination.host) === 6 || ep.address === '::';
  // no route (or no answer): loopback, as the engine advertises in that case
  return from(connectProbe(p.destination.host, p.destination.port, v6 ? 'udp6' : 'udp4')).pipe(
    map((address) => (isWildcard(address) ? advertised(ep.address) : address)),
    catchError(() => of(advertised(ep.address))),
  );
}
