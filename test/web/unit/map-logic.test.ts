/**
 * The map's pure logic: utilisation colour scale and speed widths, a link's utilisation and speed
 * from its rates or its ports, element data, placement of new nodes beside their neighbours,
 * collapsed-site summaries and merged edges, worst state.
 */
import { expect } from 'chai';
import type { TopoLink, TopoNode, TopoPort } from '../../../web/src/context.js';
import { metaEdges, summariseSite } from '../../../web/src/map/collapse.js';
import { edgeData, layoutSiteOf, linksOfPorts, nodeData, NO_SITE } from '../../../web/src/map/elements.js';
import { STATE_COLOURS, worstState } from '../../../web/src/map/palette.js';
import { OFFSET_RADIUS, placeNewNodes, type Point } from '../../../web/src/map/placement.js';
import { linkSpeed, linkUtil, NO_DATA_COLOUR, speedWidth, UTIL_STOPS, utilColour } from '../../../web/src/map/scale.js';

function rgb(c: string): number[] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hue(c: string): number {
  const [r, g, b] = rgb(c).map((v) => v / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

function port(id: string, rates: Record<string, number> = {}, speed?: number): TopoPort {
  return { id, node: id.replace(/^port:([^/]+)\/.*/, 'node:$1'), name: id.slice(id.lastIndexOf('/') + 1), state: 'up', rates, attrs: speed ? { speed } : {} };
}

function link(a: string, b: string, extra: Partial<TopoLink> = {}): TopoLink {
  const pa = `port:${a}/1`;
  const pb = `port:${b}/1`;
  return { id: `link:${a}-${b}`, a: { node: `node:${a}`, port: pa }, b: { node: `node:${b}`, port: pb }, state: 'up', rates: {}, attrs: {}, ...extra };
}

function node(name: string, state = 'up', site?: string, kind = 'switch'): TopoNode {
  return { id: `node:${name}`, name, kind: kind as TopoNode['kind'], state: state as TopoNode['state'], site, attrs: {} };
}

describe('web map logic', () => {
  describe('utilisation colour scale', () => {
    it('hits its stops, interpolates between them, clamps, and is grey without data', () => {
      for (const [u, c] of UTIL_STOPS) expect(utilColour(u)).to.equal(c.toLowerCase());
      const [u0, c0] = UTIL_STOPS[0];
      const [u1, c1] = UTIL_STOPS[1];
      const mid = rgb(utilColour((u0 + u1) / 2));
      const a = rgb(c0);
      const b = rgb(c1);
      mid.forEach((v, i) => expect(v).to.be.within(Math.min(a[i], b[i]), Math.max(a[i], b[i])));
      expect(utilColour(-5)).to.equal(utilColour(0));
      expect(utilColour(250)).to.equal(utilColour(100));
      expect(utilColour(undefined)).to.equal(NO_DATA_COLOUR);
      expect(utilColour(Number.NaN)).to.equal(NO_DATA_COLOUR);
      expect(utilColour(90)).to.not.equal(utilColour(10));
    });

    it('runs from cool to hot as utilisation grows (hue falls from blue to red)', () => {
      const hues = [0, 20, 40, 50, 60, 70, 80, 90, 100].map((u) => hue(utilColour(u)));
      for (let i = 1; i < hues.length; i++) expect(hues[i]).to.be.at.most(hues[i - 1]);
      expect(hues[0]).to.be.within(180, 240);
      expect(hues.at(-1)).to.be.below(40);
    });
  });

  describe('speed width (log scale)', () => {
    it('grows by a constant step per decade between its bounds', () => {
      const w = [1e7, 1e8, 1e9, 1e10].map(speedWidth);
      expect(w[2] - w[1]).to.be.closeTo(w[1] - w[0], 1e-9);
      expect(w[3]).to.be.greaterThan(w[2]);
      expect(speedWidth(1)).to.equal(speedWidth(1e3));
      expect(speedWidth(1e15)).to.equal(speedWidth(1e14));
      expect(speedWidth(undefined)).to.be.greaterThan(0);
      expect(speedWidth(0)).to.equal(speedWidth(undefined));
    });
  });

  describe("a link's utilisation and speed", () => {
    it("takes the max of the link's own in/out util_pct first", () => {
      const l = link('a', 'b', { rates: { 'if.in.util_pct': 12, 'if.out.util_pct': 47 } });
      const ports = new Map([[`port:a/1`, port('port:a/1', { 'if.in.util_pct': 99 })]]);
      expect(linkUtil(l, ports)).to.equal(47);
    });

    it('else its bit rates over its speed', () => {
      const l = link('a', 'b', { rates: { 'if.in.bps': 2e8, 'if.out.bps': 5e8 }, attrs: { speed: 1e9 } });
      expect(linkUtil(l, new Map())).to.be.closeTo(50, 1e-9);
      const viaPorts = link('a', 'b', { rates: { 'if.in.bps': 1e8 } });
      const ports = new Map([['port:a/1', port('port:a/1', {}, 1e9)], ['port:b/1', port('port:b/1', {}, 1e8)]]);
      expect(linkSpeed(viaPorts, ports)).to.equal(1e8);
      expect(linkUtil(viaPorts, ports)).to.be.closeTo(100, 1e-9);
    });

    it("else the max over its ports' util_pct, and undefined without any data", () => {
      const l = link('a', 'b');
      const ports = new Map([
        ['port:a/1', port('port:a/1', { 'if.in.util_pct': 3, 'if.out.util_pct': 8 })],
        ['port:b/1', port('port:b/1', { 'if.in.util_pct': 21 })],
      ]);
      expect(linkUtil(l, ports)).to.equal(21);
      expect(linkUtil(l, new Map())).to.equal(undefined);
      expect(linkSpeed(l, new Map())).to.equal(undefined);
    });

    it('gives edge data with colour, width and port names (-1 util when unknown)', () => {
      const ports = new Map([['port:a/1', port('port:a/1', { 'if.out.util_pct': 80 }, 1e10)]]);
      const d = edgeData(link('a', 'b'), ports);
      expect(d).to.include({ source: 'node:a', target: 'node:b', util: 80, speed: 1e10, colour: utilColour(80), width: speedWidth(1e10), sourceLabel: '1', targetLabel: '1' });
      expect(edgeData(link('a', 'b'), new Map()).util).to.equal(-1);
      expect([...linksOfPorts(['port:b/1'], new Map([['x', link('a', 'b')], ['y', link('c', 'd')]]))]).to.deep.equal(['link:a-b']);
    });
  });

  describe('node data', () => {
    it('puts sited nodes under their site compound and normalises odd kinds and states', () => {
      expect(nodeData(node('a', 'down', 'hq'))).to.include({ id: 'node:a', parent: 'site:hq', state: 'down', kind: 'switch', site: 'hq' });
      const odd = nodeData({ ...node('b'), kind: 'toaster' as TopoNode['kind'], state: 'weird' as TopoNode['state'] });
      expect(odd).to.include({ kind: 'unknown', state: 'unknown' });
      expect(odd.parent).to.equal(undefined);
      expect(layoutSiteOf({})).to.equal(NO_SITE);
      expect(layoutSiteOf({ site: 'hq' })).to.equal('hq');
    });
  });

  describe('placement of new nodes', () => {
    const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

    it('puts a new node near the average of its placed neighbours, moving nothing else', () => {
      const positions = new Map<string, Point>([['a', { x: 0, y: 0 }], ['b', { x: 200, y: 0 }], ['far', { x: 5000, y: 5000 }]]);
      const before = JSON.stringify([...positions]);
      const { placed, rest } = placeNewNodes(['n'], () => ['a', 'b'], positions);
      expect(rest).to.deep.equal([]);
      expect(dist(placed.get('n')!, { x: 100, y: 0 })).to.be.closeTo(OFFSET_RADIUS, 1e-6);
      expect(JSON.stringify([...positions])).to.equal(before);
    });

    it('spreads siblings of one anchor apart, and grows chains of new nodes outwards', () => {
      const positions = new Map<string, Point>([['hub', { x: 0, y: 0 }]]);
      const adj: Record<string, string[]> = { s1: ['hub'], s2: ['hub'], s3: ['hub'], leaf: ['s1'] };
      const { placed, rest } = placeNewNodes(['leaf', 's1', 's2', 's3'], (id) => adj[id] ?? [], positions);
      expect(rest).to.deep.equal([]);
      const pts = ['s1', 's2', 's3'].map((id) => placed.get(id)!);
      for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) expect(dist(pts[i], pts[j])).to.be.greaterThan(20);
      expect(dist(placed.get('leaf')!, placed.get('s1')!)).to.be.closeTo(OFFSET_RADIUS, 1e-6);
    });

    it('leaves nodes without any placed neighbour for a layout, and skips already placed ids', () => {
      const positions = new Map<string, Point>([['a', { x: 0, y: 0 }]]);
      const { placed, rest } = placeNewNodes(['x', 'y', 'a'], (id) => (id === 'x' ? ['y'] : id === 'y' ? ['x'] : []), positions);
      expect(placed.size).to.equal(0);
      expect(rest.sort()).to.deep.equal(['x', 'y']);
    });
  });

  describe('collapsed sites', () => {
    it('summarises a site with its worst state and counts per state', () => {
      const nodes = [node('a', 'up', 'hq'), node('b', 'down', 'hq'), node('c', 'degraded', 'hq'), node('d', 'down', 'branch')];
      const s = summariseSite('hq', nodes);
      expect(s).to.include({ site: 'hq', count: 3, worst: 'down' });
      expect(s.byState).to.deep.equal({ up: 1, down: 1, degraded: 1 });
      expect(s.label).to.match(/^hq — 3 nodes/).and.match(/1 down/);
      expect(summariseSite('branch', nodes.slice(0, 1)).count).to.equal(0);
      expect(summariseSite('hq', [node('a', 'up', 'hq')]).label).to.match(/all up/);
    });

    it('orders states by severity', () => {
      expect(worstState(['up', 'maintenance'])).to.equal('maintenance');
      expect(worstState(['degraded', 'unreachable', 'up'])).to.equal('unreachable');
      expect(worstState(['unreachable', 'down'])).to.equal('down');
      expect(worstState([])).to.equal('unknown');
      expect(STATE_COLOURS[worstState(['up', 'down'])]).to.equal('#D55E00');
    });

    it('merges links leaving a collapsed site, drops links inside it, keeps links between visible nodes out', () => {
      const site: Record<string, string> = { 'node:a': 'hq', 'node:b': 'hq', 'node:c': 'branch', 'node:d': 'branch' };
      const collapsed = new Set(['hq']);
      const repOf = (id: string) => (collapsed.has(site[id]) ? `site:${site[id]}` : id);
      const links = [
        link('a', 'b'),
        link('a', 'c', { rates: { 'if.in.util_pct': 10 } }),
        link('b', 'c', { state: 'down', rates: { 'if.in.util_pct': 70 } }),
        link('b', 'd'),
        link('c', 'd'),
      ];
      const utilOf = (l: TopoLink) => l.rates['if.in.util_pct'] ?? -1;
      const edges = metaEdges(links, repOf, utilOf);
      expect(edges.map((e) => e.id).sort()).to.deep.equal(['meta:node:c|site:hq', 'meta:node:d|site:hq']);
      const toC = edges.find((e) => e.source === 'node:c')!;
      expect(toC).to.include({ target: 'site:hq', count: 2, util: 70, state: 'down' });
      collapsed.add('branch');
      const both = metaEdges(links, repOf, utilOf);
      expect(both).to.have.length(1);
      expect(both[0]).to.include({ source: 'site:branch', target: 'site:hq', count: 3 });
      collapsed.clear();
      expect(metaEdges(links, repOf, utilOf)).to.deep.equal([]);
    });
  });
});
