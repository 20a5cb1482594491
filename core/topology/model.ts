/**
 * The topology model: nodes, ports and links with their state and latest rates.
 *
 * Contract: every change goes through `apply*` and produces exactly one `TopologyPatch` on
 * `patches$` with `seq` = previous seq + 1; a call that changes nothing produces no patch.
 * `snapshot()` returns a deep copy at the current seq. `restore()` replaces the whole model
 * (at start, from the store) and keeps the stored seq so clients never see seq go backwards.
 */
import { Subject, type Observable } from 'rxjs';
import {
  linkId, portId, type EntityId, type EntityState, type LinkFacts, type NodeFacts, type PortFacts,
} from '../../plugins/sdk/index.js';
import { LIVE_METRIC_KINDS, type PatchOp, type TopoLink, type TopoNode, type TopoPort, type TopologyPatch, type TopologySnapshot } from './types.js';

export class TopologyModel {
  private seq = 0;
  private readonly nodes = new Map<EntityId, TopoNode>();
  private readonly ports = new Map<EntityId, TopoPort>();
  private readonly links = new Map<EntityId, TopoLink>();
  private readonly patchSubject = new Subject<TopologyPatch>();
  private pending: PatchOp[] | undefined;

  readonly patches$: Observable<TopologyPatch> = this.patchSubject.asObservable();

  get currentSeq(): number {
    return this.seq;
  }

  get counts(): { nodes: number; ports: number; links: number } {
    return { nodes: this.nodes.size, ports: this.ports.size, links: this.links.size };
  }

  snapshot(): TopologySnapshot {
    return structuredClone({
      seq: this.seq,
      nodes: [...this.nodes.values()],
      ports: [...this.ports.values()],
      links: [...this.links.values()],
    });
  }

  restore(s: TopologySnapshot): void {
    this.nodes.clear();
    this.ports.clear();
    this.links.clear();
    for (const n of s.nodes) this.nodes.set(n.id, structuredClone(n));
    for (const p of s.ports) this.ports.set(p.id, structuredClone(p));
    for (const l of s.links) this.links.set(l.id, structuredClone(l));
    this.seq = Math.max(this.seq, s.seq);
  }

  node(id: EntityId): TopoNode | undefined {
    return this.nodes.get(id);
  }

  port(id: EntityId): TopoPort | undefined {
    return this.ports.get(id);
  }

  link(id: EntityId): TopoLink | undefined {
    return this.links.get(id);
  }

  /** Every node, live and without a copy (cheaper than `snapshot()` for a scan); callers must not mutate them. */
  allNodes(): IterableIterator<Readonly<TopoNode>> {
    return this.nodes.values();
  }

  /** Every port, live and without a copy; callers must not mutate them. */
  allPorts(): IterableIterator<Readonly<TopoPort>> {
    return this.ports.values();
  }

  portsOf(node: EntityId): TopoPort[] {
    return [...this.ports.values()].filter((p) => p.node === node);
  }

  linksOf(node: EntityId): TopoLink[] {
    return [...this.links.values()].filter((l) => l.a.node === node || l.b.node === node);
  }

  /**
   * Groups several changes into one patch: `batch(() => { a(); b(); })` emits one patch with
   * every op of a and b (or none when nothing changed).
   */
  batch(fn: () => void): void {
    if (this.pending) {
      fn();
      return;
    }
    this.pending = [];
    try {
      fn();
    } finally {
      const ops = this.pending;
      this.pending = undefined;
      if (ops.length) this.emit(ops);
    }
  }

  upsertNode(id: EntityId, facts: NodeFacts): void {
    const cur = this.nodes.get(id);
    const next: TopoNode = {
      id,
      name: facts.name,
      kind: facts.kind === 'unknown' && cur ? cur.kind : facts.kind,
      state: cur?.state ?? 'unknown',
      site: facts.site ?? cur?.site,
      address: facts.address ?? cur?.address,
      since: cur?.since,
      attrs: { ...(cur?.attrs ?? {}), ...(facts.attrs ?? {}) },
      metrics: cur?.metrics,
    };
    if (next.metrics === undefined) delete next.metrics;
    if (next.site === undefined) delete next.site;
    if (next.address === undefined) delete next.address;
    if (next.since === undefined) delete next.since;
    this.put('node', this.nodes, next, cur);
  }

  upsertPort(id: EntityId, facts: PortFacts): void {
    if (!this.nodes.has(facts.node)) this.upsertNode(facts.node, { name: facts.node.slice(5), kind: 'unknown' });
    const cur = this.ports.get(id);
    const next: TopoPort = {
      id,
      node: facts.node,
      name: facts.name,
      state: cur?.state ?? 'unknown',
      rates: cur?.rates ?? {},
      attrs: { ...(cur?.attrs ?? {}), ...(facts.attrs ?? {}) },
    };
    this.put('port', this.ports, next, cur);
  }

