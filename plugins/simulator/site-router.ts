/**
 * A generated router of the site (`sim-rtr-01`, …): what it answers and what changes with time.
 *
 * Records: the system group, `ROUTER_PORTS` ports (eth1 and eth2 are uplinks cabled to switches
 * and described in LLDP both ways; eth3–eth6 are up WAN/peering ports without LLDP neighbours;
 * eth7, eth8 are down), LLDP local system with the router capability, BGP4-MIB bgpLocalAs and
 * bgpPeerTable (`ROUTER_BGP_PEERS`: three steady sessions and one that flaps, see router-live.ts),
 * IP-FORWARD-MIB inetCidrRouteNumber and ipCidrRouteNumber, HOST-RESOURCES-MIB hrProcessorLoad
 * (two CPUs) and hrStorageTable (RAM and the flash file system).
 *
 * `dynamic` gives the values that follow time: the BGP columns, the CPU loads, memory used and
 * the route count (which drops by the flapping peer's prefixes while it is down).
 */
import type { Varbind } from '../sdk/index.js';
import { BGP4_MIB } from '../sdk/snmp/device/bgp.js';
import { HOST_RESOURCES_MIB } from '../sdk/snmp/device/resources.js';
import { IP_FORWARD_MIB } from '../sdk/snmp/device/routes.js';
import { BGP_STATE, bgpPeerAt, wave, type DynamicValues, type SimBgpPeer } from './router-live.js';
import { addInventory, addLldpLocal, addLldpRemote, addPort, addSystem, rowSink, simSerial, str, type LldpSelf } from './site-records.js';

export const ROUTER_PORTS = 8;
/** eth1 … eth<ROUTER_UPLINKS> are cabled to switches. */
export const ROUTER_UPLINKS = 2;
export const ROUTER_LOCAL_AS = 64500;
const SYS_OBJECT_ID = '1.3.6.1.4.1.8072.3.2.10';
const SPEED_BPS = 1_000_000_000;
/** Up ports without an LLDP neighbour, and their ifAlias. */
const WAN_PORTS: Record<number, string> = { 3: 'transit-a (AS 64496)', 4: 'transit-b (AS 64497)', 5: 'ix: peering LAN', 6: 'wan: branch office' };

/**
 * The router's BGP sessions. Addresses are documentation prefixes (RFC 5737) and private space:
 * table data only, nothing is ever sent to them. 203.0.113.10 flaps: established for the first
 * minute, then every 150 s it is idle for 15 s, active for 15 s, and established again.
 */
export const ROUTER_BGP_PEERS: readonly SimBgpPeer[] = [
  { address: '192.0.2.1', localAddress: '192.0.2.2', remoteAs: 64496, establishedS: 41 * 86_400 + 3_600, transitions: 3, inPerS: 4.2, outPerS: 0.05 },
  { address: '198.51.100.1', localAddress: '198.51.100.2', remoteAs: 64497, establishedS: 12 * 86_400 + 600, transitions: 7, inPerS: 3.1, outPerS: 0.05 },
  {
    address: '203.0.113.10', localAddress: '203.0.113.2', remoteAs: 64510, establishedS: 2 * 3_600, transitions: 41, inPerS: 0.8, outPerS: 0.05,
    flap: { firstAtS: 60, periodS: 150, idleS: 15, activeS: 15 },
  },
  { address: '198.18.255.2', localAddress: '198.18.255.1', remoteAs: ROUTER_LOCAL_AS, establishedS: 3 * 86_400, transitions: 1, inPerS: 0.02, outPerS: 1.5 },
];

/** Routes in the table with every session up, and those the flapping peer brings. */
const ROUTES_FULL = 948_213;
const ROUTES_PER_FLAPPING_PEER = 12_408;
const RAM_KIB = 4 * 1024 * 1024;
const FLASH_BLOCKS = 2 * 1024 * 256; // 2 GiB in 4 KiB blocks

export function routerName(r: number): string {
  return `sim-rtr-${String(r + 1).padStart(2, '0')}`;
}

export function routerDescr(): string {
  return `Vigie simulated router, ${ROUTER_PORTS} x 1G ports, BGP AS ${ROUTER_LOCAL_AS}`;
}

export interface RouterInput {
  name: string;
  self: LldpSelf;
  /** Cabled ports: local port → [the far device, its port name]. */
  peers: ReadonlyMap<number, [LldpSelf, string]>;
  /** Chassis MAC of port p. */
  portMac(p: number): Buffer;
  rnd: () => number;
}

