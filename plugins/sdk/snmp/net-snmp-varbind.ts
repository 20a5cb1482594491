/**
 * Conversion of `net-snmp` varbinds to the SDK's `Varbind` (see `types.ts` for the value of
 * each type). BER types the SDK does not name are folded: Boolean → Integer (1/0),
 * BitString → OctetString, anything unknown → Opaque.
 */
import type { SnmpType, Varbind } from './types.js';

const TYPE_NAMES: Record<number, SnmpType> = {
  1: 'Integer',
  2: 'Integer',
  3: 'OctetString',
  4: 'OctetString',
  5: 'Null',
  6: 'OID',
  64: 'IpAddress',
  65: 'Counter32',
  66: 'Gauge32',
  67: 'TimeTicks',
  68: 'Opaque',
  70: 'Counter64',
  128: 'NoSuchObject',
  129: 'NoSuchInstance',
  130: 'EndOfMibView',
};

/** The shape net-snmp hands to callbacks (its typings call it `Varbind` too). */
export interface RawVarbind {
  oid: string;
  type?: number;
  value?: unknown;
}

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (v === null || v === undefined) return Buffer.alloc(0);
  return Buffer.from(String(v), 'utf8');
}

/** Big-endian unsigned bytes (net-snmp's Counter64 encoding) → bigint. */
export function bytesToBigint(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  let n = 0n;
  for (const b of toBuffer(v)) n = (n << 8n) | BigInt(b);
  return n;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return Number(v);
}

/** The SDK type of a BER tag (an array: this runs once per varbind of every walk). */
const TYPE_BY_TAG: (SnmpType | undefined)[] = [];
for (const [tag, name] of Object.entries(TYPE_NAMES)) TYPE_BY_TAG[Number(tag)] = name;

function typeOf(tag: number | undefined): SnmpType {
  return tag === undefined ? 'Null' : (TYPE_BY_TAG[tag] ?? 'Opaque');
}

function valueOf(type: SnmpType, v: unknown): Varbind['value'] {
  switch (type) {
    case 'Integer':
    case 'Counter32':
    case 'Gauge32':
    case 'TimeTicks':
      return toNumber(v);
    case 'OctetString':
    case 'Opaque':
      return toBuffer(v);
    case 'Counter64':
      return bytesToBigint(v);
    case 'OID':
    case 'IpAddress':
      return String(v);
    default:
      return null;
  }
}

export function fromNetSnmp(raw: RawVarbind): Varbind {
  const type = typeOf(raw.type);
  return { oid: raw.oid, type, value: valueOf(type, raw.value) };
}

/**
 * `fromNetSnmp` without a new object: turns net-snmp's own varbind into the SDK's in place (same
 * fields, same order) and returns it. Only for varbinds handed over for good, as a GETBULK
 * answer is (net-snmp never reads them again): the walks keep thousands of rows until they end,
 * and one object per row instead of two is less for the garbage collector to carry.
 */
export function adoptNetSnmp(raw: RawVarbind): Varbind {
  const out = raw as unknown as { oid: string; type: SnmpType; value: Varbind['value'] };
  const type = typeOf(raw.type);
  out.value = valueOf(type, raw.value);
  out.type = type;
  return out;
}
