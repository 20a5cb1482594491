/**
 * The small part of BER that an SNMP v1/v2c agent needs: decoding request messages (version,
 * community, PDU type, request id, the two PDU integers, the requested OIDs) and encoding
 * response messages from `Varbind`s. Definite lengths only, as SNMP requires.
 *
 * net-snmp does not export its message codec, and its Agent slows sharply with table size
 * (see agent.ts), so the simulator carries this instead.
 */
import type { SnmpType, Varbind } from '../sdk/index.js';

export const PDU = { Get: 0xa0, GetNext: 0xa1, Response: 0xa2, Set: 0xa3, GetBulk: 0xa5 } as const;

/** A decoded request. For GetBulk, `a` is non-repeaters and `b` max-repetitions; otherwise error-status and error-index. */
export interface SnmpRequest {
  /** 0 = v1, 1 = v2c. */
  version: number;
  community: Buffer;
  pduType: number;
  requestId: number;
  a: number;
  b: number;
  oids: string[];
}

export class BerError extends Error {}

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(buf: Buffer, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new BerError('truncated');
  const tag = buf[pos];
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new BerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new BerError('truncated value');
  return { tag, start, end };
}

function expect(buf: Buffer, pos: number, limit: number, tag: number): Tlv {
  const t = readTlv(buf, pos, limit);
  if (t.tag !== tag) throw new BerError(`expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

function readInt(buf: Buffer, t: Tlv): number {
  const n = t.end - t.start;
  if (n < 1 || n > 6) throw new BerError('bad integer');
  return buf.readIntBE(t.start, n);
}

function readOid(buf: Buffer, t: Tlv): string {
  const subs: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (buf[i] & 0x7f);
    if (!(buf[i] & 0x80)) {
      subs.push(v);
      v = 0;
    }
  }
  if (subs.length === 0) throw new BerError('empty OID');
  const first = subs[0];
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...subs.slice(1)].join('.');
}

/** Decodes an SNMP v1/v2c message; throws `BerError` on anything else. */
export function decodeRequest(buf: Buffer): SnmpRequest {
  const msg = expect(buf, 0, buf.length, 0x30);
  const ver = expect(buf, msg.start, msg.end, 0x02);
  const version = readInt(buf, ver);
  if (version !== 0 && version !== 1) throw new BerError(`unsupported SNMP version ${version}`);
  const comm = expect(buf, ver.end, msg.end, 0x04);
  const pdu = readTlv(buf, comm.end, msg.end);
  const rid = expect(buf, pdu.start, pdu.end, 0x02);
  const a = expect(buf, rid.end, pdu.end, 0x02);
  const b = expect(buf, a.end, pdu.end, 0x02);
  const list = expect(buf, b.end, pdu.end, 0x30);
  const oids: string[] = [];
  for (let p = list.start; p < list.end; ) {
    const vb = expect(buf, p, list.end, 0x30);
    oids.push(readOid(buf, expect(buf, vb.start, vb.end, 0x06)));
    p = vb.end;
  }
  return {
    version,
    community: buf.subarray(comm.start, comm.end),
    pduType: pdu.tag,
    requestId: readInt(buf, rid),
    a: readInt(buf, a),
    b: readInt(buf, b),
    oids,
  };
}

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV; `content` may be a list of already-encoded parts. */
export function tlv(tag: number, content: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(content) ? Buffer.concat(content) : content;
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** Two's-complement, minimal-length content of an integer (signed or unsigned fits). */
function intContent(v: bigint): Buffer {
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(BigInt.asUintN(8, x));
    bytes.unshift(byte);
    x >>= 8n;
    if ((x === 0n && !(byte & 0x80)) || (x === -1n && byte & 0x80)) break;
  }
  return Buffer.from(bytes);
}

export function encodeInt(v: number | bigint, tag = 0x02): Buffer {
  return tlv(tag, intContent(BigInt(v)));
}

function oidContent(oid: string): Buffer {
  const subs = oid.split('.').map(Number);
  const [x = 0, y = 0, ...rest] = subs;
  const out: number[] = [];
  for (const s of [x * 40 + y, ...rest]) {
    const chunk: number[] = [s & 0x7f];
    for (let v = Math.floor(s / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

const TYPE_TAGS: Record<SnmpType, number> = {
  Integer: 0x02, OctetString: 0x04, Null: 0x05, OID: 0x06, IpAddress: 0x40, Counter32: 0x41, Gauge32: 0x42,
  TimeTicks: 0x43, Opaque: 0x44, Counter64: 0x46, NoSuchObject: 0x80, NoSuchInstance: 0x81, EndOfMibView: 0x82,
};

/** The encoded `SEQUENCE { name, value }` of one varbind. */
export function encodeVarbind(vb: Varbind): Buffer {
  const tag = TYPE_TAGS[vb.type];
  let value: Buffer;
  switch (vb.type) {
    case 'Integer': case 'Counter32': case 'Gauge32': case 'TimeTicks': case 'Counter64':
      value = encodeInt(typeof vb.value === 'bigint' || typeof vb.value === 'number' ? vb.value : 0, tag);
      break;
    case 'OctetString': case 'Opaque':
      value = tlv(tag, Buffer.isBuffer(vb.value) ? vb.value : Buffer.from(String(vb.value ?? '')));
      break;
    case 'OID':
      value = tlv(tag, oidContent(String(vb.value)));
      break;
    case 'IpAddress':
      value = tlv(tag, Buffer.from(String(vb.value).split('.').map(Number)));
      break;
    default:
      value = tlv(tag, Buffer.alloc(0));
  }
  return tlv(0x30, [tlv(0x06, oidContent(vb.oid)), value]);
}

/** A Response message around already-encoded varbinds. */
export function encodeResponse(req: SnmpRequest, errorStatus: number, errorIndex: number, varbinds: Buffer[]): Buffer {
  const pdu = tlv(PDU.Response, [encodeInt(req.requestId), encodeInt(errorStatus), encodeInt(errorIndex), tlv(0x30, varbinds)]);
  return tlv(0x30, [encodeInt(req.version), tlv(0x04, req.community), pdu]);
}
