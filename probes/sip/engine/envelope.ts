/**
 * The envelope of a SIP message: its start line, its headers as text and its body, plus the few
 * fields the hot paths read (transaction matching: top Via branch, Call-ID, CSeq; call tracking:
 * From/To tags and URIs). Hand-written on purpose, beside sip.js:
 *
 * sip.js's grammar is a size-optimised PEG parser whose generated `peg$parse` rebuilds its whole
 * bytecode table (≈ 230 rules decoded from strings) on every call, and `Parser.parseMessage` calls
 * it once for the start line and once per well-known header: measured here ≈ 0.6 ms per header,
 * 2–4 ms per OPTIONS response. At the 500 OPTIONS/s that is a whole core for parsing alone
 * (the goal is < 10 % for everything), and it caps a HEP collector at ~200 messages/s. So the
 * engine and the collector read what they match and count on with this linear scan (≈ 5 µs), and
 * hand the message to sip.js only when a caller needs its full grammar (a digest challenge,
 * Contact parameters, a Record-Route set): `SipResponse.message` in ./message.ts is parsed
 * lazily. `test/probes/sip/engine/envelope.test.ts` checks that both read the same fields on a
 * corpus of real messages and on fuzzed ones.
 *
 * Contract of `scanSipMessage(text)`: never throws; gives the envelope, or the reason the text is
 * not a SIP message (`unparsable`: no valid start line or header section; `missing-header`: no
 * Call-ID, or no CSeq `<number> <method>`). Folded header lines (RFC 3261 §7.3.1) are unfolded,
 * compact header names are expanded, names are matched case-insensitively, a header repeated or
 * written as a comma list keeps every value in order, and the body is cut at Content-Length.
 */

/** RFC 3261 §7.3.3 compact forms (and those of later RFCs) → full lower-case names. */
const COMPACT: Readonly<Record<string, string>> = {
  v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type',
  e: 'content-encoding', k: 'supported', s: 'subject', o: 'event', u: 'allow-events', r: 'refer-to',
  b: 'referred-by', x: 'session-expires', a: 'accept-contact', j: 'reject-contact', d: 'request-disposition', y: 'identity',
};

/** Headers whose value may be a comma-separated list of entries (split for `headers()`). */
const LIST_HEADERS = new Set(['via', 'contact', 'route', 'record-route']);

interface EnvelopeCommon {
  /** Header values by full lower-case name, unfolded, in order. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  readonly callId: string;
  readonly cseq: number;
  /** Method of the CSeq header, upper case. */
  readonly cseqMethod: string;
  /** `branch` of the first Via entry. */
  readonly topViaBranch?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
}

export interface RequestEnvelope extends EnvelopeCommon {
  readonly type: 'request';
  readonly method: string;
  readonly requestUri: string;
}

export interface ResponseEnvelope extends EnvelopeCommon {
  readonly type: 'response';
  readonly statusCode: number;
  readonly reasonPhrase: string;
}

export type SipEnvelope = RequestEnvelope | ResponseEnvelope;

