/**
 * The UDP side of the trap receiver: one socket, decoding and SNMPv3 security by net-snmp's
 * `createReceiver`, and a gate in front of it.
 *
 * Why net-snmp's receiver and not our own decoder: checked against Debian's `snmptrap` and
 * `snmpinform` (net-snmp 5.9), it receives v1 traps, v2c traps and INFORMs, and v3 traps and
 * INFORMs (USM authNoPriv/authPriv, SHA-1/SHA-2, DES/AES), answers v3 engine discovery with a
 * Report, acknowledges INFORMs with a Response PDU (snmpinform exits 0), and rejects a wrong
 * community, an unknown user, a bad digest or a too-low security level. It is also fast enough
 * (about 125,000 v2c traps/s decoded on one core). Its message parser is not exported, so the
 * receiver is the way to reuse it.
 *
 * The gate: net-snmp is given our own socket through its documented `dgramModule` option, so
 * every datagram passes `admit(source)` (the storm limit) and a size check *before* any parse;
 * its socket errors (bind failures) come to us instead of its callback.
 *
 * Contract of `openTrapListener(opts, handlers)`:
 * - binds `host:port` at once; `onListening` once bound, `onSocketError` on a bind or socket
 *   error (the listener is then unusable: close it);
 * - each datagram gives exactly one of: `onDropped` (refused by `admit`), `onMalformed`
 *   (oversized, not exactly one BER SEQUENCE, undecodable, not a trap PDU), `onRejected` (wrong community, unknown user, bad
 *   digest, undecryptable, security level too low), or `onTrap`. Nothing thrown by a handler or
 *   by net-snmp escapes: it becomes `onMalformed`;
 * - `reason` strings are fixed texts, never net-snmp's messages (those can quote a community);
 * - `close()` closes the socket; no handler is called after it.
 */
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { RawVarbind } from '../../plugins/sdk/snmp/net-snmp-varbind.js';
import type { TrapV3User } from './schema.js';

/** A trap or INFORM PDU as net-snmp's receiver hands it over. */
export interface RawTrapPdu {
  type: number;
  varbinds: RawVarbind[];
  /** v1 Trap-PDU fields. */
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
  /** v3 only. */
  scoped?: boolean;
  contextName?: string;
  /** v3 user name (net-snmp's `includeAuthentication`); a v1/v2c community is also put here by net-snmp as `community`, and never read. */
  user?: string;
}

export interface Peer {
  address: string;
  port: number;
}

export interface TrapListenerOptions {
  host: string;
  port: number;
  communities: string[];
  v3Users: TrapV3User[];
  engineID?: string;
  maxMessageBytes: number;
  /** The storm gate: false drops the datagram before it is parsed. */
  admit(source: string): boolean;
}

export interface TrapListenerHandlers {
  onTrap(pdu: RawTrapPdu, from: Peer): void;
  onDropped(from: Peer): void;
  onMalformed(from: Peer, reason: string): void;
  onRejected(from: Peer, reason: string): void;
  onListening(address: string, port: number): void;
  onSocketError(err: Error): void;
}

export interface TrapListener {
  close(): void;
}

/** Kernel receive buffer asked for (capped by net.core.rmem_max): absorbs bursts. */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** Fixed reasons for net-snmp's errors, by error name and message start. */
function classify(err: { name?: string; message?: string }): { rejected: boolean; reason: string } {
  const m = err.message ?? '';
  switch (err.name) {
    case 'RequestFailedError':
      if (m.startsWith('Local community not found')) return { rejected: true, reason: 'unknown community' };
      if (m.startsWith('Local user not found')) return { rejected: true, reason: 'unknown user' };
      return { rejected: true, reason: 'security level too low' };
    case 'ResponseInvalidError':
      if (/digest/i.test(m)) return { rejected: true, reason: 'authentication failed' };
      if (/decrypt/i.test(m)) return { rejected: true, reason: 'decryption failed' };
      return { rejected: false, reason: 'invalid message' };
    case 'RequestInvalidError':
      return { rejected: false, reason: 'not a trap PDU' };
    default:
      return { rejected: false, reason: 'undecodable' };
  }
}

