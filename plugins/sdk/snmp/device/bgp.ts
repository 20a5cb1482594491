/**
 * BGP peers over SNMP: BGP4-MIB (RFC 4273) `bgpPeerTable`, with CISCO-BGP4-MIB `cbgpPeer2Table`
 * as the fallback for Cisco devices that only serve the vendor table (IOS XE, and IPv6 peers).
 *
 * Contract of `readBgp(session)` (a cold observable, one emission then completion):
 * - `peers` are the rows of bgpPeerTable when it has any, else those of cbgpPeer2Table, else
 *   none (`mib` undefined). Only the state column is walked first; the other columns are walked
 *   only when the table has rows, so a device without BGP costs two walks.
 * - `localAs` is bgpLocalAs when the agent gives it.
 * - Rows are in index order; a column the agent does not give is left undefined. A walk that
 *   fails (timeout, SNMP error) fails the read.
 */
import { concatMap, forkJoin, map, of, type Observable } from 'rxjs';
import { normaliseIdentity } from '../../entity.js';
import type { EntityId } from '../../observation.js';
import { vbNumber, type SnmpSession, type Varbind } from '../types.js';
import { indexArcs, inetAddressFromArcs, inetAddressText, ipv4FromArcs, octetsOf, scalarOf, walkColumns, type Table, type TableRow } from './router-table.js';

/** BGP4-MIB (RFC 4273), mib-2.15. */
export const BGP4_MIB = {
  bgpLocalAs: '1.3.6.1.2.1.15.2.0',
  bgpPeerEntry: '1.3.6.1.2.1.15.3.1',
  bgpPeerIdentifier: '1.3.6.1.2.1.15.3.1.1',
  bgpPeerState: '1.3.6.1.2.1.15.3.1.2',
  bgpPeerAdminStatus: '1.3.6.1.2.1.15.3.1.3',
  bgpPeerLocalAddr: '1.3.6.1.2.1.15.3.1.5',
  bgpPeerRemoteAddr: '1.3.6.1.2.1.15.3.1.7',
  bgpPeerRemoteAs: '1.3.6.1.2.1.15.3.1.9',
  bgpPeerInUpdates: '1.3.6.1.2.1.15.3.1.10',
  bgpPeerOutUpdates: '1.3.6.1.2.1.15.3.1.11',
  bgpPeerLastError: '1.3.6.1.2.1.15.3.1.14',
  bgpPeerFsmEstablishedTransitions: '1.3.6.1.2.1.15.3.1.15',
  bgpPeerFsmEstablishedTime: '1.3.6.1.2.1.15.3.1.16',
} as const;

/** CISCO-BGP4-MIB cbgpPeer2Table (index: cbgpPeer2Type, cbgpPeer2RemoteAddr as InetAddress). */
export const CISCO_BGP4_MIB = {
  cbgpPeer2Entry: '1.3.6.1.4.1.9.9.187.1.2.5.1',
  cbgpPeer2State: '1.3.6.1.4.1.9.9.187.1.2.5.1.3',
  cbgpPeer2AdminStatus: '1.3.6.1.4.1.9.9.187.1.2.5.1.4',
  cbgpPeer2LocalAddr: '1.3.6.1.4.1.9.9.187.1.2.5.1.6',
  cbgpPeer2LocalAs: '1.3.6.1.4.1.9.9.187.1.2.5.1.8',
  cbgpPeer2RemoteAs: '1.3.6.1.4.1.9.9.187.1.2.5.1.11',
  cbgpPeer2InUpdates: '1.3.6.1.4.1.9.9.187.1.2.5.1.13',
  cbgpPeer2OutUpdates: '1.3.6.1.4.1.9.9.187.1.2.5.1.14',
  cbgpPeer2LastError: '1.3.6.1.4.1.9.9.187.1.2.5.1.17',
  cbgpPeer2FsmEstablishedTransitions: '1.3.6.1.4.1.9.9.187.1.2.5.1.18',
  cbgpPeer2FsmEstablishedTime: '1.3.6.1.4.1.9.9.187.1.2.5.1.19',
} as const;

/** bgpPeerState values 1..6, in order. */
export const BGP_FSM_STATES = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const;
export type BgpFsmState = (typeof BGP_FSM_STATES)[number];

