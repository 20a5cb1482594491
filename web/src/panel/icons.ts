/**
 * Inline SVG icons (no font, no URL) for states and severities, so meaning never rests on colour
 * alone. State colours come from the map's palette (Okabe-Ito); the icon carries `role=img` and a label.
 */
import { STATE_COLOURS as MAP_STATE_COLOURS } from '../map/palette.js';
import { svg } from './dom.js';

/** The map's state colours (one palette for the whole page). */
export const STATE_COLOURS: Readonly<Record<string, string>> = MAP_STATE_COLOURS;

export const SEVERITY_COLOURS: Record<string, string> = {
  info: '#0072B2', warning: '#E69F00', minor: '#E69F00', major: '#D55E00', critical: '#D55E00',
};

/** Glyph paths on a 16×16 box, drawn in white over the coloured shape. */
const GLYPHS: Record<string, string> = {
  check: 'M4 8.5l2.5 2.5L12 5.5',
  cross: 'M5 5l6 6M11 5l-6 6',
  bang: 'M8 4v5M8 11.5v.5',
  question: 'M6 6a2 2 0 1 1 2.5 2c-.4.2-.5.5-.5 1v.5M8 12v.3',
  wrench: 'M10.5 3.5a2.5 2.5 0 0 0-2.3 3.4L4 11.1 4.9 12l4.2-4.2a2.5 2.5 0 0 0 3.4-2.3l-1.4 1.4-1.4-1.4 1.4-1.4z',
  dot: 'M8 8h.01',
  info: 'M8 7v5M8 4.5v.5',
};

const STATE_GLYPH: Record<string, string> = {
  up: 'check', degraded: 'bang', down: 'cross', unreachable: 'question', maintenance: 'wrench', unknown: 'dot',
};

/** Shape per severity: info circle, warning/minor triangle, major/critical octagon. */
const SEVERITY_SHAPE: Record<string, { shape: string; glyph: string }> = {
  info: { shape: 'circle', glyph: 'info' },
  warning: { shape: 'triangle', glyph: 'bang' },
  minor: { shape: 'triangle', glyph: 'bang' },
  major: { shape: 'octagon', glyph: 'bang' },
  critical: { shape: 'octagon', glyph: 'cross' },
};

function shapeEl(shape: string, fill: string): SVGElement {
  if (shape === 'triangle') return svg('path', { d: 'M8 1.5L15 14.5H1z', fill });
  if (shape === 'octagon') return svg('path', { d: 'M5 1h6l4 4v6l-4 4H5l-4-4V5z', fill });
  return svg('circle', { cx: 8, cy: 8, r: 7, fill });
}

function icon(shape: string, fill: string, glyph: string, label: string, className: string): SVGElement {
  const g = glyph === 'wrench'
    ? svg('path', { d: GLYPHS.wrench, fill: '#fff' })
    : svg('path', { d: GLYPHS[glyph] ?? GLYPHS.dot, fill: 'none', stroke: '#fff', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' });
  return svg('svg', { class: className, viewBox: '0 0 16 16', width: 16, height: 16, role: 'img', 'aria-label': label }, svg('title', { text: label }), shapeEl(shape, fill), g);
}

/** The icon of an entity state (`up`, `down`, ...). */
export function stateIcon(state: string): SVGElement {
  const s = STATE_COLOURS[state] ? state : 'unknown';
  return icon('circle', STATE_COLOURS[s], STATE_GLYPH[s], state, `icon state-icon state-${s}`);
}

/** The icon of an event severity (`info` … `critical`). */
export function severityIcon(severity: string): SVGElement {
  const s = SEVERITY_SHAPE[severity] ? severity : 'info';
  return icon(SEVERITY_SHAPE[s].shape, SEVERITY_COLOURS[s], SEVERITY_SHAPE[s].glyph, severity, `icon severity-icon severity-${s}`);
}
