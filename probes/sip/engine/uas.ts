/**
 * The server side of SIP for Vigie's listeners (the RTCP-XR collector today): a received request
 * parsed with sip.js, and the response to it built as text.
 *
 * - `parseRequest(datagram)` never throws. It unfolds folded header lines (RFC 3261 §7.3.1),
 *   reads the body by bytes (sip.js counts Content-Length in characters), and says whether a bad
 *   request can still be answered (`request` present on a failure → answer 400/413) or must be
 *   dropped (no usable Via/From/To/Call-ID/CSeq: nowhere to send an answer).
 * - `buildResponse(request, status, init)` follows RFC 3261 §8.2.6: Via values copied in order
 *   (the top one gets `received`/`rport`, §18.2.1 and RFC 3581), From, To (plus a to-tag when the
 *   request had none), Call-ID, CSeq, `Server: Vigie`, Content-Length.
 * - `responseDestination(request, source)` is where the response goes (§18.2.2 unicast, RFC 3581).
 *   A Via `maddr` is ignored on purpose: answering only the packet's source address means the
 *   listener can never be used to send traffic elsewhere.
 * - `transactionKey(request)` matches a retransmission to its server transaction (§17.2.3).
 *
 * sip.js is used for its parser only, for the reasons in ./message.ts (its transport layer does
 * not fit UDP); its silent logger is that file's pattern, since bad input is counted by callers.
 */
import { Core } from 'sip.js';
import { DEFAULT_USER_AGENT, MAX_SIP_DATAGRAM, randomToken } from './message.js';

/** The parts of a Via header field value (`SIP/2.0/UDP host:port;branch=…;rport`). */
export interface ViaValue {
  transport: string;
  host: string;
  port?: number;
  branch?: string;
  /** `rport` present: `true` when empty (asking for it, RFC 3581), its number when filled in. */
  rport?: true | number;
  received?: string;
  /** Every parameter as written, names lower-cased (`rport` → `''`). */
  params: Record<string, string>;
}

/** A received request. Header values are unfolded (a folded line reads as one line). */
export interface SipRequest {
  method: string;
  requestUri: string;
  /** Via header field values, top first, one entry per header line as received (a line may hold several, comma-separated). */
  via: readonly string[];
  topVia: ViaValue;
  /** From and To header field values as received (unfolded). */
  from: string;
  to: string;
  fromTag?: string;
  toTag?: string;
  callId: string;
  cseq: number;
  /** The method of the CSeq header (equal to `method` on a request that parsed `ok`). */
  cseqMethod: string;
  /** The body, exactly Content-Length bytes (or the rest of the datagram without that header). */
  body: Buffer;
  /** First value of a header (long or compact name, any case), unfolded. */
  header(name: string): string | undefined;
  /** Every value of a header (long or compact name), unfolded. */
  headers(name: string): string[];
  /** sip.js's parsed message, for anything else. */
  message: Core.IncomingRequestMessage;
}

export type ParseRequestFailure =
  | 'empty'
  | 'oversized'
  | 'not-utf8'
  | 'unparsable'
  | 'response'
  | 'missing-header'
  | 'bad-header'
  | 'bad-content-length'
  | 'truncated-body'
  | 'cseq-mismatch';

/**
 * A failure carries `request` when the request is well enough formed to be answered (400, or 413
 * for `oversized`); without it, there is nowhere to answer and the datagram is dropped.
 */
export type ParseRequestResult =
  | { ok: true; request: SipRequest }
  | { ok: false; reason: ParseRequestFailure; detail: string; request?: SipRequest };

export interface ParseRequestOptions {
  /** Largest datagram accepted whole; a larger one is read for its headers only (to answer 413). Default `MAX_SIP_DATAGRAM`. */
  maxBytes?: number;
}

/** Where a request came from (the UDP source). */
export interface SipPeer {
  address: string;
  port: number;
}

