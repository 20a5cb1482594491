/**
 * The map's pure layout geometry: the per-site cluster layout (deterministic, one cluster per site,
 * sites packed in rows without overlap), and `layoutNew` on a headless cytoscape: placed nodes
 * never move. (Site boxes, the viewport and link labels: map-drawing-pure.test.ts.)
 */
import { expect } from 'chai';
import cytoscape from 'cytoscape';
import { layoutNew } from '../../../web/src/map/auto-layout.js';
import { clusterLayout, type ClusterNode } from '../../../web/src/map/cluster-layout.js';
import type { Point } from '../../../web/src/map/placement.js';
import { boundsOf, boxRect, rng, type Rect } from './layout-helpers.js';
import { siteBox } from '../../../web/src/map/site-boxes.js';

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
