/**
 * A SIP message observed on the wire (mirrored by a capture agent), reduced to what call
 * tracking needs, read by the engine's envelope scan (engine/envelope.ts: sip.js's full parse
 * costs milliseconds per message, which would cap the collector at a few hundred messages/s; the
 * scan reads the same fields, checked against sip.js in test/probes/sip/engine/envelope.test.ts).
 * Bad input is counted by the collector, never logged per packet.
 *
 * Contract of `parseObservedSip(payload)`: never throws; gives the message, or a fixed reason
 * (`not-utf8`, `unparsable`, `missing-header`) when the text is not a SIP message carrying the
 * headers every message must have (Call-ID, CSeq with a method; a Request-URI for requests).
 */
import { headerOf, headerUri, scanSipMessage } from '../engine/envelope.js';

interface ObservedCommon {
  callId: string;
  cseq: number;
  /** Method named in the CSeq header (for a response: the method it answers). */
  cseqMethod: string;
  fromTag?: string;
  toTag?: string;
  /** From and To URIs as text (`sip:alice@example.com`). */
  from?: string;
  to?: string;
  /** Message body (SDP for INVITE / 2xx), empty when none. */
  body: string;
  contentType?: string;
}

export interface ObservedRequest extends ObservedCommon {
  type: 'request';
  method: string;
  requestUri: string;
}

export interface ObservedResponse extends ObservedCommon {
  type: 'response';
  statusCode: number;
  reason: string;
}

export type ObservedSip = ObservedRequest | ObservedResponse;

export type ObservedSipResult = { ok: true; msg: ObservedSip } | { ok: false; reason: 'not-utf8' | 'unparsable' | 'missing-header' };

/** Longest URI kept (and offered to configured match regexes): longer ones are cut, bounding regex work. */
export const MAX_URI_LENGTH = 512;

function uriOf(value: string | undefined): string | undefined {
  const uri = value === undefined ? undefined : headerUri(value);
  return uri ? uri.slice(0, MAX_URI_LENGTH) : undefined;
}

/** Parses one captured SIP payload (request or response). Never throws. */
export function parseObservedSip(payload: Buffer | string): ObservedSipResult {
  let text: string;
  if (typeof payload === 'string') text = payload;
  else {
    text = payload.toString('utf8');
    if (text.includes('\uFFFD')) return { ok: false, reason: 'not-utf8' };
  }
  const scanned = scanSipMessage(text);
  if (!scanned.ok) return { ok: false, reason: scanned.reason };
  const e = scanned.envelope;
  const common: ObservedCommon = {
    callId: e.callId,
    cseq: e.cseq,
    cseqMethod: e.cseqMethod,
    fromTag: e.fromTag,
    toTag: e.toTag,
    from: uriOf(headerOf(e, 'from')),
    to: uriOf(headerOf(e, 'to')),
    body: e.body,
    contentType: headerOf(e, 'content-type')?.toLowerCase(),
  };
  if (e.type === 'response' && (e.statusCode < 100 || e.statusCode > 699)) return { ok: false, reason: 'missing-header' };
  if (e.type === 'response') return { ok: true, msg: { ...common, type: 'response', statusCode: e.statusCode, reason: e.reasonPhrase } };
  return { ok: true, msg: { ...common, type: 'request', method: e.method, requestUri: e.requestUri.slice(0, MAX_URI_LENGTH) } };
}
