/**
 * LLDP-MIB neighbours: `readLldp(session)` reads lldpLocPortTable, lldpRemTable and
 * lldpRemManAddrTable (only the columns used, in one multi-column walk) and joins them.
 *
 * Contract:
 * - one `LldpNeighbour` per lldpRemTable row (index lldpRemTimeMark.lldpRemLocalPortNum.
 *   lldpRemIndex), with the chassis id and port id decoded by subtype (`formatChassisId`,
 *   `formatPortId`), sysName, sysDesc, port description, enabled capabilities (else the
 *   supported ones), the best management address (IPv4, else IPv6) and all of them
 *   (`managementAddresses`: IPv4 first, then IPv6, each in table order), from
 *   lldpRemManAddrTable: the address is in the row index (subtype, length, bytes; or subtype,
 *   bytes from agents that treat it as IMPLIED), or, for agents that serve the index columns with
 *   a short index (RouterOS), in lldpRemManAddr itself;
 * - `localPorts`: lldpLocPortTable by lldpLocPortNum (id, id subtype, description);
 * - `mapLocalPorts(localPorts, ports, nums)`: the ifIndex of each local port number, by the first
 *   rule that gives exactly one port: lldpLocPortId equal to a port's ifName, then to its
 *   ifDescr; lldpLocPortDesc equal to an ifName, ifDescr or ifAlias; then the number itself
 *   when it is an ifIndex (Junos, D-Link and RouterOS number LLDP ports by ifIndex). An id
 *   shared by several local ports (D-Link gives them all the chassis MAC) is not used.
 */
import { Observable, map } from 'rxjs';
import type { SnmpSession } from '../types.js';
import { decodeLldpCapabilities } from './classify.js';
import { formatChassisId, formatNetworkAddress, formatPortId } from './identity.js';
import type { PortInfo } from './interfaces.js';
import { LLDP_MIB as L } from './mibs.js';
import { bytes, indexArcs, isPrintable, num, readTables, text, type ColumnReadOptions, type Row } from './table.js';

export interface LldpLocalPort {
  num: number;
  id?: string;
  idSubtype?: number;
  desc?: string;
}

export interface LldpNeighbour {
  localPortNum: number;
  /** lldpRemTable row index. */
  index: string;
  chassisIdSubtype?: number;
  chassisId?: string;
  portIdSubtype?: number;
  portId?: string;
  portDesc?: string;
  sysName?: string;
  sysDesc?: string;
  capabilities: string[];
  managementAddress?: string;
  /** Every IPv4/IPv6 management address it advertises, IPv4 first (the first is `managementAddress`). */
  managementAddresses?: string[];
}

export interface LldpRead {
  localPorts: Map<number, LldpLocalPort>;
  neighbours: LldpNeighbour[];
}

const REM_COLUMNS = [
  L.lldpRemChassisIdSubtype, L.lldpRemChassisId, L.lldpRemPortIdSubtype, L.lldpRemPortId, L.lldpRemPortDesc,
  L.lldpRemSysName, L.lldpRemSysDesc, L.lldpRemSysCapSupported, L.lldpRemSysCapEnabled,
];

export function readLldp(session: SnmpSession, opts: ColumnReadOptions = {}): Observable<LldpRead> {
  return readTables(
    session,
    [
      { entry: L.lldpLocPortEntry, columns: [L.lldpLocPortIdSubtype, L.lldpLocPortId, L.lldpLocPortDesc] },
      { entry: L.lldpRemEntry, columns: REM_COLUMNS },
      { entry: L.lldpRemManAddrEntry, columns: [L.lldpRemManAddrSubtype, L.lldpRemManAddr, L.lldpRemManAddrIfSubtype] },
    ],
    opts,
  ).pipe(
    map(([loc, rem, man]) => {
      const localPorts = new Map<number, LldpLocalPort>();
      for (const [index, row] of loc) {
        if (!/^\d+$/.test(index)) continue;
        const p: LldpLocalPort = { num: Number(index) };
        const idSubtype = num(row.get(L.lldpLocPortIdSubtype));
        const id = formatPortId(idSubtype, bytes(row.get(L.lldpLocPortId)) ?? text(row.get(L.lldpLocPortId)));
        const desc = text(row.get(L.lldpLocPortDesc));
        if (idSubtype !== undefined) p.idSubtype = idSubtype;
        if (id) p.id = id;
        if (desc) p.desc = desc;
        localPorts.set(p.num, p);
      }
      const addresses = managementAddresses(man);
      const neighbours: LldpNeighbour[] = [];
      for (const [index, row] of rem) {
        const arcs = indexArcs(index);
        if (arcs.length !== 3 || arcs.some((a) => !Number.isFinite(a))) continue;
        neighbours.push(neighbourOf(index, arcs[1], row, addresses.get(`${arcs[1]}.${arcs[2]}`)));
      }
      neighbours.sort((a, b) => a.localPortNum - b.localPortNum || a.index.localeCompare(b.index));
      return { localPorts, neighbours };
    }),
  );
}

