/**
 * The topology map: a cytoscape graph kept equal to the live topology by incremental updates
 * (patches queued meanwhile coalesced and applied in one `cy.batch` before the next frame, only
 * to the elements whose data changed; never a full redraw of the data or a re-layout),
 * with stable positions (saved per site; new nodes next to their neighbours; the per-site
 * cluster layout only for nodes nothing can place), pulses on state changes, selection and focus, filters and site collapse.
 *
 * Contract: `ready` resolves once the first snapshot is drawn and laid out. Element ids are entity
 * ids (edges: link ids), site boxes are `site:<name>` (plain nodes behind their members, see
 * site-boxes.ts); node data `state`, `kind`, `name`, `site`; edge data `state`, `util` (0–100,
 * -1 unknown), `speed`.
 */
import cytoscape from 'cytoscape';
import type { AppContext, LiveView } from '../context.js';
import { layoutAll, layoutNew } from './auto-layout.js';
import { mapStyle, readTheme } from './cy-style.js';
import { edgeData, layoutSiteOf, linksOfPorts, nodeData, sameData, SITE_PREFIX, siteNodeId } from './elements.js';
import type { LayoutStore } from './layout-store.js';
import { byIds, neighbourIndex } from './graph-index.js';
import { placeNewNodes, type Point } from './placement.js';
import { SiteBoxes } from './site-boxes.js';
import { edgeHoverLabel } from './edge-label.js';
import { fitViewport } from './viewport.js';
import { SiteGroups } from './site-groups.js';

export const PULSE_MS = 1500;
export const HIGHLIGHT_MS = 3000;
export const FIT_MAX_ZOOM = 1.6;
/** Room kept around a node's centre when fitting: half a node, its label, its site box's padding. */
const FIT_MARGIN = 50;

export interface MapViewOptions {
  container: HTMLElement;
  live: LiveView;
  selection: AppContext['selection'];
  layout: LayoutStore;
  /** Where the theme's CSS variables are read (default `document.body`). */
  themeRoot?: Element;
}

interface Pending {
  nodes: Set<string>;
  ports: Set<string>;
  links: Set<string>;
  snapshot: boolean;
}

function emptyPending(): Pending {
  return { nodes: new Set(), ports: new Set(), links: new Set(), snapshot: false };
}

export class MapView {
  readonly cy: cytoscape.Core;
  readonly ready: Promise<void>;
  readonly groups: SiteGroups;
  readonly boxes: SiteBoxes;
  private resolveReady!: () => void;
  private saved = new Map<string, Point>();
  private readonly loaded: Promise<void>;
  private pending = emptyPending();
  private scheduled = false;
  private drawn = false;
  /** Links waiting for one of their nodes. */
  private readonly waiting = new Set<string>();
  private readonly pulses = new Map<string, ReturnType<typeof setTimeout>>();
  private hiddenKinds = new Set<string>();
  private hiddenStates = new Set<string>();
  private autoFit = false;
  /** The user panned or zoomed: resizes no longer refit (unless NOC mode). */
  private userMoved = false;
  private readonly listeners = new Set<() => void>();
  /** Elements created by the flush running now, added at its end; `adding`: their ids. */
  private toAdd: cytoscape.ElementDefinition[] = [];
  private readonly adding = new Set<string>();

