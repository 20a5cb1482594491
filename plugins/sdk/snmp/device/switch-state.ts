/**
 * `SwitchState`: what one switch probe instance remembers between polls, and the observations
 * each piece of a poll turns into. Pure bookkeeping, no I/O and no timers: `switch-poll.ts`
 * reads the device and feeds the answers here, in virtual or real time alike.
 *
 * Contract (each `on…` returns the observations to emit, in order, stamped `now()`):
 * - `onSystem(sys, sentAt)`: fixes the node id at the first answer (`deviceIdentity`; a
 *   placeholder announced before is retired with `gone`), then the node facts (first answer,
 *   and later only from `flush`), `state up`, `snmp.rtt_ms`, `sys.uptime_s` and a `reboot`
 *   event when sysUpTime went back (not a wrap);
 * - `onSystemFailure(reason)`: `state down` (preceded before any answer by a placeholder node);
 * - `onPorts(read)`: remembers the selected ports; a port that vanished gets `gone`;
 * - `onCounters(counters, at)`: per polled port, changed port facts, its `state` (port-view.ts
 *   rules) and its rate metrics (port-rates.ts);
 * - `onNeighbours(view)`: new or changed neighbour nodes, new links, and `gone` for links no
 *   longer seen;
 * - `onFdb(macs)` / `onInventory(inv)`: remembered, published by the next `flush`;
 * - `flush()`: node facts and port facts that changed since they were last emitted.
 */
import { nodeId, portId } from '../../entity.js';
import type { EntityId, NodeFacts, NodeKind, Observation } from '../../observation.js';
import { classifyDevice } from './classify.js';
import type { Inventory } from './entity.js';
import { deviceIdentity, type DeviceIdentity } from './identity.js';
import type { PortCounters, PortInfo, PortName, PortsRead } from './interfaces.js';
import type { NeighbourView } from './neighbours.js';
import { PORT_METRICS, PortRates } from './port-rates.js';
import { portFacts, portState, type PortStatus } from './port-view.js';
import { rebootEvent, UptimeTracker, type SystemInfo } from './system.js';

export interface SwitchStateOptions {
  /** Instance name: the identity of last resort. */
  name: string;
  host: string;
  identity?: string;
  nodeKind?: NodeKind;
  now: () => number;
}

export class SwitchState {
  node?: EntityId;
  identity?: DeviceIdentity;
  ports = new Map<number, PortInfo>();
  names = new Map<number, PortName>();
  portsTotal = 0;
  portsMode: 'get' | 'walk' = 'walk';
  /** True when the last system answer showed a reboot. */
  rebooted = false;
  /** Unwrapped sysUpTime (hundredths) of the last answer. */
  uptimeTicks?: number;
  /** ifIndexes the last counters poll saw that the port list lacks (a re-discovery is due). */
  unknownPorts = 0;

  private placeholder?: EntityId;
  private sys?: SystemInfo;
  private inventory?: Inventory;
  private neighbourCounts?: NeighbourView['counts'];
  private readonly status = new Map<number, PortStatus>();
  private readonly rates = new PortRates();
  private readonly uptime = new UptimeTracker();
  private lastNodeFacts = '';
  private readonly lastPortFacts = new Map<number, string>();
  private readonly lastNeighbourFacts = new Map<EntityId, string>();
  private links = new Set<EntityId>();
  private lastAnswerOk?: boolean;

  constructor(private readonly opts: SwitchStateOptions) {}

  /** True for the node and its ports (what a poll request may name). */
  owns(entity: EntityId): boolean {
    const node = this.node ?? this.fallbackNode();
    return entity === node || entity.startsWith(`port:${node.slice(5)}/`);
  }

  /** Whether the agent answered the last system GET (undefined before any). */
  get up(): boolean | undefined {
    return this.lastAnswerOk;
  }

  private fallbackNode(): EntityId {
    return nodeId(this.opts.identity ?? this.opts.name);
  }

  onSystem(sys: SystemInfo, sentAt: number): Observation[] {
    const at = this.opts.now();
    const out: Observation[] = [];
    this.sys = sys;
    this.lastAnswerOk = true;
    if (!this.node) {
      this.identity = deviceIdentity({ configured: this.opts.identity, sysName: sys.sysName, sysObjectID: sys.sysObjectID, chassisId: sys.chassisId, fallback: this.opts.name });
      this.node = this.identity.node;
      if (this.placeholder && this.placeholder !== this.node) out.push({ kind: 'topology', at, entity: this.placeholder, element: 'gone' });
      out.push(...this.flushNode());
    }
    const entity = this.node;
    out.push({ kind: 'state', at, entity, state: 'up' });
    out.push({ kind: 'metric', at, entity, name: 'snmp.rtt_ms', value: at - sentAt });
    this.rebooted = false;
    if (sys.sysUpTime !== undefined) {
      const u = this.uptime.update(sys.sysUpTime, at);
      this.uptimeTicks = Math.round(u.uptimeS * 100);
      out.push({ kind: 'metric', at, entity, name: 'sys.uptime_s', value: u.uptimeS });
      if (u.rebooted) {
        this.rebooted = true;
        out.push(rebootEvent(entity, this.identity?.name ?? this.opts.name, u, at));
      }
    }
    return out;
  }

  onSystemFailure(reason: string): Observation[] {
    const at = this.opts.now();
    const out: Observation[] = [];
    const entity = this.node ?? this.fallbackNode();
    if (!this.node && !this.placeholder) {
      this.placeholder = entity;
      out.push({ kind: 'topology', at, entity, element: 'node', node: { name: this.opts.identity ?? this.opts.name, kind: 'unknown', address: this.opts.host, attrs: {} } });
    }
    this.lastAnswerOk = false;
    out.push({ kind: 'state', at, entity, state: 'down', reason });
    return out;
  }

