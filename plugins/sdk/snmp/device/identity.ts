/**
 * Device identity: which node a device is, whatever address it was reached through.
 *
 * The rule (every input comes from the device itself, none from the address polled):
 *
 * 1. **Node id**: `nodeId(x)` where `x` is the first of:
 *    a. the `identity` configured for the probe instance;
 *    b. sysName, when it is an identity (`usableName`: not empty, not a bare IPv4/IPv6 address,
 *       not a sanitisation placeholder such as `<private>`, which no host name can contain);
 *    c. the LLDP local chassis id (`lldpLocChassisId`, formatted by `formatChassisId`: a MAC as
 *       `aa:bb:cc:dd:ee:ff`), when it is usable (`usableChassisId`: not all zeros);
 *    d. the probe instance name (the device offers no identity: two instances on two addresses
 *       then give two nodes, so set `identity`).
 *    Neighbours are named by the same rule from what LLDP/CDP tell of them (`neighbourIdentity`:
 *    remote sysName, else chassis id; CDP device id without its `(serial)` suffix), so the ends
 *    of a link seen from both sides agree.
 * 2. **Device key**: `chassis:<chassis id>` when the LLDP chassis id is usable, else
 *    `sys:<sysName>|<sysObjectID>`: what says "same device" when two nodes must be compared (two
 *    probe instances, or a polled node and a neighbour known from LLDP). It is published as the
 *    node's `attrs.deviceKey`. sysObjectID is part of the key, not of the id, because a neighbour
 *    cannot learn it from LLDP or CDP and must still compute the id.
 */
import { nodeId } from '../../entity.js';
import type { EntityId } from '../../observation.js';
import { formatMac, isPrintable } from './table.js';

const BARE_IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const BARE_IPV6 = /^[0-9a-f]*:[0-9a-f:.]*$/i;
const PLACEHOLDER = /^<[^>]*>$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** True for a bare IPv4 or IPv6 address: an address names no device. */
export function isBareAddress(s: string): boolean {
  return BARE_IPV4.test(s) || BARE_IPV6.test(s);
}

/** The name trimmed, when it can serve as an identity; undefined otherwise (see rule 1b). */
export function usableName(name: string | undefined): string | undefined {
  const s = name?.replace(/\0+$/, '').trim();
  if (!s || isBareAddress(s) || PLACEHOLDER.test(s)) return undefined;
  if (!/[0-9a-z]/i.test(s)) return undefined;
  return s;
}

/** A formatted chassis id when it identifies something: not empty and not an all-zero MAC. */
export function usableChassisId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (MAC.test(id)) return /^(00:){5}00$/.test(id) ? undefined : id;
  return usableName(id);
}

/** IANA address family numbers used by LLDP network-address subtypes and management addresses. */
export function formatNetworkAddress(family: number, addr: Buffer): string | undefined {
  if (family === 1 && addr.length === 4) return [...addr].join('.');
  if (family === 2 && addr.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(addr.readUInt16BE(i).toString(16));
    return compressIpv6(groups);
  }
  if (family === 6 && addr.length === 6) return formatMac(addr);
  return undefined;
}

function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Text of an id when printable, else its bytes in hex (`0a1b…`). */
export function printableOrHex(b: Buffer): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  const trimmed = b.subarray(0, end);
  return isPrintable(trimmed) ? trimmed.toString('utf8').trim() : trimmed.toString('hex');
}

/**
 * LLDP chassis id as text, by subtype (LLDP-MIB LldpChassisIdSubtype): 4 macAddress →
 * `aa:bb:…` (raw bytes, or text already in hex as some recordings hold it), 5 networkAddress →
 * the address (first byte the IANA family), the name-like subtypes (1 chassisComponent,
 * 2 interfaceAlias, 3 portComponent, 6 interfaceName, 7 local) → their text, hex when not
 * printable. Undefined for an empty value.
 */
