/**
 * What discovery learns from one device (a `DeviceReport`) and what a crawl produces (a
 * `DiscoveredTopology`). Node and port ids follow the SDK's rules (identity.ts, neighbours.ts),
 * so discovery and the switch kind name the same device, port and link alike; port names are
 * the switch kind's (ifName, else ifDescr).
 */
import type { EntityId, NodeKind } from '../../plugins/sdk/index.js';
import type { DeviceIdentity } from '../../plugins/sdk/snmp/device/identity.js';
import type { DiscoveredLink as ViewLink } from '../../plugins/sdk/snmp/device/neighbours.js';

export type NeighbourProtocol = 'lldp' | 'cdp';

/** A device seen in one row of a neighbour table (LLDP or CDP): what the crawl may follow. */
export interface Neighbour {
  protocol: NeighbourProtocol;
  /** Its node id and name by the SDK's rule (`neighbourIdentity`), when something identifies it. */
  node?: EntityId;
  name?: string;
  /** LLDP chassis id, as text (`formatChassisId`). */
  chassisId?: string;
  /** LLDP sysName, or CDP device id. */
  sysName?: string;
  /** IPv4/IPv6 management addresses it advertises, IPv4 first. */
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
  /** Node id, name and device key by the SDK's rule (`deviceIdentity`; the polled address as last resort). */
  identity: DeviceIdentity;
  kind: NodeKind;
  neighbours: Neighbour[];
  /** Its links as the switch kind computes them (`neighbourView`): the same node, port and link ids. */
  links: ViewLink[];
  /** Its ports' names and MACs (read when it has neighbours): a far end named by a MAC port id is the port with that MAC. */
  ports: { name: string; mac?: string }[];
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