export type ScanResult =
  | { ok: true; envelope: SipEnvelope }
  | { ok: false; reason: 'unparsable' }
  /** `type`: what the start line says the message is. */
  | { ok: false; reason: 'missing-header'; type: 'request' | 'response' };

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([0-9]{3}) ?(.*)$/;
const HEADER_NAME = /^[!%'*+\-.0-9A-Z_`a-z~]+$/;
const CSEQ = /^([0-9]{1,10})\s+([A-Za-z]+)$/;

/** The first value of a header (full or compact name, any case). */
export function headerOf(env: Pick<EnvelopeCommon, 'fields'>, name: string): string | undefined {
  return env.fields.get(fullName(name))?.[0];
}

/** Every value of a header; list headers (Via, Contact, Route, Record-Route) split at top-level commas. */
export function headersOf(env: Pick<EnvelopeCommon, 'fields'>, name: string): string[] {
  const full = fullName(name);
  const values = env.fields.get(full) ?? [];
  return LIST_HEADERS.has(full) ? values.flatMap(splitList) : [...values];
}

function fullName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** Splits at commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

/**
 * A `;name=value` parameter of a header value, outside its `<…>` part; `name` in lower case.
 * Walks the parameters in place (it runs twice per answer on the engine's hot path): a parameter
 * is what lies between two `;`, its name before any `=` (trimmed, any case), its value after
 * (trimmed, surrounding quotes removed); a bare name has the value ''.
 */
export function headerParam(value: string, name: string): string | undefined {
  const close = value.lastIndexOf('>');
  let at = close >= 0 ? close + 1 : value.indexOf(';');
  if (at < 0) return undefined;
  const end = value.length;
  while (at <= end) {
    let next = value.indexOf(';', at);
    if (next < 0) next = end;
    const eq = value.indexOf('=', at);
    const keyEnd = eq >= 0 && eq < next ? eq : next;
    const key = value.slice(at, keyEnd).trim();
    if (key.length === name.length && key.toLowerCase() === name) {
      if (keyEnd === next) return '';
      return value.slice(keyEnd + 1, next).trim().replace(/^"(.*)"$/, '$1');
    }
    at = next + 1;
  }
  return undefined;
}

/** The URI of a name-addr or addr-spec header value (`"Bob" <sip:b@h>;tag=1` → `sip:b@h`). */
export function headerUri(value: string): string | undefined {
  const open = value.indexOf('<');
  if (open >= 0) {
    const close = value.indexOf('>', open);
    return close > open ? value.slice(open + 1, close).trim() : undefined;
  }
  const uri = value.split(';')[0].trim();
  return uri.length > 0 ? uri : undefined;
}

export function scanSipMessage(text: string): ScanResult {
  // Header section: up to the first empty line (CRLF CRLF, or bare LF LF as sip.js also accepts).
  let headEnd = text.indexOf('\r\n\r\n');
  let bodyStart = headEnd + 4;
  const lf = text.indexOf('\n\n');
  if (lf >= 0 && (headEnd < 0 || lf < headEnd)) {
    headEnd = lf;
    bodyStart = lf + 2;
  }
  if (headEnd < 0) {
    headEnd = text.length;
    bodyStart = text.length;
  }
  const lines = text.slice(0, headEnd).split(/\r?\n/);
  const start = lines[0] ?? '';
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    if (line[0] === ' ' || line[0] === '\t') {
      // folding: continues the previous header's value
      if (!last || last.length === 0) return { ok: false, reason: 'unparsable' };
      last[last.length - 1] = `${last[last.length - 1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'unparsable' };
    const rawName = line.slice(0, colon).trim();
    if (!HEADER_NAME.test(rawName)) return { ok: false, reason: 'unparsable' };
    const name = fullName(rawName);
    last = fields.get(name);
    if (!last) fields.set(name, (last = []));
    last.push(line.slice(colon + 1).trim());
  }
  const env = { fields } as const;
  const callId = headerOf(env, 'call-id');
  const cseqMatch = CSEQ.exec(headerOf(env, 'cseq') ?? '');
  let body = text.slice(bodyStart);
  const length = Number(headerOf(env, 'content-length'));
  if (Number.isInteger(length) && length >= 0 && length < body.length) body = body.slice(0, length);
  const via = headersOf(env, 'via')[0];
  const from = headerOf(env, 'from');
  const to = headerOf(env, 'to');

  const req = REQUEST_LINE.exec(start);
  const res = req ? undefined : STATUS_LINE.exec(start);
  if (!req && !res) return { ok: false, reason: 'unparsable' };
  if (!callId || !cseqMatch) return { ok: false, reason: 'missing-header', type: req ? 'request' : 'response' };
  const common = {
    fields, body, callId, cseq: Number(cseqMatch[1]), cseqMethod: cseqMatch[2].toUpperCase(),
    topViaBranch: via === undefined ? undefined : headerParam(via, 'branch') || undefined,
    fromTag: from === undefined ? undefined : headerParam(from, 'tag') || undefined,
    toTag: to === undefined ? undefined : headerParam(to, 'tag') || undefined,
  };
  if (req) return { ok: true, envelope: { ...common, type: 'request', method: req[1].toUpperCase(), requestUri: req[2] } };
  return { ok: true, envelope: { ...common, type: 'response', statusCode: Number(res![1]), reasonPhrase: res![2].trim() } };
}
