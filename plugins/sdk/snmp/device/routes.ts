/**
 * The size of a router's routing table over SNMP (IP-FORWARD-MIB, RFC 4292 and RFC 2096).
 *
 * Contract of `readRouteCount(session)` (a cold observable, one emission then completion):
 * - the agent's own count first: inetCidrRouteNumber, else ipCidrRouteNumber (one scalar walk
 *   each, both in parallel), so a router with a full Internet table costs two round trips;
 * - when neither scalar is given, the rows of inetCidrRouteTable are counted (walking only
 *   inetCidrRouteIfIndex), else those of ipCidrRouteTable (ipCidrRouteDest);
 * - `undefined` when the device gives none of the four; `source` names the object counted.
 * A walk that fails (timeout, SNMP error) fails the read.
 */
import { concatMap, forkJoin, map, of, type Observable } from 'rxjs';
import { vbNumber, type SnmpSession } from '../types.js';
import { scalarOf, walkColumns } from './router-table.js';

/** IP-FORWARD-MIB, mib-2.4.24. */
export const IP_FORWARD_MIB = {
  ipCidrRouteNumber: '1.3.6.1.2.1.4.24.3.0',
  ipCidrRouteEntry: '1.3.6.1.2.1.4.24.4.1',
  ipCidrRouteDest: '1.3.6.1.2.1.4.24.4.1.1',
  inetCidrRouteNumber: '1.3.6.1.2.1.4.24.6.0',
  inetCidrRouteEntry: '1.3.6.1.2.1.4.24.7.1',
  /** The first accessible column of inetCidrRouteTable (columns 1–6 are the index). */
  inetCidrRouteIfIndex: '1.3.6.1.2.1.4.24.7.1.7',
} as const;

export type RouteCountSource = 'inetCidrRouteNumber' | 'ipCidrRouteNumber' | 'inetCidrRouteTable' | 'ipCidrRouteTable';

export interface RouteCount {
  count: number;
  source: RouteCountSource;
}

const parent = (scalar: string): string => scalar.replace(/\.0$/, '');
const lastArc = (oid: string): number => Number(oid.slice(oid.lastIndexOf('.') + 1));

/** Counts the rows of one column of a route table; undefined when the table is empty or absent. */
function countRows(session: SnmpSession, entry: string, column: string, source: RouteCountSource): Observable<RouteCount | undefined> {
  return walkColumns(session, entry, { c: lastArc(column) }).pipe(map((t) => (t.size > 0 ? { count: t.size, source } : undefined)));
}

export function readRouteCount(session: SnmpSession): Observable<RouteCount | undefined> {
  return forkJoin([session.walk(parent(IP_FORWARD_MIB.inetCidrRouteNumber)), session.walk(parent(IP_FORWARD_MIB.ipCidrRouteNumber))]).pipe(
    concatMap(([inet, ip]) => {
      const inetN = vbNumber(scalarOf(inet));
      if (inetN !== undefined) return of<RouteCount | undefined>({ count: inetN, source: 'inetCidrRouteNumber' });
      const ipN = vbNumber(scalarOf(ip));
      if (ipN !== undefined) return of<RouteCount | undefined>({ count: ipN, source: 'ipCidrRouteNumber' });
      return countRows(session, IP_FORWARD_MIB.inetCidrRouteEntry, IP_FORWARD_MIB.inetCidrRouteIfIndex, 'inetCidrRouteTable').pipe(
        concatMap((c) => (c ? of(c) : countRows(session, IP_FORWARD_MIB.ipCidrRouteEntry, IP_FORWARD_MIB.ipCidrRouteDest, 'ipCidrRouteTable'))),
      );
    }),
  );
}
