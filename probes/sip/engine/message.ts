/**
 * SIP messages for the engine: requests are built here as text (RFC 3261 §8.1.1); responses are
 * read by the envelope scan (./envelope.ts: the fields transactions match on) and parsed in full
 * by sip.js when a caller needs its grammar (digest challenges, Contact, Record-Route).
 *
 * Why sip.js only for parsing (and, elsewhere, its grammar and digest authentication), not its
 * user agent: sip.js is written for browsers over WebSocket, a reliable transport, so its
 * transaction layer never retransmits (no Timer E/A over UDP), and its transport checks the
 * top Via's sent-by against its own host *without a port*, dropping every response whose Via
 * carries one (which is every response to a request sent from a UDP socket). Its parser and
 * ABNF grammar, on the other hand, are plain functions that run standalone in Node. So the engine
 * builds its own requests, owns its UDP socket, matches transactions and retransmits itself
 * (./transactions.ts, ./udp-engine.ts), and hands sip.js only the text to parse — lazily, since
 * its grammar costs milliseconds per message (./envelope.ts says how much and why).
 */
import { randomBytes } from 'node:crypto';
import { Core } from 'sip.js';
import { headerOf, scanSipMessage, type SipEnvelope } from './envelope.js';
import { scanResponseKeys, type ResponseKeys } from './response-keys.js';

/**
 * Random bytes as hex, from a pool refilled 4 KiB at a time: every request needs three tokens
 * (branch, Call-ID, tag), and a `randomBytes` call per token was a tenth of the engine's CPU.
 */
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(Math.max(4096, bytes));
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** The magic cookie every RFC 3261 branch starts with. */
export const BRANCH_COOKIE = 'z9hG4bK';

/** A fresh RFC 3261 branch: the magic cookie, then 64 random bits in hex. */
export function newBranch(): string {
  return `${BRANCH_COOKIE}${randomHex(8)}`;
}

/** A random token (tags, Call-ID local part). */
export function randomToken(bytes = 8): string {
  return randomHex(bytes);
}

/** Where a request is sent from, as written in Via and Contact. */
export interface SentBy {
  host: string;
  port: number;
  /** Transport in Via (and, for TCP, `;transport=tcp` in Contact); default UDP. */
  transport?: 'UDP' | 'TCP';
}

/** What a caller asks for; everything not given gets a fresh or default value. */
export interface SipRequestInit {
  /** The method; the engine handles non-INVITE transactions (OPTIONS, REGISTER, ...). */
  method: string;
  /** Request-URI, e.g. `sip:ping@127.0.0.1:5060`. */
  requestUri: string;
  /** From URI (default `sip:vigie@<sent-by host>`). */
  fromUri?: string;
  /** To URI (default the Request-URI). */
  toUri?: string;
  callId?: string;
  cseq?: number;
  fromTag?: string;
  branch?: string;
  maxForwards?: number;
  userAgent?: string;
  /** Extra header lines, `Name: value`, without CRLF (e.g. `Expires: 60`, `Authorization: ...`). */
  headers?: string[];
  body?: string;
  contentType?: string;
  /** User part of the Contact URI (default `vigie`); e.g. the registered user for REGISTER. */
  contactUser?: string;
  /** URI parameters appended inside the Contact URI, each `;name=value` (e.g. `;line=1a2b`, to find one's own binding in a REGISTER's 200). */
  contactUriParams?: string;
}

/** A request ready to send, with the identifiers its responses are matched by. */
export interface OutgoingRequest {
  text: string;
  method: string;
  branch: string;
  callId: string;
  cseq: number;
  fromTag: string;
}

export const DEFAULT_USER_AGENT = 'Vigie';

