/**
 * The map's pure layout geometry: the per-site cluster layout (deterministic, one cluster per site,
 * sites packed in rows without overlap), site boxes and their label size, the fit viewport, and the
 * hovered-link label. Plus `layoutNew` on a headless cytoscape: placed nodes never move.
 */
import { expect } from 'chai';
import cytoscape from 'cytoscape';
import { layoutNew } from '../../../web/src/map/auto-layout.js';
import { clusterLayout, type ClusterNode } from '../../../web/src/map/cluster-layout.js';
import { edgeHoverLabel, formatBps } from '../../../web/src/map/edge-label.js';
import type { Point } from '../../../web/src/map/placement.js';
import { SITE_BOX_LABEL_ROOM, SITE_BOX_MARGIN, siteBox, siteFontSize, type Box } from '../../../web/src/map/site-boxes.js';
import { fitViewport, type Bounds } from '../../../web/src/map/viewport.js';

/** A small seeded PRNG (mulberry32), so generated inputs are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Sites of random sizes, each a random tree plus a few extra links, plus some links across sites. */
function graph(seed: number, sites: number, maxPerSite: number): { nodes: ClusterNode[]; links: Array<[string, string]> } {
  const rand = rng(seed);
  const nodes: ClusterNode[] = [];
  const links: Array<[string, string]> = [];
  for (let s = 0; s < sites; s++) {
    const group = `site-${String.fromCharCode(97 + ((s * 7) % 26))}${s}`;
    const n = 1 + Math.floor(rand() * maxPerSite);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `node:${group}-${i}`;
      ids.push(id);
      nodes.push({ id, group });
      if (i > 0 && rand() < 0.85) links.push([id, ids[Math.floor(rand() * i)]]);
    }
    for (let e = 0; e < n / 4; e++) links.push([ids[Math.floor(rand() * n)], ids[Math.floor(rand() * n)]]);
  }
  for (let e = 0; e < sites; e++) {
    links.push([nodes[Math.floor(rand() * nodes.length)].id, nodes[Math.floor(rand() * nodes.length)].id]);
  }
  return { nodes, links };
}

interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function boundsOf(points: Iterable<Point>): Rect {
  const r = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const p of points) {
    r.x1 = Math.min(r.x1, p.x);
    r.y1 = Math.min(r.y1, p.y);
    r.x2 = Math.max(r.x2, p.x);
    r.y2 = Math.max(r.y2, p.y);
  }
  return r;
}

function boxRect(b: Box): Rect {
  return { x1: b.x - b.w / 2, y1: b.y - b.h / 2, x2: b.x + b.w / 2, y2: b.y + b.h / 2 };
}

/** The space between two rectangles along the axis that separates them (negative: they overlap). */
function separation(a: Rect, b: Rect): number {
  return Math.max(b.x1 - a.x2, a.x1 - b.x2, b.y1 - a.y2, a.y1 - b.y2);
}

function byGroup(nodes: readonly ClusterNode[], positions: ReadonlyMap<string, Point>): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const n of nodes) {
    const p = positions.get(n.id);
    if (!p) continue;
    let l = out.get(n.group);
    if (!l) out.set(n.group, (l = []));
    l.push(p);
  }
  return out;
}

