/**
 * SDP (RFC 4566) for test calls, offer/answer per RFC 3264: the offer Vigie sends (one audio
 * stream, G.711 µ-law and A-law, 8 kHz, ptime 20 ms) and the reading of the answer: where to send
 * RTP (the `c=` of the audio `m=` line, else the session's) and which of the offered codecs the far
 * end picked (the first offered payload type on its `m=` line).
 *
 * The answer comes from the network: `parseSdpAnswer` never throws; anything unusable is an
 * `E_SDP_ANSWER` VigieError in the result (a failed call, never a crash).
 */
import { isIP } from 'node:net';
import { VigieError } from '../../../plugins/sdk/index.js';

/** G.711 codecs a test call can offer, with their static RTP payload types (RFC 3551). */
export const G711 = {
  PCMU: { payloadType: 0, name: 'PCMU', clockRate: 8000 },
  PCMA: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
} as const;

export type G711Codec = keyof typeof G711;

/** What the offer says about us. */
export interface SdpOfferInit {
  /** Address RTP is received on (IPv4 or IPv6 literal). */
  address: string;
  port: number;
  /** Preferred codec, offered first; the other G.711 law follows. */
  codec: G711Codec;
  /** Packetisation time, ms (default 20). */
  ptimeMs?: number;
  /** `o=` session id (default a number from the clock). */
  sessionId?: string;
}

function addrType(address: string): 'IP4' | 'IP6' {
  return isIP(address) === 6 ? 'IP6' : 'IP4';
}

