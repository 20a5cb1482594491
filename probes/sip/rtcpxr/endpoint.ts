/**
 * The SIP side of the RTCP-XR collector, without a socket: one datagram in → what to answer, where,
 * and what it was. Time is passed in (the probe's scheduler clock).
 *
 * Contract of `VqEndpoint.handle(datagram, source, now)` — it never throws on any input:
 * - `PUBLISH` with `Event: vq-rtcpxr` (RFC 6035) and a body `parseVqReport` accepts → 200 OK with
 *   `SIP-ETag` and `Expires` (RFC 3903: the asked Expires capped at `maxExpiresS`, which is also
 *   the default), outcome `report`;
 * - a retransmission (same server transaction, RFC 3261 §17.2.3, within Timer J = 32 s) gets the
 *   very same response again, outcome `duplicate`; a report body seen within `duplicateWindowMs`
 *   (a phone re-sending a report in a new transaction) is answered 200 but is a `duplicate` too;
 * - `SIP-If-Match` (RFC 3903 refresh, modify, removal) with a known entity-tag → 200 (a body is a
 *   new report), an unknown one → 412;
 * - refused but well-formed (`rejected`): wrong or missing Event → 489 (`Allow-Events`), another
 *   method → 405 (`Allow: PUBLISH, OPTIONS`), CANCEL → 481, `Require` → 420, a content type other
 *   than application/vq-rtcpxr or a content coding → 415, no body → 400;
 * - OPTIONS → 200 (`answered`); ACK, SIP responses, CRLF keepalives → nothing (`ignored`);
 * - a body that is not a report or not UTF-8, a bad Content-Length/CSeq/header line → 400 with a
 *   `Warning` saying why (`malformed`); a datagram that is not a SIP request at all → no answer
 *   (`malformed`); over `maxMessageBytes` (or a body over the report cap) → 413 when the headers
 *   parse, else no answer (`oversized`).
 * `reason` strings are fixed texts (never request content), safe to log.
 */
import { createHash } from 'node:crypto';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { randomToken } from '../engine/message.js';
import { buildResponse, parseRequest, responseDestination, transactionKey, type SipPeer, type SipRequest } from '../engine/uas.js';
import { TtlMap } from './ttl-map.js';
import { parseVqReport, VQ_CONTENT_TYPE, VQ_EVENT_PACKAGE, VQ_REPORT_MAX_BYTES, type VqReport } from './vq-report.js';

export interface VqEndpointOptions {
  maxMessageBytes: number;
  maxExpiresS: number;
  duplicateWindowMs: number;
  /** Largest report body, bytes; default `VQ_REPORT_MAX_BYTES`. */
  maxBodyBytes?: number;
}

export type VqOutcome =
  | { kind: 'report'; report: VqReport }
  | { kind: 'duplicate'; reason: 'retransmission' | 'same report' }
  | { kind: 'answered'; reason: string }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'malformed'; status?: number; reason: string }
  | { kind: 'oversized'; status?: number; reason: string }
  | { kind: 'ignored'; reason: string };

/** The result of one datagram: its outcome and the reply to send, if any. */
export interface VqHandled {
  outcome: VqOutcome;
  reply?: { text: string; to: SipPeer };
}

/** RFC 3261 Timer J for UDP (64·T1): how long an answered transaction is remembered. */
export const TIMER_J_MS = 64 * 500;
const ALLOW = 'Allow: PUBLISH, OPTIONS';
const ALLOW_EVENTS = `Allow-Events: ${VQ_EVENT_PACKAGE}`;

interface Decision {
  status: number;
  headers?: string[];
  outcome: VqOutcome;
}

const reject = (status: number, reason: string, headers: string[] = []): Decision => ({ status, headers, outcome: { kind: 'rejected', status, reason } });
const malformed = (reason: string): Decision => ({ status: 400, headers: [warning(reason)], outcome: { kind: 'malformed', status: 400, reason } });

