/**
 * `readLldp(session)`: a device's own LLDP identity and its LLDP neighbours, from LLDP-MIB:
 * lldpRemTable joined to lldpLocPortTable (on lldpRemLocalPortNum) and to lldpRemManAddrTable
 * (on the lldpRemEntry index). Only the columns used are walked.
 *
 * Contract: emits once and completes. A device without LLDP-MIB gives no neighbours. A column
 * that cannot be walked (timeout, error) gives `complete: false` and the rows that could be read;
 * the observable itself does not error for that.
 */
import { catchError, concatMap, forkJoin, map, of, type Observable } from 'rxjs';
import { vbNumber, type NodeKind, type SnmpSession } from '../../plugins/sdk/index.js';
import { LLDP_MIB } from './mibs.js';
import { chassisIdText, kindFromLldpCapabilities, manAddrFromIndex, octets, portAliases, portNameOf, text } from './octets.js';
import { indexArcs, readColumn, type ColumnRead } from './table.js';
import type { InterfaceNames, Neighbour, PortRef } from './types.js';

export interface LldpReading {
  /** The device's own chassis id (lldpLocChassisId), when it runs LLDP. */
  chassisId?: string;
  /** From its enabled LLDP capabilities (bridge → switch, router → router). */
  kind: NodeKind;
  neighbours: Neighbour[];
  complete: boolean;
}

const LOCAL_SCALARS = [LLDP_MIB.lldpLocChassisIdSubtype, LLDP_MIB.lldpLocChassisId, LLDP_MIB.lldpLocSysCapEnabled];

const REMOTE_COLUMNS = [
  LLDP_MIB.lldpRemChassisIdSubtype,
  LLDP_MIB.lldpRemChassisId,
  LLDP_MIB.lldpRemPortIdSubtype,
  LLDP_MIB.lldpRemPortId,
  LLDP_MIB.lldpRemPortDesc,
  LLDP_MIB.lldpRemSysName,
  LLDP_MIB.lldpRemSysCapEnabled,
] as const;

const LOCAL_PORT_COLUMNS = [LLDP_MIB.lldpLocPortIdSubtype, LLDP_MIB.lldpLocPortId, LLDP_MIB.lldpLocPortDesc] as const;

/**
 * `ifNames`: ifIndex → [ifName, ifDescr], extra aliases of a local port (lldpLocPortNum is
 * usually the ifIndex); subscribed only when the device has neighbours.
 */
export function readLldp(session: SnmpSession, ifNames: Observable<InterfaceNames> = of(new Map())): Observable<LldpReading> {
  const column = (oid: string) => readColumn(session, oid);
  const local = session.get(LOCAL_SCALARS).pipe(catchError(() => of(undefined)));
  return forkJoin({ local, rem: forkJoin(REMOTE_COLUMNS.map(column)) }).pipe(
    concatMap(({ local: scalars, rem }) => {
      const chassis = octets(scalars?.[1]);
      const chassisId = chassis.length ? chassisIdText(vbNumber(scalars?.[0]), chassis) : undefined;
      const kind = kindFromLldpCapabilities(octets(scalars?.[2]));
      const remoteOk = scalars !== undefined && rem.every((c) => c.ok);
      if (rem[1].rows.size === 0 && rem[3].rows.size === 0 && rem[5].rows.size === 0) {
        return of({ chassisId, kind, neighbours: [], complete: remoteOk });
      }
      // Neighbours exist: read the local ports, the management addresses and the ifNames.
      return forkJoin({ ports: forkJoin(LOCAL_PORT_COLUMNS.map(column)), manAddr: column(LLDP_MIB.lldpRemManAddrIfSubtype), names: ifNames }).pipe(
        map(({ ports, manAddr, names }) => ({
          chassisId,
          kind,
          neighbours: joinRows(rem, ports, manAddr, names),
          complete: remoteOk && [...ports, manAddr].every((c) => c.ok),
        })),
      );
    }),
  );
}

function joinRows(rem: ColumnRead[], ports: ColumnRead[], manAddr: ColumnRead, ifNames: InterfaceNames): Neighbour[] {
  const [chSub, chId, ptSub, ptId, ptDesc, sysName, caps] = rem.map((c) => c.rows);
  const [lpSub, lpId, lpDesc] = ports.map((c) => c.rows);
  const addresses = new Map<string, string[]>();
  for (const index of manAddr.rows.keys()) {
    const arcs = indexArcs(index);
    const addr = manAddrFromIndex(arcs.slice(3));
    if (!addr) continue;
    const key = arcs.slice(0, 3).join('.');
    const list = addresses.get(key) ?? [];
    if (!list.includes(addr)) list.push(addr);
    addresses.set(key, list);
  }
  const indexes = new Set([...chId.keys(), ...ptId.keys(), ...sysName.keys()]);
  const out: Neighbour[] = [];
  for (const index of indexes) {
    const arcs = indexArcs(index);
    if (arcs.length !== 3) continue;
    const localNum = arcs[1];
    const localPort = localPortRef(localNum, vbNumber(lpSub.get(String(localNum))), octets(lpId.get(String(localNum))), text(octets(lpDesc.get(String(localNum)))), ifNames.get(localNum));
    const portId = octets(ptId.get(index));
    const portDesc = text(octets(ptDesc.get(index)));
    const portSubtype = vbNumber(ptSub.get(index));
    const chassis = octets(chId.get(index));
    const name = text(octets(sysName.get(index)));
    out.push({
      protocol: 'lldp',
      localPort,
      chassisId: chassis.length ? chassisIdText(vbNumber(chSub.get(index)), chassis) : undefined,
      sysName: name || undefined,
      port: { name: portNameOf(portSubtype, portId, portDesc), aliases: portAliases(portSubtype, portId, portDesc) },
      addresses: addresses.get(index) ?? [],
      kind: kindFromLldpCapabilities(octets(caps.get(index))),
    });
  }
  return out;
}

function localPortRef(num: number, subtype: number | undefined, id: Buffer, desc: string, names: string[] = []): PortRef {
  if (id.length === 0 && !desc) {
    const name = names[0] ?? `port ${num}`;
    return { name, aliases: [name, ...names.slice(1)] };
  }
  return { name: portNameOf(subtype, id, desc), aliases: portAliases(subtype, id, desc, names) };
}

