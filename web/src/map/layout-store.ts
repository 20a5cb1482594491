/**
 * Saved node positions, through the daemon: `GET /api/layout` once at start
 * (`{sites: {[site]: {[nodeId]: {x, y}}}}`), then `PUT /api/layout/{site}` with
 * `{positions: {[nodeId]: {x, y}}}` (the server merges), debounced and grouped per site.
 * Contract: `load()` never rejects (an unreachable or missing route means "no saved positions");
 * a failed save is retried with the next change and reported once through `onWarning`.
 */
import type { Point } from './placement.js';

export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface LayoutStoreOptions {
  fetch?: FetchLike;
  delayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onWarning?: (message: string) => void;
}

function isPoint(v: unknown): v is Point {
  const p = v as Point;
  return !!p && typeof p === 'object' && Number.isFinite(p.x) && Number.isFinite(p.y);
}

export class LayoutStore {
  private readonly pending = new Map<string, Map<string, Point>>();
  private timer: unknown;
  private warned = false;
  private readonly fetch: FetchLike;
  private readonly delayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: LayoutStoreOptions = {}) {
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.delayMs = options.delayMs ?? 800;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Saved positions by node id (sites merged: node ids are unique). */
  async load(): Promise<Map<string, Point>> {
    const out = new Map<string, Point>();
    try {
      const res = await this.fetch('/api/layout');
      if (!res.ok) return out;
      const body = (await res.json()) as { sites?: Record<string, Record<string, unknown>> };
      for (const positions of Object.values(body?.sites ?? {})) {
        for (const [id, p] of Object.entries(positions ?? {})) if (isPoint(p)) out.set(id, { x: p.x, y: p.y });
      }
    } catch {
      // no saved layout: the map lays itself out
    }
    return out;
  }

  /** Queues positions of one site for the next save. */
  save(site: string, positions: Iterable<[string, Point]>): void {
    let m = this.pending.get(site);
    if (!m) this.pending.set(site, (m = new Map()));
    for (const [id, p] of positions) m.set(id, { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Sends every queued site now; resolves when the requests are answered. */
  async flush(): Promise<void> {
    const batches = [...this.pending];
    this.pending.clear();
    await Promise.all(batches.map(async ([site, positions]) => {
      try {
        const res = await this.fetch(`/api/layout/${encodeURIComponent(site)}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ positions: Object.fromEntries(positions) }),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        // keep them for the next try, unless newer positions were queued meanwhile
        const again = this.pending.get(site) ?? new Map<string, Point>();
        for (const [id, p] of positions) if (!again.has(id)) again.set(id, p);
        this.pending.set(site, again);
        if (!this.warned) {
          this.warned = true;
          this.options.onWarning?.(`positions of site ${site} not saved: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }));
  }
}
