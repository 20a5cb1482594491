/**
 * `buildTopology(records)`: turns what the crawl read (device reports, why some neighbours were
 * not polled) into nodes and links. Pure: no I/O, so identity and link matching are tested alone.
 *
 * Identity is the SDK's (plugins/sdk/snmp/device/identity.ts): a polled device's node id is
 * `deviceIdentity` (sysName, else LLDP chassis id, else the address it was polled at), and two
 * reports with the same device key (`chassis:<id>`, else `sys:<sysName>|<sysObjectID>`) or the
 * same node id are one node, so a device reached through two addresses is one node. A neighbour
 * is `neighbourIdentity` (sysName, else chassis id); one that names a polled device by its other
 * identity (its chassis id while polled under its sysName) is that polled node (`aliasesOf`).
 *
 * Links are each polled device's links as the switch kind computes them (`neighbourView`),
 * their ends moved to the polled node they name; the same link seen from both ends is one link.
 * When both ends were polled and the far device names its own port otherwise than this side's
 * LLDP says, the far end takes the far device's own name: the one link of the far device back
 * to this port, else its port whose MAC is the port id LLDP gave (lldpd's default), so names
 * agree with each device's ifName.
 */
import type { EntityId, LinkEnd as PortEnd } from '../../plugins/sdk/index.js';
import { neighbourIdentity } from '../../plugins/sdk/snmp/device/identity.js';
import type { DeviceReport, DiscoveredLink, DiscoveredNode, DiscoveredTopology, Endpoint, LinkEnd, NeighbourProtocol } from './types.js';

export interface PolledRecord {
  endpoint: Endpoint;
  report: DeviceReport;
}

export interface CrawlRecords {
  polled: PolledRecord[];
  /** Why a neighbour was not polled, by its node id. */
  reasons: Map<EntityId, string>;
  contacted: string[];
  failures: { address: string; reason: string }[];
}

/** Every node id a polled device may be known by: its own, and what its sysName or chassis id make of it as a neighbour. */
export function aliasesOf(r: Pick<DeviceReport, 'identity' | 'sysName' | 'chassisId'>): EntityId[] {
  const ids = [r.identity.node, neighbourIdentity({ sysName: r.sysName })?.node, neighbourIdentity({ chassisId: r.chassisId })?.node];
  return [...new Set(ids.filter((x): x is EntityId => x !== undefined))];
}

interface NodeBuilder {
  node: DiscoveredNode;
  /** Its links, ends resolved (`a` its own end). */
  links: { a: LinkEnd; b: LinkEnd; protocol: NeighbourProtocol }[];
  /** Its ports by MAC (lower case). */
  macs: Map<string, string>;
}

const PROTOCOL_ORDER: NeighbourProtocol[] = ['lldp', 'cdp'];

/** The port name inside a port id (`port:<node>/<name>`). */
function portName(end: PortEnd): string | undefined {
  if (!end.port) return undefined;
  const prefix = `port:${end.node.slice(5)}/`;
  return end.port.startsWith(prefix) ? end.port.slice(prefix.length) : undefined;
}