export function routerRecords(input: RouterInput): { vbs: Varbind[]; dynamic: DynamicValues } {
  const { rnd } = input;
  const sink = rowSink();
  const { add } = sink;
  const uptime = Math.floor((30 + rnd() * 300) * 86_400 * 100);
  addSystem(sink, { descr: routerDescr(), objectId: SYS_OBJECT_ID, uptime, name: input.name, location: 'Simulated site, edge rack', services: 6, ifNumber: ROUTER_PORTS });
  addLldpLocal(sink, input.self);
  for (let p = 1; p <= ROUTER_PORTS; p++) {
    const link = input.peers.get(p);
    const wan = WAN_PORTS[p];
    const alias = link ? `to ${link[0].sysName} ${link[1]}` : (wan ?? '');
    addPort(sink, rnd, { index: p, ifName: `eth${p}`, up: link !== undefined || wan !== undefined, speedBps: SPEED_BPS, mac: input.portMac(p), alias, uptime });
    if (link) addLldpRemote(sink, p, link[0], link[1]);
  }
  addInventory(sink, {
    descr: routerDescr(), model: 'VSIM-RTR-8', serial: simSerial('router', input.self.chassis),
    hardware: 'B2', firmware: '2.0.1', software: '7.1.3',
  });

  const dynamic = new Map<string, (sec: number) => Varbind['value']>();
  add(BGP4_MIB.bgpLocalAs, 'Integer', ROUTER_LOCAL_AS);
  for (const peer of ROUTER_BGP_PEERS) {
    const at = (oid: string) => `${oid}.${peer.address}`;
    add(at(BGP4_MIB.bgpPeerIdentifier), 'IpAddress', peer.address);
    add(at(BGP4_MIB.bgpPeerState), 'Integer', BGP_STATE.established);
    add(at(BGP4_MIB.bgpPeerAdminStatus), 'Integer', 2); // start
    add(at(BGP4_MIB.bgpPeerLocalAddr), 'IpAddress', peer.localAddress);
    add(at(BGP4_MIB.bgpPeerRemoteAddr), 'IpAddress', peer.address);
    add(at(BGP4_MIB.bgpPeerRemoteAs), 'Integer', peer.remoteAs);
    add(at(BGP4_MIB.bgpPeerInUpdates), 'Counter32', 0);
    add(at(BGP4_MIB.bgpPeerOutUpdates), 'Counter32', 0);
    add(at(BGP4_MIB.bgpPeerLastError), 'OctetString', Buffer.from([0, 0]));
    add(at(BGP4_MIB.bgpPeerFsmEstablishedTransitions), 'Counter32', peer.transitions);
    add(at(BGP4_MIB.bgpPeerFsmEstablishedTime), 'Gauge32', peer.establishedS);
    dynamic.set(at(BGP4_MIB.bgpPeerState), (s) => bgpPeerAt(peer, s).state);
    dynamic.set(at(BGP4_MIB.bgpPeerInUpdates), (s) => bgpPeerAt(peer, s).inUpdates);
    dynamic.set(at(BGP4_MIB.bgpPeerOutUpdates), (s) => bgpPeerAt(peer, s).outUpdates);
    dynamic.set(at(BGP4_MIB.bgpPeerLastError), (s) => bgpPeerAt(peer, s).lastError);
    dynamic.set(at(BGP4_MIB.bgpPeerFsmEstablishedTransitions), (s) => bgpPeerAt(peer, s).transitions);
    dynamic.set(at(BGP4_MIB.bgpPeerFsmEstablishedTime), (s) => bgpPeerAt(peer, s).establishedTimeS);
  }

  const routes = (s: number) => {
    const down = ROUTER_BGP_PEERS.filter((p) => p.flap && bgpPeerAt(p, s).state !== BGP_STATE.established).length;
    return ROUTES_FULL - down * ROUTES_PER_FLAPPING_PEER + wave(0, 150, 600)(s);
  };
  for (const oid of [IP_FORWARD_MIB.inetCidrRouteNumber, IP_FORWARD_MIB.ipCidrRouteNumber]) {
    add(oid, 'Gauge32', routes(0));
    dynamic.set(oid, routes);
  }

  for (const [cpu, phase] of [[196608, 0], [196609, 2]] as const) {
    const oid = `${HOST_RESOURCES_MIB.hrProcessorLoad}.${cpu}`;
    const load = wave(22 + 8 * rnd(), 12, 240, phase);
    add(oid, 'Integer', load(0));
    dynamic.set(oid, load);
  }
  const storage = (index: number, type: string, descr: string, unit: number, size: number, used: (s: number) => number) => {
    const col = (column: string) => `${column}.${index}`;
    add(col(`${HOST_RESOURCES_MIB.hrStorageEntry}.1`), 'Integer', index); // hrStorageIndex
    add(col(HOST_RESOURCES_MIB.hrStorageType), 'OID', type);
    add(col(HOST_RESOURCES_MIB.hrStorageDescr), 'OctetString', str(descr));
    add(col(HOST_RESOURCES_MIB.hrStorageAllocationUnits), 'Integer', unit);
    add(col(HOST_RESOURCES_MIB.hrStorageSize), 'Integer', size);
    add(col(HOST_RESOURCES_MIB.hrStorageUsed), 'Integer', used(0));
    dynamic.set(col(HOST_RESOURCES_MIB.hrStorageUsed), used);
  };
  storage(1, `${HOST_RESOURCES_MIB.hrStorageTypes}.2` /* hrStorageRam */, 'Physical memory', 1024, RAM_KIB, wave(RAM_KIB * 0.55, RAM_KIB * 0.05, 420));
  const flashUsed = Math.floor(FLASH_BLOCKS * (0.3 + 0.2 * rnd()));
  storage(31, `${HOST_RESOURCES_MIB.hrStorageTypes}.4` /* hrStorageFixedDisk */, '/', 4096, FLASH_BLOCKS, () => flashUsed);
  return { vbs: sink.vbs, dynamic };
}
