/**
 * What discovery learns from one device (a `DeviceReport`) and what a crawl produces (a
 * `DiscoveredTopology`). Node ids are entity ids (`node:<sysName|chassis id>`); port names are
 * interface names as the device gives them.
 */
import type { NodeKind } from '../../plugins/sdk/index.js';

export type NeighbourProtocol = 'lldp' | 'cdp';

/** A port and every name it may be known by (to match the two ends of one link). */
export interface PortRef {
  name: string;
  aliases: string[];
}

/** ifIndex → the interface's names: ifName first, then ifDescr (when different). */
export type InterfaceNames = Map<number, string[]>;

/** One row of a neighbour table: a device seen on one local port. */
export interface Neighbour {
  protocol: NeighbourProtocol;
  localPort: PortRef;
  /** LLDP chassis id, as text (MAC `aa:bb:…`, an address, or the id's text). */
  chassisId?: string;
  /** LLDP sysName, or CDP device id. */
  sysName?: string;
  port: PortRef;
  /** Management addresses it advertises (canonical text), in the order given. */
  addresses: string[];
  kind: NodeKind;
}

/** What one device answered. */
export interface DeviceReport {
  sysName: string;
  sysObjectID: string;
  sysDescr: string;
  /** Its own LLDP chassis id, when it runs LLDP. */
  chassisId?: string;
  kind: NodeKind;
  neighbours: Neighbour[];
  /** False when a neighbour table could not be read in full: a missing link proves nothing then. */
  complete: boolean;
}

/** An SNMP agent's address. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface DiscoveredNode {
  /** Entity id: `node:<sysName>`, else `node:<chassis id>`. */
  id: string;
  name: string;
  kind: NodeKind;
  /** The address it was polled at (polled nodes) or the first it advertises (others). */
  address?: string;
  /** UDP port of the agent (polled nodes). */
  port?: number;
  polled: boolean;
  /** Why it was not polled: outside the allow-list, no management address, beyond the depth, no answer. */
  reason?: string;
  chassisId?: string;
  sysObjectID?: string;
  sysDescr?: string;
  /** Every address it was seen with (polled at or advertised). */
  addresses: string[];
}

export interface LinkEnd {
  /** Node id. */
  node: string;
  /** Port (interface) name on that node, when known. */
  port?: string;
}

export interface DiscoveredLink {
  a: LinkEnd;
  b: LinkEnd;
  /** Every protocol that reported it (`lldp` first). */
  protocols: NeighbourProtocol[];
}

export interface DiscoveredTopology {
  nodes: DiscoveredNode[];
  links: DiscoveredLink[];
  /** Addresses that were contacted (`host:port`), in order: nothing outside the allow-list, ever. */
  contacted: string[];
  /** Contacted agents that did not give a complete answer. */
  failures: { address: string; reason: string }[];
}