function entries(m: ReadonlyMap<string, Point>): Array<[string, Point]> {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('web map cluster layout (clusterLayout)', () => {
  it('returns an empty map for no nodes, the origin for one', () => {
    expect(clusterLayout([], []).size).to.equal(0);
    expect(clusterLayout([], [['a', 'b']]).size).to.equal(0);
    const one = clusterLayout([{ id: 'a', group: 'g' }], [['a', 'a']]);
    expect([...one.keys()]).to.deep.equal(['a']);
    const p = one.get('a')!;
    expect(Number.isFinite(p.x) && Number.isFinite(p.y)).to.equal(true);
  });

  it('places every node exactly once, at finite integer coordinates, and nothing else', () => {
    const { nodes, links } = graph(1, 6, 25);
    const withDuplicate = [...nodes, { id: nodes[0].id, group: 'elsewhere' }];
    const pos = clusterLayout(withDuplicate, [...links, ['node:ghost', nodes[0].id]]);
    expect([...pos.keys()].sort()).to.deep.equal(nodes.map((n) => n.id).sort());
    for (const p of pos.values()) {
      expect(Number.isInteger(p.x) && Number.isInteger(p.y), JSON.stringify(p)).to.equal(true);
    }
    // the duplicate kept its first group: no cluster for 'elsewhere' at all
    expect(clusterLayout(withDuplicate, links)).to.deep.equal(clusterLayout(nodes, links));
  });

  it('is deterministic: the same input gives the same positions, whatever the node order', () => {
    for (const seed of [2, 3, 4]) {
      const { nodes, links } = graph(seed, 5, 30);
      const a = clusterLayout(nodes, links);
      const b = clusterLayout(nodes.map((n) => ({ ...n })), links.map(([x, y]) => [x, y] as const));
      expect(entries(b)).to.deep.equal(entries(a));
      const shuffled = clusterLayout(shuffle(nodes, rng(seed * 31)), links);
      expect(entries(shuffled), `seed ${seed}`).to.deep.equal(entries(a));
    }
  });

  it('ignores self links, links to unknown nodes and links between sites (they do not pull sites together)', () => {
    const { nodes, links } = graph(5, 4, 20);
    const groupOf = new Map(nodes.map((n) => [n.id, n.group]));
    const inside = links.filter(([a, b]) => a !== b && groupOf.get(a) === groupOf.get(b));
    const across = links.filter(([a, b]) => groupOf.get(a) !== groupOf.get(b));
    expect(across.length, 'the fixture has links across sites').to.be.greaterThan(0);
    const noisy: Array<readonly [string, string]> = [...inside, ...across, [nodes[0].id, nodes[0].id], ['node:nowhere', nodes[1].id], [nodes[2].id, 'node:nowhere']];
    expect(entries(clusterLayout(nodes, noisy))).to.deep.equal(entries(clusterLayout(nodes, inside)));
  });

  it('keeps every site cluster apart by at least the group gap, and their site boxes never overlap', () => {
    for (const [seed, gap] of [
      [6, undefined],
      [7, undefined],
      [8, 400],
      [9, 0],
    ] as const) {
      const { nodes, links } = graph(seed, 9, 40);
      const pos = clusterLayout(nodes, links, gap === undefined ? {} : { groupGap: gap });
      const groups = [...byGroup(nodes, pos).entries()];
      for (let i = 0; i < groups.length; i++) {
        for (let j = i + 1; j < groups.length; j++) {
          const [ga, pa] = groups[i];
          const [gb, pb] = groups[j];
          const sep = separation(boundsOf(pa), boundsOf(pb));
          // positions are rounded to integers: allow one unit
          expect(sep, `${ga} / ${gb} (seed ${seed})`).to.be.at.least((gap ?? 160) - 1);
          if (gap === undefined || gap >= 160) {
            expect(separation(boxRect(siteBox(pa)!), boxRect(siteBox(pb)!)), `boxes ${ga} / ${gb}`).to.be.greaterThan(0);
          }
        }
      }
    }
  });

  it('packs sites in rows, in name order, from the origin', () => {
    const { nodes, links } = graph(10, 12, 15);
    const pos = clusterLayout(shuffle(nodes, rng(99)), links);
    const groups = byGroup(nodes, pos);
    const names = [...groups.keys()].sort();
    const rects = names.map((g) => boundsOf(groups.get(g)!));
    expect(rects[0].x1).to.equal(0);
    expect(rects[0].y1).to.equal(0);
    let rows = 1;
    for (let i = 1; i < rects.length; i++) {
      const prev = rects[i - 1];
      const cur = rects[i];
      if (cur.y1 === prev.y1 && cur.x1 > prev.x2) continue; // next in the same row, to the right
      // else a new row: starts at the left edge, below everything drawn so far
      rows++;
      expect(cur.x1, names[i]).to.equal(0);
      const lowest = Math.max(...rects.slice(0, i).map((r) => r.y2));
      expect(cur.y1, names[i]).to.be.greaterThan(lowest);
    }
    expect(rows, 'twelve sites wrap onto more than one row').to.be.greaterThan(1);
    expect(rows, 'and are not stacked one per row').to.be.lessThan(rects.length);
  });

  it('spreads a site: no two nodes on top of each other, linked nodes closer than unlinked ones', () => {
    const nodes: ClusterNode[] = [];
    const links: Array<[string, string]> = [];
    for (let i = 0; i < 40; i++) {
      nodes.push({ id: `n${i}`, group: 'g' });
      if (i > 0 && i < 30) links.push([`n${i}`, `n${Math.floor((i - 1) / 2)}`]); // a binary tree, 10 loners
    }
    const pos = clusterLayout(nodes, links);
    const linked = new Set(links.map(([a, b]) => `${a}|${b}`));
    let near = 0;
    let nearCount = 0;
    let far = 0;
    let farCount = 0;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i].id;
        const b = nodes[j].id;
        const d = dist(pos.get(a)!, pos.get(b)!);
        expect(d, `${a} / ${b}`).to.be.greaterThan(80 / 2);
        if (linked.has(`${a}|${b}`) || linked.has(`${b}|${a}`)) {
          near += d;
          nearCount++;
        } else {
          far += d;
          farCount++;
        }
      }
    }
    expect(near / nearCount).to.be.lessThan(far / farCount);
    expect(near / nearCount, 'linked nodes sit about one edge length apart').to.be.within(80 / 3, 80 * 3);
  });

  it('scales with edgeLength', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, group: 'g' }));
    const links = nodes.slice(1).map((n, i) => [n.id, nodes[i].id] as [string, string]);
    const span = (k: number) => {
      const r = boundsOf(clusterLayout(nodes, links, { edgeLength: k }).values());
      return Math.max(r.x2 - r.x1, r.y2 - r.y1);
    };
    expect(span(160)).to.be.greaterThan(span(40) * 2);
  });

  it('lays out 1,000 nodes in 10 sites quickly, still without overlap', () => {
    const nodes: ClusterNode[] = [];
    const links: Array<[string, string]> = [];
    const rand = rng(11);
    for (let i = 0; i < 1000; i++) {
      const group = `s${i % 10}`;
      nodes.push({ id: `n${i}`, group });
      if (i >= 10) links.push([`n${i}`, `n${(i % 10) + 10 * Math.floor(rand() * Math.floor(i / 10))}`]);
    }
    const t0 = performance.now();
    const pos = clusterLayout(nodes, links);
    const ms = performance.now() - t0;
    expect(pos.size).to.equal(1000);
    expect(ms, 'bounded steps: far below a second normally (2 cores, shared)').to.be.lessThan(5000);
    const rects = [...byGroup(nodes, pos).values()].map(boundsOf);
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) expect(separation(rects[i], rects[j])).to.be.at.least(159);
    }
  });
});

