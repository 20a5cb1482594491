/**
 * `readCdp(session, ifNames)`: a device's CDP neighbours, from CISCO-CDP-MIB's cdpCacheTable;
 * the local port is named from IF-MIB (the table is indexed by cdpCacheIfIndex).
 *
 * Contract: emits once and completes. A device without CDP gives no neighbours (and `ifNames`
 * is then never subscribed). A column that cannot be walked gives `complete: false` and the
 * rows that could be read; the observable does not error for that.
 */
import { concatMap, forkJoin, map, of, type Observable } from 'rxjs';
import { vbNumber, type SnmpSession } from '../../plugins/sdk/index.js';
import { CDP_ADDRESS_TYPE, CISCO_CDP_MIB } from './mibs.js';
import { addressFromBytes, kindFromCdpCapabilities, octets, text } from './octets.js';
import { indexArcs, readColumn } from './table.js';
import type { InterfaceNames, Neighbour } from './types.js';

export interface CdpReading {
  neighbours: Neighbour[];
  complete: boolean;
}

const COLUMNS = [
  CISCO_CDP_MIB.cdpCacheDeviceId,
  CISCO_CDP_MIB.cdpCacheDevicePort,
  CISCO_CDP_MIB.cdpCacheAddressType,
  CISCO_CDP_MIB.cdpCacheAddress,
  CISCO_CDP_MIB.cdpCacheCapabilities,
] as const;

export function readCdp(session: SnmpSession, ifNames: Observable<InterfaceNames>): Observable<CdpReading> {
  return forkJoin(COLUMNS.map((c) => readColumn(session, c))).pipe(
    concatMap((cols) => {
      const complete = cols.every((c) => c.ok);
      const [deviceId, devicePort, addrType, address, caps] = cols.map((c) => c.rows);
      if (deviceId.size === 0) return of({ neighbours: [], complete });
      return ifNames.pipe(
        map((names) => {
          const neighbours: Neighbour[] = [];
          for (const [index, idVb] of deviceId) {
            const arcs = indexArcs(index);
            if (arcs.length !== 2) continue;
            const ifIndex = arcs[0];
            const local = names.get(ifIndex) ?? [`ifIndex ${ifIndex}`];
            const type = vbNumber(addrType.get(index));
            const raw = octets(address.get(index));
            const addr = type === CDP_ADDRESS_TYPE.ip || type === CDP_ADDRESS_TYPE.ipv6 || type === undefined ? addressFromBytes(raw) : undefined;
            const remotePort = text(octets(devicePort.get(index)));
            const sysName = text(octets(idVb));
            neighbours.push({
              protocol: 'cdp',
              localPort: { name: local[0], aliases: local },
              sysName: sysName || undefined,
              port: { name: remotePort || '?', aliases: remotePort ? [remotePort] : [] },
              addresses: addr ? [addr] : [],
              kind: kindFromCdpCapabilities(octets(caps.get(index))),
            });
          }
          return { neighbours, complete };
        }),
      );
    }),
  );
}
