/**
 * HEPv3 (HEP3 / EEP) datagram decoder: pure, synchronous, no I/O, never throws on input.
 *
 * Wire format (all integers big-endian): "HEP3" magic, u16 total length (the whole datagram,
 * header included), then chunks of { u16 vendor id, u16 chunk type, u16 length including this
 * 6-byte header, value }. Generic chunks (vendor 0) are decoded; chunks of other vendors and
 * generic types this decoder does not know are skipped and counted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { unzipSync } from 'node:zlib';
import { VigieError } from '../../../plugins/sdk/index.js';

/** HEP protocol types (chunk 11) this project cares about; other values pass through as numbers. */
export const HEP_PROTOCOL_TYPE = { SIP: 1, RTP: 4, RTCP: 5 } as const;

/** IP family values of chunk 1 (the BSD AF_INET / AF_INET6 numbers). */
export const HEP_IP_FAMILY = { IPV4: 2, IPV6: 10 } as const;

/** Payloads (inflated ones included) above this many bytes are rejected unless `maxPayload` says otherwise. */
export const DEFAULT_MAX_HEP_PAYLOAD = 128 * 1024;

const MAGIC = 'HEP3';
const HEADER_LENGTH = 6;
const CHUNK_HEADER_LENGTH = 6;
const GENERIC_VENDOR = 0;

/** Why a datagram was rejected; carried as `details.reason` of the E_HEP_DECODE error. */
export type HepRejectReason =
  | 'truncated'
  | 'bad-magic'
  | 'length-mismatch'
  | 'chunk-overrun'
  | 'chunk-size'
  | 'payload-too-large'
  | 'inflate'
  | 'auth-key';

/**
 * One decoded HEPv3 datagram. Every field comes from a chunk and is absent when the chunk is.
 * The auth key itself is never exposed (only whether one was present), so a packet can be
 * logged or forwarded without leaking it.
 */
export interface HepPacket {
  /** Chunk 1: 2 = IPv4, 10 = IPv6 (see HEP_IP_FAMILY). */
  ipFamily?: number;
  /** Chunk 2: IP protocol number of the captured packet (17 UDP, 6 TCP, 132 SCTP). */
  ipProtocol?: number;
  /** Chunks 3/5 and 4/6: textual addresses (IPv6 in RFC 5952 compressed form). */
  srcAddress?: string;
  dstAddress?: string;
  /** Chunks 7 and 8. */
  srcPort?: number;
  dstPort?: number;
  /** Chunks 9 and 10: capture time as sent; `timeMs` combines them when seconds are present. */
  timeSec?: number;
  timeUsec?: number;
  timeMs?: number;
  /** Chunk 11: 1 SIP, 5 RTCP, ... (see HEP_PROTOCOL_TYPE). */
  protocolType?: number;
  /** Chunk 12: capture agent id. */
  captureId?: number;
  /** Chunk 13: keep-alive timer, seconds. */
  keepAliveSec?: number;
  /** Chunk 14 was present (its value is checked against `authKey`, never returned). */
  authKeyPresent: boolean;
  /** Chunk 15, or chunk 16 after inflation. */
  payload?: Buffer;
  /** True when the payload came from chunk 16 (compressed). */
  compressed: boolean;
  /** Chunk 17: correlation id (e.g. the Call-ID an RTCP report belongs to). */
  correlationId?: string;
  /** Chunk 18. */
  vlan?: number;
  /** Chunk 19: capture node name. */
  nodeName?: string;
  /** Chunks skipped: other vendors' chunks and generic types this decoder does not know. */
  skippedChunks: number;
}

/** Options of decodeHep3. */
export interface HepDecodeOptions {
  /** When set, the datagram must carry chunk 14 with exactly this value. */
  authKey?: string | Buffer;
  /** Largest payload accepted, raw or inflated, in bytes (default DEFAULT_MAX_HEP_PAYLOAD). */
  maxPayload?: number;
}

/** Outcome of decodeHep3: the packet, or an E_HEP_DECODE VigieError whose details name the reason. */
export type HepDecodeResult = { ok: true; packet: HepPacket } | { ok: false; error: VigieError };

/**
 * Decodes one HEPv3 datagram. Never throws on input: every malformed, oversized or
 * unauthenticated datagram yields `{ ok: false, error }` with code E_HEP_DECODE.
 */
export function decodeHep3(buf: Uint8Array, opts: HepDecodeOptions = {}): HepDecodeResult {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (data.length < HEADER_LENGTH) return reject('truncated', 'shorter than the HEP3 header', { length: data.length });
  if (data.toString('latin1', 0, 4) !== MAGIC) return reject('bad-magic', 'does not start with "HEP3"');
  const total = data.readUInt16BE(4);
  if (total < HEADER_LENGTH) return reject('length-mismatch', 'total length is smaller than the header', { total });
  if (data.length < total) return reject('truncated', 'shorter than its total length', { total, length: data.length });
  if (data.length > total) return reject('length-mismatch', 'longer than its total length', { total, length: data.length });

  const maxPayload = payloadLimit(opts.maxPayload);
  const packet: HepPacket = { authKeyPresent: false, compressed: false, skippedChunks: 0 };
  let authKey: Buffer | undefined;
  let offset = HEADER_LENGTH;
  while (offset < total) {
    if (total - offset < CHUNK_HEADER_LENGTH) return reject('chunk-overrun', 'a chunk header is cut by the end', { offset });
    const vendor = data.readUInt16BE(offset);
    const type = data.readUInt16BE(offset + 2);
    const length = data.readUInt16BE(offset + 4);
    if (length < CHUNK_HEADER_LENGTH || offset + length > total) {
      return reject('chunk-overrun', 'a chunk length runs past the datagram or is below its header', { offset, chunkType: type, chunkLength: length });
    }
    const value = data.subarray(offset + CHUNK_HEADER_LENGTH, offset + length);
    offset += length;
    if (vendor !== GENERIC_VENDOR) {
      packet.skippedChunks++;
      continue;
    }
    const outcome = applyGenericChunk(packet, type, value, maxPayload);
    if (outcome === 'auth-key') authKey = value;
    else if (outcome === 'skip') packet.skippedChunks++;
    else if (outcome) return outcome.result;
  }
  if (packet.timeSec !== undefined) packet.timeMs = packet.timeSec * 1000 + Math.floor((packet.timeUsec ?? 0) / 1000);
  packet.authKeyPresent = authKey !== undefined;
  if (opts.authKey !== undefined && !authKeyMatches(authKey, opts.authKey)) {
    return reject('auth-key', authKey ? 'the auth key does not match' : 'the auth key is missing', { present: authKey !== undefined });
  }
  return { ok: true, packet };
}

