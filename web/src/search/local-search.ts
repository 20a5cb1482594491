/**
 * Client-side search over the live topology, used when the daemon has no `/api/search`: matches
 * node name, sysName, address, serial (attrs.serial / attrs.inventory.serial) and port MACs
 * (any separator, any case). Same result shape as the API. Pure, tested in Node.
 */
import type { TopoNode, TopoPort } from '../context.js';

export interface SearchResult {
  entity: string;
  node: string;
  label: string;
  match: 'name' | 'ip' | 'mac' | 'serial' | 'sysName' | string;
  value: string;
}

/** Lower-case hex digits only when the text looks like (part of) a MAC address, else undefined. */
export function normaliseMac(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (!/^[0-9a-f]{2}([:.\- ]?[0-9a-f]{1,2}){1,}$/.test(t) && !/^[0-9a-f]{4}(\.[0-9a-f]{1,4}){1,2}$/.test(t)) return undefined;
  const hex = t.replace(/[^0-9a-f]/g, '');
  return hex.length >= 4 ? hex : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
}

function serialOf(n: TopoNode): string | undefined {
  const inv = n.attrs?.inventory as Record<string, unknown> | undefined;
  return str(n.attrs?.serial) ?? str(inv?.serial);
}

/** Results ranked: exact before prefix before substring; names before other fields. */
export function searchLocal(
  q: string,
  nodes: Iterable<TopoNode>,
  ports: Iterable<TopoPort> = [],
  limit = 20,
): SearchResult[] {
  const query = q.trim().toLowerCase();
  if (!query) return [];
  const mac = normaliseMac(query);
  const scored: Array<{ score: number; r: SearchResult }> = [];
  const nodeName = new Map<string, string>();
  for (const n of nodes) {
    nodeName.set(n.id, n.name);
    const fields: Array<[SearchResult['match'], string | undefined]> = [
      ['name', n.name],
      ['sysName', str(n.attrs?.sysName)],
      ['ip', n.address],
      ['serial', serialOf(n)],
    ];
    let best: { score: number; r: SearchResult } | undefined;
    fields.forEach(([match, value], i) => {
      if (!value) return;
      const v = value.toLowerCase();
      const pos = v.indexOf(query);
      if (pos < 0) return;
      const score = (v === query ? 0 : pos === 0 ? 10 : 20) + i;
      if (!best || score < best.score) best = { score, r: { entity: n.id, node: n.id, label: n.name, match, value } };
    });
    if (best) scored.push(best);
  }
  if (mac) {
    for (const p of ports) {
      const value = str(p.attrs?.mac);
      if (!value) continue;
      const hex = value.toLowerCase().replace(/[^0-9a-f]/g, '');
      const pos = hex.indexOf(mac);
      if (pos < 0) continue;
      const label = `${nodeName.get(p.node) ?? p.node} ${p.name}`;
      scored.push({ score: (hex === mac ? 0 : pos === 0 ? 10 : 20) + 5, r: { entity: p.id, node: p.node, label, match: 'mac', value } });
    }
  }
  scored.sort((a, b) => a.score - b.score || a.r.label.localeCompare(b.r.label, undefined, { numeric: true }));
  return scored.slice(0, limit).map((s) => s.r);
}
