/**
 * The cytoscape stylesheet: kind → shape, state → fill colour + icon, links coloured by
 * utilisation (data `colour`) and as wide as their speed (data `width`), dashed when down,
 * port names on the link ends only while hovered, site boxes (drawn under links and nodes:
 * manual z-order), collapsed sites, pulse,
 * highlight and filter classes. Theme colours come from the page's CSS variables.
 *
 * Cost rules (1,000+ nodes): few data mappers, only where the value is per element (labels, link
 * colour and width, site box size); site labels are style bypasses set by the map, collapsed-site
 * and pulse colours come from `[worst=…]` / `[state=…]` selectors; no transitions (each would
 * animate, and redraw the whole canvas, on every state change).
 */
import type cytoscape from 'cytoscape';
import { KIND_SHAPES, KINDS, STATE_COLOURS, STATES, stateIconUri } from './palette.js';

export interface MapTheme {
  fg: string;
  bg: string;
  muted: string;
  accent: string;
  siteFill: string;
}

/** Reads the theme from CSS variables on `<body>` (fallbacks: the dark theme). */
export function readTheme(el: Element): MapTheme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--map-fg', '#e6e9ef'),
    bg: v('--map-bg', '#14171c'),
    muted: v('--map-muted', '#8a8f98'),
    accent: v('--map-accent', '#0072B2'),
    siteFill: v('--map-site-fill', '#ffffff'),
  };
}

type Rule = { selector: string; style: Record<string, unknown> };

/** A 1×1 transparent SVG (see the site rule). */
export const TRANSPARENT_IMAGE = `data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')}`;

export function mapStyle(t: MapTheme): cytoscape.StylesheetJson {
  const rules: Rule[] = [
    {
      selector: 'node',
      style: {
        width: 34,
        height: 34,
        'background-color': STATE_COLOURS.unknown,
        'background-width': '62%',
        'background-height': '62%',
        'background-clip': 'none',
        'border-width': 2,
        'border-color': t.bg,
        color: t.fg,
        'font-size': 11,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-outline-color': t.bg,
        'text-outline-width': 2,
        'min-zoomed-font-size': 7,
        'overlay-opacity': 0,
        'z-index-compare': 'manual',
        'z-index': 2,
      },
    },
    { selector: 'node[kind]', style: { label: 'data(label)' } },
    ...KINDS.map((k) => ({ selector: `node[kind="${k}"]`, style: { shape: KIND_SHAPES[k] } })),
    ...STATES.map((s) => ({
      selector: `node[state="${s}"]`,
      style: { 'background-color': STATE_COLOURS[s], 'background-image': stateIconUri(s) },
    })),
    { selector: 'node[kind="router"], node[kind="trunk"]', style: { width: 38, height: 38 } },
    {
      selector: 'node.site',
      style: {
        shape: 'round-rectangle',
        'background-color': t.siteFill,
        'background-opacity': 0.05,
        // a real (transparent) image, not 'none': cytoscape 3.34 flips `:backgrounding` on every
        // draw of a node with no image, restyling the whole site (all its children) each frame
        'background-image': TRANSPARENT_IMAGE,
        'border-width': 1.5,
        'border-style': 'dashed',
        'border-color': t.muted,
        label: 'data(label)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -6,
        'font-size': 'data(fs)',
        'font-weight': 'bold',
        color: t.muted,
        'min-zoomed-font-size': 5,
        width: 'data(w)',
        height: 'data(h)',
        'z-index': 0,
      },
    },
    {
      selector: 'node.site.collapsed',
      style: {
        'background-opacity': 1,
        'background-width': 28,
        'background-height': 28,
        'background-position-y': '30%',
        'border-style': 'double',
        'border-width': 4,
        'border-color': t.fg,
        'text-wrap': 'wrap',
        'text-valign': 'bottom',
        'text-margin-y': 6,
        color: t.fg,
        'font-weight': 'normal',
        'font-size': 12,
        width: 110,
        height: 70,
        'z-index': 2,
      },
    },
    ...STATES.map((s) => ({
      selector: `node.site.collapsed[worst="${s}"]`,
      style: { 'background-color': STATE_COLOURS[s], 'background-image': stateIconUri(s) },
    })),
    { selector: '.collapsed-child, .filtered', style: { display: 'none' } },
    {
      selector: 'node:selected',
      style: { 'border-width': 5, 'border-color': t.accent, 'overlay-opacity': 0 },
    },
    {
      selector: 'node.highlight',
      style: { 'overlay-color': t.accent, 'overlay-opacity': 0.25, 'overlay-padding': 14, 'z-index': 20 },
    },
    { selector: 'node.pulse', style: { 'overlay-opacity': 0.45, 'overlay-padding': 16, 'border-width': 5 } },
    ...STATES.map((s) => ({
      selector: `node.pulse[state="${s}"], node.site.pulse[worst="${s}"]`,
      style: { 'overlay-color': STATE_COLOURS[s] },
    })),
    { selector: 'node.dim, edge.dim', style: { opacity: 0.25 } },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': 'data(colour)',
        'curve-style': 'bezier',
        'overlay-opacity': 0,
        'z-index-compare': 'manual',
        'z-index': 1,
        'source-endpoint': 'outside-to-node',
        'target-endpoint': 'outside-to-node',
        color: t.fg,
        'font-size': 10,
        'text-outline-color': t.bg,
        'text-outline-width': 2,
      },
    },
    {
      selector: 'edge[state="down"]',
      style: { 'line-style': 'dashed', 'line-dash-pattern': [7, 5], 'line-color': STATE_COLOURS.down },
    },
    { selector: 'edge[state="unreachable"], edge[state="unknown"]', style: { 'line-style': 'dotted' } },
    {
      selector: 'edge.hover',
      style: {
        'source-label': 'data(sourceLabel)',
        'target-label': 'data(targetLabel)',
        'source-text-offset': 34,
        'target-text-offset': 34,
        label: 'data(hoverLabel)',
        'z-index': 30,
        'underlay-color': t.accent,
        'underlay-opacity': 0.25,
        'underlay-padding': 4,
      },
    },
    { selector: 'edge.meta', style: { width: 5, label: 'data(label)', 'text-rotation': 'autorotate' } },
  ];
  return rules as unknown as cytoscape.StylesheetJson;
}
