/**
 * Named OIDs of the MIBs the device readers use, each under its MIB's name. Tables give the OID
 * of their *entry* (`…Entry`) and the column numbers, so `${entry}.${column}.${index}` is an
 * instance.
 *
 * Why constants and not net-snmp's ModuleStore: the package ships only IF-MIB (and the SMI
 * modules it needs); LLDP-MIB, CISCO-CDP-MIB, BRIDGE-MIB, Q-BRIDGE-MIB and ENTITY-MIB would have
 * to be vendored and parsed at start-up (about a second of CPU per module set) to resolve a few
 * dozen numbers that never change. The IF-MIB constants below are checked against the
 * ModuleStore's IF-MIB by a test (`test/plugins/sdk/snmp/mibs.test.ts`), so a typo cannot hide.
 * The router MIBs live next to their readers: BGP4-MIB in bgp.ts, IP-FORWARD-MIB in routes.ts,
 * HOST-RESOURCES-MIB in resources.ts, UCD-SNMP-MIB in router-ucd.ts.
 */

import { SNMPv2_MIB } from '../types.js';

/** SNMPv2-MIB system group (RFC 3418), instances `.0` included: the SDK's `SNMPv2_MIB` (types.ts). */
export const SNMPv2_MIB_SYSTEM = SNMPv2_MIB;

/** IF-MIB (RFC 2863) ifTable: `ifEntry` and its columns. */
export const IF_MIB = {
  ifNumber: '1.3.6.1.2.1.2.1.0',
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifIndex: 1,
  ifDescr: 2,
  ifType: 3,
  ifMtu: 4,
  ifSpeed: 5,
  ifPhysAddress: 6,
  ifAdminStatus: 7,
  ifOperStatus: 8,
  ifLastChange: 9,
  ifInOctets: 10,
  ifInUcastPkts: 11,
  ifInNUcastPkts: 12,
  ifInDiscards: 13,
  ifInErrors: 14,
  ifOutOctets: 16,
  ifOutUcastPkts: 17,
  ifOutNUcastPkts: 18,
  ifOutDiscards: 19,
  ifOutErrors: 20,
} as const;

/** IF-MIB ifXTable: `ifXEntry` and its columns. */
export const IF_MIB_X = {
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
  ifName: 1,
  ifInMulticastPkts: 2,
  ifInBroadcastPkts: 3,
  ifOutMulticastPkts: 4,
  ifOutBroadcastPkts: 5,
  ifHCInOctets: 6,
  ifHCInUcastPkts: 7,
  ifHCInMulticastPkts: 8,
  ifHCInBroadcastPkts: 9,
  ifHCOutOctets: 10,
  ifHCOutUcastPkts: 11,
  ifHCOutMulticastPkts: 12,
  ifHCOutBroadcastPkts: 13,
  ifHighSpeed: 15,
  ifAlias: 18,
  ifCounterDiscontinuityTime: 19,
} as const;

/** LLDP-MIB (IEEE 802.1AB-2005, `lldpMIB` 1.0.8802.1.1.2). */
export const LLDP_MIB = {
  lldpLocChassisIdSubtype: '1.0.8802.1.1.2.1.3.1.0',
  lldpLocChassisId: '1.0.8802.1.1.2.1.3.2.0',
  lldpLocSysName: '1.0.8802.1.1.2.1.3.3.0',
  /** The device's own enabled capabilities (LldpSystemCapabilitiesMap BITS). */
  lldpLocSysCapEnabled: '1.0.8802.1.1.2.1.3.6.0',
  /** lldpLocPortTable, index lldpLocPortNum. */
  lldpLocPortEntry: '1.0.8802.1.1.2.1.3.7.1',
  lldpLocPortIdSubtype: 2,
  lldpLocPortId: 3,
  lldpLocPortDesc: 4,
  /** lldpRemTable, index lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex. */
  lldpRemEntry: '1.0.8802.1.1.2.1.4.1.1',
  lldpRemChassisIdSubtype: 4,
  lldpRemChassisId: 5,
  lldpRemPortIdSubtype: 6,
  lldpRemPortId: 7,
  lldpRemPortDesc: 8,
  lldpRemSysName: 9,
  lldpRemSysDesc: 10,
  lldpRemSysCapSupported: 11,
  lldpRemSysCapEnabled: 12,
  /** lldpRemManAddrTable, index lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex.lldpRemManAddrSubtype.lldpRemManAddr. */
  lldpRemManAddrEntry: '1.0.8802.1.1.2.1.4.2.1',
  /** Not-accessible index columns some agents (RouterOS) still serve, with a short index. */
  lldpRemManAddrSubtype: 1,
  lldpRemManAddr: 2,
  lldpRemManAddrIfSubtype: 3,
} as const;

/** CISCO-CDP-MIB cdpCacheTable, index cdpCacheIfIndex.cdpCacheDeviceIndex. */
export const CISCO_CDP_MIB = {
  cdpCacheEntry: '1.3.6.1.4.1.9.9.23.1.2.1.1',
  cdpCacheAddressType: 3,
  cdpCacheAddress: 4,
  cdpCacheVersion: 5,
  cdpCacheDeviceId: 6,
  cdpCacheDevicePort: 7,
  cdpCachePlatform: 8,
  cdpCacheCapabilities: 9,
} as const;

/** BRIDGE-MIB (RFC 4188). */
export const BRIDGE_MIB = {
  /** dot1dBasePortTable, index dot1dBasePort. */
  dot1dBasePortEntry: '1.3.6.1.2.1.17.1.4.1',
  dot1dBasePortIfIndex: 2,
  /** dot1dTpFdbTable, index dot1dTpFdbAddress (6 sub-ids). */
  dot1dTpFdbEntry: '1.3.6.1.2.1.17.4.3.1',
  dot1dTpFdbPort: 2,
  dot1dTpFdbStatus: 3,
} as const;

/** Q-BRIDGE-MIB (RFC 4363) dot1qTpFdbTable, index dot1qFdbId.dot1qTpFdbAddress. */
export const Q_BRIDGE_MIB = {
  dot1qTpFdbEntry: '1.3.6.1.2.1.17.7.1.2.2.1',
  dot1qTpFdbPort: 2,
  dot1qTpFdbStatus: 3,
} as const;

/** ENTITY-MIB (RFC 6933) entPhysicalTable, index entPhysicalIndex. */
export const ENTITY_MIB = {
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1',
  entPhysicalDescr: 2,
  entPhysicalVendorType: 3,
  entPhysicalContainedIn: 4,
  entPhysicalClass: 5,
  entPhysicalParentRelPos: 6,
  entPhysicalName: 7,
  entPhysicalHardwareRev: 8,
  entPhysicalFirmwareRev: 9,
  entPhysicalSoftwareRev: 10,
  entPhysicalSerialNum: 11,
  entPhysicalMfgName: 12,
  entPhysicalModelName: 13,
} as const;

/** ENTITY-MIB PhysicalClass values. */
export const ENT_PHYSICAL_CLASS: Record<number, string> = {
  1: 'other',
  2: 'unknown',
  3: 'chassis',
  4: 'backplane',
  5: 'container',
  6: 'powerSupply',
  7: 'fan',
  8: 'sensor',
  9: 'module',
  10: 'port',
  11: 'stack',
  12: 'cpu',
};