  onPorts(read: PortsRead): Observation[] {
    const at = this.opts.now();
    const node = this.node!;
    const out: Observation[] = [];
    for (const [ifIndex, old] of this.ports) {
      const now = read.ports.get(ifIndex);
      if (now && now.name === old.name) continue;
      // Gone, or renumbered under another name: the old port entity goes, its series restart.
      out.push({ kind: 'topology', at, entity: portId(node, old.name), element: 'gone' });
      this.lastPortFacts.delete(ifIndex);
      this.status.delete(ifIndex);
      this.rates.forget(ifIndex);
    }
    this.ports = read.ports;
    this.names = read.names;
    this.portsTotal = read.total;
    this.portsMode = read.mode;
    this.unknownPorts = 0;
    return out;
  }

  onCounters(counters: ReadonlyMap<number, PortCounters>, at: number): Observation[] {
    const node = this.node!;
    const out: Observation[] = [];
    let unknown = 0;
    for (const c of counters.values()) if (!this.ports.has(c.ifIndex) && !this.names.has(c.ifIndex)) unknown++;
    this.unknownPorts = unknown;
    for (const p of [...this.ports.values()].sort((a, b) => a.ifIndex - b.ifIndex)) {
      const c = counters.get(p.ifIndex);
      if (!c) continue;
      const s = this.status.get(p.ifIndex) ?? {};
      s.admin = c.admin;
      s.oper = c.oper;
      this.status.set(p.ifIndex, s);
      const entity = portId(node, p.name);
      out.push(...this.flushPort(p));
      const st = portState(c.admin, c.oper);
      if (st) out.push(st.reason ? { kind: 'state', at, entity, state: st.state, reason: st.reason } : { kind: 'state', at, entity, state: st.state });
      const metrics = this.rates.update(c, at, { uptimeTicks: this.uptimeTicks, speedBps: p.speedBps });
      for (const name of PORT_METRICS) {
        const value = metrics[name];
        if (value !== undefined) out.push({ kind: 'metric', at, entity, name, value });
      }
    }
    return out;
  }

  onNeighbours(view: NeighbourView): Observation[] {
    const at = this.opts.now();
    const out: Observation[] = [];
    this.neighbourCounts = view.counts;
    for (const [id, facts] of view.nodes) {
      const key = JSON.stringify(facts);
      if (this.lastNeighbourFacts.get(id) === key) continue;
      this.lastNeighbourFacts.set(id, key);
      out.push({ kind: 'topology', at, entity: id, element: 'node', node: facts });
    }
    const current = new Set<EntityId>();
    for (const l of view.links) {
      current.add(l.id);
      if (!this.links.has(l.id)) out.push({ kind: 'topology', at, entity: l.id, element: 'link', link: l.facts });
    }
    for (const id of this.links) if (!current.has(id)) out.push({ kind: 'topology', at, entity: id, element: 'gone' });
    for (const id of this.lastNeighbourFacts.keys()) if (!view.nodes.has(id)) this.lastNeighbourFacts.delete(id);
    this.links = current;
    return out;
  }

  onFdb(macs: ReadonlyMap<number, string[]>): void {
    for (const ifIndex of this.ports.keys()) {
      const s = this.status.get(ifIndex) ?? {};
      s.fdb = macs.get(ifIndex) ?? [];
      this.status.set(ifIndex, s);
    }
  }

  onInventory(inv: Inventory | undefined): void {
    this.inventory = inv;
  }

  /** Node and port facts that changed since last emitted. */
  flush(): Observation[] {
    if (!this.node) return [];
    const out = this.flushNode();
    for (const p of [...this.ports.values()].sort((a, b) => a.ifIndex - b.ifIndex)) if (this.status.has(p.ifIndex)) out.push(...this.flushPort(p));
    return out;
  }

  private flushNode(): Observation[] {
    const sys = this.sys;
    if (!this.node || !sys || !this.identity) return [];
    const attrs: Record<string, unknown> = { unpolled: false, identitySource: this.identity.source };
    for (const key of ['sysName', 'sysDescr', 'sysObjectID', 'sysLocation', 'sysContact', 'chassisId'] as const) if (sys[key]) attrs[key] = sys[key];
    if (this.identity.key) attrs.deviceKey = this.identity.key;
    if (this.portsTotal) attrs.ports = this.portsTotal;
    if (this.neighbourCounts) attrs.neighbours = this.neighbourCounts;
    if (this.inventory) attrs.inventory = this.inventory;
    const byDescr = classifyDevice(sys.sysObjectID, sys.sysDescr);
    const kind = this.opts.nodeKind ?? (byDescr === 'switch' || byDescr === 'router' ? byDescr : 'switch');
    const facts: NodeFacts = { name: this.identity.name, kind, address: this.opts.host, attrs };
    const key = JSON.stringify(facts);
    if (key === this.lastNodeFacts) return [];
    this.lastNodeFacts = key;
    return [{ kind: 'topology', at: this.opts.now(), entity: this.node, element: 'node', node: facts }];
  }

  private flushPort(p: PortInfo): Observation[] {
    const facts = portFacts(this.node!, p, this.status.get(p.ifIndex) ?? {});
    const key = JSON.stringify(facts);
    if (this.lastPortFacts.get(p.ifIndex) === key) return [];
    this.lastPortFacts.set(p.ifIndex, key);
    return [{ kind: 'topology', at: this.opts.now(), entity: portId(this.node!, p.name), element: 'port', port: facts }];
  }
}
