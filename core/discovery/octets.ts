/**
 * Decoding the OCTET STRING values and table indexes LLDP-MIB and CISCO-CDP-MIB carry:
 * chassis and port ids (MAC, address or text), management addresses in table indexes, and
 * capability bit maps.
 */
import type { NodeKind, Varbind } from '../../plugins/sdk/index.js';
import { normaliseIp } from './cidr.js';
import { ADDRESS_FAMILY, CHASSIS_SUBTYPE, PORT_SUBTYPE } from './mibs.js';

/** The bytes of an OctetString varbind (a string value, e.g. from a recording, as UTF-8). */
export function octets(vb: Varbind | undefined): Buffer {
  if (!vb || vb.value === null) return Buffer.alloc(0);
  return Buffer.isBuffer(vb.value) ? vb.value : Buffer.from(String(vb.value), 'utf8');
}

/** True when every byte is printable ASCII (trailing NULs ignored) and there is at least one. */
export function isPrintable(b: Buffer): boolean {
  const t = trimNul(b);
  return t.length > 0 && t.every((c) => c >= 0x20 && c < 0x7f);
}

function trimNul(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

export function text(b: Buffer): string {
  return trimNul(b).toString('latin1').trim();
}

/** `aa:bb:cc:dd:ee:ff` (lower case) for 6 bytes or for a printable MAC in any usual notation. */
export function macText(b: Buffer): string | undefined {
  if (b.length === 6) return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  if (!isPrintable(b)) return undefined;
  const hex = text(b).toLowerCase().replace(/[^0-9a-f]/g, '');
  const ok = /^([0-9a-f]{2}[-:.]?){5}[0-9a-f]{2}$|^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/i.test(text(b));
  return ok && hex.length === 12 ? hex.match(/../g)!.join(':') : undefined;
}

/** Hex with colons, for ids that are neither text nor a MAC. */
export function hexText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** An address from raw bytes: 4 → IPv4, 16 → IPv6; else undefined. */
export function addressFromBytes(b: Buffer): string | undefined {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) return normaliseIp(b.toString('hex').match(/.{4}/g)!.join(':'));
  if (isPrintable(b)) return normaliseIp(text(b)); // some agents (and recordings) give the address as text
  return undefined;
}

/** A chassis id as text: MAC for macAddress, the address for networkAddress, else the text or hex. */
export function chassisIdText(subtype: number | undefined, b: Buffer): string {
  if (subtype === CHASSIS_SUBTYPE.macAddress) return macText(b) ?? (isPrintable(b) ? text(b) : hexText(b));
  if (subtype === CHASSIS_SUBTYPE.networkAddress && b.length > 1) {
    const addr = addressFromBytes(b.subarray(1));
    if (addr) return addr;
  }
  return isPrintable(b) ? text(b) : hexText(b);
}

/**
 * The name of a port from its LLDP port id and description: the id when it is an interface
 * name (or a non-numeric local name), else the description, else the id as text/MAC/hex.
 */
export function portNameOf(subtype: number | undefined, id: Buffer, desc: string): string {
  const idText = isPrintable(id) ? text(id) : '';
  if (subtype === PORT_SUBTYPE.interfaceName && idText) return idText;
  if (subtype === PORT_SUBTYPE.local && idText && !/^\d+$/.test(idText)) return idText;
  if (desc) return desc;
  if (subtype === PORT_SUBTYPE.macAddress) return macText(id) ?? hexText(id);
  return idText || hexText(id);
}

/** Every name a port may be known by (id text, description), for matching the two ends of a link. */
export function portAliases(subtype: number | undefined, id: Buffer, desc: string, extra: (string | undefined)[] = []): string[] {
  const out = new Set<string>();
  out.add(portNameOf(subtype, id, desc));
  if (isPrintable(id)) out.add(text(id));
  if (subtype === PORT_SUBTYPE.macAddress) out.add(macText(id) ?? hexText(id));
  if (desc) out.add(desc);
  for (const e of extra) if (e) out.add(e);
  return [...out];
}

/**
 * LLDP management address from an lldpRemManAddrTable index suffix (after the lldpRemEntry
 * index): `subtype.len.bytes…` (the standard, length-prefixed) or `subtype.bytes…` (agents that
 * treat the last index as IMPLIED). IPv4 and IPv6 only.
 */
export function manAddrFromIndex(arcs: number[]): string | undefined {
  const [family, ...rest] = arcs;
  if (family !== ADDRESS_FAMILY.ipV4 && family !== ADDRESS_FAMILY.ipV6) return undefined;
  const want = family === ADDRESS_FAMILY.ipV4 ? 4 : 16;
  const bytes = rest.length === want + 1 && rest[0] === want ? rest.slice(1) : rest.length === want ? rest : undefined;
  if (!bytes || bytes.some((x) => !(x >= 0 && x <= 255))) return undefined;
  return addressFromBytes(Buffer.from(bytes));
}

/** LLDP capabilities (a BITS value, bit 0 the first byte's MSB) → a node kind: bridge → switch, router → router. */
export function kindFromLldpCapabilities(b: Buffer): NodeKind {
  const bit = (n: number) => ((b[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  if (bit(2)) return 'switch';
  if (bit(4)) return 'router';
  return 'unknown';
}

/** CDP capabilities (a 32-bit mask, network order: 0x01 router, 0x08 switch) → a node kind. */
export function kindFromCdpCapabilities(b: Buffer): NodeKind {
  const v = b.length >= 4 ? b.readUInt32BE(b.length - 4) : b.length ? b[b.length - 1] : 0;
  if (v & 0x08) return 'switch';
  if (v & 0x01) return 'router';
  return 'unknown';
}
