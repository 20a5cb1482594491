/**
 * How `vigie discover` shows a topology: a readable listing (nodes with their address and
 * polled state, links with the port on both ends, failures), the JSON form, and the progress
 * line printed per contacted device. Nothing here ever contains a credential: topologies hold none.
 */
import type { CrawlUpdate } from './crawl.js';
import type { DiscoveredTopology } from './types.js';

const shortId = (id: string) => (id.startsWith('node:') ? id.slice(5) : id);

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd());
}

/** The readable listing. */
export function formatTopology(t: DiscoveredTopology): string {
  const polled = t.nodes.filter((n) => n.polled).length;
  const out = [`${t.nodes.length} nodes (${polled} polled, ${t.nodes.length - polled} not polled), ${t.links.length} links`, '', 'Nodes:'];
  out.push(
    ...table(
      t.nodes.map((n) => [
        shortId(n.id),
        n.polled ? `${n.address}${n.port ? `:${n.port}` : ''}` : n.address ?? '-',
        n.polled ? 'polled' : 'not polled',
        [n.kind !== 'unknown' ? n.kind : '', n.chassisId ? `chassis ${n.chassisId}` : ''].filter(Boolean).join(', ') || '-',
        n.polled ? '' : `(${n.reason ?? 'not contacted'})`,
      ]),
    ),
  );
  out.push('', 'Links:');
  if (t.links.length === 0) out.push('  (none)');
  out.push(...table(t.links.map((l) => [shortId(l.a.node), l.a.port ?? '?', '<->', shortId(l.b.node), l.b.port ?? '?', `(${l.protocols.join(', ')})`])));
  if (t.failures.length) {
    out.push('', 'Problems:');
    out.push(...table(t.failures.map((f) => [f.address, f.reason])));
  }
  return `${out.join('\n')}\n`;
}

/** The JSON form: `{nodes, links, contacted, failures}`. */
export function topologyJson(t: DiscoveredTopology): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}

/** One progress line: `[3/12] sw-02 (127.0.0.3:161) 4 neighbours`. */
export function progressLine(u: Extract<CrawlUpdate, { type: 'device' }>): string {
  const head = `[${u.done}/${u.total}]`;
  if (u.error) return `${head} ${u.address} no answer: ${u.error}`;
  const n = u.neighbours ?? 0;
  return `${head} ${u.name || '(no sysName)'} (${u.address}) ${n} neighbour${n === 1 ? '' : 's'}`;
}
