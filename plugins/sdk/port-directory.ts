/**
 * The port directory: which port entity an ifIndex of a node is, as the polling probes know it.
 * A trap names its port by ifIndex only (IF-MIB linkDown/linkUp carry ifIndex, ifAdminStatus,
 * ifOperStatus); the trap receiver looks the port up here so that the trap's event and state land
 * on the same port entity the switch/router poll reports (`port:<node>/<ifName>`).
 *
 * Contract: `publish(node, ports)` replaces what is known of that node (the poller calls it after
 * each read of the port list); `lookup(node, ifIndex)` answers from the last publish, or undefined.
 * Entries are hints: a missing one is not an error, the caller falls back to its own naming.
 */
import type { EntityId } from './observation.js';

export interface DirectoryPort {
  entity: EntityId;
  name: string;
}

export interface PortDirectory {
  publish(node: EntityId, ports: ReadonlyMap<number, DirectoryPort>): void;
  lookup(node: EntityId, ifIndex: number): DirectoryPort | undefined;
}

export function createPortDirectory(): PortDirectory {
  const byNode = new Map<EntityId, ReadonlyMap<number, DirectoryPort>>();
  return {
    publish: (node, ports) => void byNode.set(node, new Map(ports)),
    lookup: (node, ifIndex) => byNode.get(node)?.get(ifIndex),
  };
}
