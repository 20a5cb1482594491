/**
 * What kind of node a device is, for the map's icon: from its own sysObjectID/sysDescr, or, for
 * a neighbour known only from LLDP/CDP, from the capabilities and platform it advertises.
 *
 * - `classifyDevice(sysObjectID, sysDescr)`: the first rule that matches (enterprise arc of the
 *   sysObjectID, or a pattern of sysDescr), else `unknown`. The same table as the `snmp-system`
 *   kind's, kept in the SDK so every SNMP kind shares it.
 * - `kindFromLldpCapabilities(caps, sysDesc)`: bridge → switch, router alone → router, station
 *   only → server, else the sysDesc rules, else unknown (a WLAN access point or a phone has no
 *   node kind of its own).
 * - `kindFromCdp(capabilities, platform)`: an access point platform (`AIR-…`) → unknown; the
 *   Switch bit (0x08) → switch; the Router bit (0x01) → router; Phone (0x80) → unknown; Host
 *   (0x10) → server; else the platform through the sysDescr rules.
 */
import type { NodeKind } from '../../observation.js';

interface Rule {
  kind: NodeKind;
  /** Enterprise arcs under 1.3.6.1.4.1 (the sysObjectID lies at or under one of them). */
  oids?: string[];
  descr?: RegExp;
}

const ENTERPRISES = '1.3.6.1.4.1.';

const RULES: readonly Rule[] = [
  { kind: 'ups', oids: ['318.1.3', '534', '476.1.42', '4555'], descr: /\b(UPS|PowerNet|Smart-UPS|Symmetra|uninterruptible)\b/i },
  {
    kind: 'switch',
    descr:
      /\b(switch|catalyst|C(2960|3560|3650|3750|3850|4500|6500|9[2-6]00)\w*|WS-C\w+|N[3579]K-\w+|nexus|NX-OS|qfx\d+|ex\d{4}|procurve|aruba|DGS-\d+|MES\d+\w*|S\d{4}-\d+\w*)\b/i,
  },
  {
    kind: 'router',
    descr: /\b(router|routeros|edgeos|vyos|ASR\d*|ISR\d*|IOS[ -]XR|mx\d{2,4}|srx\d{3,4}|Versatile Routing Platform|NetEngine|CISCO\d{4})\b/i,
  },
  {
    kind: 'server',
    oids: ['8072.3.2', '311.1.1.3', '5596.180'],
    descr: /^(Linux|FreeBSD|OpenBSD|NetBSD|SunOS|Darwin|Hardware:.*Windows|Microsoft Windows|VMware ESXi)\b/i,
  },
];

function under(oid: string, prefix: string): boolean {
  const base = ENTERPRISES + prefix;
  return oid === base || oid.startsWith(`${base}.`);
}

export function classifyDevice(sysObjectID: string, sysDescr: string): NodeKind {
  const oid = sysObjectID.replace(/^\./, '');
  for (const rule of RULES) {
    if (oid && rule.oids?.some((p) => under(oid, p))) return rule.kind;
    if (sysDescr && rule.descr?.test(sysDescr)) return rule.kind;
  }
  return 'unknown';
}

/** LLDP system capabilities (LLDP-MIB LldpSystemCapabilitiesMap bit numbers). */
export const LLDP_CAPABILITIES = ['other', 'repeater', 'bridge', 'wlanAccessPoint', 'router', 'telephone', 'docsisCableDevice', 'stationOnly'] as const;

/**
 * The capability names set in an LLDP BITS value. Bit 0 is the high bit of the first byte.
 * Some recordings hold the bits as text (`"28 00"`, `"28 2 4"`): leading two-digit hex tokens are
 * read as the bytes.
 */
export function decodeLldpCapabilities(value: Buffer | undefined): string[] {
  if (!value || value.length === 0) return [];
  let raw = value;
  const asText = value.toString('latin1');
  if (/^[0-9a-f]{2}(\s|$)/i.test(asText) && /^[0-9a-f\s]+$/i.test(asText)) {
    const tokens: number[] = [];
    for (const t of asText.trim().split(/\s+/)) {
      if (!/^[0-9a-f]{2}$/i.test(t)) break;
      tokens.push(parseInt(t, 16));
    }
    raw = Buffer.from(tokens);
  }
  const out: string[] = [];
  for (let bit = 0; bit < LLDP_CAPABILITIES.length && bit / 8 < raw.length; bit++) {
    if (raw[bit >> 3] & (0x80 >> (bit & 7))) out.push(LLDP_CAPABILITIES[bit]);
  }
  return out;
}

export function kindFromLldpCapabilities(caps: readonly string[], sysDesc = ''): NodeKind {
  if (caps.includes('bridge')) return 'switch';
  if (caps.includes('router')) return 'router';
  if (caps.includes('stationOnly')) return 'server';
  const byDescr = sysDesc ? classifyDevice('', sysDesc) : 'unknown';
  if (byDescr !== 'unknown') return byDescr;
  return 'unknown';
}

/** CISCO-CDP-MIB cdpCacheCapabilities bits (last byte of the 4-byte string). */
const CDP_ROUTER = 0x01;
const CDP_SWITCH = 0x08;
const CDP_HOST = 0x10;
const CDP_PHONE = 0x80;

/** The CDP capability bits as a number (4 bytes big-endian; shorter values tolerated). */
export function cdpCapabilityBits(value: Buffer | undefined): number {
  if (!value) return 0;
  let n = 0;
  for (const b of value.subarray(-4)) n = (n << 8) | b;
  return n >>> 0;
}

export function kindFromCdp(capabilities: number, platform = ''): NodeKind {
  if (/\bAIR-|\bC9\d{2}AX|\bAP\d{3,4}\b/i.test(platform)) return 'unknown';
  if (capabilities & CDP_SWITCH) return 'switch';
  if (capabilities & CDP_ROUTER) return 'router';
  if (capabilities & CDP_PHONE) return 'unknown';
  if (capabilities & CDP_HOST) return 'server';
  return platform ? classifyDevice('', platform) : 'unknown';
}
