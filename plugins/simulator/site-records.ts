/**
 * The MIB rows every generated device shares (switches and routers of site.ts): the SNMPv2-MIB
 * system group, one IF-MIB ifTable + ifXTable row per port (traffic counters from seeded start
 * values; the live model advances them), the LLDP-MIB local system and port rows, and one LLDP
 * remote row per cabled port. OIDs come from the SDK's MIB constants (`mibs.ts`).
 *
 * Contract: `RowSink.add` only collects (the caller builds a `Recording`); every function is
 * deterministic given the `rnd` it is handed, and draws from it in a fixed order.
 */
import type { Varbind } from '../sdk/index.js';
import { ENTITY_MIB, IF_MIB, IF_MIB_X, LLDP_MIB, SNMPv2_MIB_SYSTEM } from '../sdk/snmp/device/mibs.js';

/** Collects the varbinds of one device. */
export interface RowSink {
  vbs: Varbind[];
  add(oid: string, type: Varbind['type'], value: Varbind['value']): void;
}

export function rowSink(): RowSink {
  const vbs: Varbind[] = [];
  return { vbs, add: (oid, type, value) => vbs.push({ oid, type, value }) };
}

export const str = (s: string): Buffer => Buffer.from(s, 'utf8');

/** LLDP chassis id subtype macAddress(4), port id subtype interfaceName(5). */
const CHASSIS_MAC = 4;
const PORT_IFNAME = 5;
/** LLDP system capabilities (BITS, bit 0 = MSB): bridge(2), router(4). */
export const LLDP_CAP = { bridge: Buffer.from([0x20]), router: Buffer.from([0x08]) } as const;

/** What a neighbour (or the device itself) tells about itself over LLDP. */
export interface LldpSelf {
  chassis: Buffer;
  sysName: string;
  sysDescr: string;
  caps: Buffer;
}

export interface SystemRows {
  descr: string;
  objectId: string;
  uptime: number;
  name: string;
  location: string;
  /** sysServices: 2 (bridge) for a switch, 6 (bridge + internet) for a router. */
  services: number;
  ifNumber: number;
}

export function addSystem(sink: RowSink, s: SystemRows): void {
  const { add } = sink;
  add(SNMPv2_MIB_SYSTEM.sysDescr, 'OctetString', str(s.descr));
  add(SNMPv2_MIB_SYSTEM.sysObjectID, 'OID', s.objectId);
  add(SNMPv2_MIB_SYSTEM.sysUpTime, 'TimeTicks', s.uptime);
  add(SNMPv2_MIB_SYSTEM.sysContact, 'OctetString', str('noc@example.net'));
  add(SNMPv2_MIB_SYSTEM.sysName, 'OctetString', str(s.name));
  add(SNMPv2_MIB_SYSTEM.sysLocation, 'OctetString', str(s.location));
  add('1.3.6.1.2.1.1.7.0', 'Integer', s.services); // sysServices
  add(IF_MIB.ifNumber, 'Integer', s.ifNumber);
}

export function addLldpLocal(sink: RowSink, self: LldpSelf): void {
  const { add } = sink;
  add(LLDP_MIB.lldpLocChassisIdSubtype, 'Integer', CHASSIS_MAC);
  add(LLDP_MIB.lldpLocChassisId, 'OctetString', self.chassis);
  add(LLDP_MIB.lldpLocSysName, 'OctetString', str(self.sysName));
  add('1.0.8802.1.1.2.1.3.4.0', 'OctetString', str(self.sysDescr)); // lldpLocSysDesc
  add('1.0.8802.1.1.2.1.3.5.0', 'OctetString', self.caps); // lldpLocSysCapSupported
  add('1.0.8802.1.1.2.1.3.6.0', 'OctetString', self.caps); // lldpLocSysCapEnabled
}

export interface PortRow {
  /** ifIndex = lldpLocPortNum. */
  index: number;
  ifName: string;
  up: boolean;
  speedBps: number;
  mac: Buffer;
  alias: string;
  /** sysUpTime of the device (hundredths), to place ifLastChange before it. */
  uptime: number;
}

