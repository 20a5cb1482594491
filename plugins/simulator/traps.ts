/**
 * Traps on demand: `sendTrap` sends one standard notification the way a switch would, with
 * net-snmp's `Session.trap` / `Session.inform`, so a trap receiver (Vigie's `snmp-trap` kind or
 * any other) can be exercised without hardware. `vigie sim --trap` is its command line.
 *
 * Contract of `sendTrap(opts)`:
 * - the destination must be a loopback address (127.0.0.0/8, ::1), like every simulated agent;
 *   anything else is refused (`E_CONFIG`) before a packet leaves;
 * - `type` is one of the generic traps; linkDown/linkUp carry IF-MIB's objects for the port
 *   (ifIndex, ifAdminStatus, ifOperStatus of `ifIndex`, default 1) plus ifName when `ifName` is
 *   given. v1 sends a Trap-PDU with that generic-trap number and `agentAddress` (default
 *   127.0.0.1) as agent-addr; v2c and v3 send an SNMPv2-Trap-PDU, or an InformRequest when
 *   `inform` is set (not allowed with v1);
 * - a trap resolves once sent; an INFORM resolves once acknowledged and rejects with
 *   `E_SNMP_TIMEOUT` when no acknowledgement came within `timeoutMs` (× `retries` + 1);
 * - the socket is closed in every case; errors never quote the community or keys.
 */
import snmp from 'net-snmp';
import { VigieError, type SnmpV3Security, type Varbind } from '../sdk/index.js';
import { isLoopback } from './agent.js';
import { encodeInt, encodeVarbind, tlv } from './ber.js';

export const TRAP_TYPES = ['linkDown', 'linkUp', 'coldStart', 'warmStart', 'authenticationFailure'] as const;
export type TrapType = (typeof TRAP_TYPES)[number];

export interface SendTrapOptions {
  host: string;
  port: number;
  version: '1' | '2c' | '3';
  /** v1/v2c community (default `public`). */
  community?: string;
  /** v3 security (the sender is the authoritative engine of a trap); `engineID` in hex, else random. */
  v3?: SnmpV3Security & { engineID?: string };
  type: TrapType;
  ifIndex?: number;
  ifName?: string;
  /** v1 agent-addr (default 127.0.0.1). */
  agentAddress?: string;
  inform?: boolean;
  /** For INFORMs: wait for the acknowledgement this long (default 2000 ms), resend `retries` times (default 1). */
  timeoutMs?: number;
  retries?: number;
}

const PDU_TRAP_V2 = 0xa7;

/** SNMPv2-MIB snmpTraps.N and the v1 generic-trap number of each type. */
const TRAPS: Record<TrapType, { oid: string; generic: number }> = {
  coldStart: { oid: '1.3.6.1.6.3.1.1.5.1', generic: 0 },
  warmStart: { oid: '1.3.6.1.6.3.1.1.5.2', generic: 1 },
  linkDown: { oid: '1.3.6.1.6.3.1.1.5.3', generic: 2 },
  linkUp: { oid: '1.3.6.1.6.3.1.1.5.4', generic: 3 },
  authenticationFailure: { oid: '1.3.6.1.6.3.1.1.5.5', generic: 4 },
};

/** The objects a trap of this type carries (IF-MIB linkDown/linkUp OBJECTS, plus ifName when given). */
export function trapVarbinds(o: Pick<SendTrapOptions, 'type' | 'ifIndex' | 'ifName'>): Varbind[] {
  if (o.type !== 'linkDown' && o.type !== 'linkUp') return [];
  const n = o.ifIndex ?? 1;
  const vbs: Varbind[] = [
    { oid: `1.3.6.1.2.1.2.2.1.1.${n}`, type: 'Integer', value: n },
    { oid: `1.3.6.1.2.1.2.2.1.7.${n}`, type: 'Integer', value: 1 },
    { oid: `1.3.6.1.2.1.2.2.1.8.${n}`, type: 'Integer', value: o.type === 'linkUp' ? 1 : 2 },
  ];
  if (o.ifName) vbs.push({ oid: `1.3.6.1.2.1.31.1.1.1.1.${n}`, type: 'OctetString', value: Buffer.from(o.ifName) });
  return vbs;
}

function toNetSnmp(vb: Varbind): snmp.Varbind {
  const type = vb.type === 'Integer' ? snmp.ObjectType.Integer : snmp.ObjectType.OctetString;
  return { oid: vb.oid, type, value: vb.value as number | Buffer };
}