/** A host as written in a URI or Via: IPv6 literals in brackets. */
export function hostPort(host: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

function assertLine(what: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new TypeError(`SIP ${what} must not contain CR or LF: ${JSON.stringify(value)}`);
}

/**
 * Builds a request: Via (with a `z9hG4bK` branch and `rport`, RFC 3581), Max-Forwards, From with
 * a tag, To, Call-ID, CSeq, Contact, User-Agent, optional extra headers, Content-Length.
 * Throws TypeError on a value carrying CR/LF (a programming error, never network input).
 */
export function buildRequest(init: SipRequestInit, sentBy: SentBy): OutgoingRequest {
  const method = init.method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new TypeError(`bad SIP method ${JSON.stringify(init.method)}`);
  const branch = init.branch ?? newBranch();
  const callId = init.callId ?? `${randomToken(12)}@vigie`;
  const cseq = init.cseq ?? 1;
  const fromTag = init.fromTag ?? randomToken(6);
  const local = hostPort(sentBy.host, sentBy.port);
  const fromUri = init.fromUri ?? `sip:vigie@${hostPort(sentBy.host)}`;
  const toUri = init.toUri ?? init.requestUri;
  const body = init.body ?? '';
  const userAgent = init.userAgent ?? DEFAULT_USER_AGENT;
  const contactUser = init.contactUser ?? 'vigie';
  const contactParams = init.contactUriParams ?? '';
  const extra = init.headers === undefined || init.headers.length === 0 ? '' : `${init.headers.join('\r\n')}\r\n`;
  // One test over every caller-given value (this runs for every keepalive); which one, only on failure.
  if (/[\r\n]/.test(`${init.requestUri}${fromUri}${toUri}${callId}${branch}${fromTag}${userAgent}${contactUser}${contactParams}${extra.slice(0, -2)}`)) {
    for (const [what, v] of [
      ['Request-URI', init.requestUri],
      ['From', fromUri],
      ['To', toUri],
      ['Call-ID', callId],
      ['branch', branch],
      ['tag', fromTag],
      ['User-Agent', userAgent],
      ['Contact user', contactUser],
      ['Contact parameters', contactParams],
      ...(init.headers ?? []).map((h) => ['header', h]),
    ] as const) {
      assertLine(what, v);
    }
  }
  // Over TCP the Contact says so (RFC 3261 §19.1.1), so a registrar reaches it over TCP too.
  const contactTransport = sentBy.transport === 'TCP' ? ';transport=tcp' : '';
  const contentType = body.length > 0 ? `Content-Type: ${init.contentType ?? 'application/sdp'}\r\n` : '';
  const text = `${method} ${init.requestUri} SIP/2.0\r\n`
    + `Via: SIP/2.0/${sentBy.transport ?? 'UDP'} ${local};branch=${branch};rport\r\n`
    + `Max-Forwards: ${init.maxForwards ?? 70}\r\n`
    + `From: <${fromUri}>;tag=${fromTag}\r\n`
    + `To: <${toUri}>\r\n`
    + `Call-ID: ${callId}\r\n`
    + `CSeq: ${cseq} ${method}\r\n`
    + `Contact: <sip:${contactUser}@${local}${contactTransport}${contactParams}>\r\n`
    + `User-Agent: ${userAgent}\r\n`
    + extra
    + contentType
    + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return { text, method, branch, callId, cseq, fromTag };
}

/** A parsed response: what transactions match on, its headers as text, and sip.js's message on demand. */
export interface SipResponse {
  statusCode: number;
  reasonPhrase: string;
  /** Branch of the top Via. */
  branch: string;
  callId: string;
  cseq: number;
  /** Method of the CSeq header. */
  method: string;
  toTag?: string;
  /** First value of a header (any case, compact names too), from the envelope scan (no sip.js). */
  header(name: string): string | undefined;
  readonly body: string;
  /**
   * sip.js's parsed message (getHeader, parseHeader, body, ...), parsed on first access (see
   * ./envelope.ts for why not always). When sip.js rejects what the envelope scan accepted, an
   * empty message (no headers, no body): callers then see missing headers, never an exception.
   */
  readonly message: Core.IncomingResponseMessage;
}

export type ParseResponseResult =
  | { ok: true; response: SipResponse }
  | { ok: false; reason: 'not-utf8' | 'unparsable' | 'request' | 'missing-header' };

/** sip.js wants a Logger; a silent one (bad input is counted by the engine, not logged per packet). */
const silentLogger = ((): Core.Logger => {
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  return factory.getLogger('vigie.sip');
})();

/** sip.js's parse of a whole message, or undefined when it rejects it (it throws on some input). */
export function sipJsParse(text: string): Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined {
  try {
    return Core.Parser.parseMessage(text, silentLogger);
  } catch {
    return undefined;
  }
}

/** Biggest datagram the engine tries to parse (a UDP payload cannot be larger). */
export const MAX_SIP_DATAGRAM = 65_507;

/**
 * Parses one datagram as a SIP response: the keys transactions match on by the fast scan
 * (./response-keys.ts) when the response is in the common form, else by the envelope scan
 * (./envelope.ts), which also gives the verdict on anything odd. The header map and the body are
 * read by the envelope scan only when first asked for, sip.js's parse only when `message` is
 * first read. Never throws.
 */
export function parseResponse(data: Buffer | string): ParseResponseResult {
  let text: string;
  if (typeof data === 'string') text = data;
  else {
    if (data.length > MAX_SIP_DATAGRAM) return { ok: false, reason: 'unparsable' };
    text = data.toString('utf8');
    if (text.includes('\uFFFD')) return { ok: false, reason: 'not-utf8' };
  }
  const keys = scanResponseKeys(text);
  if (keys) return keys.statusCode < 100 || keys.statusCode > 699 ? { ok: false, reason: 'unparsable' } : { ok: true, response: new ScannedResponse(keys, text) };
  const scanned = scanSipMessage(text);
  if (!scanned.ok) return scanned.reason === 'missing-header' && scanned.type === 'request' ? { ok: false, reason: 'request' } : { ok: false, reason: scanned.reason };
  const env = scanned.envelope;
  if (env.type === 'request') return { ok: false, reason: 'request' };
  if (env.statusCode < 100 || env.statusCode > 699) return { ok: false, reason: 'unparsable' };
  if (!env.topViaBranch) return { ok: false, reason: 'missing-header' };
  const { statusCode, reasonPhrase, topViaBranch: branch, callId, cseq, cseqMethod, toTag } = env;
  return { ok: true, response: new ScannedResponse({ statusCode, reasonPhrase, branch, callId, cseq, cseqMethod, toTag }, text, env) };
}

/** A response read by one of the scans; the rest of it parsed on demand. */
class ScannedResponse implements SipResponse {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly branch: string;
  readonly callId: string;
  readonly cseq: number;
  readonly method: string;
  readonly toTag?: string;
  private parsed?: Core.IncomingResponseMessage;

  constructor(keys: ResponseKeys, private readonly text: string, private env?: SipEnvelope) {
    this.statusCode = keys.statusCode;
    this.reasonPhrase = keys.reasonPhrase;
    this.branch = keys.branch;
    this.callId = keys.callId;
    this.cseq = keys.cseq;
    this.method = keys.cseqMethod;
    this.toTag = keys.toTag;
  }

  header(name: string): string | undefined {
    const env = this.envelope();
    return env ? headerOf(env, name) : undefined;
  }

  get body(): string {
    return this.envelope()?.body ?? '';
  }

  get message(): Core.IncomingResponseMessage {
    if (!this.parsed) {
      const parsed = sipJsParse(this.text);
      this.parsed = parsed instanceof Core.IncomingResponseMessage ? parsed : new Core.IncomingResponseMessage();
    }
    return this.parsed;
  }

  /** The envelope scan's result (the fast scan's contract: it accepts whatever that one did). */
  private envelope(): SipEnvelope | undefined {
    if (!this.env) {
      const scanned = scanSipMessage(this.text);
      if (scanned.ok) this.env = scanned.envelope;
    }
    return this.env;
  }
}
