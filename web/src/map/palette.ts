/**
 * The map's visual vocabulary, shared by the stylesheet, the legend and the filters: state
 * colours (Okabe-Ito, colour-blind-safe) each with an icon so colour is never the only cue, the
 * shape of each node kind, and the severity order used to pick a group's worst state.
 */
export const STATES = ['up', 'degraded', 'down', 'unreachable', 'maintenance', 'unknown'] as const;
export type MapState = (typeof STATES)[number];

export const KINDS = ['switch', 'router', 'trunk', 'room', 'database', 'server', 'ups', 'unknown'] as const;
export type MapKind = (typeof KINDS)[number];

export const STATE_COLOURS: Record<MapState, string> = {
  up: '#009E73',
  degraded: '#E69F00',
  down: '#D55E00',
  unreachable: '#CC79A7',
  maintenance: '#56B4E9',
  unknown: '#999999',
};

/** A one-character glyph per state (legend, search results, summaries). */
export const STATE_GLYPHS: Record<MapState, string> = {
  up: '✓',
  degraded: '!',
  down: '✕',
  unreachable: '?',
  maintenance: '⚒',
  unknown: '·',
};

export const KIND_SHAPES: Record<MapKind, string> = {
  switch: 'round-rectangle',
  router: 'ellipse',
  trunk: 'diamond',
  room: 'hexagon',
  database: 'barrel',
  server: 'rectangle',
  ups: 'tag',
  unknown: 'octagon',
};

/** Higher is worse: a collapsed site shows its worst member's state. */
export const STATE_SEVERITY: Record<MapState, number> = {
  up: 0,
  maintenance: 1,
  unknown: 2,
  degraded: 3,
  unreachable: 4,
  down: 5,
};

export function asState(s: unknown): MapState {
  return (STATES as readonly string[]).includes(s as string) ? (s as MapState) : 'unknown';
}

export function asKind(k: unknown): MapKind {
  return (KINDS as readonly string[]).includes(k as string) ? (k as MapKind) : 'unknown';
}

export function worstState(states: Iterable<unknown>): MapState {
  let worst: MapState | undefined;
  for (const s of states) {
    const st = asState(s);
    if (worst === undefined || STATE_SEVERITY[st] > STATE_SEVERITY[worst]) worst = st;
  }
  return worst ?? 'unknown';
}

const ICON_PATHS: Record<MapState, string> = {
  up: '<path d="M6 12.5l4 4 8-9" />',
  degraded: '<path d="M12 5v9" /><circle cx="12" cy="18.5" r="0.6" />',
  down: '<path d="M6.5 6.5l11 11M17.5 6.5l-11 11" />',
  unreachable: '<path d="M9 9a3 3 0 1 1 4 2.8c-.8.4-1 1-1 1.7V15" /><circle cx="12" cy="18.5" r="0.6" />',
  maintenance: '<path d="M14.5 5.5a4 4 0 0 0-4.8 5.2L5 15.4 8.6 19l4.7-4.7a4 4 0 0 0 5.2-4.8l-2.4 2.4-2.6-.7-.7-2.6z" />',
  unknown: '<circle cx="12" cy="12" r="1.2" />',
};

/** An inline SVG (data URI) of the state's icon, white strokes on transparent. */
export function stateIconUri(state: MapState, colour = '#ffffff'): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="${colour}" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round">${ICON_PATHS[state]}</svg>`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}
