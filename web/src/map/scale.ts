/**
 * How a link looks from its numbers: colour from utilisation (a sequential scale, grey when
 * unknown) and width from speed (log scale), plus reading both from a link and its ports.
 * Pure, tested in Node.
 */
import type { TopoLink, TopoPort } from '../context.js';

export const NO_DATA_COLOUR = '#8a8f98';

/** Utilisation stops (%, colour): cool when idle, hot when full. */
export const UTIL_STOPS: ReadonlyArray<readonly [number, string]> = [
  [0, '#7FA7C9'],
  [40, '#56B4E9'],
  [60, '#F0E442'],
  [80, '#E69F00'],
  [100, '#D55E00'],
];

function hex(c: string): [number, number, number] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb: number[]): string {
  return `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour of a utilisation in % (clamped to 0–100); grey for undefined/NaN. */
export function utilColour(util: number | undefined): string {
  if (util === undefined || !Number.isFinite(util)) return NO_DATA_COLOUR;
  const u = Math.min(100, Math.max(0, util));
  for (let i = 1; i < UTIL_STOPS.length; i++) {
    const [u1, c1] = UTIL_STOPS[i];
    if (u <= u1) {
      const [u0, c0] = UTIL_STOPS[i - 1];
      const t = (u - u0) / (u1 - u0);
      const a = hex(c0);
      const b = hex(c1);
      return toHex(a.map((v, k) => v + (b[k] - v) * t));
    }
  }
  return UTIL_STOPS[UTIL_STOPS.length - 1][1];
}

export const MIN_WIDTH = 1.5;
export const MAX_WIDTH = 9;
export const UNKNOWN_SPEED_WIDTH = 2;

/** Line width for a speed in bit/s: 1.5 px at ≤ 1 Mb/s, +1.5 px per decade, at most 9 px. */
export function speedWidth(bps: number | undefined): number {
  if (bps === undefined || !Number.isFinite(bps) || bps <= 0) return UNKNOWN_SPEED_WIDTH;
  const decades = Math.log10(bps) - 6;
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, MIN_WIDTH + decades * 1.5));
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function maxDefined(values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.max(...defined) : undefined;
}

/** The link's speed: its own `attrs.speed`, else the slower of its ports' `attrs.speed`. */
export function linkSpeed(link: TopoLink, ports: ReadonlyMap<string, TopoPort>): number | undefined {
  const own = num(link.attrs?.speed);
  if (own && own > 0) return own;
  const speeds = [link.a.port, link.b.port]
    .map((id) => (id ? num(ports.get(id)?.attrs?.speed) : undefined))
    .filter((v): v is number => v !== undefined && v > 0);
  return speeds.length ? Math.min(...speeds) : undefined;
}

/**
 * The link's utilisation in %: the max of in/out `util_pct` of the link's rates, else of its
 * bit rates over its speed, else the max over its ports' `util_pct`; undefined when unknown.
 */
export function linkUtil(link: TopoLink, ports: ReadonlyMap<string, TopoPort>): number | undefined {
  const r = link.rates ?? {};
  const own = maxDefined([num(r['if.in.util_pct']), num(r['if.out.util_pct'])]);
  if (own !== undefined) return own;
  const speed = linkSpeed(link, ports);
  const bps = maxDefined([num(r['if.in.bps']), num(r['if.out.bps'])]);
  if (bps !== undefined && speed) return (bps / speed) * 100;
  const fromPorts: Array<number | undefined> = [];
  for (const id of [link.a.port, link.b.port]) {
    const pr = id ? ports.get(id)?.rates : undefined;
    if (pr) fromPorts.push(num(pr['if.in.util_pct']), num(pr['if.out.util_pct']));
  }
  return maxDefined(fromPorts);
}
