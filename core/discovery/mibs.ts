/**
 * The OIDs discovery reads, named after their MIB objects (numeric, no leading dot). Table
 * columns are given as the column OID: walk it, and the instance suffix is the row index.
 */

/** IEEE 802.1AB LLDP-MIB (lldpMIB = 1.0.8802.1.1.2). */
export const LLDP_MIB = {
  lldpLocChassisIdSubtype: '1.0.8802.1.1.2.1.3.1.0',
  lldpLocChassisId: '1.0.8802.1.1.2.1.3.2.0',
  lldpLocSysName: '1.0.8802.1.1.2.1.3.3.0',
  lldpLocSysCapEnabled: '1.0.8802.1.1.2.1.3.6.0',
  /** lldpLocPortTable (lldpLocPortEntry), indexed by lldpLocPortNum. */
  lldpLocPortIdSubtype: '1.0.8802.1.1.2.1.3.7.1.2',
  lldpLocPortId: '1.0.8802.1.1.2.1.3.7.1.3',
  lldpLocPortDesc: '1.0.8802.1.1.2.1.3.7.1.4',
  /** lldpRemTable (lldpRemEntry), indexed by lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex. */
  lldpRemChassisIdSubtype: '1.0.8802.1.1.2.1.4.1.1.4',
  lldpRemChassisId: '1.0.8802.1.1.2.1.4.1.1.5',
  lldpRemPortIdSubtype: '1.0.8802.1.1.2.1.4.1.1.6',
  lldpRemPortId: '1.0.8802.1.1.2.1.4.1.1.7',
  lldpRemPortDesc: '1.0.8802.1.1.2.1.4.1.1.8',
  lldpRemSysName: '1.0.8802.1.1.2.1.4.1.1.9',
  lldpRemSysCapEnabled: '1.0.8802.1.1.2.1.4.1.1.12',
  /**
   * lldpRemManAddrTable (lldpRemManAddrEntry), indexed by the lldpRemEntry index then
   * lldpRemManAddrSubtype.lldpRemManAddr (the address is in the index only: read any column).
   */
  lldpRemManAddrIfSubtype: '1.0.8802.1.1.2.1.4.2.1.3',
} as const;

/** CISCO-CDP-MIB cdpCacheTable (cdpCacheEntry), indexed by cdpCacheIfIndex.cdpCacheDeviceIndex. */
export const CISCO_CDP_MIB = {
  cdpCacheAddressType: '1.3.6.1.4.1.9.9.23.1.2.1.1.3',
  cdpCacheAddress: '1.3.6.1.4.1.9.9.23.1.2.1.1.4',
  cdpCacheDeviceId: '1.3.6.1.4.1.9.9.23.1.2.1.1.6',
  cdpCacheDevicePort: '1.3.6.1.4.1.9.9.23.1.2.1.1.7',
  cdpCachePlatform: '1.3.6.1.4.1.9.9.23.1.2.1.1.8',
  cdpCacheCapabilities: '1.3.6.1.4.1.9.9.23.1.2.1.1.9',
} as const;

/** IF-MIB names of interfaces, indexed by ifIndex. */
export const IF_MIB = {
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
} as const;

/** LldpChassisIdSubtype. */
export const CHASSIS_SUBTYPE = { interfaceAlias: 2, macAddress: 4, networkAddress: 5, interfaceName: 6, local: 7 } as const;
/** LldpPortIdSubtype. */
export const PORT_SUBTYPE = { interfaceAlias: 1, macAddress: 3, networkAddress: 4, interfaceName: 5, local: 7 } as const;
/** IANA AddressFamilyNumbers, as used by lldpRemManAddrSubtype. */
export const ADDRESS_FAMILY = { ipV4: 1, ipV6: 2 } as const;
/** CiscoNetworkProtocol, as used by cdpCacheAddressType. */
export const CDP_ADDRESS_TYPE = { ip: 1, ipv6: 20 } as const;