function neighbourOf(index: string, localPortNum: number, row: Row, managementAddresses: string[] = []): LldpNeighbour {
  const chassisIdSubtype = num(row.get(L.lldpRemChassisIdSubtype));
  const portIdSubtype = num(row.get(L.lldpRemPortIdSubtype));
  const raw = (col: number) => bytes(row.get(col)) ?? text(row.get(col));
  const enabled = decodeLldpCapabilities(bytes(row.get(L.lldpRemSysCapEnabled)));
  const n: LldpNeighbour = {
    localPortNum,
    index,
    capabilities: enabled.length > 0 ? enabled : decodeLldpCapabilities(bytes(row.get(L.lldpRemSysCapSupported))),
  };
  const put = <K extends keyof LldpNeighbour>(k: K, v: LldpNeighbour[K] | undefined | '') => {
    if (v !== undefined && v !== '') n[k] = v;
  };
  put('chassisIdSubtype', chassisIdSubtype);
  put('chassisId', formatChassisId(chassisIdSubtype, raw(L.lldpRemChassisId)));
  put('portIdSubtype', portIdSubtype);
  put('portId', formatPortId(portIdSubtype, raw(L.lldpRemPortId)));
  put('portDesc', text(row.get(L.lldpRemPortDesc)));
  put('sysName', text(row.get(L.lldpRemSysName)));
  put('sysDesc', text(row.get(L.lldpRemSysDesc))?.split('\n')[0].trim());
  put('managementAddress', managementAddresses[0]);
  if (managementAddresses.length > 0) n.managementAddresses = managementAddresses;
  return n;
}

/** IP address length by IANA family (IPv4, IPv6). */
const IP_LENGTH: Record<number, number> = { 1: 4, 2: 16 };

/** Management addresses per `localPortNum.remIndex`: IPv4 first, then IPv6, each in table order. */
function managementAddresses(man: Map<string, Row>): Map<string, string[]> {
  const found = new Map<string, { rank: number; addr: string }[]>();
  const offer = (key: string, family: number, addr: string | undefined) => {
    // Only IP addresses manage anything (an all802 MAC is no management address to reach).
    if (!addr || (family !== 1 && family !== 2)) return;
    const list = found.get(key) ?? [];
    if (!list.some((x) => x.addr === addr)) list.push({ rank: family === 1 ? 0 : 1, addr });
    found.set(key, list);
  };
  for (const [index, row] of man) {
    const arcs = indexArcs(index);
    if (arcs.length >= 5) {
      // timeMark.localPort.remIndex.subtype.length.bytes… (or subtype.bytes… when IMPLIED)
      const [, port, rem, family] = arcs;
      const rest = arcs.slice(4);
      const want = IP_LENGTH[family];
      const addr = rest.length === want + 1 && rest[0] === want ? rest.slice(1) : rest.length === want ? rest : undefined;
      if (addr && addr.every((b) => b >= 0 && b <= 255)) offer(`${port}.${rem}`, family, formatNetworkAddress(family, Buffer.from(addr)));
    } else if (arcs.length === 3) {
      const family = num(row.get(L.lldpRemManAddrSubtype)) ?? 0;
      const b = bytes(row.get(L.lldpRemManAddr));
      const addr = b && !isPrintable(b) ? formatNetworkAddress(family, b) : text(row.get(L.lldpRemManAddr));
      offer(`${arcs[1]}.${arcs[2]}`, family, addr);
    }
  }
  return new Map([...found].map(([k, v]) => [k, [...v].sort((a, b) => a.rank - b.rank).map((x) => x.addr)]));
}

/** The ifIndex of each LLDP local port number in `nums` (see the module comment), when found. */
export function mapLocalPorts(
  localPorts: ReadonlyMap<number, LldpLocalPort>,
  ports: ReadonlyMap<number, Pick<PortInfo, 'ifIndex' | 'ifName' | 'descr' | 'alias'>>,
  nums: Iterable<number>,
): Map<number, number> {
  const idCount = new Map<string, number>();
  for (const p of localPorts.values()) if (p.id) idCount.set(p.id, (idCount.get(p.id) ?? 0) + 1);
  const unique = (value: string | undefined, field: (p: Pick<PortInfo, 'ifName' | 'descr' | 'alias'>) => string | undefined): number | undefined => {
    if (!value) return undefined;
    let hit: number | undefined;
    for (const p of ports.values()) {
      if (field(p) !== value) continue;
      if (hit !== undefined) return undefined;
      hit = p.ifIndex;
    }
    return hit;
  };
  const out = new Map<number, number>();
  for (const n of nums) {
    const lp = localPorts.get(n);
    const id = lp?.id && idCount.get(lp.id) === 1 ? lp.id : undefined;
    const found =
      unique(id, (p) => p.ifName) ??
      unique(id, (p) => p.descr) ??
      unique(lp?.desc, (p) => p.ifName) ??
      unique(lp?.desc, (p) => p.descr) ??
      unique(lp?.desc, (p) => p.alias) ??
      (ports.has(n) ? n : undefined);
    if (found !== undefined) out.set(n, found);
  }
  return out;
}
