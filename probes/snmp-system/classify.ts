/**
 * A simple, table-driven guess of what a device is, from sysObjectID and sysDescr.
 *
 * Contract: `classifyNode(sysObjectID, sysDescr)` returns the kind of the first rule that
 * matches (rules are tried in order; a rule matches when the sysObjectID lies under one of its
 * enterprise arcs or sysDescr matches its pattern), else `unknown`. Either input
 * may be empty: a device that gives only one of them is still classified when a rule covers it.
 * It is a hint for the map's icon, not an inventory: a later probe (switch, router) may say better.
 */
import type { NodeKind } from '../../plugins/sdk/index.js';

interface Rule {
  kind: NodeKind;
  /** Enterprise arcs under 1.3.6.1.4.1 (the sysObjectID lies at or under one of them). */
  oids?: string[];
  descr?: RegExp;
}

const ENTERPRISES = '1.3.6.1.4.1.';

/** In order: the first match wins, so specific families come before broad words. */
export const CLASSIFICATION_RULES: readonly Rule[] = [
  {
    kind: 'ups',
    // APC (PowerNet), Eaton/Powerware, Liebert/Vertiv, Socomec.
    oids: ['318.1.3', '534', '476.1.42', '4555'],
    descr: /\b(UPS|PowerNet|Smart-UPS|Symmetra|uninterruptible)\b/i,
  },
  {
    kind: 'switch',
    descr:
      /\b(switch|catalyst|C(2960|3560|3650|3750|3850|4500|6500|9[2-6]00)\w*|nexus|NX-OS|qfx\d+|ex\d{4}|procurve|aruba|DGS-\d+|S\d{4}-\d+\w*)\b/i,
  },
  {
    kind: 'router',
    descr: /\b(router|routeros|edgeos|vyos|ASR\d*|ISR\d*|IOS[ -]XR|mx\d{2,4}|srx\d{3,4}|Versatile Routing Platform|NetEngine)\b/i,
  },
  {
    kind: 'server',
    // net-snmp on Linux/BSD/…, Microsoft Windows, Cisco TelePresence infrastructure (VCS, Conductor).
    oids: ['8072.3.2', '311.1.1.3', '5596.180'],
    descr: /^(Linux|FreeBSD|OpenBSD|NetBSD|SunOS|Darwin|Hardware:.*Windows|Microsoft Windows)\b/i,
  },
];

function under(oid: string, prefix: string): boolean {
  const base = ENTERPRISES + prefix;
  return oid === base || oid.startsWith(`${base}.`);
}

export function classifyNode(sysObjectID: string, sysDescr: string): NodeKind {
  const oid = sysObjectID.replace(/^\./, '');
  for (const rule of CLASSIFICATION_RULES) {
    if (oid && rule.oids?.some((p) => under(oid, p))) return rule.kind;
    if (sysDescr && rule.descr?.test(sysDescr)) return rule.kind;
  }
  return 'unknown';
}