  constructor(private readonly opts: MapViewOptions) {
    const themeRoot = opts.themeRoot ?? document.body;
    this.cy = cytoscape({
      container: opts.container,
      style: mapStyle(readTheme(themeRoot)),
      boxSelectionEnabled: false,
      selectionType: 'single',
      minZoom: 0.05,
      maxZoom: 4,
      textureOnViewport: true, // pan/zoom moves a snapshot, not 1,000 redrawn nodes
      motionBlur: false,
    } as cytoscape.CytoscapeOptions);
    this.boxes = new SiteBoxes(this.cy);
    this.groups = new SiteGroups(this.cy, opts.live, this.boxes);
    this.groups.onChange(() => {
      if (this.drawn && (this.autoFit || !this.userMoved)) this.fit();
    });
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.loaded = opts.layout.load().then((m) => {
      this.saved = m;
    });
    opts.live.onTopology((c) => {
      if (c.snapshot) {
        this.pending = emptyPending();
        this.pending.snapshot = true;
      } else {
        for (const id of c.nodes) this.pending.nodes.add(id);
        for (const id of c.ports) this.pending.ports.add(id);
        for (const id of c.links) this.pending.links.add(id);
      }
      this.schedule();
    });
    if (opts.live.seq !== undefined) {
      this.pending.snapshot = true;
      this.schedule();
    }
    this.bindEvents();
    let theme = JSON.stringify(readTheme(themeRoot));
    new MutationObserver(() => {
      // a new stylesheet restyles every element (~1 s at 1,000 nodes): only when colours changed
      const next = readTheme(themeRoot);
      if (JSON.stringify(next) === theme) return;
      theme = JSON.stringify(next);
      this.cy.style(mapStyle(next));
    }).observe(themeRoot, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    new ResizeObserver(() => {
      this.cy.resize();
      if (this.autoFit || (this.drawn && !this.userMoved)) this.fit();
    }).observe(opts.container);
    for (const type of ['wheel', 'pointerdown', 'keydown']) {
      opts.container.addEventListener(type, () => (this.userMoved = true), { passive: true });
    }
  }

  /** Called after each applied update (counts, tests). */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // a task, not a frame: applied before the next frame, which then draws it (waiting for a
    // frame callback would draw it one frame later); messages already queued coalesce
    setTimeout(() => void this.loaded.then(() => this.flush()), 0);
  }

  /** Applies everything queued since the last flush. */
  flush(): void {
    this.scheduled = false;
    const p = this.pending;
    this.pending = emptyPending();
    const { live } = this.opts;
    const cy = this.cy;
    const added: string[] = [];
    cy.batch(() => {
      const nodeIds = p.snapshot
        ? new Set([...live.nodes.keys(), ...cy.nodes().not('.site').map((n) => n.id())])
        : p.nodes;
      for (const id of nodeIds) this.syncNode(id, added);
      const linkIds = p.snapshot
        ? new Set([...live.links.keys(), ...cy.edges().not('.meta').map((e) => e.id())])
        : new Set([...p.links, ...linksOfPorts(p.ports, live.links)]);
      if (added.length || p.snapshot) for (const id of this.waiting) linkIds.add(id);
      for (const id of linkIds) this.syncLink(id);
      // new elements in one call (one collection, one style pass), nodes before their links
      if (this.toAdd.length) cy.add(this.toAdd);
      this.toAdd = [];
      this.adding.clear();
      this.groups.refresh();
      this.applyFilters(p.snapshot ? cy.nodes().not('.site') : byIds(cy, [...added, ...p.nodes]));
    });
    this.placeNew(added);
    this.boxes.update();
    if (!this.drawn) {
      this.drawn = true;
      this.fit();
      this.resolveReady();
    } else if (this.autoFit && added.length) this.fit();
    for (const l of this.listeners) l();
  }

  private syncNode(id: string, added: string[]): void {
    const cy = this.cy;
    const n = this.opts.live.nodes.get(id);
    const ele = cy.getElementById(id);
    if (!n) {
      this.boxes.unassign(id);
      ele.remove();
      return;
    }
    const data = nodeData(n);
    delete data.parent; // no compound parent: site boxes instead
    if (n.site && cy.getElementById(siteNodeId(n.site)).empty()) {
      cy.add({ group: 'nodes', data: { id: siteNodeId(n.site), label: n.site, site: n.site, w: 110, h: 70, fs: 13 }, classes: 'site', selectable: false });
      this.groups.siteAdded(n.site);
    }
    if (ele.empty()) {
      const pos = this.saved.get(id);
      const hidden = !!n.site && this.groups.isCollapsed(n.site);
      this.toAdd.push({ group: 'nodes', data: { ...data }, position: pos ? { ...pos } : { x: 0, y: 0 }, classes: hidden ? 'collapsed-child' : '' });
      this.adding.add(id);
      if (!pos) added.push(id);
      this.boxes.assign(id, n.site);
      return;
    }
    // ele.data() is cytoscape's live object: read what is compared before ele.data(data) writes it
    const live = ele.data() as Record<string, unknown>;
    const oldState = live.state;
    if ((live.site || undefined) !== (n.site || undefined)) {
      this.boxes.assign(id, n.site);
      ele.toggleClass('collapsed-child', !!n.site && this.groups.isCollapsed(n.site));
    }
    const current = Object.fromEntries(Object.keys(data).map((k) => [k, live[k]]));
    if (!sameData(current, data)) ele.data(data);
    if (oldState !== data.state && this.drawn) this.pulse(id);
  }

