/**
 * A node's uptime from its latest `sys.uptime_s` sample (`/api/series`, last 15 min, 5 s buckets):
 * `latestUptime(points, step)` (pure) gives the value and when it was true, so the panel can
 * extrapolate it between polls; `fetchUptime(node)` asks the daemon.
 */
import type { SeriesPoint } from '../chart/series.js';

export interface UptimeSample {
  /** Seconds of uptime at `at`. */
  seconds: number;
  /** Epoch ms the sample stands for (end of its bucket at the latest). */
  at: number;
}

export function latestUptime(points: readonly SeriesPoint[], stepMs: number, now: number): UptimeSample | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    const v = typeof p.max === 'number' && Number.isFinite(p.max) ? p.max : p.avg;
    if (Number.isFinite(v) && v >= 0) return { seconds: v, at: Math.min(now, p.t + stepMs) };
  }
  return undefined;
}

/** The uptime `now`, extrapolated from a sample. */
export function uptimeNow(sample: UptimeSample | undefined, now: number): number | undefined {
  return sample ? sample.seconds + Math.max(0, now - sample.at) / 1000 : undefined;
}

const WINDOW_MS = 15 * 60_000;
const STEP_MS = 5_000;

export async function fetchUptime(node: string, now = Date.now()): Promise<UptimeSample | undefined> {
  const q = new URLSearchParams({ entity: node, metric: 'sys.uptime_s', from: String(now - WINDOW_MS), to: String(now), step: String(STEP_MS) });
  const res = await fetch(`/api/series?${q.toString()}`, { headers: { accept: 'application/json' } });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { points?: SeriesPoint[] };
  return latestUptime(body.points ?? [], STEP_MS, now);
}