  /** Adds or updates a link; the id is canonical, so both sides of a link agree. Returns the id. */
  upsertLink(facts: LinkFacts, origin?: string): EntityId {
    const id = linkId(facts.a, facts.b);
    for (const end of [facts.a, facts.b]) {
      if (!this.nodes.has(end.node)) this.upsertNode(end.node, { name: end.node.slice(5), kind: 'unknown' });
      if (end.port && !this.ports.has(end.port)) {
        this.upsertPort(end.port, { node: end.node, name: end.port.slice(end.port.indexOf('/') + 1) });
      }
    }
    const cur = this.links.get(id);
    const [a, b] = (facts.a.port ?? facts.a.node) <= (facts.b.port ?? facts.b.node) ? [facts.a, facts.b] : [facts.b, facts.a];
    const next: TopoLink = {
      id,
      a: { ...a },
      b: { ...b },
      state: cur?.state ?? this.linkStateFromEnds(a, b),
      origin: origin ?? cur?.origin,
      rates: cur?.rates ?? {},
      attrs: { ...(cur?.attrs ?? {}), ...(facts.attrs ?? {}) },
    };
    if (next.origin === undefined) delete next.origin;
    this.put('link', this.links, next, cur);
    return id;
  }

  /** Sets the confirmed state of a node, port or link; a port's state also sets its links' state. */
  setState(id: EntityId, state: EntityState, at: number): void {
    this.batch(() => {
      const n = this.nodes.get(id);
      if (n) {
        if (n.state !== state) this.put('node', this.nodes, { ...n, state, since: at }, n);
        this.refreshLinks((l) => l.a.node === id || l.b.node === id);
        return;
      }
      const p = this.ports.get(id);
      if (p) {
        if (p.state !== state) this.put('port', this.ports, { ...p, state }, p);
        this.refreshLinks((l) => l.a.port === id || l.b.port === id);
        return;
      }
      const l = this.links.get(id);
      if (l && l.state !== state) this.put('link', this.links, { ...l, state }, l);
    });
  }

  /** Records the latest value of a metric on a port or link, or on a node of a `LIVE_METRIC_KINDS` kind. */
  setRate(id: EntityId, metric: string, value: number): void {
    const n = this.nodes.get(id);
    if (n) {
      if (!LIVE_METRIC_KINDS.has(n.kind) || n.metrics?.[metric] === value) return;
      this.put('node', this.nodes, { ...n, metrics: { ...n.metrics, [metric]: value } }, n);
      return;
    }
    const p = this.ports.get(id);
    if (p) {
      if (p.rates[metric] === value) return;
      this.put('port', this.ports, { ...p, rates: { ...p.rates, [metric]: value } }, p);
      for (const l of this.links.values()) {
        if (l.a.port === id || l.b.port === id) {
          if (l.rates[metric] === value) continue;
          this.put('link', this.links, { ...l, rates: { ...l.rates, [metric]: value } }, l);
        }
      }
      return;
    }
    const l = this.links.get(id);
    if (l && l.rates[metric] !== value) this.put('link', this.links, { ...l, rates: { ...l.rates, [metric]: value } }, l);
  }

  /** Removes an entity; removing a node removes its ports and links. */
  remove(id: EntityId): void {
    this.batch(() => {
      if (this.nodes.has(id)) {
        for (const p of this.portsOf(id)) this.remove(p.id);
        for (const l of this.linksOf(id)) this.remove(l.id);
        this.nodes.delete(id);
        this.pending!.push({ op: 'remove', type: 'node', id });
      } else if (this.ports.has(id)) {
        this.ports.delete(id);
        this.pending!.push({ op: 'remove', type: 'port', id });
      } else if (this.links.has(id)) {
        this.links.delete(id);
        this.pending!.push({ op: 'remove', type: 'link', id });
      }
    });
  }

  /** Port id for a node and port name (convenience for config-declared links). */
  static portId(node: EntityId, name: string): EntityId {
    return portId(node, name);
  }

  private refreshLinks(match: (l: TopoLink) => boolean): void {
    for (const l of [...this.links.values()]) {
      if (!match(l)) continue;
      const ls = this.linkStateFromEnds(l.a, l.b);
      if (ls !== l.state) this.put('link', this.links, { ...l, state: ls }, l);
    }
  }

  /**
   * A link is down when an end node or end port is down or unreachable; up when both ends are
   * up (the port when known, else the node); degraded when an end is; unknown otherwise.
   */
  private linkStateFromEnds(a: { node: EntityId; port?: EntityId }, b: { node: EntityId; port?: EntityId }): EntityState {
    const ends = [a, b].map((e) => {
      const node = this.nodes.get(e.node)?.state ?? 'unknown';
      const port = e.port ? this.ports.get(e.port)?.state : undefined;
      if (node === 'down' || node === 'unreachable' || port === 'down') return 'down';
      if (port && port !== 'unknown') return port;
      return node;
    });
    if (ends.includes('down')) return 'down';
    if (ends.every((s) => s === 'up')) return 'up';
    if (ends.includes('degraded')) return 'degraded';
    if (ends.includes('maintenance')) return 'maintenance';
    return 'unknown';
  }

  private put<T extends { id: EntityId }>(type: 'node' | 'port' | 'link', map: Map<EntityId, T>, next: T, cur: T | undefined): void {
    if (cur && JSON.stringify(cur) === JSON.stringify(next)) return;
    map.set(next.id, next);
    this.batch(() => this.pending!.push({ op: 'upsert', type, value: structuredClone(next) } as unknown as PatchOp));
  }

  private emit(ops: PatchOp[]): void {
    this.seq += 1;
    this.patchSubject.next({ seq: this.seq, ops });
  }
}

