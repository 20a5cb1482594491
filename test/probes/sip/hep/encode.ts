/**
 * Test-only builders, written from the specs independently of the decoders:
 * - `encodeHep3(fields)`: a HEPv3 datagram (the HEP3/EEP chunk layout: "HEP3", u16 total length,
 *   then {u16 vendor, u16 type, u16 length incl. 6-byte header, value} chunks, big-endian);
 * - `rtcpReceiverReport(reporter, blocks)`: an RTCP RR (RFC 3550 §6.4.2) with report blocks;
 * - `sipRequest` / `sipResponse`: minimal SIP texts for call-tracking sequences.
 */
import { isIP } from 'node:net';
import { deflateSync } from 'node:zlib';

export interface HepEndpoint {
  address: string;
  port: number;
}

export interface HepFields {
  src?: HepEndpoint;
  dst?: HepEndpoint;
  /** Capture time, epoch ms (chunks 9 and 10). */
  timeMs?: number;
  /** Chunk 11: 1 SIP, 5 RTCP. Default 1. */
  protocolType?: number;
  captureId?: number;
  authKey?: string;
  payload?: Buffer | string;
  /** Send the payload deflated in chunk 16 instead of chunk 15. */
  compress?: boolean;
  correlationId?: string;
}

function chunk(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(6 + value.length, 4);
  return Buffer.concat([head, value]);
}

const u8 = (n: number): Buffer => Buffer.from([n]);
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head, tail = ''] = address.split('::');
  const groups = (s: string): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill(0), ...t] : h;
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

export function encodeHep3(f: HepFields): Buffer {
  const chunks: Buffer[] = [];
  const v6 = f.src ? isIP(f.src.address) === 6 : false;
  chunks.push(chunk(1, u8(v6 ? 10 : 2)), chunk(2, u8(17)));
  if (f.src) chunks.push(chunk(v6 ? 5 : 3, ipBytes(f.src.address)), chunk(7, u16(f.src.port)));
  if (f.dst) chunks.push(chunk(v6 ? 6 : 4, ipBytes(f.dst.address)), chunk(8, u16(f.dst.port)));
  if (f.timeMs !== undefined) {
    chunks.push(chunk(9, u32(Math.floor(f.timeMs / 1000))), chunk(10, u32((f.timeMs % 1000) * 1000)));
  }
  chunks.push(chunk(11, u8(f.protocolType ?? 1)), chunk(12, u32(f.captureId ?? 2001)));
  if (f.authKey !== undefined) chunks.push(chunk(14, Buffer.from(f.authKey, 'utf8')));
  if (f.payload !== undefined) {
    const raw = Buffer.isBuffer(f.payload) ? f.payload : Buffer.from(f.payload, 'utf8');
    chunks.push(f.compress ? chunk(16, deflateSync(raw)) : chunk(15, raw));
  }
  if (f.correlationId !== undefined) chunks.push(chunk(17, Buffer.from(f.correlationId, 'utf8')));
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(6);
  head.write('HEP3', 0, 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

/** One RTCP report block's fields (RFC 3550 §6.4.1). */
export interface BlockFields {
  ssrc: number;
  /** 0..255 (the 8-bit fraction lost). */
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Timestamp units. */
  jitter: number;
  lsr?: number;
  dlsr?: number;
}

export function rtcpReceiverReport(reporterSsrc: number, blocks: BlockFields[]): Buffer {
  const out = Buffer.alloc(8 + 24 * blocks.length);
  out[0] = 0x80 | blocks.length;
  out[1] = 201;
  out.writeUInt16BE(out.length / 4 - 1, 2);
  out.writeUInt32BE(reporterSsrc >>> 0, 4);
  blocks.forEach((b, i) => {
    const at = 8 + 24 * i;
    out.writeUInt32BE(b.ssrc >>> 0, at);
    out[at + 4] = b.fractionLost;
    out.writeUIntBE(b.cumulativeLost & 0xffffff, at + 5, 3);
    out.writeUInt32BE(b.extendedHighestSeq >>> 0, at + 8);
    out.writeUInt32BE(b.jitter >>> 0, at + 12);
    out.writeUInt32BE((b.lsr ?? 0) >>> 0, at + 16);
    out.writeUInt32BE((b.dlsr ?? 0) >>> 0, at + 20);
  });
  return out;
}

export interface SipFields {
  callId: string;
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  /** Request-URI (requests) and To URI. */
  uri?: string;
  from?: string;
  body?: string;
}

const DEFAULT_URI = 'sip:alice@198.51.100.7';

function headers(method: string, f: SipFields): string[] {
  return [
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-test-1',
    `From: <${f.from ?? 'sip:caller@192.0.2.10'}>;tag=${f.fromTag ?? 'caller-tag'}`,
    `To: <${f.uri ?? DEFAULT_URI}>${f.toTag ? `;tag=${f.toTag}` : ''}`,
    `Call-ID: ${f.callId}`,
    `CSeq: ${f.cseq ?? 1} ${method}`,
    ...(f.body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(f.body ?? '')}`,
  ];
}

export function sipRequest(method: string, f: SipFields): string {
  return [`${method} ${f.uri ?? DEFAULT_URI} SIP/2.0`, 'Max-Forwards: 70', ...headers(method, f), '', f.body ?? ''].join('\r\n');
}

/** A response to `method` (the CSeq method). */
export function sipResponse(code: number, reason: string, method: string, f: SipFields): string {
  return [`SIP/2.0 ${code} ${reason}`, ...headers(method, f), '', f.body ?? ''].join('\r\n');
}

/** An SDP body naming one audio payload. */
export function sdp(payloadType: number, rtpmap?: string): string {
  return ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', `m=audio 40000 RTP/AVP ${payloadType}`, ...(rtpmap ? [`a=rtpmap:${payloadType} ${rtpmap}`] : []), ''].join('\r\n');
}