/** The offer: one `sendrecv` audio stream with both G.711 laws, the preferred first. */
export function buildSdpOffer(init: SdpOfferInit): string {
  const order: G711Codec[] = init.codec === 'PCMA' ? ['PCMA', 'PCMU'] : ['PCMU', 'PCMA'];
  const id = init.sessionId ?? String(Date.now());
  const t = addrType(init.address);
  const lines = [
    'v=0',
    `o=vigie ${id} ${id} IN ${t} ${init.address}`,
    's=Vigie test call',
    `c=IN ${t} ${init.address}`,
    't=0 0',
    `m=audio ${init.port} RTP/AVP ${order.map((c) => G711[c].payloadType).join(' ')}`,
    ...order.map((c) => `a=rtpmap:${G711[c].payloadType} ${G711[c].name}/${G711[c].clockRate}`),
    `a=ptime:${init.ptimeMs ?? 20}`,
    'a=sendrecv',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** What the answer says: where RTP goes and in which codec. */
export interface SdpAnswer {
  address: string;
  port: number;
  codec: G711Codec;
  payloadType: number;
  /** Direction attribute of the stream (or session); `sendrecv` when none. */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** `a=ptime` of the stream, when given. */
  ptimeMs?: number;
}

export type SdpAnswerReason =
  | 'no-sdp' | 'too-large' | 'not-sdp' | 'no-audio' | 'audio-refused' | 'bad-media-line' | 'unsupported-profile'
  | 'no-connection' | 'bad-connection' | 'no-common-codec';

export type SdpAnswerResult = { ok: true; answer: SdpAnswer } | { ok: false; error: VigieError };

/** Biggest SDP body read (a UDP datagram cannot carry more anyway). */
export const MAX_SDP_BYTES = 65_535;

function refuse(reason: SdpAnswerReason, message: string, extra: Record<string, unknown> = {}): SdpAnswerResult {
  return { ok: false, error: new VigieError('E_SDP_ANSWER', `unusable SDP answer: ${message}`, { reason, ...extra }) };
}

/** `IN IP4 192.0.2.1[/ttl[/n]]` → the address, or undefined. */
function connectionAddress(value: string): string | undefined {
  const m = /^IN\s+(IP4|IP6)\s+([^\s/]+)(?:\/\d+){0,2}\s*$/i.exec(value.trim());
  if (!m) return undefined;
  const family = isIP(m[2]);
  if (family === (m[1].toUpperCase() === 'IP6' ? 6 : 4)) return m[2];
  // RFC 4566 allows an FQDN: letters, digits, dots and dashes, a top label not all digits (so 999.1.1.1 is no name).
  const fqdn = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(m[2]) && /[A-Za-z]/.test(m[2].split('.').at(-1) ?? '');
  return family === 0 && fqdn ? m[2] : undefined;
}

const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;

/**
 * Reads an SDP answer to {@link buildSdpOffer}: the first `m=audio` line, its `c=` (else the
 * session-level one), its payload types (the first one we offered is the codec; an `a=rtpmap`
 * naming PCMU/PCMA for a dynamic type counts too), its direction and ptime. Tolerates LF-only line
 * ends, blank lines, spaces around `=`-values and unknown lines. Never throws.
 */
export function parseSdpAnswer(body: string | undefined, offered: readonly G711Codec[] = ['PCMU', 'PCMA']): SdpAnswerResult {
  if (body === undefined || body.trim() === '') return refuse('no-sdp', 'the answer has no body');
  if (body.length > MAX_SDP_BYTES) return refuse('too-large', `an SDP body of ${body.length} characters`, { length: body.length });
  const lines = body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (!/^v=\s*0$/.test(lines[0] ?? '')) return refuse('not-sdp', 'the body does not start with v=0');
  let sessionConnection: string | undefined;
  let sessionDirection: SdpAnswer['direction'] | undefined;
  let media: { port: string; proto: string; formats: string[]; lines: string[] } | undefined;
  let inOtherMedia = false;
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq !== 1) continue;
    const type = line[0];
    const value = line.slice(2).trim();
    if (type === 'm') {
      if (media) break;
      const [kind, port, proto, ...formats] = value.split(/\s+/);
      if (kind?.toLowerCase() === 'audio') {
        media = { port: port ?? '', proto: proto ?? '', formats, lines: [] };
        inOtherMedia = false;
      } else inOtherMedia = true;
      continue;
    }
    if (media) media.lines.push(line);
    else if (!inOtherMedia) {
      if (type === 'c') sessionConnection = value;
      const dir = DIRECTIONS.find((d) => value === d);
      if (type === 'a' && dir) sessionDirection = dir;
    }
  }
  if (!media) return refuse('no-audio', 'no m=audio line');
  const portMatch = /^(\d{1,5})(?:\/\d+)?$/.exec(media.port);
  const port = portMatch ? Number(portMatch[1]) : NaN;
  if (!Number.isInteger(port) || port > 65535) return refuse('bad-media-line', `m=audio port "${media.port.slice(0, 20)}" is not a port`);
  if (port === 0) return refuse('audio-refused', 'the far end refused the audio stream (port 0)');
  if (!/^RTP\/AVP$/i.test(media.proto)) return refuse('unsupported-profile', `transport ${media.proto.slice(0, 20) || '(none)'} (only RTP/AVP is sent)`, { proto: media.proto.slice(0, 20) });
  const mediaC = media.lines.find((l) => l.startsWith('c='));
  const connection = mediaC ? mediaC.slice(2).trim() : sessionConnection;
  if (connection === undefined) return refuse('no-connection', 'no c= line for the audio stream');
  const address = connectionAddress(connection);
  if (!address) return refuse('bad-connection', `c=${connection.slice(0, 60)} is not IN IP4/IP6 <address>`);
  const rtpmap = new Map<number, string>();
  let ptimeMs: number | undefined;
  let direction = sessionDirection ?? 'sendrecv';
  for (const l of media.lines) {
    const m = /^a=rtpmap:\s*(\d{1,3})\s+([A-Za-z0-9_.-]+)\/(\d+)/.exec(l);
    if (m) rtpmap.set(Number(m[1]), m[2].toUpperCase());
    const p = /^a=ptime:\s*(\d+(?:\.\d+)?)\s*$/.exec(l);
    if (p) ptimeMs = Number(p[1]);
    const dir = DIRECTIONS.find((d) => l === `a=${d}`);
    if (dir) direction = dir;
  }
  for (const f of media.formats) {
    if (!/^\d{1,3}$/.test(f)) continue;
    const pt = Number(f);
    const name = rtpmap.get(pt) ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : undefined);
    const codec = offered.find((c) => c === name);
    if (codec) return { ok: true, answer: { address, port, codec, payloadType: pt, direction, ...(ptimeMs !== undefined ? { ptimeMs } : {}) } };
  }
  return refuse('no-common-codec', `none of the answered formats (${media.formats.join(' ').slice(0, 60)}) is an offered codec (${offered.join(', ')})`);
}
