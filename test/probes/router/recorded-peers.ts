/**
 * BGP addresses as they appear in the real-device recordings the router tests replay
 * (plugins/simulator/recordings/*.snmprec, copied from LibreNMS test data): data read out of the
 * recordings (and OID index arcs built from them), never an address any test sends to. The values
 * live in the fixture ./fixtures/recorded-peers.json, beside the recordings' golden files.
 */
import { readFileSync } from 'node:fs';

const peers = JSON.parse(readFileSync(new URL('./fixtures/recorded-peers.json', import.meta.url), 'utf8')) as {
  edgeos: { peer: string; local: string };
  iosxe: { peerV4: string; localV4: string };
};

/** edgeos.snmprec: its one BGP peer, and the router's own address on that session. */
export const EDGEOS_PEER = peers.edgeos.peer;
export const EDGEOS_LOCAL = peers.edgeos.local;

/** iosxe.snmprec: one IPv4 peer of cbgpPeer2Table, and the router's own address on that session. */
export const IOSXE_PEER_V4 = peers.iosxe.peerV4;
export const IOSXE_LOCAL_V4 = peers.iosxe.localV4;