export function formatChassisId(subtype: number | undefined, value: Buffer | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  if (b.length === 0) return undefined;
  if (subtype === 4) return formatMac(b) ?? printableOrHex(b);
  if (subtype === 5 && b.length > 1) return formatNetworkAddress(b[0], b.subarray(1)) ?? printableOrHex(b);
  return printableOrHex(b) || undefined;
}

/**
 * LLDP port id as text, by subtype (LldpPortIdSubtype): 3 macAddress → `aa:bb:…`, 4
 * networkAddress → the address, the others (1 interfaceAlias, 2 portComponent, 5 interfaceName,
 * 6 agentCircuitId, 7 local) → text, hex when not printable.
 */
export function formatPortId(subtype: number | undefined, value: Buffer | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  if (b.length === 0) return undefined;
  if (subtype === 3) return formatMac(b) ?? printableOrHex(b);
  if (subtype === 4 && b.length > 1) return formatNetworkAddress(b[0], b.subarray(1)) ?? printableOrHex(b);
  return printableOrHex(b) || undefined;
}

export interface DeviceIdentityInput {
  configured?: string;
  sysName?: string;
  sysObjectID?: string;
  /** The LLDP local chassis id, already formatted (`formatChassisId`). */
  chassisId?: string;
  /** The probe instance name (last resort). */
  fallback: string;
}

export interface DeviceIdentity {
  node: EntityId;
  /** What the node is called on the map: the value its id was made from. */
  name: string;
  source: 'configured' | 'sysName' | 'chassisId' | 'instance';
  /** `chassis:<id>` or `sys:<sysName>|<sysObjectID>`; undefined when the device offers neither. */
  key?: string;
}

/** The identity of a polled device (rule 1 and 2 of the module comment). */
export function deviceIdentity(input: DeviceIdentityInput): DeviceIdentity {
  const sysName = usableName(input.sysName);
  const chassis = usableChassisId(input.chassisId);
  const key = chassis ? `chassis:${chassis.toLowerCase()}` : sysName ? `sys:${sysName.toLowerCase()}|${input.sysObjectID ?? ''}` : undefined;
  const pick = (name: string, source: DeviceIdentity['source']): DeviceIdentity => ({ node: nodeId(name), name, source, ...(key ? { key } : {}) });
  const configured = input.configured?.trim();
  if (configured) return pick(configured, 'configured');
  if (sysName) return pick(sysName, 'sysName');
  if (chassis) return pick(chassis, 'chassisId');
  return pick(input.fallback, 'instance');
}

/** A CDP device id without the `(serial)` suffix NX-OS and some IOS versions add. */
export function cdpDeviceName(deviceId: string | undefined): string | undefined {
  const s = deviceId?.trim();
  if (!s) return undefined;
  const m = /^(.+?)\s*\([^()]*\)$/.exec(s);
  return m ? m[1] : s;
}

/** LLDP chassis id subtypes that name a device, not one of its interfaces: chassisComponent(1), macAddress(4), local(7). */
export const IDENTIFYING_CHASSIS_SUBTYPES: ReadonlySet<number> = new Set([1, 4, 7]);

/**
 * The node a neighbour is (same rule as `deviceIdentity`, from what LLDP/CDP say), or undefined
 * when nothing identifies it. With `chassisIdSubtype`, a chassis id of another subtype than
 * `IDENTIFYING_CHASSIS_SUBTYPES` (an address, an interface name) is not an identity.
 */
export function neighbourIdentity(n: { sysName?: string; chassisId?: string; chassisIdSubtype?: number }): { node: EntityId; name: string } | undefined {
  const chassis = n.chassisIdSubtype === undefined || IDENTIFYING_CHASSIS_SUBTYPES.has(n.chassisIdSubtype) ? n.chassisId : undefined;
  const name = usableName(n.sysName) ?? usableChassisId(chassis);
  return name ? { node: nodeId(name), name } : undefined;
}