describe('web map auto layout (layoutNew): placed nodes never move', () => {
  it('lays out only the new nodes, right of the placed ones, leaving the placed ones where they were', () => {
    const cy = cytoscape({ headless: true, styleEnabled: false });
    try {
      const placedAt: Record<string, Point> = { a: { x: -300, y: 50 }, b: { x: 120, y: -40 }, c: { x: 10, y: 400 } };
      for (const [id, position] of Object.entries(placedAt)) cy.add({ group: 'nodes', data: { id, site: 'hq' }, position: { ...position } });
      for (let i = 0; i < 8; i++) cy.add({ group: 'nodes', data: { id: `new${i}`, site: i < 4 ? 'hq' : 'branch' } });
      cy.add({ group: 'edges', data: { id: 'e1', source: 'a', target: 'new0' } });
      cy.add({ group: 'edges', data: { id: 'e2', source: 'new0', target: 'new1' } });
      const fresh = cy.nodes().filter((n) => n.id().startsWith('new'));
      const placed = cy.nodes().difference(fresh);
      layoutNew(cy, fresh, placed);
      for (const [id, p] of Object.entries(placedAt)) expect(cy.getElementById(id).position(), id).to.deep.equal(p);
      const maxPlacedX = Math.max(...Object.values(placedAt).map((p) => p.x));
      fresh.forEach((n) => {
        expect(n.position('x'), n.id()).to.be.greaterThan(maxPlacedX);
      });
      // nothing new: nothing moves
      layoutNew(cy, cy.collection(), cy.nodes());
      for (const [id, p] of Object.entries(placedAt)) expect(cy.getElementById(id).position(), id).to.deep.equal(p);
    } finally {
      cy.destroy();
    }
  });
});

