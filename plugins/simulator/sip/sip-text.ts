/**
 * SIMULATOR ONLY — not product code. The few SIP text operations the simulated trunk needs:
 * split a request into start line, headers and body, and write a response to it. Vigie's real
 * SIP engine (`probes/sip/engine/`, parsing with sip.js) is not imported: a plugin imports only
 * the SDK. This parser is lenient and small on purpose (no quoted-string aware header
 * splitting, no multi-value header splitting); it is fed by test clients on loopback.
 */

/** A request as the responder sees it; header names are lower-cased long forms. */
export interface SipRequestText {
  method: string;
  uri: string;
  /** Every header line in order, by lower-cased long name (compact forms expanded). */
  headers: { name: string; value: string }[];
  body: string;
}

/** RFC 3261 §7.3.3 compact forms. */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
  f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via',
};

/** Biggest datagram parsed (a UDP payload cannot be larger). */
const MAX_DATAGRAM = 65_507;

/**
 * Parses a datagram as a SIP request, or returns undefined (a response, not UTF-8, no start
 * line, a header line without a colon). Folded header lines (leading white space) are joined.
 */
export function parseSipRequest(data: Buffer): SipRequestText | undefined {
  if (data.length > MAX_DATAGRAM) return undefined;
  const text = data.toString('utf8');
  if (text.includes('\uFFFD')) return undefined;
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  const lines = head.split(/\r?\n/);
  const start = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(lines[0]?.trim() ?? '');
  if (!start) return undefined;
  const headers: { name: string; value: string }[] = [];
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const raw = line.slice(0, colon).trim().toLowerCase();
    headers.push({ name: COMPACT[raw] ?? raw, value: line.slice(colon + 1).trim() });
  }
  return { method: start[1].toUpperCase(), uri: start[2], headers, body };
}

/** The first value of a header (lower-cased long name), or undefined. */
export function header(req: SipRequestText, name: string): string | undefined {
  return req.headers.find((h) => h.name === name)?.value;
}

/** Every value of a header, in order. */
export function headers(req: SipRequestText, name: string): string[] {
  return req.headers.filter((h) => h.name === name).map((h) => h.value);
}

/** The headers a response must copy (RFC 3261 §8.2.6.2) are all present. */
export function hasDialogHeaders(req: SipRequestText): boolean {
  return ['via', 'from', 'to', 'call-id', 'cseq'].every((n) => header(req, n) !== undefined);
}

/** A host as written in a URI or Via: IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * A response to `req`: status line, its Via lines, From, To (with `toTag` added when the To has
 * no tag yet), Call-ID and CSeq copied, then `extra` lines (`Name: value`), Content-Length 0.
 */
export function buildResponse(req: SipRequestText, code: number, reason: string, toTag: string, extra: string[] = []): string {
  const to = header(req, 'to') ?? '';
  const lines = [
    `SIP/2.0 ${code} ${reason}`,
    ...headers(req, 'via').map((v) => `Via: ${v}`),
    `From: ${header(req, 'from') ?? ''}`,
    `To: ${/;\s*tag=/i.test(to) || code === 100 ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${header(req, 'call-id') ?? ''}`,
    `CSeq: ${header(req, 'cseq') ?? ''}`,
    ...extra,
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