/** ifTable, ifXTable and lldpLocPortTable rows of one port; draws 4 numbers from `rnd`, then one. */
export function addPort(sink: RowSink, rnd: () => number, p: PortRow): void {
  const { add } = sink;
  const i = p.index;
  const hcIn = BigInt(Math.floor(rnd() * 2 ** 40));
  const hcOut = BigInt(Math.floor(rnd() * 2 ** 40));
  const low = (v: bigint) => Number(v % (1n << 32n));
  const pkts = (v: bigint) => v / 700n;
  const errors = Math.floor(rnd() * 20);
  const ifc = (c: number) => `${IF_MIB.ifEntry}.${c}.${i}`;
  const ifx = (c: number) => `${IF_MIB_X.ifXEntry}.${c}.${i}`;

  add(ifc(IF_MIB.ifIndex), 'Integer', i);
  add(ifc(IF_MIB.ifDescr), 'OctetString', str(p.ifName));
  add(ifc(IF_MIB.ifType), 'Integer', 6); // ethernetCsmacd
  add(ifc(IF_MIB.ifMtu), 'Integer', 1500);
  add(ifc(IF_MIB.ifSpeed), 'Gauge32', Math.min(p.speedBps, 0xffffffff));
  add(ifc(IF_MIB.ifPhysAddress), 'OctetString', p.mac);
  add(ifc(IF_MIB.ifAdminStatus), 'Integer', 1);
  add(ifc(IF_MIB.ifOperStatus), 'Integer', p.up ? 1 : 2);
  add(ifc(IF_MIB.ifLastChange), 'TimeTicks', Math.floor(p.uptime * rnd()));
  add(ifc(IF_MIB.ifInOctets), 'Counter32', low(hcIn));
  add(ifc(IF_MIB.ifInUcastPkts), 'Counter32', low(pkts(hcIn)));
  add(ifc(IF_MIB.ifInDiscards), 'Counter32', 0);
  add(ifc(IF_MIB.ifInErrors), 'Counter32', errors);
  add(ifc(IF_MIB.ifOutOctets), 'Counter32', low(hcOut));
  add(ifc(IF_MIB.ifOutUcastPkts), 'Counter32', low(pkts(hcOut)));
  add(ifc(IF_MIB.ifOutDiscards), 'Counter32', 0);
  add(ifc(IF_MIB.ifOutErrors), 'Counter32', 0);

  add(ifx(IF_MIB_X.ifName), 'OctetString', str(p.ifName));
  for (const c of [IF_MIB_X.ifInMulticastPkts, IF_MIB_X.ifInBroadcastPkts, IF_MIB_X.ifOutMulticastPkts, IF_MIB_X.ifOutBroadcastPkts]) add(ifx(c), 'Counter32', 0);
  add(ifx(IF_MIB_X.ifHCInOctets), 'Counter64', hcIn);
  add(ifx(IF_MIB_X.ifHCInUcastPkts), 'Counter64', pkts(hcIn));
  add(ifx(IF_MIB_X.ifHCInMulticastPkts), 'Counter64', 0n);
  add(ifx(IF_MIB_X.ifHCInBroadcastPkts), 'Counter64', 0n);
  add(ifx(IF_MIB_X.ifHCOutOctets), 'Counter64', hcOut);
  add(ifx(IF_MIB_X.ifHCOutUcastPkts), 'Counter64', pkts(hcOut));
  add(ifx(IF_MIB_X.ifHCOutMulticastPkts), 'Counter64', 0n);
  add(ifx(IF_MIB_X.ifHCOutBroadcastPkts), 'Counter64', 0n);
  add(ifx(14), 'Integer', 1); // ifLinkUpDownTrapEnable: enabled
  add(ifx(IF_MIB_X.ifHighSpeed), 'Gauge32', p.speedBps / 1e6);
  add(ifx(16), 'Integer', 2); // ifPromiscuousMode: false
  add(ifx(17), 'Integer', 1); // ifConnectorPresent: true
  add(ifx(IF_MIB_X.ifAlias), 'OctetString', str(p.alias));
  add(ifx(IF_MIB_X.ifCounterDiscontinuityTime), 'TimeTicks', 0);

  const loc = (c: number) => `${LLDP_MIB.lldpLocPortEntry}.${c}.${i}`;
  add(loc(LLDP_MIB.lldpLocPortIdSubtype), 'Integer', PORT_IFNAME);
  add(loc(LLDP_MIB.lldpLocPortId), 'OctetString', str(p.ifName));
  add(loc(LLDP_MIB.lldpLocPortDesc), 'OctetString', str(p.ifName));
}

