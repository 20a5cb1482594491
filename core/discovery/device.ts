/**
 * `readDevice(session, fallback)`: everything discovery needs from one agent, read with the
 * SDK's device readers (the ones the switch kind uses): the system group and LLDP local chassis
 * id (`parseSystem`), LLDP and CDP neighbours (`readLldp`, `readCdp`), the port names
 * (`readPorts`) and the links they make (`neighbourView`). So a link discovery finds has the
 * node, port and link ids the switch kind gives the same device.
 *
 * Contract: emits one `DeviceReport` and completes. The system group GET must answer: its
 * failure (timeout, SNMP error) is the observable's error, so "no answer" and "no neighbours"
 * stay different things. The LLDP local scalars, a neighbour table or the port names that cannot
 * be read make the report incomplete (`complete: false`) rather than failing it. IF-MIB is read
 * only when the device has neighbours. `fallback` (the polled address) names a device that
 * gives neither sysName nor chassis id.
 */
import { catchError, concatMap, defer, forkJoin, map, of, type Observable } from 'rxjs';
import type { SnmpSession, Varbind } from '../../plugins/sdk/index.js';
import { readCdp, type CdpNeighbour } from '../../plugins/sdk/snmp/device/cdp.js';
import { classifyDevice, decodeLldpCapabilities, kindFromCdp, kindFromLldpCapabilities } from '../../plugins/sdk/snmp/device/classify.js';
import { cdpDeviceName, deviceIdentity, neighbourIdentity } from '../../plugins/sdk/snmp/device/identity.js';
import { readPorts, type PortsRead } from '../../plugins/sdk/snmp/device/interfaces.js';
import { readLldp, type LldpRead } from '../../plugins/sdk/snmp/device/lldp.js';
import { LLDP_MIB } from '../../plugins/sdk/snmp/device/mibs.js';
import { neighbourView } from '../../plugins/sdk/snmp/device/neighbours.js';
import { SYSTEM_GROUP_OIDS, parseSystem } from '../../plugins/sdk/snmp/device/system.js';
import { bytes } from '../../plugins/sdk/snmp/device/table.js';
import type { DeviceReport, Neighbour } from './types.js';

const LOCAL_LLDP = [LLDP_MIB.lldpLocChassisIdSubtype, LLDP_MIB.lldpLocChassisId, LLDP_MIB.lldpLocSysCapEnabled];

interface Read<T> {
  value: T;
  ok: boolean;
}

/** The reading, or `empty` and `ok: false` when it fails. */
function orEmpty<T>(read: Observable<T>, empty: T): Observable<Read<T>> {
  return read.pipe(
    map((value) => ({ value, ok: true })),
    catchError(() => of({ value: empty, ok: false })),
  );
}

function sightings(lldp: LldpRead, cdp: CdpNeighbour[]): Neighbour[] {
  const out: Neighbour[] = [];
  for (const n of lldp.neighbours) {
    const who = neighbourIdentity(n);
    out.push({
      protocol: 'lldp',
      ...(who ? { node: who.node, name: who.name } : {}),
      ...(n.chassisId ? { chassisId: n.chassisId } : {}),
      ...(n.sysName ? { sysName: n.sysName } : {}),
      addresses: n.managementAddresses ?? [],
      kind: kindFromLldpCapabilities(n.capabilities, n.sysDesc),
    });
  }
  for (const n of cdp) {
    const who = neighbourIdentity({ sysName: cdpDeviceName(n.deviceId) });
    out.push({
      protocol: 'cdp',
      ...(who ? { node: who.node, name: who.name } : {}),
      ...(n.deviceId ? { sysName: n.deviceId } : {}),
      addresses: n.address ? [n.address] : [],
      kind: kindFromCdp(n.capabilities, n.platform),
    });
  }
  return out;
}

const NO_PORTS: PortsRead = { ports: new Map(), names: new Map(), total: 0, mode: 'walk' };

export function readDevice(session: SnmpSession, fallback: string): Observable<DeviceReport> {
  return defer(() =>
    // The system group first: an agent that does not answer gets one request, not a dozen.
    session.get([...SYSTEM_GROUP_OIDS]).pipe(
      concatMap((system) =>
        forkJoin({
          local: orEmpty<Varbind[]>(session.get(LOCAL_LLDP), []),
          lldp: orEmpty<LldpRead>(readLldp(session), { localPorts: new Map(), neighbours: [] }),
          cdp: orEmpty<CdpNeighbour[]>(readCdp(session), []),
        }).pipe(map((parts) => ({ system, ...parts }))),
      ),
      concatMap(({ system, local, lldp, cdp }) => {
        const sys = parseSystem([...system, ...local.value]);
        const identity = deviceIdentity({ sysName: sys.sysName, sysObjectID: sys.sysObjectID, chassisId: sys.chassisId, fallback });
        const caps = decodeLldpCapabilities(bytes(local.value.find((vb) => vb.oid.replace(/^\./, '') === LLDP_MIB.lldpLocSysCapEnabled)));
        const byCaps = kindFromLldpCapabilities(caps);
        const neighbours = sightings(lldp.value, cdp.value);
        const head = {
          sysName: sys.sysName,
          sysObjectID: sys.sysObjectID,
          sysDescr: sys.sysDescr,
          ...(sys.chassisId ? { chassisId: sys.chassisId } : {}),
          identity,
          kind: byCaps !== 'unknown' ? byCaps : classifyDevice(sys.sysObjectID, sys.sysDescr),
          neighbours,
        };
        const complete = local.ok && lldp.ok && cdp.ok;
        if (neighbours.length === 0) return of<DeviceReport>({ ...head, links: [], ports: [], complete });
        return orEmpty(readPorts(session), NO_PORTS).pipe(
          map(({ value: ports, ok }): DeviceReport => {
            const view = neighbourView({ self: identity.node, lldp: lldp.value, cdp: cdp.value, ports: ports.ports, names: ports.names });
            const named = [...ports.ports.values()].map((p) => ({ name: p.name, ...(p.mac ? { mac: p.mac } : {}) }));
            return { ...head, links: view.links, ports: named, complete: complete && ok };
          }),
        );
      }),
    ),
  );
}
