/**
 * LLDP and CDP neighbours → links and neighbour nodes.
 *
 * Contract of `neighbourView(input)`:
 * - a neighbour is named by `neighbourIdentity` (LLDP: remote sysName, else a chassis id of
 *   subtype chassisComponent, macAddress or local; CDP: device id without its `(serial)`);
 *   one with no identity, or with the polled device's own node id, makes no link (it is still
 *   counted in `counts`);
 * - the local end is the port the neighbour was seen on (LLDP: `mapLocalPorts`; CDP: the
 *   ifIndex), `{node, port}` when that port is polled, `{node}` alone when LLDP's local port
 *   cannot be mapped to any port; a neighbour on a port that exists but is not selected is left
 *   out;
 * - the remote end is `portId(remoteNode, remotePort)`: LLDP port id when its subtype is
 *   interfaceName(5) or macAddress(3), else the port description, else the port id; CDP device
 *   port in IOS's short form (`iosShortName`). Both sides of a link name it the same way, so
 *   `linkId` gives one id;
 * - one link per (local port, remote node, remote port): when LLDP and CDP report the same
 *   neighbour on a port (same remote node, or same remote port name), LLDP's is kept;
 * - `nodes`: the neighbour nodes' facts (name, kind from capabilities/platform, management
 *   address; attrs `unpolled: true`, `discoveredBy`, `chassisId`, `managementAddress`,
 *   `sysDescr`, `platform`, `capabilities` as known).
 */
import { linkId, nodeId, portId } from '../../entity.js';
import type { EntityId, LinkEnd, LinkFacts, NodeFacts } from '../../observation.js';
import { iosShortName, type CdpNeighbour } from './cdp.js';
import { kindFromCdp, kindFromLldpCapabilities } from './classify.js';
import { cdpDeviceName, neighbourIdentity, usableName } from './identity.js';
import type { PortInfo, PortName } from './interfaces.js';
import { mapLocalPorts, type LldpNeighbour, type LldpRead } from './lldp.js';

export interface DiscoveredLink {
  id: EntityId;
  facts: LinkFacts;
  protocol: 'lldp' | 'cdp';
  remote: EntityId;
}

export interface NeighbourView {
  links: DiscoveredLink[];
  nodes: Map<EntityId, NodeFacts>;
  counts: { lldp: number; cdp: number; unidentified: number };
}

export interface NeighbourInput {
  self: EntityId;
  lldp?: LldpRead;
  cdp?: CdpNeighbour[];
  /** The polled ports. */
  ports: ReadonlyMap<number, PortInfo>;
  /** Every port's names, polled or not. */
  names: ReadonlyMap<number, PortName>;
}


function remoteLldpPort(n: LldpNeighbour): string | undefined {
  if ((n.portIdSubtype === 5 || n.portIdSubtype === 3) && n.portId) return n.portId;
  return n.portDesc || n.portId;
}

export function neighbourView(input: NeighbourInput): NeighbourView {
  const { self, ports, names } = input;
  const links = new Map<string, DiscoveredLink>();
  const nodes = new Map<EntityId, NodeFacts>();
  const counts = { lldp: input.lldp?.neighbours.length ?? 0, cdp: input.cdp?.length ?? 0, unidentified: 0 };
  /** Per local ifIndex: remote nodes and remote port names already linked (for the LLDP/CDP de-duplication). */
  const seenOnPort = new Map<number, { nodes: Set<EntityId>; ports: Set<string> }>();

  const localEnd = (ifIndex: number | undefined): LinkEnd | null => {
    if (ifIndex === undefined) return { node: self };
    const p = ports.get(ifIndex);
    if (!p) return names.has(ifIndex) ? null : { node: self };
    return { node: self, port: portId(self, p.name) };
  };
  const add = (protocol: 'lldp' | 'cdp', ifIndex: number | undefined, remote: EntityId, remotePort: string | undefined, facts: NodeFacts): void => {
    const a = localEnd(ifIndex);
    if (!a) return;
    if (ifIndex !== undefined) {
      const seen = seenOnPort.get(ifIndex) ?? { nodes: new Set(), ports: new Set() };
      seenOnPort.set(ifIndex, seen);
      const short = remotePort ? iosShortName(remotePort) : undefined;
      if (protocol === 'cdp' && (seen.nodes.has(remote) || (short && seen.ports.has(short)))) return;
      seen.nodes.add(remote);
      if (short) seen.ports.add(short);
    }
    const b: LinkEnd = remotePort ? { node: remote, port: portId(remote, remotePort) } : { node: remote };
    const id = linkId(a, b);
    if (links.has(id)) return;
    links.set(id, { id, protocol, remote, facts: { a, b, attrs: { protocol } } });
    if (!nodes.has(remote)) nodes.set(remote, facts);
  };

  const lldp = input.lldp;
  if (lldp) {
    const localOf = mapLocalPorts(lldp.localPorts, mergedPorts(ports, names), lldp.neighbours.map((n) => n.localPortNum));
    for (const n of lldp.neighbours) {
      const who = neighbourIdentity({ sysName: n.sysName, chassisId: n.chassisId, chassisIdSubtype: n.chassisIdSubtype });
      if (!who || who.node === self) {
        counts.unidentified++;
        continue;
      }
      const attrs: Record<string, unknown> = { unpolled: true, discoveredBy: 'lldp', capabilities: n.capabilities };
      if (n.chassisId) attrs.chassisId = n.chassisId;
      if (n.managementAddress) attrs.managementAddress = n.managementAddress;
      if (n.sysDesc) attrs.sysDescr = n.sysDesc;
      const facts: NodeFacts = { name: who.name, kind: kindFromLldpCapabilities(n.capabilities, n.sysDesc), attrs };
      if (n.managementAddress) facts.address = n.managementAddress;
      add('lldp', localOf.get(n.localPortNum), who.node, remoteLldpPort(n), facts);
    }
  }
  for (const n of input.cdp ?? []) {
    const name = usableName(cdpDeviceName(n.deviceId));
    const remote = name ? nodeId(name) : undefined;
    if (!name || !remote || remote === self) {
      counts.unidentified++;
      continue;
    }
    const attrs: Record<string, unknown> = { unpolled: true, discoveredBy: 'cdp' };
    if (n.address) attrs.managementAddress = n.address;
    if (n.platform) attrs.platform = n.platform;
    if (n.version) attrs.sysDescr = n.version;
    const facts: NodeFacts = { name, kind: kindFromCdp(n.capabilities, n.platform), attrs };
    if (n.address) facts.address = n.address;
    add('cdp', n.ifIndex, remote, n.devicePort ? iosShortName(n.devicePort) : undefined, facts);
  }
  return { links: [...links.values()], nodes, counts };
}

/** Names of every port, with the polled ports' full info over them. */
function mergedPorts(ports: ReadonlyMap<number, PortInfo>, names: ReadonlyMap<number, PortName>): Map<number, Pick<PortInfo, 'ifIndex' | 'ifName' | 'descr' | 'alias'>> {
  const out = new Map<number, Pick<PortInfo, 'ifIndex' | 'ifName' | 'descr' | 'alias'>>(names);
  for (const [k, p] of ports) out.set(k, p);
  return out;
}