/** The lldpRemTable row of the neighbour seen on local port `index` (its port id is its ifName). */
export function addLldpRemote(sink: RowSink, index: number, far: LldpSelf, farPort: string): void {
  const idx = `0.${index}.1`; // lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
  const rem = (c: number) => `${LLDP_MIB.lldpRemEntry}.${c}.${idx}`;
  const { add } = sink;
  add(rem(LLDP_MIB.lldpRemChassisIdSubtype), 'Integer', CHASSIS_MAC);
  add(rem(LLDP_MIB.lldpRemChassisId), 'OctetString', far.chassis);
  add(rem(LLDP_MIB.lldpRemPortIdSubtype), 'Integer', PORT_IFNAME);
  add(rem(LLDP_MIB.lldpRemPortId), 'OctetString', str(farPort));
  add(rem(LLDP_MIB.lldpRemPortDesc), 'OctetString', str(farPort));
  add(rem(LLDP_MIB.lldpRemSysName), 'OctetString', str(far.sysName));
  add(rem(LLDP_MIB.lldpRemSysDesc), 'OctetString', str(far.sysDescr));
  add(rem(LLDP_MIB.lldpRemSysCapSupported), 'OctetString', far.caps);
  add(rem(LLDP_MIB.lldpRemSysCapEnabled), 'OctetString', far.caps);
}

/** What a generated device's ENTITY-MIB chassis row says (so the map can search by serial). */
export interface InventoryRow {
  descr: string;
  model: string;
  serial: string;
  hardware: string;
  firmware: string;
  software: string;
}

/** One entPhysicalTable row, index 1: the chassis (class 3), made by "Vigie Simulator". */
export function addInventory(sink: RowSink, inv: InventoryRow): void {
  const col = (c: number) => `${ENTITY_MIB.entPhysicalEntry}.${c}.1`;
  sink.add(col(ENTITY_MIB.entPhysicalDescr), 'OctetString', str(inv.descr));
  sink.add(col(ENTITY_MIB.entPhysicalContainedIn), 'Integer', 0);
  sink.add(col(ENTITY_MIB.entPhysicalClass), 'Integer', 3);
  sink.add(col(ENTITY_MIB.entPhysicalName), 'OctetString', str('Chassis'));
  sink.add(col(ENTITY_MIB.entPhysicalHardwareRev), 'OctetString', str(inv.hardware));
  sink.add(col(ENTITY_MIB.entPhysicalFirmwareRev), 'OctetString', str(inv.firmware));
  sink.add(col(ENTITY_MIB.entPhysicalSoftwareRev), 'OctetString', str(inv.software));
  sink.add(col(ENTITY_MIB.entPhysicalSerialNum), 'OctetString', str(inv.serial));
  sink.add(col(ENTITY_MIB.entPhysicalMfgName), 'OctetString', str('Vigie Simulator'));
  sink.add(col(ENTITY_MIB.entPhysicalModelName), 'OctetString', str(inv.model));
}

/** A stable serial from the device's chassis MAC: `VS` + kind letter + the MAC's last 4 bytes in hex. */
export function simSerial(kind: 'switch' | 'router', chassis: Buffer): string {
  return `VS${kind === 'switch' ? 'W' : 'R'}${chassis.subarray(-4).toString('hex').toUpperCase()}`;
}
