/**
 * `TrapInterpreter`: turns one `TrapMessage` into observations. Pure apart from its two bounded
 * memories (the ifIndex → port name cache per node, and which unresolved nodes were announced).
 *
 * Contract of `interpret(msg, at)`:
 * - the node: the first of the message's agent address, then its UDP source address, found in
 *   `sources` gives `nodeId(identity)`; otherwise `nodeId(<UDP source address>)`, a fallback
 *   only (an address is not an identity: the node is marked `attrs.unresolved` and announced
 *   once with a `topology` node of kind `unknown`, as are its ports);
 * - linkDown / linkUp (IF-MIB `1.3.6.1.6.3.1.1.5.3`/`.4`, v1 generic-trap 2/3): the port comes
 *   from the instance of an IF-MIB varbind (ifIndex.<n>, ifAdminStatus.<n>, …); its entity is
 *   the one the node's poller published for that ifIndex (the port directory), else named by
 *   ifName.<n> or ifDescr.<n> from this trap's varbinds or learned from an earlier trap of the
 *   same node, else `ifIndex-<n>`. Gives an `event` (`linkDown` major / `linkUp` info) and a
 *   `state` (down / up) on the port entity; without any ifIndex, the event is on the node and
 *   no state is given;
 * - coldStart / warmStart → `event` `reboot` (warning); authenticationFailure → `event`
 *   `authenticationFailure` (warning); anything else → `event` `trap` (info), named where a
 *   loaded MIB knows the OID;
 * - every event's `data` holds the trap name and OID, version, INFORM or not, the source, the
 *   agent address, the v3 user, the sender's uptime and every varbind (`{oid, name?, type,
 *   value}`, octet strings as text when printable, else `0x…` hex). A varbind whose value equals
 *   a secret of the target is shown `<redacted>`; communities are never in the message.
 */
import {
  nodeId,
  portId,
  type EntityId,
  type EventObservation,
  type Observation,
  type PortDirectory,
  type Severity,
  type Varbind,
} from '../../plugins/sdk/index.js';
import { shortName, type OidNamer } from './mib-names.js';
import { SNMP_OIDS, type TrapMessage } from './trap.js';

function event(at: number, entity: EntityId, type: string, severity: Severity, message: string, data: Record<string, unknown>): EventObservation {
  return { kind: 'event', at, entity, type, severity, message, data };
}

export const TRAP_OIDS = {
  coldStart: `${SNMP_OIDS.snmpTraps}.1`,
  warmStart: `${SNMP_OIDS.snmpTraps}.2`,
  linkDown: `${SNMP_OIDS.snmpTraps}.3`,
  linkUp: `${SNMP_OIDS.snmpTraps}.4`,
  authenticationFailure: `${SNMP_OIDS.snmpTraps}.5`,
} as const;

/** IF-MIB ifEntry and ifXEntry: a varbind under them carries the ifIndex as its instance. */
const IF_ENTRY = '1.3.6.1.2.1.2.2.1.';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1.';
const IF_DESCR = `${IF_ENTRY}2.`;
const IF_NAME = `${IFX_ENTRY}1.`;
const IF_ADMIN = `${IF_ENTRY}7.`;
const IF_OPER = `${IF_ENTRY}8.`;
const IF_STATUS = ['', 'up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown'];

const MAX_NODES = 10_000;
const MAX_PORTS_PER_NODE = 8_192;

export interface TrapInterpretation {
  observations: Observation[];
  node: EntityId;
  /** Short trap name (`linkDown`), or the OID when no MIB names it. */
  name: string;
}

interface PortInfo {
  name: string;
  fromIfName: boolean;
  entity: EntityId;
  announced: boolean;
}

/** What is known of one node; kept per resolution key (identity, or source address). */
interface NodeInfo {
  node: EntityId;
  name: string;
  unresolved: boolean;
  announced: boolean;
  ports: Map<number, PortInfo>;
}

