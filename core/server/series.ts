/**
 * The time window and bucket size of a series query: defaults to the last hour, with a step
 * chosen so the answer has at most ~500 points; an explicit step may give at most 10,000.
 */
import { badParam, type Query } from './http-util.js';

export const TARGET_POINTS = 500;
export const MAX_POINTS = 10_000;
const DEFAULT_SPAN_MS = 3_600_000;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Readable bucket sizes, smallest first. */
const NICE_STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, 24 * H, 48 * H, 7 * 24 * H];

/** The smallest readable step that keeps `span` within `TARGET_POINTS` buckets. */
export function defaultStep(spanMs: number): number {
  const min = Math.ceil(spanMs / TARGET_POINTS);
  return NICE_STEPS.find((s) => s >= min) ?? min;
}

export interface SeriesWindow {
  from: number;
  to: number;
  step: number;
}

export function seriesWindow(q: Query, now: number): SeriesWindow {
  const qFrom = q.time('from');
  const qTo = q.time('to');
  const to = qTo ?? (qFrom !== undefined ? Math.max(now, qFrom + 1) : now);
  const from = qFrom ?? to - DEFAULT_SPAN_MS;
  if (from >= to) throw badParam('from', `must be before 'to' (from=${from}, to=${to})`);
  const step = q.int('step', 1, Number.MAX_SAFE_INTEGER) ?? defaultStep(to - from);
  if (Math.ceil((to - from) / step) > MAX_POINTS) {
    throw badParam('step', `gives more than ${MAX_POINTS} points over this window; use a step of at least ${Math.ceil((to - from) / MAX_POINTS)} ms`);
  }
  return { from, to, step };
}