/** What a response carries besides the copied headers. */
export interface ResponseInit {
  /** Default: the RFC 3261 phrase of the code. */
  reason?: string;
  /** To-tag added when the request's To has none (not on 100). Default: a fresh random token. */
  toTag?: string;
  /** Extra header lines, `Name: value`, without CRLF. */
  headers?: readonly string[];
  body?: string;
  contentType?: string;
  /** The request's UDP source: sets `received` (and `rport`, when asked for) on the top Via. */
  source?: SipPeer;
  /** The `Server` header; default `Vigie`. */
  server?: string;
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying', 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 412: 'Conditional Request Failed', 413: 'Request Entity Too Large',
  415: 'Unsupported Media Type', 420: 'Bad Extension', 423: 'Interval Too Brief', 481: 'Call/Transaction Does Not Exist',
  489: 'Bad Event', 500: 'Server Internal Error', 501: 'Not Implemented', 503: 'Service Unavailable', 513: 'Message Too Large',
};

/** The standard reason phrase of a status code (`'OK'` for 200), or a generic one. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'OK' : status < 400 ? 'Redirect' : 'Error');
}

/** Compact header forms sip.js does not expand itself (RFC 3261 §7.3.3, RFC 6665, RFC 3903 has none). */
const COMPACT: Readonly<Record<string, string>> = {
  event: 'o', 'allow-events': 'u', supported: 'k', subject: 's', 'content-encoding': 'e', 'refer-to': 'r',
};

const silentLogger = ((): Core.Logger => {
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  return factory.getLogger('vigie.sip.uas');
})();

const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*:/;
const HEADER_END = Buffer.from('\r\n\r\n');

/** Undoes header folding: CRLF followed by white space is one space (RFC 3261 §7.3.1). */
export function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Splits a header value at commas outside double quotes and angle brackets. */
export function splitHeaderValues(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v !== '');
}

/** Parses one Via value; `undefined` when it is not `SIP/2.0/<transport> <host>[:<port>]…`. */
export function parseVia(value: string): ViaValue | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+(\[[0-9A-Fa-f:.]+\]|[^\s;:[\]]+)(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/i.exec(value.trim());
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const params: Record<string, string> = {};
  for (const part of m[4].split(';').slice(1)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    if (!(name in params)) params[name] = eq < 0 ? '' : part.slice(eq + 1).trim();
  }
  const via: ViaValue = { transport: m[1].toUpperCase(), host: m[2].replace(/^\[|\]$/g, ''), params };
  if (port !== undefined) via.port = port;
  if (params.branch) via.branch = params.branch;
  if ('rport' in params) via.rport = /^\d{1,5}$/.test(params.rport) ? Number(params.rport) : true;
  if (params.received) via.received = params.received;
  return via;
}

