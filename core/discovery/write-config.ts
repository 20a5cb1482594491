/**
 * `mergeDiscoveryIntoConfig(text, topology, options)`: adds what discovery found to a YAML
 * config, keeping everything else of the file (other keys, comments, order) through the `yaml`
 * Document API.
 *
 * Contract:
 * - one `probes:` entry per polled node (kind `options.kind`, name from the node identity,
 *   target host/port and the credentials given); a probe of that kind and name already there
 *   gets its host and port updated, a probe of any kind already watching that host:port is left
 *   alone; nothing is removed;
 * - one `topology.links` entry per discovered link not already declared (the same two ends in
 *   either order), ends named by node identity and port;
 * - the credentials are written as given (the user asked for a config that works); they are
 *   never returned in the summary;
 * - a file that is not a YAML mapping throws `E_CONFIG_READ`.
 */
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { VigieError, normaliseIdentity, type SnmpTarget } from '../../plugins/sdk/index.js';
import type { DiscoveredTopology } from './types.js';

export interface WriteConfigOptions {
  /** Probe kind of the new entries (`switch` when loaded, else `snmp-system`). */
  kind: string;
  /** Written into each new target: version, community or v3 (timeouts are left to defaults). */
  agent: Pick<SnmpTarget, 'version' | 'community' | 'v3'>;
}

export interface WriteConfigSummary {
  text: string;
  probesAdded: string[];
  probesUpdated: string[];
  linksAdded: number;
}

const NAME_OK = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A probe name (config NAME_PATTERN) from a node identity. */
export function probeName(identity: string): string {
  const s = identity.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return NAME_OK.test(s) ? s : 'device';
}

const identity = (id: string) => (id.startsWith('node:') ? id.slice(5) : id);

function seqAt(doc: Document, path: string[]): YAMLSeq {
  const cur = doc.getIn(path);
  if (isSeq(cur)) return cur;
  if (cur !== undefined && cur !== null) throw new VigieError('E_CONFIG_READ', `${path.join('.')} is not a list in the config file`, { path: path.join('.') });
  if (path.length > 1 && !isMap(doc.getIn(path.slice(0, -1)))) doc.setIn(path.slice(0, -1), doc.createNode({}));
  doc.setIn(path, doc.createNode([]));
  return doc.getIn(path) as YAMLSeq;
}

const endKey = (e: { node?: unknown; port?: unknown }) => `${normaliseIdentity(String(e.node ?? ''))}/${String(e.port ?? '')}`;
const linkKey = (a: string, b: string) => (a <= b ? `${a}|${b}` : `${b}|${a}`);

export function mergeDiscoveryIntoConfig(text: string | undefined, topo: DiscoveredTopology, opts: WriteConfigOptions): WriteConfigSummary {
  const doc = parseDocument(text ?? '');
  if (doc.errors.length) throw new VigieError('E_CONFIG_READ', `the config file is not valid YAML: ${doc.errors[0].message}`);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new VigieError('E_CONFIG_READ', 'the config file is not a YAML mapping');

  const summary: WriteConfigSummary = { text: '', probesAdded: [], probesUpdated: [], linksAdded: 0 };
  const probes = seqAt(doc, ['probes']);
  const existing = probes.items.filter(isMap).map((m) => m.toJSON() as { kind?: string; name?: string; target?: { host?: string; port?: number } });
  const taken = new Set(existing.map((p) => p.name));
  for (const node of topo.nodes.filter((n) => n.polled && n.address)) {
    const port = node.port ?? 161;
    const watched = existing.find((p) => p.target?.host === node.address && (p.target?.port ?? 161) === port);
    const base = probeName(identity(node.id));
    const same = probes.items.find((m) => isMap(m) && m.get('kind') === opts.kind && m.get('name') === base) as YAMLMap | undefined;
    if (same) {
      same.setIn(['target', 'host'], node.address);
      if (port !== 161 || same.hasIn(['target', 'port'])) same.setIn(['target', 'port'], port);
      summary.probesUpdated.push(base);
      continue;
    }
    if (watched) continue;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    const target: Record<string, unknown> = { host: node.address, ...(port !== 161 ? { port } : {}) };
    if (opts.agent.version && opts.agent.version !== '2c') target.version = opts.agent.version;
    if (opts.agent.version === '3' && opts.agent.v3) target.v3 = { ...opts.agent.v3 };
    else if (opts.agent.community) target.community = opts.agent.community;
    probes.add(doc.createNode({ kind: opts.kind, name, target }));
    summary.probesAdded.push(name);
  }

  const links = seqAt(doc, ['topology', 'links']);
  const declared = new Set(
    links.items.filter(isMap).map((m) => {
      const l = m.toJSON() as { a?: { node?: string; port?: string }; b?: { node?: string; port?: string } };
      return linkKey(endKey(l.a ?? {}), endKey(l.b ?? {}));
    }),
  );
  for (const l of topo.links) {
    const a = { node: identity(l.a.node), ...(l.a.port ? { port: l.a.port } : {}) };
    const b = { node: identity(l.b.node), ...(l.b.port ? { port: l.b.port } : {}) };
    const key = linkKey(endKey(a), endKey(b));
    if (declared.has(key)) continue;
    declared.add(key);
    const entry = doc.createNode({ a, b }) as YAMLMap;
    for (const end of ['a', 'b']) (entry.get(end) as YAMLMap).flow = true;
    links.add(entry);
    summary.linksAdded++;
  }
  summary.text = doc.toString();
  return summary;
}