/** RFC 4271 NOTIFICATION error codes. */
const BGP_ERROR_CODES: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
};

/** The last NOTIFICATION a peer sent or received (bgpPeerLastError), when not 0/0. */
export interface BgpLastError {
  code: number;
  subcode: number;
  /** e.g. `Cease (6/2)`. */
  text: string;
}

/** One BGP peer as the agent describes it. */
export interface BgpPeerRow {
  /** The peer's address (the table index): dotted IPv4 or RFC 5952 IPv6. */
  peer: string;
  state: BgpFsmState | 'unknown';
  /** bgpPeerAdminStatus: `stop` when the peer is administratively shut down. */
  adminStatus?: 'stop' | 'start';
  remoteAs?: number;
  localAddress?: string;
  /** bgpPeerFsmEstablishedTime (s): time in established, or since the peer last left it. */
  fsmEstablishedTimeS?: number;
  /** bgpPeerFsmEstablishedTransitions: goes up each time the session is (re)established. */
  establishedTransitions?: number;
  /** bgpPeerInUpdates / bgpPeerOutUpdates (Counter32; reset when the session is established). */
  inUpdates?: number;
  outUpdates?: number;
  lastError?: BgpLastError;
  mib: 'BGP4-MIB' | 'CISCO-BGP4-MIB';
}

export interface BgpReading {
  localAs?: number;
  /** Which table the peers come from; undefined when the device has neither. */
  mib?: BgpPeerRow['mib'];
  peers: BgpPeerRow[];
}

/** `bgp:<node identity>/<peer address>`: one BGP session of a router. */
export function bgpPeerId(node: EntityId, peer: string): EntityId {
  const n = node.startsWith('node:') ? node.slice(5) : normaliseIdentity(node);
  return `bgp:${n}/${peer.trim().toLowerCase()}`;
}

const col = (oid: string): number => Number(oid.slice(oid.lastIndexOf('.') + 1));

const BGP4_COLUMNS = {
  adminStatus: col(BGP4_MIB.bgpPeerAdminStatus),
  localAddr: col(BGP4_MIB.bgpPeerLocalAddr),
  remoteAs: col(BGP4_MIB.bgpPeerRemoteAs),
  inUpdates: col(BGP4_MIB.bgpPeerInUpdates),
  outUpdates: col(BGP4_MIB.bgpPeerOutUpdates),
  lastError: col(BGP4_MIB.bgpPeerLastError),
  transitions: col(BGP4_MIB.bgpPeerFsmEstablishedTransitions),
  establishedTime: col(BGP4_MIB.bgpPeerFsmEstablishedTime),
};

const CISCO_COLUMNS = {
  adminStatus: col(CISCO_BGP4_MIB.cbgpPeer2AdminStatus),
  localAddr: col(CISCO_BGP4_MIB.cbgpPeer2LocalAddr),
  remoteAs: col(CISCO_BGP4_MIB.cbgpPeer2RemoteAs),
  inUpdates: col(CISCO_BGP4_MIB.cbgpPeer2InUpdates),
  outUpdates: col(CISCO_BGP4_MIB.cbgpPeer2OutUpdates),
  lastError: col(CISCO_BGP4_MIB.cbgpPeer2LastError),
  transitions: col(CISCO_BGP4_MIB.cbgpPeer2FsmEstablishedTransitions),
  establishedTime: col(CISCO_BGP4_MIB.cbgpPeer2FsmEstablishedTime),
};

type Column = keyof typeof BGP4_COLUMNS | 'state';

/** The FSM state name of a bgpPeerState value. */
export function bgpFsmState(value: number | undefined): BgpFsmState | 'unknown' {
  return value !== undefined && value >= 1 && value <= 6 ? BGP_FSM_STATES[value - 1] : 'unknown';
}

/** Decodes bgpPeerLastError (two octets: code, subcode); undefined for 0/0 or absent. */
export function bgpLastError(vb: Varbind | undefined): BgpLastError | undefined {
  const o = octetsOf(vb);
  if (o.length < 2 || (o[0] === 0 && o[1] === 0)) return undefined;
  const name = BGP_ERROR_CODES[o[0]] ?? 'error';
  return { code: o[0], subcode: o[1], text: `${name} (${o[0]}/${o[1]})` };
}