function instanceOf(oid: string, prefix: string): number | undefined {
  if (!oid.startsWith(prefix)) return undefined;
  const rest = oid.slice(prefix.length);
  const n = Number(rest);
  return /^\d+$/.test(rest) && n > 0 ? n : undefined;
}

function ifIndexOf(vbs: Varbind[]): number | undefined {
  for (const vb of vbs) {
    const prefix = vb.oid.startsWith(IF_ENTRY) ? IF_ENTRY : vb.oid.startsWith(IFX_ENTRY) ? IFX_ENTRY : undefined;
    if (!prefix) continue;
    const m = /^\d+\.(\d+)$/.exec(vb.oid.slice(prefix.length));
    if (m && Number(m[1]) > 0) return Number(m[1]);
  }
  return undefined;
}

function text(vb: Varbind): string | undefined {
  if (!Buffer.isBuffer(vb.value)) return undefined;
  const s = vb.value.toString('utf8').replace(/\0+$/, '').trim();
  return s || undefined;
}

function printable(buf: Buffer): string | undefined {
  const s = buf.toString('utf8').replace(/\0+$/, '');
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s) ? undefined : s;
}

// Hot path (tens of thousands of traps a second): no closures per trap, ids computed once per node and port.
export class TrapInterpreter {
  private readonly byAddress: Map<string, string>;
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly secrets: Set<string>;

  constructor(
    sources: { address: string; identity: string }[],
    private readonly namer: OidNamer,
    secrets: string[],
    /** The pollers' ifIndex → port entity (`ctx.clients.ports`); it names ports before the trap's own varbinds. */
    private readonly directory?: PortDirectory,
  ) {
    this.byAddress = new Map(sources.map((s) => [s.address.toLowerCase(), s.identity]));
    this.secrets = new Set(secrets);
  }

  interpret(msg: TrapMessage, at: number): TrapInterpretation {
    const out: Observation[] = [];
    const info = this.nodeOf(msg);
    const node = info.node;
    if (info.unresolved && !info.announced) {
      info.announced = true;
      const address = msg.from.address;
      out.push({ kind: 'topology', at, entity: node, element: 'node', node: { name: address, kind: 'unknown', address, attrs: { unresolved: true, via: 'snmp-trap' } } });
    }
    this.learnPortNames(info, msg.varbinds);

    const fullName = this.namer.name(msg.trapOid);
    const name = fullName ? shortName(fullName) : msg.trapOid;
    const data = this.dataOf(msg, fullName, info.unresolved);

    switch (msg.trapOid) {
      case TRAP_OIDS.linkDown:
      case TRAP_OIDS.linkUp: {
        const down = msg.trapOid === TRAP_OIDS.linkDown;
        const type = down ? 'linkDown' : 'linkUp';
        const severity = down ? 'major' : 'info';
        const ifIndex = ifIndexOf(msg.varbinds);
        if (ifIndex === undefined) {
          out.push(event(at, node, type, severity, `${type} on ${info.name} (no ifIndex in the trap)`, data));
          break;
        }
        const port = this.portOf(info, ifIndex);
        data.ifIndex = ifIndex;
        data.ifName = port.name;
        if (info.unresolved && !port.announced) {
          port.announced = true;
          out.push({ kind: 'topology', at, entity: port.entity, element: 'port', port: { node, name: port.name, attrs: { ifIndex } } });
        }
        out.push(event(at, port.entity, type, severity, `${type}: ${port.name} (ifIndex ${ifIndex}) on ${info.name}`, data));
        out.push({ kind: 'state', at, entity: port.entity, state: down ? 'down' : 'up', reason: `${type} trap` });
        break;
      }
      case TRAP_OIDS.coldStart:
      case TRAP_OIDS.warmStart:
        out.push(event(at, node, 'reboot', 'warning', `${name} from ${info.name}`, data));
        break;
      case TRAP_OIDS.authenticationFailure:
        out.push(event(at, node, 'authenticationFailure', 'warning', `authenticationFailure reported by ${info.name}`, data));
        break;
      default:
        out.push(event(at, node, 'trap', 'info', `trap ${fullName ?? msg.trapOid} from ${info.name}`, data));
    }
    return { observations: out, node, name };
  }

