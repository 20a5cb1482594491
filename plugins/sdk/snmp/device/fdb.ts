/**
 * Bridge forwarding tables: which MAC addresses sit behind which port (end-host attachment).
 *
 * `readFdb(session)` reads Q-BRIDGE-MIB dot1qTpFdbTable (index dot1qFdbId.MAC; port and status
 * columns) and, when that is empty, BRIDGE-MIB dot1dTpFdbTable (index MAC), plus
 * dot1dBasePortTable to turn bridge port numbers into ifIndexes (a bridge port with no mapping
 * is taken as the ifIndex itself, as some agents number them so).
 *
 * Contract: a map ifIndex → sorted distinct MACs (`aa:bb:…`). Entries with status invalid(2)
 * or self(4), or on bridge port 0 (the switch itself), are left out; a table without the status
 * column keeps every entry. The same MAC in several VLANs counts once per port. Cisco IOS serves
 * BRIDGE-MIB per VLAN only through community indexing (`community@vlan`), which is not done here:
 * on such switches only the default VLAN's entries are seen.
 */
import { Observable, map, mergeMap, of } from 'rxjs';
import type { SnmpSession } from '../types.js';
import { BRIDGE_MIB as B, Q_BRIDGE_MIB as Q } from './mibs.js';
import { num, readTable, readTables, type ColumnReadOptions, type Table } from './table.js';

const STATUS_INVALID = 2;
const STATUS_SELF = 4;

function macOfArcs(arcs: number[]): string | undefined {
  if (arcs.length !== 6 || arcs.some((a) => !(a >= 0 && a <= 255))) return undefined;
  return arcs.map((a) => a.toString(16).padStart(2, '0')).join(':');
}

/**
 * Bridge port → MACs, from one of the two FDB tables. The MAC is the last 6 sub-identifiers of
 * the index (some agents, AOS-CX, put a length byte before it as for a non-IMPLIED string).
 */
function collect(table: Table, portCol: number, statusCol: number): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const [index, row] of table) {
    const mac = macOfArcs(index.split('.').slice(-6).map(Number));
    const port = num(row.get(portCol));
    const status = num(row.get(statusCol));
    if (!mac || port === undefined || port <= 0 || status === STATUS_INVALID || status === STATUS_SELF) continue;
    let set = out.get(port);
    if (!set) out.set(port, (set = new Set()));
    set.add(mac);
  }
  return out;
}

export function readFdb(session: SnmpSession, opts: ColumnReadOptions = {}): Observable<Map<number, string[]>> {
  return readTables(
    session,
    [
      { entry: Q.dot1qTpFdbEntry, columns: [Q.dot1qTpFdbPort, Q.dot1qTpFdbStatus] },
      { entry: B.dot1dBasePortEntry, columns: [B.dot1dBasePortIfIndex] },
    ],
    opts,
  ).pipe(
    mergeMap(([qTable, basePorts]) => {
      const byBridgePort$ =
        qTable.size > 0
          ? of(collect(qTable, Q.dot1qTpFdbPort, Q.dot1qTpFdbStatus))
          : readTable(session, B.dot1dTpFdbEntry, [B.dot1dTpFdbPort, B.dot1dTpFdbStatus], opts).pipe(map((t) => collect(t, B.dot1dTpFdbPort, B.dot1dTpFdbStatus)));
      return byBridgePort$.pipe(
        map((byBridgePort) => {
          const ifIndexOf = new Map<number, number>();
          for (const [index, row] of basePorts) {
            const ifIndex = num(row.get(B.dot1dBasePortIfIndex));
            if (/^\d+$/.test(index) && ifIndex !== undefined && ifIndex > 0) ifIndexOf.set(Number(index), ifIndex);
          }
          const out = new Map<number, Set<string>>();
          for (const [bridgePort, macs] of byBridgePort) {
            const ifIndex = ifIndexOf.get(bridgePort) ?? bridgePort;
            let set = out.get(ifIndex);
            if (!set) out.set(ifIndex, (set = new Set()));
            for (const m of macs) set.add(m);
          }
          return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
        }),
      );
    }),
  );
}
