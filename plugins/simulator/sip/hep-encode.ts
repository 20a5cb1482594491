/**
 * SIMULATOR ONLY — a small HEPv3 (HEP3/EEP) encoder, the sending side of what Homer's capture
 * agents and Kamailio's `siptrace` emit: "HEP3", u16 total length, then generic chunks (vendor 0)
 * { u16 vendor, u16 type, u16 length including the 6-byte chunk header, value }, all big-endian.
 *
 * Chunks written: 1 IP family, 2 IP protocol, 3/4 (IPv4) or 5/6 (IPv6) source/destination
 * address, 7/8 ports, 9/10 timestamp seconds/microseconds, 11 protocol type (1 SIP, 5 RTCP),
 * 12 capture id, 14 auth key (when given), 15 payload, 17 correlation id (when given),
 * 19 capture node name (when given). The product's decoder is `probes/sip/hep/decode.ts`.
 */
import { isIP } from 'node:net';

export const HEP_PROTO = { SIP: 1, RTCP: 5 } as const;
const AF_INET = 2;
const AF_INET6 = 10;
const IPPROTO_UDP = 17;

export interface HepFields {
  srcAddress: string;
  srcPort: number;
  dstAddress: string;
  dstPort: number;
  /** Capture time, epoch ms (fractions of a ms are kept as microseconds). */
  timeMs: number;
  /** 1 SIP, 5 RTCP (HEP_PROTO). */
  protocolType: number;
  captureId: number;
  payload: Buffer;
  /** Chunk 17, e.g. the Call-ID an RTCP report belongs to. */
  correlationId?: string;
  /** Chunk 14 (a secret shared with the collector). */
  authKey?: string;
  /** Chunk 19. */
  nodeName?: string;
}

function chunk(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(6 + value.length, 4);
  return Buffer.concat([head, value]);
}

function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The 4 bytes of a dotted IPv4 address. */
export function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address in any RFC 4291 text form (no embedded IPv4). */
export function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** One HEPv3 datagram. Throws RangeError when it would not fit the u16 length (a programming error). */
export function encodeHep3(f: HepFields): Buffer {
  const v6 = isIP(f.srcAddress) === 6;
  const seconds = Math.floor(f.timeMs / 1000);
  const micros = Math.floor((f.timeMs - seconds * 1000) * 1000);
  const chunks = [
    chunk(1, u8(v6 ? AF_INET6 : AF_INET)),
    chunk(2, u8(IPPROTO_UDP)),
    chunk(v6 ? 5 : 3, v6 ? ipv6Bytes(f.srcAddress) : ipv4Bytes(f.srcAddress)),
    chunk(v6 ? 6 : 4, v6 ? ipv6Bytes(f.dstAddress) : ipv4Bytes(f.dstAddress)),
    chunk(7, u16(f.srcPort)),
    chunk(8, u16(f.dstPort)),
    chunk(9, u32(seconds)),
    chunk(10, u32(micros)),
    chunk(11, u8(f.protocolType)),
    chunk(12, u32(f.captureId)),
  ];
  if (f.authKey !== undefined) chunks.push(chunk(14, Buffer.from(f.authKey, 'utf8')));
  chunks.push(chunk(15, f.payload));
  if (f.correlationId !== undefined) chunks.push(chunk(17, Buffer.from(f.correlationId, 'utf8')));
  if (f.nodeName !== undefined) chunks.push(chunk(19, Buffer.from(f.nodeName, 'utf8')));
  const total = 6 + chunks.reduce((s, c) => s + c.length, 0);
  if (total > 0xffff) throw new RangeError(`HEP3 datagram of ${total} bytes exceeds 65535`);
  const header = Buffer.alloc(6);
  header.write('HEP3', 0, 'latin1');
  header.writeUInt16BE(total, 4);
  return Buffer.concat([header, ...chunks]);
}