describe('web map site boxes (siteBox, siteFontSize)', () => {
  it('has no box for no members; one member sits in the middle of a minimal box', () => {
    expect(siteBox([])).to.equal(undefined);
    const b = siteBox([{ x: 7, y: -3 }])!;
    expect(b.w).to.equal(2 * SITE_BOX_MARGIN);
    expect(b.h).to.equal(2 * SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM);
    expect(b.x).to.equal(7);
    const r = boxRect(b);
    expect(-3 - r.y1).to.equal(SITE_BOX_MARGIN);
    expect(r.y2 - -3).to.equal(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM);
  });

  it('holds every member with the margin on each side (and label room below), tightly', () => {
    const rand = rng(12);
    for (let t = 0; t < 50; t++) {
      const n = 1 + Math.floor(rand() * 30);
      const points = Array.from({ length: n }, () => ({ x: (rand() - 0.5) * 4000, y: (rand() - 0.3) * 2500 }));
      // any iterable will do, a generator included
      const b = siteBox(
        (function* () {
          yield* points;
        })(),
      )!;
      const r = boxRect(b);
      const eps = 1e-9;
      for (const p of points) {
        expect(p.x - r.x1).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(r.x2 - p.x).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(p.y - r.y1).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(r.y2 - p.y).to.be.at.least(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM - eps);
      }
      const m = boundsOf(points);
      expect(m.x1 - r.x1).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(r.x2 - m.x2).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(m.y1 - r.y1).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(r.y2 - m.y2).to.be.closeTo(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM, 1e-6);
    }
  });

  it('sizes the label within [13, 60], never smaller for a bigger box, growing in between', () => {
    const sizes = [0, 50, 86, 102, 130, 200, 260, 400, 600, 900, 1500, 5000];
    const seen = new Set<number>();
    for (const w of sizes) {
      for (const h of sizes) {
        const fs = siteFontSize({ x: 0, y: 0, w, h });
        seen.add(fs);
        expect(Number.isInteger(fs), `${w}×${h}`).to.equal(true);
        expect(fs, `${w}×${h}`).to.be.within(13, 60);
        for (const w2 of sizes.filter((v) => v > w)) expect(siteFontSize({ x: 0, y: 0, w: w2, h }), `${w2}×${h} ≥ ${w}×${h}`).to.be.at.least(fs);
        for (const h2 of sizes.filter((v) => v > h)) expect(siteFontSize({ x: 0, y: 0, w, h: h2 }), `${w}×${h2} ≥ ${w}×${h}`).to.be.at.least(fs);
      }
    }
    expect(seen.has(13) && seen.has(60), 'both bounds are reached').to.equal(true);
    expect(seen.size, 'and sizes in between').to.be.greaterThan(3);
    expect(siteFontSize(siteBox([{ x: 0, y: 0 }])!), 'a one-node site gets the smallest label').to.equal(13);
  });
});