function header(message: Core.IncomingRequestMessage, name: string): string[] {
  const long = message.getHeaders(name);
  const compact = COMPACT[name.toLowerCase()];
  const all = compact ? [...long, ...message.getHeaders(compact)] : long;
  return all.map(unfold);
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** sip.js parse of the header section + the checks a response needs. */
function parseHead(head: string, bodyBytes: Buffer, bodyComplete: boolean): ParseRequestResult {
  let message: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
  try {
    message = Core.Parser.parseMessage(head, silentLogger);
  } catch {
    message = undefined;
  }
  if (!message) {
    // sip.js refuses the whole message over a bad Content-Length; without it, it may still be answerable (400).
    const without = head.replace(/\r\n(?:content-length|l)[ \t]*:[^\r]*(?:\r\n[ \t][^\r]*)*/gi, '');
    if (without !== head) {
      const salvaged = parseHead(without, bodyBytes, false);
      if (salvaged.request) return { ok: false, reason: 'bad-content-length', detail: 'Content-Length is not a number', request: salvaged.request };
    }
    return { ok: false, reason: 'unparsable', detail: 'not a SIP message (start line or a core header does not parse)' };
  }
  if (message instanceof Core.IncomingResponseMessage) return { ok: false, reason: 'response', detail: 'a SIP response, not a request' };
  const m = message;
  const via = header(m, 'via');
  const topVia = via.length > 0 ? parseVia(splitHeaderValues(via[0])[0] ?? '') : undefined;
  const cseq = m.parseHeader('cseq') as { value?: number; method?: string } | undefined;
  const from = header(m, 'from')[0];
  const to = header(m, 'to')[0];
  if (!topVia || from === undefined || to === undefined || !m.callId || !cseq || !Number.isInteger(cseq.value) || !cseq.method) {
    return { ok: false, reason: 'missing-header', detail: 'a Via, From, To, Call-ID or CSeq header is missing or malformed' };
  }
  let body = bodyBytes;
  const cl = m.getHeader('content-length');
  if (cl !== undefined) {
    const length = /^\s*\d{1,9}\s*$/.test(cl) ? Number(cl) : NaN;
    if (Number.isNaN(length)) return fail(request(), 'bad-content-length', 'Content-Length is not a number');
    if (bodyComplete && length > bodyBytes.length) {
      return fail(request(), 'truncated-body', `Content-Length ${length} but ${bodyBytes.length} body bytes in the datagram`);
    }
    body = bodyBytes.subarray(0, Math.min(length, bodyBytes.length));
  }
  const req = request();
  const bad = head.split('\r\n').slice(1).find((line) => line !== '' && line[0] !== ' ' && line[0] !== '\t' && !HEADER_LINE.test(line));
  if (bad !== undefined) return fail(req, 'bad-header', 'a header line is not "Name: value"');
  if (cseq.method.toUpperCase() !== m.method.toUpperCase()) {
    return fail(req, 'cseq-mismatch', `CSeq method ${cseq.method} is not the request's ${m.method}`);
  }
  return { ok: true, request: req };

  function request(): SipRequest {
    return {
      method: m.method,
      requestUri: head.slice(0, head.indexOf('\r\n')).split(' ')[1] ?? '',
      via,
      topVia: topVia!,
      from: from!,
      to: to!,
      fromTag: m.fromTag || undefined,
      toTag: m.toTag || undefined,
      callId: unfold(m.callId),
      cseq: cseq!.value!,
      cseqMethod: cseq!.method!,
      body,
      header: (name) => header(m, name)[0],
      headers: (name) => header(m, name),
      message: m,
    };
  }
}

function fail(request: SipRequest, reason: ParseRequestFailure, detail: string): ParseRequestResult {
  return { ok: false, reason, detail, request };
}

/**
 * Parses one datagram as a SIP request. Leading CRLFs are skipped (§7.5). A datagram over
 * `maxBytes` fails `oversized`, with `request` when its header section alone parses (answer 413).
 * Never throws.
 */
export function parseRequest(data: Buffer | string, opts: ParseRequestOptions = {}): ParseRequestResult {
  const maxBytes = opts.maxBytes ?? MAX_SIP_DATAGRAM;
  let buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let skip = 0;
  while (skip + 1 < buf.length && buf[skip] === 0x0d && buf[skip + 1] === 0x0a) skip += 2;
  buf = buf.subarray(skip);
  if (buf.length === 0 || buf.every((b) => b === 0x0d || b === 0x0a)) return { ok: false, reason: 'empty', detail: 'an empty datagram (a keepalive)' };
  const oversized = buf.length > maxBytes;
  const searchIn = oversized ? buf.subarray(0, Math.min(buf.length, 16 * 1024)) : buf;
  const end = searchIn.indexOf(HEADER_END);
  if (end < 0) {
    if (oversized) return { ok: false, reason: 'oversized', detail: `a datagram of ${buf.length} bytes (cap ${maxBytes}) without a readable header section` };
    return { ok: false, reason: 'unparsable', detail: 'no empty line ending the header section' };
  }
  const head = utf8(buf.subarray(0, end + 4));
  if (head === undefined) return { ok: false, reason: 'not-utf8', detail: 'the header section is not UTF-8' };
  const parsed = parseHead(head, buf.subarray(end + 4), !oversized);
  if (oversized) {
    const request = parsed.request;
    return { ok: false, reason: 'oversized', detail: `a datagram of ${buf.length} bytes (cap ${maxBytes})`, ...(request ? { request } : {}) };
  }
  return parsed;
}

/** The top Via value with `received` (and a filled `rport`) for `source`, per §18.2.1 and RFC 3581. */
function stampTopVia(value: string, via: ViaValue, source: SipPeer): string {
  const [first, ...rest] = splitHeaderValues(value);
  const semi = first.indexOf(';');
  const sentBy = semi < 0 ? first : first.slice(0, semi);
  const params = semi < 0 ? [] : first.slice(semi + 1).split(';').map((p) => p.trim()).filter((p) => p !== '');
  const kept = params.filter((p) => !/^received\s*(=|$)/i.test(p)).map((p) => (/^rport\s*$/i.test(p) ? `rport=${source.port}` : p));
  const hostDiffers = via.host.toLowerCase() !== source.address.toLowerCase();
  if (hostDiffers || via.rport !== undefined) kept.push(`received=${source.address}`);
  return [[sentBy.trim(), ...kept].join(';'), ...rest].join(', ');
}

/**
 * The response to `request` as text (RFC 3261 §8.2.6): status line, Via values copied in order
 * (the top one stamped with `received`/`rport` when `init.source` is given), From, To (with a
 * to-tag added when absent, except on 100), Call-ID, CSeq, `Server`, extra headers, Content-Length.
 * Throws TypeError on a status outside 100..699 or a value carrying CR/LF (programming errors).
 */
export function buildResponse(request: SipRequest, status: number, init: ResponseInit = {}): string {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new TypeError(`bad SIP status ${status}`);
  const reason = init.reason ?? reasonPhrase(status);
  for (const v of [reason, init.toTag ?? '', init.server ?? '', ...(init.headers ?? [])]) {
    if (/[\r\n]/.test(v)) throw new TypeError(`a SIP response value must not contain CR or LF: ${JSON.stringify(v)}`);
  }
  const via = request.via.map((v, i) => (i === 0 && init.source ? stampTopVia(v, request.topVia, init.source) : v));
  const to = request.toTag || status === 100 ? request.to : `${request.to};tag=${init.toTag ?? randomToken(6)}`;
  const body = init.body ?? '';
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...via.map((v) => `Via: ${v}`),
    `From: ${request.from}`,
    `To: ${to}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.cseq} ${request.cseqMethod}`,
    `Server: ${init.server ?? DEFAULT_USER_AGENT}`,
    ...(init.headers ?? []),
  ];
  if (body !== '') lines.push(`Content-Type: ${init.contentType ?? 'text/plain'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Where the response to `request` received from `source` goes over UDP: the source address, at
 * the source port when the top Via asks for `rport` (RFC 3581), else at the Via's sent-by port
 * (5060 when absent, RFC 3261 §18.2.2).
 */
export function responseDestination(request: SipRequest, source: SipPeer): SipPeer {
  if (request.topVia.rport !== undefined) return { address: source.address, port: source.port };
  return { address: source.address, port: request.topVia.port ?? 5060 };
}

/**
 * The server transaction a request belongs to (RFC 3261 §17.2.3): branch + sent-by + method when
 * the branch has the magic cookie, else (RFC 2543 peers) Request-URI, tags, Call-ID, CSeq and top
 * Via. ACK is keyed as its INVITE (same key as the INVITE it acknowledges).
 */
export function transactionKey(request: SipRequest): string {
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const v = request.topVia;
  const sentBy = `${v.host.toLowerCase()}:${v.port ?? ''}`;
  if (v.branch?.startsWith('z9hG4bK')) return `${v.branch}|${sentBy}|${method}`;
  return [request.requestUri, request.fromTag ?? '', request.toTag ?? '', request.callId, request.cseq, request.via[0], method].join('|');
}
