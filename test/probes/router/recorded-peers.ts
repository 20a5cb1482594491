/**
 * BGP addresses as they appear in the real-device recordings the router tests replay
 * (plugins/simulator/recordings/*.snmprec, copied from LibreNMS test data): data read out of the
 * recordings (and OID index arcs built from them), never an address any test sends to.
 */

/** edgeos.snmprec: its one BGP peer, and the router's own address on that session. */
export const EDGEOS_PEER = '172.16.200.1';
export const EDGEOS_LOCAL = '172.16.200.2';

/** iosxe.snmprec: one IPv4 peer of cbgpPeer2Table, and the router's own address on that session. */
export const IOSXE_PEER_V4 = '10.44.32.13';
export const IOSXE_LOCAL_V4 = '10.44.32.14';