  private syncLink(id: string): void {
    const cy = this.cy;
    const l = this.opts.live.links.get(id);
    const ele = cy.getElementById(id);
    if (!l) {
      ele.remove();
      this.waiting.delete(id);
      return;
    }
    const exists = (node: string) => this.adding.has(node) || cy.getElementById(node).nonempty();
    if (!exists(l.a.node) || !exists(l.b.node)) {
      ele.remove();
      this.waiting.add(id);
      return;
    }
    this.waiting.delete(id);
    const data = edgeData(l, this.opts.live.ports);
    if (ele.empty()) {
      this.toAdd.push({ group: 'edges', data: { ...data } });
      return;
    }
    if (ele.data('source') !== data.source || ele.data('target') !== data.target) {
      ele.move({ source: data.source, target: data.target });
    }
    const old = ele.data() as Record<string, unknown>;
    const current = Object.fromEntries(Object.keys(data).map((k) => [k, old[k]]));
    if (!sameData(current, data)) ele.data(data);
  }

  /** New nodes without a saved position: next to their neighbours, else a layout of their own. */
  private placeNew(added: string[]): void {
    const cy = this.cy;
    const fresh = added.filter((id) => cy.getElementById(id).nonempty());
    if (!fresh.length) return;
    const freshSet = new Set(fresh);
    const positions = new Map<string, Point>();
    cy.nodes().not('.site').forEach((n) => {
      if (!freshSet.has(n.id())) positions.set(n.id(), n.position());
    });
    if (positions.size === 0) {
      layoutAll(cy);
    } else {
      const adjacency = neighbourIndex(this.opts.live.links.values());
      const { placed, rest } = placeNewNodes(fresh, (id) => adjacency.get(id) ?? [], positions);
      cy.batch(() => {
        for (const [id, p] of placed) cy.getElementById(id).position(p);
      });
      const restNodes = byIds(cy, rest).nodes();
      const placedNodes = cy.nodes().not('.site').not(restNodes);
      layoutNew(cy, restNodes, placedNodes);
    }
    this.savePositions(byIds(cy, fresh).nodes());
  }

  private savePositions(nodes: cytoscape.NodeCollection): void {
    const bySite = new Map<string, Array<[string, Point]>>();
    nodes.forEach((n) => {
      if (n.hasClass('site')) return;
      const site = layoutSiteOf({ site: n.data('site') as string });
      const p = { ...n.position() };
      this.saved.set(n.id(), p);
      let list = bySite.get(site);
      if (!list) bySite.set(site, (list = []));
      list.push([n.id(), p]);
    });
    for (const [site, list] of bySite) this.opts.layout.save(site, list);
  }

  private pulse(id: string): void {
    const ele = this.cy.getElementById(id);
    ele.addClass('pulse'); // its colour follows data `state` (cy-style.ts)
    clearTimeout(this.pulses.get(id));
    this.pulses.set(id, setTimeout(() => {
      this.pulses.delete(id);
      this.cy.getElementById(id).removeClass('pulse');
    }, PULSE_MS));
    const site = ele.data('site') as string;
    if (site && this.groups.isCollapsed(site)) this.groups.pulse(site);
  }