type ChunkOutcome = undefined | 'skip' | 'auth-key' | { result: HepDecodeResult };

/** Value sizes of the fixed-size generic chunks; a chunk of another size is rejected. */
const FIXED_VALUE_SIZE: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 4, 4: 4, 5: 16, 6: 16, 7: 2, 8: 2, 9: 4, 10: 4, 11: 1, 12: 4, 13: 2, 18: 2 };

/** Stores one generic chunk's value into the packet; says when to skip it, or why to reject the datagram. */
function applyGenericChunk(packet: HepPacket, type: number, value: Buffer, maxPayload: number): ChunkOutcome {
  const size = FIXED_VALUE_SIZE[type];
  if (size !== undefined && value.length !== size) {
    return { result: reject('chunk-size', `chunk ${type} must carry ${size} bytes`, { chunkType: type, valueLength: value.length }) };
  }
  switch (type) {
    case 1: packet.ipFamily = value[0]; break;
    case 2: packet.ipProtocol = value[0]; break;
    case 3: packet.srcAddress = formatIpv4(value); break;
    case 4: packet.dstAddress = formatIpv4(value); break;
    case 5: packet.srcAddress = formatIpv6(value); break;
    case 6: packet.dstAddress = formatIpv6(value); break;
    case 7: packet.srcPort = value.readUInt16BE(0); break;
    case 8: packet.dstPort = value.readUInt16BE(0); break;
    case 9: packet.timeSec = value.readUInt32BE(0); break;
    case 10: packet.timeUsec = value.readUInt32BE(0); break;
    case 11: packet.protocolType = value[0]; break;
    case 12: packet.captureId = value.readUInt32BE(0); break;
    case 13: packet.keepAliveSec = value.readUInt16BE(0); break;
    case 14: return 'auth-key';
    case 15: return setPayload(packet, value, false, maxPayload);
    case 16: return setPayload(packet, value, true, maxPayload);
    case 17: packet.correlationId = text(value); break;
    case 18: packet.vlan = value.readUInt16BE(0); break;
    case 19: packet.nodeName = text(value); break;
    default: return 'skip';
  }
  return undefined;
}

/** Sets the payload, inflating chunk 16 (zlib or gzip) with the output bounded by maxPayload. */
function setPayload(packet: HepPacket, value: Buffer, compressed: boolean, maxPayload: number): ChunkOutcome {
  if (!compressed) {
    if (value.length > maxPayload) return { result: reject('payload-too-large', 'the payload exceeds maxPayload', { length: value.length, maxPayload }) };
    packet.payload = Buffer.from(value);
    packet.compressed = false;
    return undefined;
  }
  try {
    packet.payload = unzipSync(value, { maxOutputLength: maxPayload });
    packet.compressed = true;
    return undefined;
  } catch (e) {
    const tooLarge = (e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    return tooLarge
      ? { result: reject('payload-too-large', 'the inflated payload exceeds maxPayload', { maxPayload }) }
      : { result: reject('inflate', 'the compressed payload cannot be inflated', { cause: (e as Error).message }) };
  }
}

/** A usable maxOutputLength for zlib: a positive integer up to 64 MiB, else the default. */
function payloadLimit(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested) || requested < 1) return DEFAULT_MAX_HEP_PAYLOAD;
  return Math.min(Math.floor(requested), 64 * 1024 * 1024);
}

/** Constant-time comparison through SHA-256 digests (equal length, no early exit on content). */
function authKeyMatches(got: Buffer | undefined, expected: string | Buffer): boolean {
  if (got === undefined) return false;
  const digest = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  return timingSafeEqual(digest(stripTrailingNul(got)), digest(stripTrailingNul(want)));
}

/** String chunks: UTF-8, with trailing NULs (sent by some C agents) removed. */
function text(value: Buffer): string {
  return stripTrailingNul(value).toString('utf8');
}

function stripTrailingNul(value: Buffer): Buffer {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end--;
  return value.subarray(0, end);
}

function formatIpv4(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952 text form: lower-case hex, the longest run (2+) of zero groups shortened to "::". */
function formatIpv6(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

function reject(reason: HepRejectReason, message: string, details: Record<string, unknown> = {}): HepDecodeResult {
  return { ok: false, error: new VigieError('E_HEP_DECODE', `HEP3 datagram rejected: ${message}`, { reason, ...details }) };
}