/**
 * True when the datagram is exactly one BER SEQUENCE with a definite length: net-snmp's reader
 * accepts a message cut short inside its last value (reading what is there), so a truncated
 * datagram would otherwise pass as a trap with a shortened varbind.
 */
export function wellFramed(buf: Buffer): boolean {
  if (buf.length < 2 || buf[0] !== 0x30) return false;
  const first = buf[1];
  if (first < 0x80) return buf.length === 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || buf.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i];
  return buf.length === 2 + n + len;
}

function netSnmpUser(u: TrapV3User): Record<string, unknown> {
  const user: Record<string, unknown> = { name: u.user, level: snmp.SecurityLevel[u.level] };
  if (u.level !== 'noAuthNoPriv') {
    user.authProtocol = snmp.AuthProtocols[u.authProtocol ?? 'sha'];
    user.authKey = u.authKey;
  }
  if (u.level === 'authPriv') {
    user.privProtocol = snmp.PrivProtocols[u.privProtocol ?? 'aes'];
    user.privKey = u.privKey;
  }
  return user;
}

export function openTrapListener(opts: TrapListenerOptions, h: TrapListenerHandlers): TrapListener {
  let closed = false;
  let deliver: ((buf: Buffer, rinfo: dgram.RemoteInfo) => void) | undefined;
  const socket = dgram.createSocket({ type: opts.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
  /** Which peer the datagram being parsed came from (net-snmp calls back synchronously). */
  let current: Peer = { address: '', port: 0 };
  socket.on('message', (buf, rinfo) => {
    if (closed) return;
    current = { address: rinfo.address, port: rinfo.port };
    if (!opts.admit(rinfo.address)) return h.onDropped(current);
    if (buf.length > opts.maxMessageBytes) return h.onMalformed(current, 'oversized');
    if (!wellFramed(buf)) return h.onMalformed(current, 'truncated or padded');
    try {
      deliver?.(buf, rinfo);
    } catch {
      if (!closed) h.onMalformed(current, 'undecodable');
    }
  });
  socket.on('error', (err) => {
    if (!closed) h.onSocketError(err);
  });
  socket.on('listening', () => {
    if (closed) return;
    const a = socket.address();
    h.onListening(a.address, a.port);
  });

  /** What net-snmp sees as a dgram socket: ours, with the message hook and errors kept here. */
  const facade = {
    on(event: string, fn: (...args: any[]) => void) {
      if (event === 'message') deliver = fn as typeof deliver;
      return facade;
    },
    bind: (port: number, address: string) => socket.bind(port, address),
    send: (buf: Buffer, offset: number, length: number, port: number, address: string, cb?: (err: Error | null) => void) => {
      if (!closed) socket.send(buf, offset, length, port, address, cb);
    },
    address: () => socket.address(),
    close: () => undefined,
  };

  const receiver = snmp.createReceiver(
    {
      port: opts.port,
      address: opts.host,
      transport: opts.host.includes(':') ? 'udp6' : 'udp4',
      engineID: opts.engineID,
      includeAuthentication: true,
      dgramModule: { createSocket: () => facade },
    },
    (err: { name?: string; message?: string } | null, data?: { pdu: RawTrapPdu }) => {
      if (closed) return;
      if (err) {
        const c = classify(err);
        return c.rejected ? h.onRejected(current, c.reason) : h.onMalformed(current, c.reason);
      }
      if (data?.pdu) h.onTrap(data.pdu, current);
    },
  );
  const auth = receiver.getAuthorizer();
  for (const c of opts.communities) auth.addCommunity(c);
  for (const u of opts.v3Users) auth.addUser(netSnmpUser(u));

  return {
    close() {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // already closed (a failed bind closes nothing, but a closed socket throws)
      }
    },
  };
}