  private bindEvents(): void {
    const cy = this.cy;
    const { selection } = this.opts;
    cy.on('tap', 'node', (e) => {
      const n = e.target as cytoscape.NodeSingular;
      if (n.hasClass('site')) {
        if (n.hasClass('collapsed')) this.groups.setCollapsed(n.data('site') as string, false);
        return;
      }
      selection.set(n.id());
    });
    cy.on('dbltap', 'node.site', (e) => this.groups.setCollapsed((e.target as cytoscape.NodeSingular).data('site') as string, true));
    cy.on('tap', (e) => {
      if (e.target === cy) selection.set(undefined);
    });
    this.boxes.bindDrag((moved) => this.savePositions(moved));
    cy.on('mouseover', 'edge', (e) => {
      const edge = e.target as cytoscape.EdgeSingular;
      edge.data('hoverLabel', edgeHoverLabel(edge.data('util') as number, edge.data('speed') as number));
      edge.addClass('hover');
    });
    cy.on('mouseout', 'edge', (e) => (e.target as cytoscape.EdgeSingular).removeClass('hover'));
    selection.on((id) => {
      cy.batch(() => {
        cy.$('node:selected').unselect();
        if (id) cy.getElementById(id).select();
      });
    });
  }

  /** Centres on a node (expanding its site, showing it even if filtered) and highlights it. */
  focus(id: string): void {
    const cy = this.cy;
    const n = cy.getElementById(id);
    if (n.empty() || n.id().startsWith(SITE_PREFIX)) return;
    const site = n.data('site') as string;
    if (site && this.groups.isCollapsed(site)) this.groups.setCollapsed(site, false);
    n.removeClass('filtered');
    this.userMoved = true;
    this.opts.selection.set(id); // the panel opens first: centre in the map's final size
    cy.resize();
    cy.stop();
    cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 300 });
    cy.nodes('.highlight').removeClass('highlight');
    n.addClass('highlight');
    setTimeout(() => n.removeClass('highlight'), HIGHLIGHT_MS);
  }

  /** Hides nodes whose kind or state is in the given sets. */
  setFilters(hiddenKinds: Iterable<string>, hiddenStates: Iterable<string>): void {
    this.hiddenKinds = new Set(hiddenKinds);
    this.hiddenStates = new Set(hiddenStates);
    this.cy.batch(() => this.applyFilters(this.cy.nodes().not('.site')));
  }

  private applyFilters(nodes: cytoscape.Collection): void {
    nodes.forEach((n) => {
      if (n.removed() || n.hasClass('site')) return;
      n.toggleClass('filtered', this.hiddenKinds.has(n.data('kind') as string) || this.hiddenStates.has(n.data('state') as string));
    });
  }

  /**
   * Fits what is visible, never zooming in past `FIT_MAX_ZOOM` (a lone node stays node-sized).
   * Bounds come from node positions plus a margin (node, label, site box padding), not from
   * cytoscape's bounding boxes, which would compute every style and edge path first.
   */
  fit(): void {
    const cy = this.cy;
    const b = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    const extend = (x1: number, y1: number, x2: number, y2: number) => {
      b.x1 = Math.min(b.x1, x1);
      b.y1 = Math.min(b.y1, y1);
      b.x2 = Math.max(b.x2, x2);
      b.y2 = Math.max(b.y2, y2);
    };
    cy.nodes().forEach((n) => {
      if (n.hasClass('site')) {
        if (n.hasClass('collapsed') && n.visible()) {
          const bb = n.boundingBox({});
          extend(bb.x1, bb.y1, bb.x2, bb.y2);
        } else if (n.visible()) {
          // an open site's box and its label above it (from its data: no bounding-box computation)
          const p = n.position();
          const w = Number(n.data('w')) || 0;
          const h = Number(n.data('h')) || 0;
          const fs = Number(n.data('fs')) || 0;
          extend(p.x - w / 2, p.y - h / 2 - fs - 8, p.x + w / 2, p.y + h / 2);
        }
        return;
      }
      if (n.hasClass('filtered') || n.hasClass('collapsed-child')) return;
      const p = n.position();
      extend(p.x - FIT_MARGIN, p.y - FIT_MARGIN - 20, p.x + FIT_MARGIN, p.y + FIT_MARGIN);
    });
    if (!Number.isFinite(b.x1)) {
      cy.fit(undefined, 30);
      return;
    }
    cy.viewport(fitViewport(b, { width: cy.width(), height: cy.height() }, 30, cy.minZoom(), FIT_MAX_ZOOM));
  }

  /** NOC mode: refit on every resize and whenever nodes appear. */
  setAutoFit(on: boolean): void {
    this.autoFit = on;
    if (on) this.fit();
  }
}
