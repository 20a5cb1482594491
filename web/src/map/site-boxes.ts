/**
 * Site boxes: one plain cytoscape node per site (`site:<name>`, class `site`) drawn behind its
 * members and sized to them, instead of a compound parent. Compounds cost too much at 1,000+
 * nodes: every style change of a child restyles its parent, and every restyle of a parent dirties
 * all its children and their links (cytoscape walks `parents()`/`descendants()` per property).
 *
 * Contract: `assign`/`unassign` keep the member index (node id → site) up to date; `update()`
 * resizes the boxes of the sites marked dirty since the last call (after positions changed);
 * dragging a box moves its members with it (`bindDrag`). Geometry (`siteBox`) is pure.
 */
import type cytoscape from 'cytoscape';
import { siteNodeId } from './elements.js';
import type { Point } from './placement.js';

/** Room between the members' centres and the box edge: half a node plus padding. */
export const SITE_BOX_MARGIN = 19 + 24;
/** Extra room under the lowest members for their labels. */
export const SITE_BOX_LABEL_ROOM = 16;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The box around member centres (undefined for none). */
export function siteBox(points: Iterable<Point>): Box | undefined {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  if (!Number.isFinite(x1)) return undefined;
  return {
    x: (x1 + x2) / 2,
    y: (y1 + y2 + SITE_BOX_LABEL_ROOM) / 2,
    w: x2 - x1 + 2 * SITE_BOX_MARGIN,
    h: y2 - y1 + 2 * SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM,
  };
}

/** A site's label size: readable when the whole map is fitted (big sites, small zoom). */
export function siteFontSize(b: Box): number {
  return Math.round(Math.min(60, Math.max(13, Math.min(b.w, b.h * 2) / 10)));
}

export class SiteBoxes {
  private readonly siteOf = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();

  constructor(private readonly cy: cytoscape.Core) {}

  /** Node `id` now belongs to `site` ('' or undefined: none). */
  assign(id: string, site: string | undefined): void {
    const old = this.siteOf.get(id);
    if (old === (site || undefined)) return;
    this.unassign(id);
    if (!site) return;
    this.siteOf.set(id, site);
    let m = this.members.get(site);
    if (!m) this.members.set(site, (m = new Set()));
    m.add(id);
    this.dirty.add(site);
  }

  unassign(id: string): void {
    const old = this.siteOf.get(id);
    if (old === undefined) return;
    this.siteOf.delete(id);
    this.members.get(old)?.delete(id);
    this.dirty.add(old);
  }

  markDirty(site: string | undefined): void {
    if (site) this.dirty.add(site);
  }

  memberIds(site: string): ReadonlySet<string> {
    return this.members.get(site) ?? new Set();
  }

  membersOf(site: string): cytoscape.NodeCollection {
    const out = this.cy.collection();
    for (const id of this.memberIds(site)) {
      const n = this.cy.getElementById(id);
      if (n.nonempty()) out.merge(n);
    }
    return out.nodes();
  }

  /** Resizes dirty sites' boxes; removes the boxes of sites left without members. */
  update(): void {
    if (!this.dirty.size) return;
    const cy = this.cy;
    cy.batch(() => {
      for (const site of this.dirty) {
        const box = cy.getElementById(siteNodeId(site));
        if (box.empty()) continue;
        const ids = this.members.get(site);
        if (!ids?.size) {
          this.members.delete(site);
          box.remove();
          continue;
        }
        const b = siteBox([...ids].map((id) => cy.getElementById(id)).filter((n) => n.nonempty()).map((n) => n.position()));
        if (!b) continue;
        box.position({ x: b.x, y: b.y });
        if (box.data('w') !== b.w || box.data('h') !== b.h) box.data({ w: b.w, h: b.h, fs: siteFontSize(b) });
      }
    });
    this.dirty.clear();
  }

  /** Dragging a box drags its members; dragging a member refits its box. `onMoved` gets what moved. */
  bindDrag(onMoved: (nodes: cytoscape.NodeCollection) => void): void {
    const cy = this.cy;
    let last: Point | undefined;
    cy.on('grab', 'node.site', (e) => {
      last = { ...(e.target as cytoscape.NodeSingular).position() };
    });
    cy.on('drag', 'node.site', (e) => {
      const box = e.target as cytoscape.NodeSingular;
      const p = box.position();
      if (!last) last = { ...p };
      const dx = p.x - last.x;
      const dy = p.y - last.y;
      last = { ...p };
      if (!dx && !dy) return;
      const members = this.membersOf(box.data('site') as string);
      cy.batch(() => members.positions((n) => ({ x: n.position('x') + dx, y: n.position('y') + dy })));
    });
    cy.on('free', 'node.site', () => (last = undefined));
    cy.on('dragfree', 'node.site', (e) => {
      onMoved(this.membersOf((e.target as cytoscape.NodeSingular).data('site') as string));
    });
    cy.on('drag', 'node[kind]', (e) => {
      this.markDirty(this.siteOf.get((e.target as cytoscape.NodeSingular).id()));
      this.update();
    });
    cy.on('dragfree', 'node[kind]', (e) => onMoved(e.target as cytoscape.NodeSingular));
  }
}
