/**
 * `buildTopology(records)`: turns what the crawl read (device reports, why some neighbours were
 * not polled) into nodes and links. Pure: no I/O, so identity and link matching are tested alone.
 *
 * Identity: a node is keyed by its LLDP chassis id and by its sysName (case-insensitive); two
 * reports (or a report and a neighbour row) sharing either key are one node, so a device reached
 * through two addresses is one node. Its id is `nodeId(sysName)`, else `nodeId(chassis id)`, else
 * (a polled agent that gives neither) `nodeId(address)`.
 *
 * Links: each neighbour row of a polled device is one end-to-end link; the same link seen from
 * both ends is one link. When both ends were polled, each end is named by its own device (the
 * row on the far side whose port aliases match), so names agree with that device's ifName.
 */
import { nodeId, normaliseIdentity } from '../../plugins/sdk/index.js';
import type { DeviceReport, DiscoveredLink, DiscoveredNode, DiscoveredTopology, Endpoint, Neighbour, NeighbourProtocol } from './types.js';

export interface PolledRecord {
  endpoint: Endpoint;
  report: DeviceReport;
}

export interface CrawlRecords {
  polled: PolledRecord[];
  /** Why a neighbour was not polled, by identity key (`identityKeys`). */
  reasons: Map<string, string>;
  contacted: string[];
  failures: { address: string; reason: string }[];
}

const BARE_IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)$/i;

/** sysName when it can name a node (not empty, not a bare address). */
export function usableName(name: string | undefined): string | undefined {
  const n = name?.trim();
  return n && !BARE_IP.test(n) ? n : undefined;
}

/** The keys that identify a device: `c:<chassis id>`, `n:<sysName>`. */
export function identityKeys(x: { chassisId?: string; sysName?: string }): string[] {
  const keys: string[] = [];
  if (x.chassisId) keys.push(`c:${x.chassisId.toLowerCase()}`);
  const name = usableName(x.sysName);
  if (name) keys.push(`n:${normaliseIdentity(name)}`);
  return keys;
}

interface NodeBuilder {
  node: DiscoveredNode;
  rows: { row: Neighbour; to: NodeBuilder }[];
}

const PROTOCOL_ORDER: NeighbourProtocol[] = ['lldp', 'cdp'];

const intersects = (a: string[], b: string[]): boolean => a.some((x) => b.includes(x));

export function buildTopology(records: CrawlRecords): DiscoveredTopology {
  const byKey = new Map<string, NodeBuilder>();
  const builders: NodeBuilder[] = [];
  const register = (b: NodeBuilder, keys: string[]) => {
    for (const k of keys) if (!byKey.has(k)) byKey.set(k, b);
  };
  const find = (keys: string[]) => keys.map((k) => byKey.get(k)).find((b) => b !== undefined);
  const addAddress = (n: DiscoveredNode, a: string) => {
    if (!n.addresses.includes(a)) n.addresses.push(a);
  };

  // 1. Polled devices, merged by identity.
  const polled: [PolledRecord, NodeBuilder][] = [];
  for (const rec of records.polled) {
    const r = rec.report;
    const keys = identityKeys(r);
    let b = find(keys);
    if (!b) {
      const name = usableName(r.sysName) ?? r.chassisId ?? rec.endpoint.host;
      b = {
        node: {
          id: nodeId(name), name, kind: r.kind, address: rec.endpoint.host, port: rec.endpoint.port, polled: true,
          ...(r.chassisId ? { chassisId: r.chassisId } : {}),
          ...(r.sysObjectID ? { sysObjectID: r.sysObjectID } : {}),
          ...(r.sysDescr ? { sysDescr: r.sysDescr } : {}),
          addresses: [],
        },
        rows: [],
      };
      builders.push(b);
    }
    addAddress(b.node, rec.endpoint.host);
    register(b, keys);
    polled.push([rec, b]);
  }

  // A neighbour with neither chassis id nor name is matched by address, when one polled node owns it.
  const polledByHost = new Map<string, NodeBuilder | null>();
  for (const [rec, b] of polled) {
    const prior = polledByHost.get(rec.endpoint.host);
    polledByHost.set(rec.endpoint.host, prior === undefined || prior === b ? b : null);
  }

  // 2. Neighbours: resolved to a polled node, else to one unpolled node per identity.
  for (const [rec, from] of polled) {
    for (const row of rec.report.neighbours) {
      const keys = identityKeys(row);
      let to = find(keys) ?? row.addresses.map((a) => polledByHost.get(a)).find((b) => b) ?? undefined;
      if (!to) {
        const name = usableName(row.sysName) ?? row.chassisId ?? row.addresses[0];
        if (!name) continue; // nothing to call it by
        const reason = keys.map((k) => records.reasons.get(k)).find((x) => x) ?? 'not contacted';
        to = {
          node: { id: nodeId(name), name, kind: row.kind, polled: false, reason, addresses: [], ...(row.chassisId ? { chassisId: row.chassisId } : {}) },
          rows: [],
        };
        builders.push(to);
      }
      register(to, keys);
      if (!to.node.polled) {
        for (const a of row.addresses) addAddress(to.node, a);
        to.node.address ??= to.node.addresses[0];
        if (to.node.kind === 'unknown') to.node.kind = row.kind;
        if (!to.node.chassisId && row.chassisId) to.node.chassisId = row.chassisId;
      }
      from.rows.push({ row, to });
    }
  }

  // 3. Links, one per pair of ends.
  const links = new Map<string, DiscoveredLink>();
  for (const from of builders) {
    for (const { row, to } of from.rows) {
      if (to === from && intersects(row.port.aliases, row.localPort.aliases)) continue; // its own frames
      const back = to.node.polled ? to.rows.find((r) => r.to === from && intersects(r.row.port.aliases, row.localPort.aliases)) : undefined;
      const a = { node: from.node.id, port: row.localPort.name };
      const b = { node: to.node.id, port: back ? back.row.localPort.name : row.port.name };
      const [x, y] = `${a.node}/${a.port}` <= `${b.node}/${b.port}` ? [a, b] : [b, a];
      const key = `${x.node}/${x.port}|${y.node}/${y.port}`;
      const link = links.get(key) ?? { a: x, b: y, protocols: [] as NeighbourProtocol[] };
      if (!link.protocols.includes(row.protocol)) link.protocols = PROTOCOL_ORDER.filter((p) => p === row.protocol || link.protocols.includes(p));
      links.set(key, link);
    }
  }

  const nodes = [...new Map(builders.map((b) => [b.node.id, b.node])).values()].sort((p, q) => p.id.localeCompare(q.id));
  return {
    nodes,
    links: [...links.entries()].sort(([p], [q]) => p.localeCompare(q)).map(([, l]) => l),
    contacted: [...records.contacted],
    failures: [...records.failures],
  };
}