export function buildTopology(records: CrawlRecords): DiscoveredTopology {
  const byKey = new Map<string, NodeBuilder>();
  const byAlias = new Map<EntityId, NodeBuilder>();
  const polled: [PolledRecord, NodeBuilder][] = [];
  const addAddress = (n: DiscoveredNode, a: string) => {
    if (!n.addresses.includes(a)) n.addresses.push(a);
  };

  // 1. Polled devices, merged by device key or node id.
  for (const rec of records.polled) {
    const r = rec.report;
    const key = r.identity.key;
    let b = (key ? byKey.get(key) : undefined) ?? byAlias.get(r.identity.node);
    if (!b) {
      b = {
        node: {
          id: r.identity.node, name: r.identity.name, kind: r.kind, address: rec.endpoint.host, port: rec.endpoint.port, polled: true,
          ...(r.chassisId ? { chassisId: r.chassisId } : {}),
          ...(r.sysObjectID ? { sysObjectID: r.sysObjectID } : {}),
          ...(r.sysDescr ? { sysDescr: r.sysDescr } : {}),
          addresses: [],
        },
        links: [],
        macs: new Map(),
      };
      byAlias.set(r.identity.node, b);
    }
    if (key && !byKey.has(key)) byKey.set(key, b);
    addAddress(b.node, rec.endpoint.host);
    for (const p of r.ports) if (p.mac && !b.macs.has(p.mac.toLowerCase())) b.macs.set(p.mac.toLowerCase(), p.name);
    polled.push([rec, b]);
  }
  // Other names of polled nodes, once every polled node holds its own id.
  for (const [rec, b] of polled) for (const id of aliasesOf(rec.report)) if (!byAlias.has(id)) byAlias.set(id, b);
  const resolve = (id: EntityId): EntityId => byAlias.get(id)?.node.id ?? id;

  // 2. Neighbours not polled: one node per identity.
  const unpolled = new Map<EntityId, DiscoveredNode>();
  for (const [rec] of polled) {
    for (const row of rec.report.neighbours) {
      if (!row.node || !row.name || byAlias.has(row.node)) continue;
      let n = unpolled.get(row.node);
      if (!n) {
        n = { id: row.node, name: row.name, kind: row.kind, polled: false, reason: records.reasons.get(row.node) ?? 'not contacted', addresses: [] };
        unpolled.set(row.node, n);
      }
      for (const a of row.addresses) addAddress(n, a);
      n.address ??= n.addresses[0];
      if (n.kind === 'unknown') n.kind = row.kind;
      if (!n.chassisId && row.chassisId) n.chassisId = row.chassisId;
    }
  }

  // 3. Each device's links, ends moved to the node they name.
  const endOf = (e: PortEnd): LinkEnd => {
    const name = portName(e);
    return name ? { node: resolve(e.node), port: name } : { node: resolve(e.node) };
  };
  for (const [rec, b] of polled) {
    for (const l of rec.report.links) b.links.push({ a: endOf(l.facts.a), b: endOf(l.facts.b), protocol: l.protocol });
  }

  // 4. One link per pair of ends; the far end named by the far device when it was polled.
  const links = new Map<string, DiscoveredLink>();
  const builders = [...new Set(polled.map(([, b]) => b))];
  for (const from of builders) {
    for (const l of from.links) {
      const far = byAlias.get(l.b.node);
      let b = l.b;
      if (far && far !== from && l.a.port !== undefined) {
        const back = far.links.filter((x) => x.b.node === from.node.id && x.b.port === l.a.port && x.a.port !== undefined);
        const byMac = l.b.port ? far.macs.get(l.b.port.toLowerCase()) : undefined;
        if (back.length === 1) b = back[0].a;
        else if (byMac) b = { node: far.node.id, port: byMac };
      }
      if (l.a.node === b.node && l.a.port === b.port) continue; // its own frames
      const [x, y] = `${l.a.node}/${l.a.port ?? ''}` <= `${b.node}/${b.port ?? ''}` ? [l.a, b] : [b, l.a];
      const key = `${x.node}/${x.port ?? ''}|${y.node}/${y.port ?? ''}`;
      const link = links.get(key) ?? { a: x, b: y, protocols: [] as NeighbourProtocol[] };
      if (!link.protocols.includes(l.protocol)) link.protocols = PROTOCOL_ORDER.filter((p) => p === l.protocol || link.protocols.includes(p));
      links.set(key, link);
    }
  }

  const nodes = [...builders.map((b) => b.node), ...unpolled.values()].sort((p, q) => p.id.localeCompare(q.id));
  return {
    nodes,
    links: [...links.entries()].sort(([p], [q]) => p.localeCompare(q)).map(([, l]) => l),
    contacted: [...records.contacted],
    failures: [...records.failures],
  };
}
