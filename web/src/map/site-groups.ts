/**
 * Collapse/expand of sites (their boxes, see site-boxes.ts) on the map. A collapsed site hides its nodes (class
 * `collapsed-child`) and shows itself as one summary node (class `collapsed`: worst state colour
 * and icon, counts per state); links leaving it are drawn as merged `meta` edges. The set of
 * collapsed sites is remembered in localStorage. A site's label is a style bypass (its name, or the
 * summary while collapsed); its colour follows data `worst` (see cy-style.ts).
 */
import type cytoscape from 'cytoscape';
import type { LiveView } from '../context.js';
import { metaEdges, summariseSite } from './collapse.js';
import { SITE_PREFIX, siteNodeId } from './elements.js';
import type { SiteBoxes } from './site-boxes.js';
import { linkUtil, utilColour } from './scale.js';

const STORAGE_KEY = 'vigie.map.collapsed';

function loadCollapsed(): Set<string> {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  } catch {
    return new Set();
  }
}

export class SiteGroups {
  private readonly collapsed = loadCollapsed();
  private readonly listeners = new Set<() => void>();
  private notifyQueued = false;

  constructor(private readonly cy: cytoscape.Core, private readonly live: LiveView, private readonly boxes: SiteBoxes) {}

  isCollapsed(site: string): boolean {
    return this.collapsed.has(site);
  }

  /** The sites on the map, sorted. */
  sites(): string[] {
    return this.cy.nodes('.site').map((n) => n.data('site') as string).sort();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A site box just appeared. */
  siteAdded(site: string): void {
    const node = this.cy.getElementById(siteNodeId(site));
    node.style('label', site);
    if (this.collapsed.has(site)) node.addClass('collapsed');
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      this.notify();
    });
  }

  setCollapsed(site: string, on: boolean): void {
    if (on === this.collapsed.has(site)) return;
    if (on) this.collapsed.add(site);
    else this.collapsed.delete(site);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify([...this.collapsed]));
    } catch {
      // private mode: not remembered
    }
    const node = this.cy.getElementById(siteNodeId(site));
    this.cy.batch(() => {
      node.toggleClass('collapsed', on);
      this.boxes.membersOf(site).toggleClass('collapsed-child', on);
      if (!on) node.removeData('summary').style('label', site);
      this.refresh();
    });
    this.notify();
  }

  /** Recomputes the summaries and meta edges (call inside the map's batch after each update). */
  refresh(): void {
    const cy = this.cy;
    const present = [...this.collapsed].filter((s) => cy.getElementById(siteNodeId(s)).nonempty());
    for (const site of present) {
      const s = summariseSite(site, this.live.nodes.values());
      const node = cy.getElementById(siteNodeId(site));
      if (node.data('summary') !== s.label || node.data('worst') !== s.worst) {
        node.data({ summary: s.label, worst: s.worst });
        node.style('label', s.label);
      }
    }
    const collapsedNow = new Set(present);
    const wanted = collapsedNow.size === 0 ? [] : metaEdges(
      this.live.links.values(),
      (id) => {
        const n = cy.getElementById(id);
        if (n.empty()) return undefined;
        const site = n.data('site') as string;
        return site && collapsedNow.has(site) ? siteNodeId(site) : id;
      },
      (l) => linkUtil(l, this.live.ports) ?? -1,
    );
    const keep = new Set(wanted.map((e) => e.id));
    cy.edges('.meta').filter((e) => !keep.has(e.id())).remove();
    for (const m of wanted) {
      const data = {
        id: m.id, source: m.source, target: m.target, state: m.state, util: m.util, speed: 0,
        colour: utilColour(m.util < 0 ? undefined : m.util), width: 5,
        label: m.count > 1 ? `×${m.count}` : '', sourceLabel: '', targetLabel: '',
      };
      const e = cy.getElementById(m.id);
      if (e.empty()) cy.add({ group: 'edges', data, classes: 'meta' });
      else e.data(data);
    }
  }

  pulse(site: string): void {
    const node = this.cy.getElementById(siteNodeId(site));
    node.addClass('pulse');
    setTimeout(() => node.removeClass('pulse'), 1500);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

export { SITE_PREFIX };
