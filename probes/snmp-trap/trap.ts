/**
 * One received notification, the same shape whatever the SNMP version (`toTrapMessage`).
 *
 * - SNMPv1 Trap-PDUs get their SNMPv2 trap OID as RFC 3584 §3.1 says: a generic trap `g` < 6
 *   is `snmpTraps.(g+1)` (`1.3.6.1.6.3.1.1.5.(g+1)`: coldStart … egpNeighborLoss), an
 *   enterprise-specific one is `<enterprise>.0.<specific>`; `agent-addr` is kept as
 *   `agentAddress` (unless 0.0.0.0) and `time-stamp` as `uptime`.
 * - SNMPv2c/v3 notifications: `sysUpTime.0` and `snmpTrapOID.0` (the first two varbinds) become
 *   `uptime` and `trapOid`; `snmpTrapAddress.0` (RFC 3584, set by proxies) becomes
 *   `agentAddress`. A notification without `snmpTrapOID.0` is malformed (`undefined`).
 * - `snmpTrapCommunity.0` (RFC 3584, a proxy's copy of the community) is removed: communities
 *   never travel further. The community of the message itself is never read.
 * - varbinds are the SDK's `Varbind` (see plugins/sdk/snmp/types.ts), in the order received.
 */
import type { Varbind } from '../../plugins/sdk/index.js';
import { fromNetSnmp } from '../../plugins/sdk/snmp/net-snmp-varbind.js';
import type { Peer, RawTrapPdu } from './listener.js';

export interface TrapMessage {
  version: '1' | '2c' | '3';
  /** An INFORM (already acknowledged by the listener). */
  inform: boolean;
  trapOid: string;
  /** The sender's sysUpTime, hundredths of a second. */
  uptime?: number;
  /** The originating agent as the message says (v1 agent-addr, snmpTrapAddress.0). */
  agentAddress?: string;
  /** v1 only. */
  generic?: number;
  specific?: number;
  enterprise?: string;
  /** v3 user. */
  user?: string;
  varbinds: Varbind[];
  from: Peer;
}

export const SNMP_OIDS = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  snmpTrapOID: '1.3.6.1.6.3.1.1.4.1.0',
  snmpTrapAddress: '1.3.6.1.6.3.18.1.3.0',
  snmpTrapCommunity: '1.3.6.1.6.3.18.1.4.0',
  snmpTraps: '1.3.6.1.6.3.1.1.5',
} as const;

const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;

const strip = (oid: string): string => (oid.startsWith('.') ? oid.slice(1) : oid);

/** The v2 trap OID of a v1 trap (RFC 3584 §3.1). */
export function v1TrapOid(generic: number, specific: number, enterprise: string): string {
  return generic >= 0 && generic < 6 ? `${SNMP_OIDS.snmpTraps}.${generic + 1}` : `${strip(enterprise)}.0.${specific}`;
}

export function toTrapMessage(pdu: RawTrapPdu, from: Peer): TrapMessage | undefined {
  const all = (pdu.varbinds ?? []).map((vb) => fromNetSnmp(vb.oid.startsWith('.') ? { ...vb, oid: strip(vb.oid) } : vb));
  const varbinds = all.filter((vb) => vb.oid !== SNMP_OIDS.snmpTrapCommunity);
  if (pdu.type === PDU_TRAP_V1) {
    const generic = Number(pdu.generic ?? 6);
    const specific = Number(pdu.specific ?? 0);
    const enterprise = strip(String(pdu.enterprise ?? ''));
    const agent = pdu.agentAddr && pdu.agentAddr !== '0.0.0.0' ? String(pdu.agentAddr) : undefined;
    return {
      version: '1',
      inform: false,
      trapOid: v1TrapOid(generic, specific, enterprise),
      uptime: typeof pdu.upTime === 'number' ? pdu.upTime : undefined,
      agentAddress: agent,
      generic,
      specific,
      enterprise,
      varbinds,
      from,
    };
  }
  const trapOidVb = varbinds.find((vb) => vb.oid === SNMP_OIDS.snmpTrapOID);
  if (!trapOidVb || typeof trapOidVb.value !== 'string') return undefined;
  const up = varbinds.find((vb) => vb.oid === SNMP_OIDS.sysUpTime);
  const addr = varbinds.find((vb) => vb.oid === SNMP_OIDS.snmpTrapAddress);
  return {
    version: pdu.scoped ? '3' : '2c',
    inform: pdu.type === PDU_INFORM,
    trapOid: strip(trapOidVb.value),
    uptime: typeof up?.value === 'number' ? up.value : undefined,
    agentAddress: typeof addr?.value === 'string' && addr.value !== '0.0.0.0' ? addr.value : undefined,
    user: pdu.scoped && pdu.user ? String(pdu.user) : undefined,
    varbinds: varbinds.filter((vb) => vb.oid !== SNMP_OIDS.sysUpTime && vb.oid !== SNMP_OIDS.snmpTrapOID),
    from,
  };
}