/** A `Warning: 399` header (RFC 3261 §20.43) carrying a fixed reason. */
function warning(reason: string): string {
  return `Warning: 399 vigie "${reason.replace(/["\\\r\n]/g, ' ')}"`;
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export class VqEndpoint {
  private readonly transactions = new TtlMap<string, string>();
  private readonly etags = new TtlMap<string, true>();
  private readonly seenBodies = new TtlMap<string, true>();
  private readonly maxBodyBytes: number;

  constructor(private readonly opts: VqEndpointOptions) {
    this.maxBodyBytes = opts.maxBodyBytes ?? VQ_REPORT_MAX_BYTES;
  }

  handle(datagram: Buffer, source: SipPeer, now: number): VqHandled {
    const parsed = parseRequest(datagram, { maxBytes: this.opts.maxMessageBytes });
    if (!parsed.ok) {
      if (parsed.reason === 'empty') return { outcome: { kind: 'ignored', reason: 'keepalive' } };
      if (parsed.reason === 'response') return { outcome: { kind: 'ignored', reason: 'a SIP response' } };
      const req = parsed.request;
      if (parsed.reason === 'oversized') {
        const outcome: VqOutcome = { kind: 'oversized', reason: 'datagram over maxMessageBytes', ...(req ? { status: 413 } : {}) };
        return req ? this.answer(req, source, now, { status: 413, outcome }) : { outcome };
      }
      const reason = `bad request: ${parsed.reason}`;
      return req && req.method !== 'ACK' ? this.answer(req, source, now, malformed(reason)) : { outcome: { kind: 'malformed', reason } };
    }
    const req = parsed.request;
    if (req.method === 'ACK') return { outcome: { kind: 'ignored', reason: 'ACK' } };
    const cached = this.transactions.get(transactionKey(req), now);
    if (cached !== undefined) {
      return { outcome: { kind: 'duplicate', reason: 'retransmission' }, reply: { text: cached, to: responseDestination(req, source) } };
    }
    const decision = this.decide(req, now);
    if (decision.outcome.kind === 'report') {
      const digest = createHash('sha256').update(req.body).digest('hex');
      if (this.seenBodies.has(digest, now)) decision.outcome = { kind: 'duplicate', reason: 'same report' };
      else if (this.opts.duplicateWindowMs > 0) this.seenBodies.set(digest, true, now + this.opts.duplicateWindowMs, now);
    }
    return this.answer(req, source, now, decision);
  }

  /** Forgets expired transactions, entity-tags and report digests. */
  sweep(now: number): void {
    this.transactions.sweep(now);
    this.etags.sweep(now);
    this.seenBodies.sweep(now);
  }

  private answer(req: SipRequest, source: SipPeer, now: number, d: Decision): VqHandled {
    const text = buildResponse(req, d.status, { source, headers: d.headers });
    this.transactions.set(transactionKey(req), text, now + TIMER_J_MS, now);
    return { outcome: d.outcome, reply: { text, to: responseDestination(req, source) } };
  }

  private decide(req: SipRequest, now: number): Decision {
    if (req.method === 'CANCEL') return reject(481, 'CANCEL of no pending transaction');
    const require = req.headers('require').flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '');
    if (require.length > 0) return reject(420, 'Require of an unsupported extension', [`Unsupported: ${require.join(', ')}`]);
    if (req.method === 'OPTIONS') {
      return { status: 200, headers: [ALLOW, `Accept: ${VQ_CONTENT_TYPE}`, ALLOW_EVENTS], outcome: { kind: 'answered', reason: 'OPTIONS' } };
    }
    if (req.method !== 'PUBLISH') return reject(405, 'method not allowed', [ALLOW]);
    const event = req.header('event');
    const pkg = event?.split(';')[0].trim().toLowerCase();
    if (pkg !== VQ_EVENT_PACKAGE) return reject(489, event === undefined ? 'PUBLISH without Event' : 'PUBLISH of another event package', [ALLOW_EVENTS]);

    const expiresText = req.header('expires');
    if (expiresText !== undefined && !/^\d{1,10}$/.test(expiresText)) return malformed('Expires is not a number of seconds');
    const expires = Math.min(expiresText === undefined ? this.opts.maxExpiresS : Number(expiresText), this.opts.maxExpiresS);

    const ifMatch = req.header('sip-if-match');
    if (ifMatch !== undefined) {
      if (!this.etags.has(ifMatch, now)) return reject(412, 'SIP-If-Match of an unknown or expired entity-tag');
      this.etags.delete(ifMatch);
      if (req.body.length === 0) {
        if (expires === 0) return { status: 200, headers: ['Expires: 0'], outcome: { kind: 'answered', reason: 'publication removed' } };
        return { ...this.accepted(expires, now), outcome: { kind: 'answered', reason: 'publication refreshed' } };
      }
    } else if (req.body.length === 0) {
      return reject(400, 'PUBLISH without a body', [warning('PUBLISH without a body and without SIP-If-Match')]);
    }

    const coding = req.header('content-encoding');
    if (coding !== undefined && coding.toLowerCase() !== 'identity') return reject(415, 'content coding', ['Accept-Encoding: identity']);
    const type = req.header('content-type')?.split(';')[0].trim().toLowerCase();
    if (type !== undefined && type !== VQ_CONTENT_TYPE) return reject(415, 'content type is not application/vq-rtcpxr', [`Accept: ${VQ_CONTENT_TYPE}`]);
    if (req.body.length > this.maxBodyBytes) return { status: 413, outcome: { kind: 'oversized', status: 413, reason: 'report body over the cap' } };
    const text = utf8(req.body);
    if (text === undefined) return malformed('report body is not UTF-8');
    let report: VqReport;
    try {
      report = parseVqReport(text, { maxBytes: this.maxBodyBytes });
    } catch (e) {
      const why = isVigieError(e, 'E_VQ_REPORT') ? String(e.details?.reason ?? 'rejected') : 'rejected';
      return malformed(`not a vq-rtcpxr report: ${why.replace(/\d+/g, 'N')}`);
    }
    return { ...this.accepted(expires, now), outcome: { kind: 'report', report } };
  }

  /** 200 with a fresh entity-tag (remembered for `expires` s) and the granted Expires. */
  private accepted(expires: number, now: number): Omit<Decision, 'outcome'> {
    const etag = randomToken(8);
    if (expires > 0) this.etags.set(etag, true, now + expires * 1000, now);
    return { status: 200, headers: [`SIP-ETag: ${etag}`, `Expires: ${expires}`] };
  }
}
