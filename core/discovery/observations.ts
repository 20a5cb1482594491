/**
 * `DiscoveryRounds`: turns each crawl's topology into topology observations for the bus, and
 * remembers the links it announced so that a link that vanishes is retired.
 *
 * Contract of `round(topology, at)`:
 * - a `node` observation for each node the first time it is seen and whenever its facts change
 *   (name, kind, address, chassis id, polled state);
 * - a `link` observation for every link of the round (the model ignores repeats); its `source`
 *   is `<protocol>/<instance>` (`lldp/…`, `cdp/…`) so the map shows where the link comes from;
 * - a `gone` observation for a link announced before and absent now, but only when one of its
 *   ends answered this round in full (a polled node with complete tables): a device that did
 *   not answer proves nothing, so its links stay until it does;
 * - an `event` (`discovery`, info) summarising the round when links were added or removed.
 */
import { linkId, portId, type EntityId, type Observation } from '../../plugins/sdk/index.js';
import { endpointText } from './crawl.js';
import type { DiscoveredLink, DiscoveredTopology } from './types.js';

interface Announced {
  ends: [string, string];
}

export class DiscoveryRounds {
  private readonly links = new Map<EntityId, Announced>();
  private readonly nodeFacts = new Map<EntityId, string>();

  /** `instance`: the service instance name (observations' source and event entity). */
  constructor(private readonly instance: string) {}

  /** Links announced and not retired. */
  get announced(): EntityId[] {
    return [...this.links.keys()].sort();
  }

  round(t: DiscoveredTopology, at: number): Observation[] {
    const out: Observation[] = [];
    for (const n of t.nodes) {
      const facts = {
        name: n.name,
        kind: n.kind,
        ...(n.address ? { address: n.address } : {}),
        attrs: { ...(n.chassisId ? { chassisId: n.chassisId } : {}), discovery: n.polled ? 'polled' : `not polled: ${n.reason ?? 'not contacted'}` },
      };
      const key = JSON.stringify(facts);
      if (this.nodeFacts.get(n.id) === key) continue;
      this.nodeFacts.set(n.id, key);
      out.push({ kind: 'topology', at, entity: n.id, element: 'node', node: facts });
    }

    const current = new Map<EntityId, DiscoveredLink>();
    for (const l of t.links) {
      const a = l.a.port ? { node: l.a.node, port: portId(l.a.node, l.a.port) } : { node: l.a.node };
      const b = l.b.port ? { node: l.b.node, port: portId(l.b.node, l.b.port) } : { node: l.b.node };
      const id = linkId(a, b);
      current.set(id, l);
      out.push({
        kind: 'topology', at, entity: id, element: 'link', source: `${l.protocols[0]}/${this.instance}`,
        link: { a, b, attrs: { protocols: l.protocols } },
      });
    }

    const incomplete = new Set(t.failures.map((f) => f.address));
    const answered = new Set(
      t.nodes.filter((n) => n.polled && n.address && !incomplete.has(endpointText({ host: n.address, port: n.port ?? 161 }))).map((n) => n.id),
    );
    let removed = 0;
    for (const [id, prev] of this.links) {
      if (current.has(id)) continue;
      if (!prev.ends.some((e) => answered.has(e))) continue;
      this.links.delete(id);
      removed++;
      out.push({ kind: 'topology', at, entity: id, element: 'gone' });
    }
    let added = 0;
    for (const [id, l] of current) {
      if (!this.links.has(id)) added++;
      this.links.set(id, { ends: [l.a.node, l.b.node] });
    }
    if (added || removed) {
      const polled = t.nodes.filter((n) => n.polled).length;
      out.push({
        kind: 'event', at, entity: `probe:discovery/${this.instance}`, type: 'discovery', severity: 'info',
        message: `discovery: ${t.nodes.length} nodes (${polled} polled), ${current.size} links; ${added} new, ${removed} gone`,
        data: { nodes: t.nodes.length, polled, links: current.size, added, removed },
      });
    }
    return out;
  }
}