  /** The node: agent address, then source address, through `sources`; else the source address (unresolved). */
  private nodeOf(msg: TrapMessage): NodeInfo {
    const source = msg.from.address;
    const identity = (msg.agentAddress && this.byAddress.get(msg.agentAddress.toLowerCase())) ?? this.byAddress.get(source.toLowerCase());
    const key = identity ?? source;
    let info = this.nodes.get(key);
    if (!info) {
      if (this.nodes.size >= MAX_NODES) this.nodes.delete(this.nodes.keys().next().value as string);
      info = { node: nodeId(key), name: key, unresolved: identity === undefined, announced: false, ports: new Map() };
      this.nodes.set(key, info);
    }
    return info;
  }

  private portOf(info: NodeInfo, ifIndex: number): PortInfo {
    const polled = this.directory?.lookup(info.node, ifIndex);
    if (polled) return { name: polled.name, fromIfName: true, entity: polled.entity, announced: true };
    let port = info.ports.get(ifIndex);
    if (!port) {
      if (info.ports.size >= MAX_PORTS_PER_NODE) info.ports.clear();
      const name = `ifIndex-${ifIndex}`;
      port = { name, fromIfName: false, entity: portId(info.node, name), announced: false };
      info.ports.set(ifIndex, port);
    }
    return port;
  }

  /** ifName.<n> and ifDescr.<n> varbinds name ports from now on; ifName wins over ifDescr. */
  private learnPortNames(info: NodeInfo, vbs: Varbind[]): void {
    for (const vb of vbs) {
      const byName = instanceOf(vb.oid, IF_NAME);
      const n = byName ?? instanceOf(vb.oid, IF_DESCR);
      const name = n === undefined ? undefined : text(vb);
      if (n === undefined || !name) continue;
      const known = info.ports.get(n);
      if (known?.fromIfName && byName === undefined) continue;
      if (known?.name === name) continue;
      if (!known && info.ports.size >= MAX_PORTS_PER_NODE) info.ports.clear();
      info.ports.set(n, { name, fromIfName: byName !== undefined, entity: portId(info.node, name), announced: false });
    }
  }

  private dataOf(msg: TrapMessage, fullName: string | undefined, unresolved: boolean): Record<string, unknown> {
    const data: Record<string, unknown> = {
      trap: fullName ?? msg.trapOid,
      trapOid: msg.trapOid,
      version: msg.version,
      inform: msg.inform,
      source: `${msg.from.address}:${msg.from.port}`,
    };
    if (unresolved) data.unresolved = true;
    if (msg.agentAddress) data.agentAddress = msg.agentAddress;
    if (msg.user) data.user = msg.user;
    if (msg.uptime !== undefined) data.uptimeS = msg.uptime / 100;
    if (msg.version === '1') Object.assign(data, { enterprise: msg.enterprise, generic: msg.generic, specific: msg.specific });
    for (const vb of msg.varbinds) {
      const admin = instanceOf(vb.oid, IF_ADMIN);
      const oper = instanceOf(vb.oid, IF_OPER);
      if (admin !== undefined && typeof vb.value === 'number') data.adminStatus = IF_STATUS[vb.value] ?? vb.value;
      if (oper !== undefined && typeof vb.value === 'number') data.operStatus = IF_STATUS[vb.value] ?? vb.value;
    }
    data.varbinds = msg.varbinds.map((vb) => this.renderVarbind(vb));
    return data;
  }

  private renderVarbind(vb: Varbind): Record<string, unknown> {
    let value: unknown = vb.value;
    if (Buffer.isBuffer(vb.value)) value = printable(vb.value) ?? `0x${vb.value.toString('hex')}`;
    else if (typeof vb.value === 'bigint') value = vb.value.toString();
    if (typeof value === 'string' && this.secrets.has(value)) value = '<redacted>';
    const name = this.namer.name(vb.oid);
    return name ? { oid: vb.oid, name, type: vb.type, value } : { oid: vb.oid, type: vb.type, value };
  }
}
