/**
 * A SIP message observed on the wire (mirrored by a capture agent), reduced to what call
 * tracking needs. Requests and responses are parsed with sip.js's `Core.Parser.parseMessage`
 * (a plain function that runs standalone in Node; see engine/message.ts for why Vigie uses sip.js
 * only for parsing) with a silent logger: bad input is counted by the collector, never logged
 * per packet.
 *
 * Contract of `parseObservedSip(payload)`: never throws; gives the message, or a fixed reason
 * (`not-utf8`, `unparsable`, `missing-header`) when the text is not a SIP message carrying the
 * headers every message must have (Call-ID, CSeq with a method; a Request-URI for requests).
 */
import { Core } from 'sip.js';

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

/** sip.js wants a Logger; a silent one (the engine/message.ts pattern). */
const silentLogger = ((): Core.Logger => {
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  return factory.getLogger('vigie.sip.hep');
})();

/** Longest URI kept (and offered to configured match regexes): longer ones are cut, bounding regex work. */
export const MAX_URI_LENGTH = 512;

function uriText(header: { uri?: { toString(): string } } | undefined): string | undefined {
  try {
    const s = header?.uri?.toString();
    return s ? s.slice(0, MAX_URI_LENGTH) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one captured SIP payload (request or response). Never throws. */
export function parseObservedSip(payload: Buffer | string): ObservedSipResult {
  let text: string;
  if (typeof payload === 'string') text = payload;
  else {
    text = payload.toString('utf8');
    if (text.includes('\uFFFD')) return { ok: false, reason: 'not-utf8' };
  }
  let m: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
  try {
    m = Core.Parser.parseMessage(text, silentLogger);
  } catch {
    return { ok: false, reason: 'unparsable' };
  }
  if (!m) return { ok: false, reason: 'unparsable' };
  if (!m.callId || !Number.isInteger(m.cseq) || !m.method) return { ok: false, reason: 'missing-header' };
  const common: ObservedCommon = {
    callId: m.callId,
    cseq: m.cseq,
    cseqMethod: m.method.toUpperCase(),
    fromTag: m.fromTag || undefined,
    toTag: m.toTag || undefined,
    from: uriText(m.from),
    to: uriText(m.to),
    body: typeof m.body === 'string' ? m.body : '',
    contentType: m.getHeader('content-type')?.toLowerCase(),
  };
  if (m instanceof Core.IncomingResponseMessage) {
    if (typeof m.statusCode !== 'number' || m.statusCode < 100 || m.statusCode > 699) return { ok: false, reason: 'missing-header' };
    return { ok: true, msg: { ...common, type: 'response', statusCode: m.statusCode, reason: m.reasonPhrase ?? '' } };
  }
  const requestUri = m.ruri ? m.ruri.toString().slice(0, MAX_URI_LENGTH) : '';
  if (!requestUri) return { ok: false, reason: 'missing-header' };
  return { ok: true, msg: { ...common, type: 'request', method: m.method.toUpperCase(), requestUri } };
}
