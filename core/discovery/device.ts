/**
 * `readDevice(session)`: everything discovery needs from one agent: its system group
 * (sysName, sysObjectID, sysDescr), its LLDP chassis id and its LLDP and CDP neighbours.
 *
 * Contract: emits one `DeviceReport` and completes. The system group GET must answer: its
 * failure (timeout, SNMP error) is the observable's error, so "no answer" and "no neighbours"
 * stay different things. Neighbour tables that cannot be read make the report incomplete
 * (`complete: false`) rather than failing it. IF-MIB names are walked at most once, and only
 * when some neighbour needs a local port name.
 */
import { concatMap, defer, forkJoin, map, shareReplay, type Observable } from 'rxjs';
import { SNMPv2_MIB, vbMissing, vbString, type SnmpSession } from '../../plugins/sdk/index.js';
import { readCdp } from './cdp.js';
import { readLldp } from './lldp.js';
import { IF_MIB } from './mibs.js';
import { readColumn } from './table.js';
import type { DeviceReport, InterfaceNames } from './types.js';

const SYSTEM = [SNMPv2_MIB.sysName, SNMPv2_MIB.sysObjectID, SNMPv2_MIB.sysDescr];

function interfaceNames(session: SnmpSession): Observable<InterfaceNames> {
  return forkJoin([readColumn(session, IF_MIB.ifName), readColumn(session, IF_MIB.ifDescr)]).pipe(
    map(([names, descrs]) => {
      const out: InterfaceNames = new Map();
      for (const [col, rows] of [[0, names.rows], [1, descrs.rows]] as const) {
        for (const [index, vb] of rows) {
          const n = Number(index);
          const name = vbString(vb).trim();
          if (!Number.isInteger(n) || !name) continue;
          const list = out.get(n) ?? [];
          if (!list.includes(name)) list[col === 0 ? 'unshift' : 'push'](name);
          out.set(n, list);
        }
      }
      return out;
    }),
  );
}

export function readDevice(session: SnmpSession): Observable<DeviceReport> {
  return defer(() => {
    const names = interfaceNames(session).pipe(shareReplay(1));
    // The system group first: an agent that does not answer gets one request, not a dozen.
    return session.get(SYSTEM).pipe(
      concatMap((sys) =>
        forkJoin({ lldp: readLldp(session, names), cdp: readCdp(session, names) }).pipe(
          map(({ lldp, cdp }): DeviceReport => {
            const [name, oid, descr] = sys.map((vb) => (vbMissing(vb) ? '' : vbString(vb).trim()));
            return {
              sysName: name,
              sysObjectID: oid.replace(/^\./, ''),
              sysDescr: descr,
              chassisId: lldp.chassisId,
              kind: lldp.kind,
              neighbours: [...lldp.neighbours, ...cdp.neighbours],
              complete: lldp.complete && cdp.complete,
            };
          }),
        ),
      ),
    );
  });
}
