/**
 * CISCO-CDP-MIB neighbours: `readCdp(session)` reads cdpCacheTable (address type and address,
 * device id, device port, platform, capabilities; only those columns).
 *
 * Contract: one `CdpNeighbour` per row (index cdpCacheIfIndex.cdpCacheDeviceIndex: the local
 * port is the ifIndex itself); the address is dotted IPv4 when the type is ip(1) and the value
 * 4 bytes, compressed IPv6 when type ipv6(20) and 16 bytes, else left out; the device port is
 * given as CDP says it (long IOS names); `iosShortName` turns such a name into the short form
 * IOS uses for ifName (`GigabitEthernet1/0/3` → `Gi1/0/3`), which is what the far switch's own
 * ports are named by, so both ends of a link agree.
 */
import { Observable, map } from 'rxjs';
import type { SnmpSession } from '../types.js';
import { cdpCapabilityBits } from './classify.js';
import { formatNetworkAddress } from './identity.js';
import { CISCO_CDP_MIB as C } from './mibs.js';
import { bytes, indexArcs, num, readTable, text, type ColumnReadOptions } from './table.js';

export interface CdpNeighbour {
  ifIndex: number;
  index: string;
  deviceId?: string;
  devicePort?: string;
  address?: string;
  platform?: string;
  /** cdpCacheCapabilities bits (Router 0x01, Switch 0x08, Host 0x10, Phone 0x80, …). */
  capabilities: number;
  version?: string;
}

const CDP_IP = 1;
const CDP_IPV6 = 20;

export function readCdp(session: SnmpSession, opts: ColumnReadOptions = {}): Observable<CdpNeighbour[]> {
  const cols = [C.cdpCacheAddressType, C.cdpCacheAddress, C.cdpCacheVersion, C.cdpCacheDeviceId, C.cdpCacheDevicePort, C.cdpCachePlatform, C.cdpCacheCapabilities];
  return readTable(session, C.cdpCacheEntry, cols, opts).pipe(
    map((table) => {
      const out: CdpNeighbour[] = [];
      for (const [index, row] of table) {
        const arcs = indexArcs(index);
        if (arcs.length !== 2 || !Number.isFinite(arcs[0])) continue;
        const n: CdpNeighbour = { ifIndex: arcs[0], index, capabilities: cdpCapabilityBits(bytes(row.get(C.cdpCacheCapabilities))) };
        const type = num(row.get(C.cdpCacheAddressType));
        const addr = bytes(row.get(C.cdpCacheAddress));
        const address = addr && type === CDP_IP ? formatNetworkAddress(1, addr) : addr && type === CDP_IPV6 ? formatNetworkAddress(2, addr) : undefined;
        const put = <K extends keyof CdpNeighbour>(k: K, v: CdpNeighbour[K] | undefined | '') => {
          if (v !== undefined && v !== '') n[k] = v;
        };
        put('deviceId', text(row.get(C.cdpCacheDeviceId)));
        put('devicePort', text(row.get(C.cdpCacheDevicePort)));
        put('address', address);
        put('platform', text(row.get(C.cdpCachePlatform))?.replace(/^cisco\s+/i, ''));
        put('version', text(row.get(C.cdpCacheVersion))?.split('\n')[0].trim());
        out.push(n);
      }
      out.sort((a, b) => a.ifIndex - b.ifIndex || a.index.localeCompare(b.index));
      return out;
    }),
  );
}

/** IOS long interface names and the short forms IOS gives as ifName. */
const IOS_SHORT: [RegExp, string][] = [
  [/^FastEthernet(?=\d)/i, 'Fa'],
  [/^GigabitEthernet(?=\d)/i, 'Gi'],
  [/^TenGigabitEthernet(?=\d)/i, 'Te'],
  [/^TwentyFiveGigE(?=\d)/i, 'Twe'],
  [/^FortyGigabitEthernet(?=\d)/i, 'Fo'],
  [/^HundredGigE(?=\d)/i, 'Hu'],
  [/^AppGigabitEthernet(?=\d)/i, 'Ap'],
  [/^Port-channel(?=\d)/i, 'Po'],
];

/**
 * The IOS ifName of a long interface name, when it is one of IOS's (`GigabitEthernet1/0/3` →
 * `Gi1/0/3`); other names unchanged. Names with four numbers (`GigabitEthernet0/0/0/1`) are
 * IOS XR's, whose ifName is the long form, and stay unchanged, as do NX-OS `Ethernet1/49` and
 * `mgmt0`.
 */
export function iosShortName(name: string): string {
  if (/^\D+\d+\/\d+\/\d+\/\d+$/.test(name)) return name;
  for (const [re, short] of IOS_SHORT) if (re.test(name)) return name.replace(re, short);
  return name;
}
