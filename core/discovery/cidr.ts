/**
 * IP addresses and CIDR blocks (IPv4 and IPv6) for discovery's allow-list: the one gate every
 * address passes before discovery sends it a packet.
 *
 * Contract:
 * - `parseIp(text)` reads an IPv4 dotted quad or an IPv6 address (`::` compression, an embedded
 *   IPv4 tail, an optional `%zone` dropped); an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is
 *   read as the IPv4 address it carries. Anything else (a name, a bad octet) gives `undefined`.
 * - `parseCidr(text)` reads `address/prefix` or a bare address (a /32 or /128); host bits set
 *   below the prefix are cleared (`198.18.1.7/15` is `198.18.0.0/15`). It throws
 *   `VigieError('E_DISCOVERY')` naming the bad text.
 * - `AllowList.contains(address)` is true only when the address parses and lies inside one of
 *   the blocks of its own family; an unparsable address is never allowed.
 */
import { isIP } from 'node:net';
import { VigieError } from '../../plugins/sdk/index.js';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  if (isIP(text) !== 6) return undefined;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) becomes its two hex groups (`::ffff:102:304`).
  let t = text;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(t.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    t = `${t.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const hex = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const dbl = t.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    const left = hex(t.slice(0, dbl));
    const right = hex(t.slice(dbl + 2));
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    groups = hex(t);
  }
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** An IPv4 or IPv6 address, or undefined when `text` is not one (see the module contract). */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseV4(t);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseV6(t);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

/** The canonical text of an address: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups = [...Array(8).keys()].map((i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best.at < 0) return hex(groups);
  return `${hex(groups.slice(0, best.at))}::${hex(groups.slice(best.at + best.len))}`;
}

/** The canonical text of an address given as text, or undefined when it is not an address. */
export function normaliseIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip);
}

/** A CIDR block; throws `E_DISCOVERY` on malformed text. */
export function parseCidr(text: string): Cidr {
  const m = /^\s*([^/\s]+)(?:\/(\d{1,3}))?\s*$/.exec(text);
  const ip = m ? parseIp(m[1]) : undefined;
  if (!m || !ip) throw new VigieError('E_DISCOVERY', `"${text}" is not a CIDR block (expected e.g. 198.18.0.0/15 or 2001:db8::/32)`, { cidr: text });
  // `::ffff:a.b.c.d/n` is an IPv6 prefix over a mapped IPv4 address: keep it in IPv4 terms.
  const mapped = ip.family === 4 && m[1].includes(':');
  const bits = BITS[ip.family];
  let prefix = m[2] === undefined ? bits : Number(m[2]);
  if (mapped && m[2] !== undefined) prefix -= 96;
  if (!(prefix >= 0 && prefix <= bits)) {
    throw new VigieError('E_DISCOVERY', `"${text}": the prefix length must be 0..${bits} for IPv${ip.family}`, { cidr: text });
  }
  return { family: ip.family, base: ip.value & mask(ip.family, prefix), prefix };
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

export function cidrContains(block: Cidr, ip: IpAddress): boolean {
  return block.family === ip.family && (ip.value & mask(block.family, block.prefix)) === block.base;
}

export function formatCidr(block: Cidr): string {
  return `${formatIp({ family: block.family, value: block.base })}/${block.prefix}`;
}

/** The addresses discovery may contact. Empty = nothing may be contacted. */
export class AllowList {
  readonly blocks: readonly Cidr[];

  constructor(cidrs: readonly string[]) {
    this.blocks = cidrs.map(parseCidr);
  }

  contains(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.blocks.some((b) => cidrContains(b, ip));
  }

  toString(): string {
    return this.blocks.map(formatCidr).join(', ');
  }
}