describe('web map fit viewport (fitViewport)', () => {
  const project = (v: { zoom: number; pan: Point }, p: Point): Point => ({ x: v.zoom * p.x + v.pan.x, y: v.zoom * p.y + v.pan.y });

  it('shows every node inside the padded canvas, centred, filling one side', () => {
    const rand = rng(13);
    for (let t = 0; t < 100; t++) {
      const n = 1 + Math.floor(rand() * 20);
      const points = Array.from({ length: n }, () => ({ x: (rand() - 0.5) * 3000 + 500, y: (rand() - 0.5) * 2000 - 800 }));
      const b: Bounds = boundsOf(points);
      const size = { width: 300 + Math.floor(rand() * 1500), height: 200 + Math.floor(rand() * 1000) };
      const pad = Math.floor(rand() * 60);
      const v = fitViewport(b, size, pad, 1e-4, 1e4);
      const c = project(v, { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
      expect(c.x).to.be.closeTo(size.width / 2, 1e-6);
      expect(c.y).to.be.closeTo(size.height / 2, 1e-6);
      const eps = 1e-6;
      for (const p of points) {
        const s = project(v, p);
        expect(s.x).to.be.within(pad - eps, size.width - pad + eps);
        expect(s.y).to.be.within(pad - eps, size.height - pad + eps);
      }
      if (n > 1) {
        const tl = project(v, { x: b.x1, y: b.y1 });
        const br = project(v, { x: b.x2, y: b.y2 });
        const fillsWidth = Math.abs(tl.x - pad) < 1e-6 && Math.abs(br.x - (size.width - pad)) < 1e-6;
        const fillsHeight = Math.abs(tl.y - pad) < 1e-6 && Math.abs(br.y - (size.height - pad)) < 1e-6;
        expect(fillsWidth || fillsHeight, `case ${t}`).to.equal(true);
      }
    }
  });

  it('keeps the zoom within [minZoom, maxZoom], still centred', () => {
    const size = { width: 800, height: 600 };
    // one node: zero-size bounds, zoomed in only as far as allowed
    const one = fitViewport({ x1: 40, y1: -20, x2: 40, y2: -20 }, size, 30, 0.1, 2);
    expect(one.zoom).to.equal(2);
    expect(project(one, { x: 40, y: -20 })).to.deep.equal({ x: 400, y: 300 });
    // a huge map: zoomed out only as far as allowed, centred (overflowing the canvas)
    const huge = fitViewport({ x1: -1e6, y1: -1e6, x2: 1e6, y2: 1e6 }, size, 30, 0.1, 2);
    expect(huge.zoom).to.equal(0.1);
    expect(project(huge, { x: 0, y: 0 })).to.deep.equal({ x: 400, y: 300 });
    // within the range the zoom follows the box
    const mid = fitViewport({ x1: 0, y1: 0, x2: 1480, y2: 100 }, size, 30, 0.1, 2);
    expect(mid.zoom).to.be.closeTo(740 / 1480, 1e-12);
  });

  it('stays finite and within range for a canvas smaller than its padding', () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 500, y2: 500 }, { width: 20, height: 0 }, 30, 0.05, 3);
    expect(Number.isFinite(v.zoom) && Number.isFinite(v.pan.x) && Number.isFinite(v.pan.y)).to.equal(true);
    expect(v.zoom).to.be.within(0.05, 3);
    expect(project(v, { x: 250, y: 250 })).to.deep.equal({ x: 10, y: 0 });
  });
});

describe('web map hovered-link label (formatBps, edgeHoverLabel)', () => {
  const UNITS = ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s'];
  const parse = (s: string): { value: number; unit: number; text: string } => {
    const m = /^(\d+(?:\.\d)?) (\S+)$/.exec(s);
    expect(m, s).to.not.equal(null);
    const unit = UNITS.indexOf(m![2]);
    expect(unit, s).to.be.at.least(0);
    return { value: Number(m![1]), unit, text: m![1] };
  };

  it('shows nothing for no speed', () => {
    expect(formatBps(0)).to.equal('');
    expect(edgeHoverLabel(12.4, 0)).to.equal('12 %');
  });

  it('picks the unit that keeps the number under 1000, one decimal at most, close to the value', () => {
    const rand = rng(14);
    const samples = [1, 999, 1000, 1500, 999_949, 999_999, 1e6, 1.544e6, 1e8, 1e9, 2.5e9, 1e10, 4e10, 1e11, 999_999_999_999, 1e12, 3e15];
    for (let i = 0; i < 200; i++) samples.push(Math.round(10 ** (rand() * 14)));
    for (const bps of samples) {
      const s = formatBps(bps);
      const { value, unit, text } = parse(s);
      if (unit < UNITS.length - 1) expect(value, `${bps} → ${s}`).to.be.lessThan(1000);
      if (unit > 0) expect(value, `${bps} → ${s}`).to.be.at.least(1);
      const back = value * 1000 ** unit;
      expect(Math.abs(back - bps) / bps, `${bps} → ${s}`).to.be.at.most(0.051);
      if (Number.isInteger(bps / 1000 ** unit)) expect(text, `${bps} → ${s}: whole numbers have no decimal`).to.not.include('.');
    }
  });

  it('reads "<util> % of <speed>", "no rate" when unknown, the util alone without a speed', () => {
    expect(edgeHoverLabel(42, 1e10)).to.equal(`42 % of ${formatBps(1e10)}`);
    expect(edgeHoverLabel(42, 1e10)).to.equal('42 % of 10 Gb/s'); // the doc comment's example
    expect(edgeHoverLabel(-1, 1e9)).to.equal(`no rate of ${formatBps(1e9)}`);
    expect(edgeHoverLabel(Number.NaN, 0)).to.equal('no rate');
    expect(edgeHoverLabel(3.14159, 1e9)).to.match(/^3\.1 % of /);
    expect(edgeHoverLabel(87.6, 1e9)).to.match(/^88 % of /);
  });
});
