/** Test helpers for the map's pure layout parts: a seeded PRNG and rectangles around points and site boxes. */
import type { Point } from '../../../web/src/map/placement.js';
import type { Box } from '../../../web/src/map/site-boxes.js';

/** A small seeded PRNG (mulberry32), so generated inputs are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function boundsOf(points: Iterable<Point>): Rect {
  const r = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const p of points) {
    r.x1 = Math.min(r.x1, p.x);
    r.y1 = Math.min(r.y1, p.y);
    r.x2 = Math.max(r.x2, p.x);
    r.y2 = Math.max(r.y2, p.y);
  }
  return r;
}

export function boxRect(b: Box): Rect {
  return { x1: b.x - b.w / 2, y1: b.y - b.h / 2, x2: b.x + b.w / 2, y2: b.y + b.h / 2 };
}
