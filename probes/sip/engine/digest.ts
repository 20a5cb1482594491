/**
 * Answers a 401/407 digest challenge (RFC 2617 / RFC 3261 §22) with sip.js's
 * `Core.DigestAuthentication`.
 *
 * Why sip.js, and why this way: the issue asks for sip.js's digest (one implementation of the
 * hashing rules, shared with its parser, rather than another one written here). Its
 * `DigestAuthentication` is a plain class that runs standalone in Node: `authenticate(request,
 * challenge)` reads only `request.method` and `request.ruri` of the request (so a two-field
 * object stands in for sip.js's OutgoingRequestMessage, which would drag in its user agent core),
 * and the challenge as sip.js's own grammar parses a WWW-Authenticate / Proxy-Authenticate header
 * (`message.parseHeader(...)` on the response the engine parsed with sip.js). `toString()` then
 * gives the header value. It supports MD5 only, with qop `auth`, `auth-int` or none; anything else
 * is refused here with a reason rather than sent wrong. sip.js logs through its LoggerFactory: a
 * silent one is passed, and the password goes nowhere but into the hash.
 */
import { Core } from 'sip.js';
import type { SipResponse } from './message.js';

/** Who answers: the digest username (often the registered user) and its password (a secret). */
export interface DigestCredentials {
  username: string;
  password: string;
}

/** What the challenge is about: the method and the Request-URI of the request to be sent again. */
export interface ChallengedRequest {
  method: string;
  requestUri: string;
  /** Body of the request (only used for qop `auth-int`). */
  body?: string;
}

/** The header to add to the request sent again, or why the challenge cannot be answered. */
export type DigestAnswer =
  | { ok: true; header: 'Authorization' | 'Proxy-Authorization'; value: string; realm: string; stale: boolean }
  | { ok: false; reason: string };

const silentLoggerFactory = ((): Core.LoggerFactory => {
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  return factory;
})();

/** The parsed challenge sip.js's grammar gives for (Proxy|WWW)-Authenticate. */
interface ParsedChallenge {
  realm?: string;
  nonce?: string;
  algorithm?: string;
  qop?: string[];
  opaque?: string;
  stale?: boolean;
}

/**
 * The credentials for a 401 (Authorization, from WWW-Authenticate) or 407 (Proxy-Authorization,
 * from Proxy-Authenticate) response. Never throws; never puts the password in a reason.
 */
export function answerChallenge(response: SipResponse, request: ChallengedRequest, credentials: DigestCredentials): DigestAnswer {
  const proxy = response.statusCode === 407;
  if (!proxy && response.statusCode !== 401) return { ok: false, reason: `${response.statusCode} is not a challenge` };
  const headerName = proxy ? 'proxy-authenticate' : 'www-authenticate';
  let challenge: ParsedChallenge | undefined;
  try {
    challenge = response.message.parseHeader(headerName) as ParsedChallenge | undefined;
  } catch {
    challenge = undefined;
  }
  if (!challenge || typeof challenge !== 'object') return { ok: false, reason: `${response.statusCode} without a usable ${proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'} header` };
  if (challenge.algorithm && challenge.algorithm.toUpperCase() !== 'MD5') return { ok: false, reason: `unsupported digest algorithm ${challenge.algorithm} (MD5 only)` };
  // sip.js's grammar reads `qop="auth-conf"` as `auth`: check the offered tokens in the raw header too.
  const rawQop = /qop\s*=\s*"([^"]*)"/i.exec(response.message.getHeader(headerName) ?? '')?.[1].split(',').map((q) => q.trim().toLowerCase());
  if ((challenge.qop || rawQop) && !(rawQop ?? challenge.qop ?? []).some((q) => q === 'auth' || q === 'auth-int')) {
    return { ok: false, reason: `unsupported qop ${(rawQop ?? challenge.qop ?? []).join(',')}` };
  }
  const digest = new Core.DigestAuthentication(silentLoggerFactory, undefined, credentials.username, credentials.password);
  const stand = { method: request.method.toUpperCase(), ruri: request.requestUri } as unknown as Core.OutgoingRequestMessage;
  let ok: boolean;
  try {
    ok = digest.authenticate(stand, { ...challenge, algorithm: challenge.algorithm ? 'MD5' : undefined }, request.body);
  } catch {
    ok = false;
  }
  if (!ok) return { ok: false, reason: 'the challenge has no realm or nonce' };
  return { ok: true, header: proxy ? 'Proxy-Authorization' : 'Authorization', value: digest.toString(), realm: challenge.realm ?? '', stale: challenge.stale === true };
}
