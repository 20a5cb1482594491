/**
 * Input checks shared by every store adapter, so they all reject the same things the same way
 * (`E_STORE`, before touching the database, which keeps a batch all or nothing).
 */
import { SEVERITIES, VigieError, type Severity } from '../../plugins/sdk/index.js';
import type { EventFilter, MapPosition, Sample, StoredEvent } from './port.js';

export const DEFAULT_EVENT_LIMIT = 100;
export const MAX_EVENT_LIMIT = 10_000;

function invalid(message: string, details: Record<string, unknown>): VigieError {
  return new VigieError('E_STORE', message, details);
}

/** Throws `E_STORE` naming the first sample with a non-finite time or value, or a missing name. */
export function checkSamples(samples: readonly Sample[]): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!s || typeof s.entity !== 'string' || !s.entity || typeof s.metric !== 'string' || !s.metric) {
      throw invalid(`sample #${i} has no entity or metric`, { index: i });
    }
    if (!Number.isFinite(s.at) || !Number.isFinite(s.value)) {
      throw invalid(`sample #${i} (${s.entity} ${s.metric}) has a non-finite time or value`, {
        index: i, entity: s.entity, metric: s.metric, at: s.at, value: s.value,
      });
    }
  }
}

/** The rank of a severity (0 = info ... 4 = critical); throws `E_STORE` for an unknown one. */
export function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity);
  if (rank < 0) throw invalid(`unknown severity ${JSON.stringify(severity)}`, { severity });
  return rank;
}

/** Throws `E_STORE` naming the first malformed event (time, entity, type, severity, message, data). */
export function checkEvents(events: readonly StoredEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!e || typeof e.entity !== 'string' || !e.entity || typeof e.type !== 'string' || !e.type) {
      throw invalid(`event #${i} has no entity or type`, { index: i });
    }
    if (!Number.isFinite(e.at)) throw invalid(`event #${i} has a non-finite time`, { index: i, at: e.at });
    if (typeof e.message !== 'string') throw invalid(`event #${i} has no message`, { index: i });
    if (e.id !== undefined && (typeof e.id !== 'string' || !e.id)) {
      throw invalid(`event #${i} has an empty or non-string id`, { index: i });
    }
    severityRank(e.severity);
  }
}

/** Throws `E_STORE` unless `step` is a positive safe integer and the bounds are numbers. */
export function checkSeriesQuery(from: number, to: number, step: number): void {
  if (!Number.isSafeInteger(step) || step <= 0) {
    throw invalid(`step must be a positive integer number of ms, got ${step}`, { step });
  }
  if (Number.isNaN(from) || Number.isNaN(to) || typeof from !== 'number' || typeof to !== 'number') {
    throw invalid('from and to must be numbers', { from, to });
  }
}

/** The effective limit of an event query: default 100, clamped to 0..10,000. */
export function eventLimit(filter: EventFilter): number {
  const raw = filter.limit ?? DEFAULT_EVENT_LIMIT;
  if (!Number.isFinite(raw)) return raw > 0 ? MAX_EVENT_LIMIT : DEFAULT_EVENT_LIMIT;
  return Math.min(MAX_EVENT_LIMIT, Math.max(0, Math.floor(raw)));
}

/**
 * The smallest string greater than every string that starts with `prefix` (code point order,
 * which is also UTF-8 byte order), or undefined when there is none. Turns a prefix match into an
 * index range: `prefix <= s < prefixEnd(prefix)`.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => c.codePointAt(0) as number);
  while (cps.length > 0) {
    const last = cps.pop() as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...cps, next);
    }
  }
  return undefined;
}

/** Throws `E_STORE` unless the site and every node id are non-empty and every position has finite x and y. */
export function checkLayout(site: string, positions: Readonly<Record<string, MapPosition | null>>): void {
  if (typeof site !== 'string' || !site) throw invalid('a layout needs a site name', { site });
  if (!positions || typeof positions !== 'object' || Array.isArray(positions)) throw invalid(`layout of site ${JSON.stringify(site)}: positions must be an object`, { site });
  for (const [node, p] of Object.entries(positions)) {
    if (!node) throw invalid(`layout of site ${JSON.stringify(site)}: an empty node id`, { site });
    if (p === null) continue;
    if (!p || typeof p !== 'object' || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw invalid(`layout of site ${JSON.stringify(site)}: node ${JSON.stringify(node)} needs finite x and y`, { site, node });
    }
  }
}
