/**
 * Applies topology observations and config-declared topology to the model.
 */
import { nodeId, portId, type TopologyObservation } from '../../plugins/sdk/index.js';
import type { TopologyModel } from './model.js';

/** Longest site name taken from a sysLocation. */
export const SITE_MAX_LENGTH = 100;

/** sysLocation values that say nothing about where the device is (vendor and net-snmp defaults, redactions). */
const PLACEHOLDER_LOCATION = /^(?:<.*>|\(.*\)|\[.*\]|unknown(?: \(.*\))?|not ?set|not configured|unconfigured|none|null|n\/?a|tbd|todo|default|location|sys ?location|changeme|change me|sitting on the dock of the bay|[-_.?*#]*)$/i;

/**
 * The site a sysLocation names: the value trimmed (inner runs of spaces made one), or undefined for
 * a placeholder (`<private>`, `Unknown`, net-snmp's `Sitting on the Dock of the Bay`, empty, ...).
 */
export function siteFromLocation(location: unknown): string | undefined {
  if (typeof location !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = location.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (PLACEHOLDER_LOCATION.test(text)) return undefined;
  return text.length > SITE_MAX_LENGTH ? text.slice(0, SITE_MAX_LENGTH).trimEnd() : text;
}

/**
 * Applies one topology observation. A node's site is the probe's configured `site` (`defaults.site`),
 * else the site the probe reported, else its sysLocation (`siteFromLocation(attrs.sysLocation)`),
 * else none. `origin` of a link: the kind of the probe that reported it (`snmp-switch/sw1` → `snmp-switch`).
 */
export function applyTopologyObservation(model: TopologyModel, o: TopologyObservation, defaults: { site?: string } = {}): void {
  switch (o.element) {
    case 'node': {
      const site = defaults.site || o.node.site || siteFromLocation(o.node.attrs?.sysLocation);
      model.upsertNode(o.entity, site && site !== o.node.site ? { ...o.node, site } : o.node);
      return;
    }
    case 'port':
      model.upsertPort(o.entity, o.port);
      return;
    case 'link':
      model.upsertLink(o.link, o.source?.split('/')[0]);
      return;
    case 'gone':
      model.remove(o.entity);
      return;
  }
}

export interface DeclaredTopology {
  nodes?: { id: string; name?: string; kind?: string; site?: string }[];
  links?: { a: { node: string; port?: string }; b: { node: string; port?: string }; name?: string; speed?: number }[];
}

/**
 * Links (and nodes) declared in the config: WAN circuits and anything discovery cannot see.
 * Node references are identities (`sw-01`), turned into ids the way probes do (`node:sw-01`).
 */
export function applyDeclaredTopology(model: TopologyModel, t: DeclaredTopology): void {
  model.batch(() => {
    for (const n of t.nodes ?? []) {
      const id = nodeId(n.id);
      const cur = model.node(id);
      model.upsertNode(id, {
        name: n.name ?? cur?.name ?? n.id,
        kind: (n.kind ?? cur?.kind ?? 'unknown') as never,
        ...(n.site ? { site: n.site } : {}),
      });
    }
    for (const l of t.links ?? []) {
      const end = (e: { node: string; port?: string }) => {
        const node = nodeId(e.node);
        return e.port ? { node, port: portId(node, e.port) } : { node };
      };
      const attrs: Record<string, unknown> = {};
      if (l.name) attrs.name = l.name;
      if (l.speed) attrs.speed = l.speed;
      model.upsertLink({ a: end(l.a), b: end(l.b), attrs }, 'config');
    }
  });
}
