/**
 * The SNMP client contract shared by every SNMP probe kind. The daemon gives probes one pooled
 * client (`ctx.clients.snmp`); the test kit gives them one that answers from recordings.
 *
 * Every operation is a cold observable: nothing is sent until it is subscribed, and
 * unsubscribing abandons the request. Failures arrive as `VigieError` with code
 * `E_SNMP_TIMEOUT` (no answer within the target's timeout and retries) or `E_SNMP`.
 */
import type { Observable } from 'rxjs';

export type SnmpVersion = '1' | '2c' | '3';

export interface SnmpV3Security {
  user: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  authKey?: string;
  privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
  privKey?: string;
}

export interface SnmpTarget {
  host: string;
  port?: number;
  version: SnmpVersion;
  community?: string;
  v3?: SnmpV3Security;
  /** Per request, milliseconds (default 2000). */
  timeoutMs?: number;
  /** Retransmissions after the first try (default 1). */
  retries?: number;
}

export type SnmpType =
  | 'Integer' | 'OctetString' | 'Null' | 'OID' | 'IpAddress' | 'Counter32' | 'Gauge32'
  | 'TimeTicks' | 'Opaque' | 'Counter64' | 'NoSuchObject' | 'NoSuchInstance' | 'EndOfMibView';

/**
 * One variable binding. `value` is: number for Integer/Counter32/Gauge32/TimeTicks, bigint for
 * Counter64, Buffer for OctetString/Opaque, dotted string for OID/IpAddress, null for Null and
 * the three exceptions (NoSuchObject, NoSuchInstance, EndOfMibView).
 */
export interface Varbind {
  oid: string;
  type: SnmpType;
  value: number | bigint | string | Buffer | null;
}

export interface SnmpSession {
  /** GET of the given OIDs; answers in the same order. Missing objects come back as exceptions, not errors. */
  get(oids: string[]): Observable<Varbind[]>;
  /** Walks the subtree under `root` (GETBULK on v2c/v3, GETNEXT on v1); emits once, with every row, in OID order. */
  walk(root: string, opts?: { maxRepetitions?: number }): Observable<Varbind[]>;
}

export interface SnmpClient {
  /** The session for a target; the same target gives the same session (one socket, reused). */
  session(target: SnmpTarget): SnmpSession;
  /** Closes every session and socket. */
  close(): void;
}

/** Text of an OctetString value (UTF-8), or '' when absent. */
export function vbString(vb: Varbind | undefined): string {
  if (!vb || vb.value === null) return '';
  return Buffer.isBuffer(vb.value) ? vb.value.toString('utf8').replace(/\0+$/, '') : String(vb.value);
}

/** Numeric value, or undefined when absent or not numeric. */
export function vbNumber(vb: Varbind | undefined): number | undefined {
  if (!vb) return undefined;
  if (typeof vb.value === 'number') return vb.value;
  if (typeof vb.value === 'bigint') return Number(vb.value);
  return undefined;
}

/** True when the agent answered with noSuchObject / noSuchInstance / endOfMibView. */
export function vbMissing(vb: Varbind | undefined): boolean {
  return !vb || vb.type === 'NoSuchObject' || vb.type === 'NoSuchInstance' || vb.type === 'EndOfMibView';
}

/** Named OIDs of SNMPv2-MIB's system group (instance `.0` included). */
export const SNMPv2_MIB = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
} as const;