/**
 * One SNMPv2c Trap message, BER-encoded, for tests and benchmarks that blast pre-encoded
 * datagrams: `sysUpTime.0`, `snmpTrapOID.0`, then the trap's objects (see `trapVarbinds`).
 */
export function encodeV2cTrap(o: { community?: string; type: TrapType; ifIndex?: number; ifName?: string; requestId?: number; uptime?: number }): Buffer {
  const vbs: Varbind[] = [
    { oid: '1.3.6.1.2.1.1.3.0', type: 'TimeTicks', value: o.uptime ?? 0 },
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 'OID', value: TRAPS[o.type].oid },
    ...trapVarbinds(o),
  ];
  const pdu = tlv(PDU_TRAP_V2, [encodeInt(o.requestId ?? 1), encodeInt(0), encodeInt(0), tlv(0x30, vbs.map(encodeVarbind))]);
  return tlv(0x30, [encodeInt(1), tlv(0x04, Buffer.from(o.community ?? 'public')), pdu]);
}

function openSession(o: SendTrapOptions): snmp.Session {
  const common = {
    trapPort: o.port,
    timeout: o.timeoutMs ?? 2000,
    retries: o.retries ?? 1,
    transport: (o.host.includes(':') ? 'udp6' : 'udp4') as 'udp4' | 'udp6',
  };
  if (o.version !== '3') {
    return snmp.createSession(o.host, o.community ?? 'public', { ...common, version: o.version === '1' ? snmp.Version1 : snmp.Version2c });
  }
  const v3 = o.v3;
  if (!v3?.user) throw new VigieError('E_CONFIG', 'sendTrap: SNMPv3 needs v3.user');
  const user: snmp.User = { name: v3.user, level: snmp.SecurityLevel[v3.level] };
  if (v3.level !== 'noAuthNoPriv') {
    user.authProtocol = snmp.AuthProtocols[v3.authProtocol ?? 'sha'];
    user.authKey = v3.authKey ?? '';
  }
  if (v3.level === 'authPriv') {
    user.privProtocol = snmp.PrivProtocols[v3.privProtocol ?? 'aes'];
    user.privKey = v3.privKey ?? '';
  }
  const options = { ...common, version: snmp.Version3, ...(v3.engineID ? { engineID: v3.engineID } : {}) };
  return snmp.createV3Session(o.host, user, options as snmp.SessionOptionsV3);
}

export async function sendTrap(opts: SendTrapOptions): Promise<void> {
  if (!isLoopback(opts.host)) throw new VigieError('E_CONFIG', `sendTrap: ${opts.host} is not a loopback address`, { host: opts.host });
  if (!TRAPS[opts.type]) throw new VigieError('E_CONFIG', `sendTrap: unknown trap type "${opts.type}" (one of ${TRAP_TYPES.join(', ')})`);
  if (opts.inform && opts.version === '1') throw new VigieError('E_CONFIG', 'sendTrap: SNMPv1 has no INFORM');
  const session = openSession(opts);
  const where = `${opts.host}:${opts.port}`;
  const secrets = [opts.community, opts.v3?.authKey, opts.v3?.privKey].filter((s): s is string => !!s);
  const redact = (text: string): string => secrets.reduce((t, s) => t.split(s).join('<redacted>'), text);
  try {
    await new Promise<void>((resolve, reject) => {
      session.on('error', (err: Error) => reject(new VigieError('E_SNMP', `trap to ${where}: ${redact(err.message)}`)));
      const done = (err: Error | null) => {
        if (!err) return resolve();
        if (err.name === 'RequestTimedOutError') reject(new VigieError('E_SNMP_TIMEOUT', `INFORM to ${where} not acknowledged`, { host: opts.host, port: opts.port }));
        else reject(new VigieError('E_SNMP', `trap to ${where} failed: ${redact(err.message)}`));
      };
      const { oid, generic } = TRAPS[opts.type];
      const vbs = trapVarbinds(opts).map(toNetSnmp);
      const upTime = Math.floor(process.uptime() * 100);
      if (opts.inform) session.inform(oid, vbs, { upTime }, done);
      else if (opts.version === '1') session.trap(generic, vbs, { agentAddr: opts.agentAddress ?? '127.0.0.1', upTime }, done);
      else session.trap(oid, vbs, { upTime }, done);
    });
  } finally {
    session.close();
  }
}