function addressOf(vb: Varbind | undefined): string | undefined {
  const o = octetsOf(vb);
  if (o.length === 0 || o.every((b) => b === 0)) return undefined;
  return inetAddressText(o);
}

function toRow(peer: string, r: TableRow<Column>, mib: BgpPeerRow['mib']): BgpPeerRow {
  const admin = vbNumber(r.adminStatus);
  const row: BgpPeerRow = { peer, state: bgpFsmState(vbNumber(r.state)), mib };
  if (admin === 1 || admin === 2) row.adminStatus = admin === 1 ? 'stop' : 'start';
  const remoteAs = vbNumber(r.remoteAs);
  if (remoteAs !== undefined) row.remoteAs = remoteAs;
  const local = addressOf(r.localAddr);
  if (local) row.localAddress = local;
  const t = vbNumber(r.establishedTime);
  if (t !== undefined) row.fsmEstablishedTimeS = t;
  const tr = vbNumber(r.transitions);
  if (tr !== undefined) row.establishedTransitions = tr;
  const inU = vbNumber(r.inUpdates);
  if (inU !== undefined) row.inUpdates = inU;
  const outU = vbNumber(r.outUpdates);
  if (outU !== undefined) row.outUpdates = outU;
  const err = bgpLastError(r.lastError);
  if (err) row.lastError = err;
  return row;
}

/** Walks the state column, then (when the table has rows) the others, and joins them. */
function readTable(session: SnmpSession, entry: string, columns: typeof BGP4_COLUMNS, stateColumn: number): Observable<Table<Column>> {
  return walkColumns(session, entry, { state: stateColumn }).pipe(
    concatMap((states) =>
      states.size === 0
        ? of(states as Table<Column>)
        : walkColumns(session, entry, columns).pipe(
            map((rest) => {
              const joined: Table<Column> = new Map();
              for (const [index, s] of states) joined.set(index, { ...rest.get(index), ...s });
              return joined;
            }),
          ),
    ),
  );
}

/** BGP4-MIB rows: the index is bgpPeerRemoteAddr (4 arcs). */
function bgp4Peers(table: Table<Column>): BgpPeerRow[] {
  const out: BgpPeerRow[] = [];
  for (const [index, r] of table) {
    const peer = ipv4FromArcs(indexArcs(index));
    if (peer) out.push(toRow(peer, r, 'BGP4-MIB'));
  }
  return out;
}

/** cbgpPeer2Table rows: the index is (InetAddressType, InetAddress). */
function ciscoPeers(table: Table<Column>): BgpPeerRow[] {
  const out: BgpPeerRow[] = [];
  for (const [index, r] of table) {
    const addr = inetAddressFromArcs(indexArcs(index));
    if (addr) out.push(toRow(addr.address, r, 'CISCO-BGP4-MIB'));
  }
  return out;
}

/** Peers from bgpPeerTable, else cbgpPeer2Table. */
export function readBgpPeers(session: SnmpSession): Observable<Pick<BgpReading, 'mib' | 'peers'>> {
  return readTable(session, BGP4_MIB.bgpPeerEntry, BGP4_COLUMNS, col(BGP4_MIB.bgpPeerState)).pipe(
    concatMap((t) =>
      t.size > 0
        ? of({ mib: 'BGP4-MIB' as const, peers: bgp4Peers(t) })
        : readTable(session, CISCO_BGP4_MIB.cbgpPeer2Entry, CISCO_COLUMNS, col(CISCO_BGP4_MIB.cbgpPeer2State)).pipe(
            map((c) => (c.size > 0 ? { mib: 'CISCO-BGP4-MIB' as const, peers: ciscoPeers(c) } : { peers: [] })),
          ),
    ),
  );
}

export function readBgp(session: SnmpSession): Observable<BgpReading> {
  const localAsRoot = BGP4_MIB.bgpLocalAs.slice(0, -2);
  return forkJoin([session.walk(localAsRoot), readBgpPeers(session)]).pipe(
    map(([las, peers]) => {
      const localAs = vbNumber(scalarOf(las));
      return localAs !== undefined ? { localAs, ...peers } : peers;
    }),
  );
}
