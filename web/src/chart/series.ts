/**
 * Port history as data (no DOM): the ranges offered, the step that gives about `TARGET_POINTS`
 * buckets, the `/api/series` URL, and aligning several series (`{t, avg}` points) on one time axis
 * for uPlot — x in seconds, `null` where a series has no bucket, and a `null` row inserted where
 * every series skips more than a step and a half, so lines break over outages instead of bridging them.
 */

export type RangeName = '1h' | '24h' | '7d';
export const RANGES: Record<RangeName, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
export const TARGET_POINTS = 300;

export interface SeriesPoint {
  t: number;
  avg: number;
  min?: number;
  max?: number;
  count?: number;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Readable bucket sizes, smallest first. */
export const NICE_STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, 24 * H];

/** The readable step whose bucket count over `spanMs` is closest (in ratio) to `target`. */
export function chooseStep(spanMs: number, target = TARGET_POINTS): number {
  const ideal = Math.max(1, spanMs / Math.max(1, target));
  let best = NICE_STEPS[0];
  for (const s of NICE_STEPS) if (Math.abs(Math.log(s / ideal)) < Math.abs(Math.log(best / ideal))) best = s;
  return best;
}

/** The `/api/series` query for one metric of `entity` over the `span` ending at `now`. */
export function seriesUrl(entity: string, metric: string, now: number, spanMs: number, step: number): string {
  const q = new URLSearchParams({ entity, metric, from: String(Math.floor(now - spanMs)), to: String(Math.floor(now)), step: String(step) });
  return `/api/series?${q.toString()}`;
}

/** uPlot's data layout: x (seconds) then one array per series. */
export type Aligned = [number[], ...(number | null)[][]];

export function alignSeries(series: readonly (readonly SeriesPoint[])[], stepMs: number): Aligned {
  const times = new Set<number>();
  for (const s of series) for (const p of s) if (Number.isFinite(p.t)) times.add(p.t);
  const sorted = [...times].sort((a, b) => a - b);
  const withGaps: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] - sorted[i - 1] > stepMs * 1.5) withGaps.push(sorted[i - 1] + stepMs);
    withGaps.push(sorted[i]);
  }
  const index = new Map(withGaps.map((t, i) => [t, i]));
  const ys = series.map(() => new Array<number | null>(withGaps.length).fill(null));
  series.forEach((s, k) => {
    for (const p of s) {
      const i = index.get(p.t);
      if (i !== undefined && Number.isFinite(p.avg)) ys[k][i] = p.avg;
    }
  });
  return [withGaps.map((t) => t / 1000), ...ys];
}

/** Points drawn: x positions where at least one series has a value. */
export function pointsDrawn(data: Aligned): number {
  const [xs, ...ys] = data;
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (ys.some((y) => y[i] !== null)) n++;
  return n;
}

/** Two series added bucket by bucket (a bucket missing from one counts as that one's 0). */
export function sumSeries(a: readonly SeriesPoint[], b: readonly SeriesPoint[]): SeriesPoint[] {
  const byT = new Map<number, number>();
  for (const p of [...a, ...b]) if (Number.isFinite(p.avg)) byT.set(p.t, (byT.get(p.t) ?? 0) + p.avg);
  return [...byT.entries()].sort((x, y) => x[0] - y[0]).map(([t, avg]) => ({ t, avg }));
}
