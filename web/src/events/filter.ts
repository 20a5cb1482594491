/**
 * Events as data (no DOM): severity ranks, the node an event's entity belongs to, a stable key
 * for de-duplication, merging lists newest first, and the filter of the events view — a minimum
 * severity plus free text. Text terms (space-separated, case-insensitive, all must match) search
 * the entity, the kind (type) and the message; `entity:x`, `kind:x` (or `type:x`) and
 * `severity:x` restrict a term to one field.
 */
import type { LiveEvent, TopoLink, TopoPort } from '../context.js';

export const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, minor: 2, major: 3, critical: 4 };
export const SEVERITY_NAMES = ['info', 'warning', 'minor', 'major', 'critical'] as const;

export interface EventFilter {
  /** Minimum severity; undefined or '' = all. */
  minSeverity?: string;
  text?: string;
}

export function severityRank(severity: string): number {
  return SEVERITY_RANK[severity] ?? 0;
}

export function eventKey(e: LiveEvent): string {
  return e.id !== undefined ? `id:${e.id}` : `${e.at}|${e.entity}|${e.type}|${e.message ?? ''}`;
}

interface Term {
  field?: 'entity' | 'kind' | 'severity';
  value: string;
}

const FIELD_ALIASES: Record<string, Term['field']> = { entity: 'entity', kind: 'kind', type: 'kind', severity: 'severity' };

export function parseTerms(text: string | undefined): Term[] {
  return (text ?? '').toLowerCase().split(/\s+/).filter(Boolean).map((raw) => {
    const colon = raw.indexOf(':');
    const field = colon > 0 ? FIELD_ALIASES[raw.slice(0, colon)] : undefined;
    return field ? { field, value: raw.slice(colon + 1) } : { value: raw };
  }).filter((t) => t.value !== '');
}

/** A predicate for `filter` (terms parsed once). */
export function eventMatcher(filter: EventFilter): (e: LiveEvent) => boolean {
  const min = filter.minSeverity ? severityRank(filter.minSeverity) : -1;
  const terms = parseTerms(filter.text);
  return (e) => {
    if (severityRank(e.severity) < min) return false;
    const entity = e.entity.toLowerCase();
    const kind = e.type.toLowerCase();
    const message = (e.message ?? '').toLowerCase();
    return terms.every((t) => {
      if (t.field === 'entity') return entity.includes(t.value);
      if (t.field === 'kind') return kind.includes(t.value);
      if (t.field === 'severity') return e.severity.toLowerCase() === t.value;
      return entity.includes(t.value) || kind.includes(t.value) || message.includes(t.value);
    });
  };
}

export function filterEvents(events: readonly LiveEvent[], filter: EventFilter): LiveEvent[] {
  return events.filter(eventMatcher(filter));
}

/** Both lists merged newest first, without duplicates, at most `limit`. */
export function mergeEvents(a: readonly LiveEvent[], b: readonly LiveEvent[], limit: number): LiveEvent[] {
  const seen = new Set<string>();
  const out: LiveEvent[] = [];
  for (const e of [...a, ...b].sort((x, y) => y.at - x.at)) {
    const k = eventKey(e);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The node an entity belongs to: itself for `node:*`, a port's node, a link's first end, else the
 * node named in the id (`port:<node>/<if>`, `link:port:<node>/...--...`); undefined for others (`probe:*`).
 */
export function nodeOfEntity(entity: string, ports?: ReadonlyMap<string, TopoPort>, links?: ReadonlyMap<string, TopoLink>): string | undefined {
  if (entity.startsWith('node:')) return entity;
  const port = ports?.get(entity);
  if (port) return port.node;
  const link = links?.get(entity);
  if (link) return link.a.node;
  const m = /^(?:link:)?(?:port|node):([^/]+?)(?:\/|--|$)/.exec(entity);
  return m ? `node:${m[1]}` : undefined;
}
