/**
 * One registration attempt (RFC 3261 §10.2): REGISTER `sip:DOMAIN` with To/From the
 * address-of-record `sip:USER@DOMAIN`, a Contact of our own, and `Expires`; a 401/407 is
 * answered once with digest credentials (../engine/digest.ts) in a new REGISTER with the same
 * Call-ID, the next CSeq and a new branch; a 423 (Interval Too Brief) is retried once with the
 * registrar's Min-Expires. The outcome is either the binding with the expiry the registrar
 * granted, or the failure: the final code and reason, `wrong-credentials` for a second 401/407
 * after answering (unless the first answer's nonce was only stale), or a timeout / transport error.
 */
import { Observable, catchError, concatMap, defer, of, take, throwError } from 'rxjs';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { answerChallenge } from '../engine/digest.js';
import type { SipRequestInit, SipResponse } from '../engine/message.js';
import type { SipRequester } from '../engine/requester.js';
import type { TransactionResult } from '../engine/transactions.js';
import type { SipTarget } from '../engine/udp-engine.js';

/** Everything one attempt needs. The password is only ever hashed. */
export interface RegisterParams {
  dest: SipTarget;
  /** Registrar domain: Request-URI `sip:<domain>`, AOR `sip:<user>@<domain>`. */
  domain: string;
  user: string;
  /** Digest username when it differs from `user`. */
  authUser?: string;
  password: string;
  /** Expiry asked for, seconds. */
  expiresS: number;
  /** Deadline of each REGISTER transaction, ms. */
  timeoutMs: number;
  /** The same for every registration of one check (RFC 3261 §10.2.1: one Call-ID per registrar). */
  callId: string;
  /** The next CSeq number (strictly increasing over the check's life). */
  nextCseq: () => number;
  /** A token in our Contact URI (`;line=<token>`) to find our own binding in the 200's list. */
  contactToken: string;
}

export type RegisterFailureCause = 'rejected' | 'wrong-credentials' | 'challenge' | 'timeout' | 'transport';

/** The result of one attempt. */
export type RegisterOutcome =
  | { ok: true; code: number; reason: string; expiresS: number; rttMs: number }
  | { ok: false; code?: number; reason: string; cause: RegisterFailureCause };

interface Progress {
  expiresS: number;
  /** Challenges answered in this attempt. */
  answered: number;
  /** The one extra answer allowed for a `stale=true` challenge has been used. */
  staleUsed: boolean;
  retriedTooBrief: boolean;
}

/** Runs one attempt when subscribed: emits its outcome and completes; never errors on SIP or network trouble. */
export function registerOnce(engine: SipRequester, p: RegisterParams): Observable<RegisterOutcome> {
  const aor = `sip:${p.user}@${p.domain}`;
  const requestUri = `sip:${p.domain}`;
  const send = (expiresS: number, auth: string[]): Observable<TransactionResult> => defer(() => {
    const init: SipRequestInit = {
      method: 'REGISTER', requestUri, fromUri: aor, toUri: aor, callId: p.callId, cseq: p.nextCseq(),
      contactUser: p.user, contactUriParams: `;line=${p.contactToken}`, headers: [`Expires: ${expiresS}`, ...auth],
    };
    return engine.request(p.dest, init, { deadlineMs: p.timeoutMs });
  }).pipe(take(1));

  const step = (r: TransactionResult, s: Progress): Observable<RegisterOutcome> => {
    const res = r.response;
    const code = res.statusCode;
    if (code >= 200 && code < 300) {
      const expiresS = grantedExpiry(res, p.contactToken, s.expiresS);
      if (expiresS <= 0) return of(failure(code, `${res.reasonPhrase}, but the registrar kept no binding (expires 0)`, 'rejected'));
      return of({ ok: true, code, reason: res.reasonPhrase, expiresS, rttMs: r.rttMs });
    }
    if (code === 401 || code === 407) {
      // After an answer, a new challenge means wrong credentials, unless it only says the nonce
      // was stale (same credentials, fresh nonce, RFC 2617 §3.2.1): that one is answered once more.
      const stale = s.answered > 0 && !s.staleUsed && isStale(res);
      if (s.answered > 0 && !stale) return of(failure(code, `${res.reasonPhrase} after answering the challenge: wrong credentials`, 'wrong-credentials'));
      const answer = answerChallenge(res, { method: 'REGISTER', requestUri }, { username: p.authUser ?? p.user, password: p.password });
      if (!answer.ok) return of(failure(code, `${res.reasonPhrase}: cannot answer the challenge (${answer.reason})`, 'challenge'));
      const next: Progress = { ...s, answered: s.answered + 1, staleUsed: s.staleUsed || stale };
      return send(s.expiresS, [`${answer.header}: ${answer.value}`]).pipe(concatMap((r2) => step(r2, next)));
    }
    if (code === 423 && !s.retriedTooBrief) {
      const min = Number(res.message.getHeader('min-expires'));
      if (Number.isInteger(min) && min > s.expiresS) {
        return send(min, []).pipe(concatMap((r2) => step(r2, { expiresS: min, answered: 0, staleUsed: false, retriedTooBrief: true })));
      }
    }
    return of(failure(code, res.reasonPhrase, 'rejected'));
  };

  return send(p.expiresS, []).pipe(
    concatMap((r) => step(r, { expiresS: p.expiresS, answered: 0, staleUsed: false, retriedTooBrief: false })),
    catchError((e: unknown) => {
      if (isVigieError(e, 'E_SIP_TIMEOUT')) return of(failure(undefined, e.message, 'timeout'));
      if (isVigieError(e, 'E_SIP_TRANSPORT')) return of(failure(undefined, e.message, 'transport'));
      return throwError(() => e);
    }),
  );
}

/** True when a 401/407's challenge carries `stale=true`. */
function isStale(res: SipResponse): boolean {
  try {
    return (res.message.parseHeader(res.statusCode === 407 ? 'proxy-authenticate' : 'www-authenticate') as { stale?: boolean } | undefined)?.stale === true;
  } catch {
    return false;
  }
}

function failure(code: number | undefined, reason: string, cause: RegisterFailureCause): RegisterOutcome {
  return { ok: false, code, reason, cause };
}

/**
 * The expiry the registrar granted our binding (RFC 3261 §10.2.4): the `expires` parameter of our
 * Contact in the 200 (found by its `line` token), else the Expires header, else what was asked.
 */
export function grantedExpiry(res: SipResponse, contactToken: string, askedS: number): number {
  const m = res.message;
  const contacts = m.getHeaders('contact');
  for (let i = 0; i < contacts.length; i++) {
    let c: { uri?: { getParam(n: string): unknown }; getParam(n: string): unknown } | undefined;
    try {
      c = m.parseHeader('contact', i) as typeof c;
    } catch {
      c = undefined;
    }
    if (c?.uri && String(c.uri.getParam('line') ?? '') === contactToken) {
      const e = Number(c.getParam('expires'));
      if (Number.isInteger(e) && e >= 0) return e;
    }
  }
  const header = Number(m.getHeader('expires'));
  return Number.isInteger(header) && header >= 0 ? header : askedS;
}
