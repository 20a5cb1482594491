/**
 * Observations: the only thing a probe emits. Every observation names the entity it is about
 * (a stable id from `entity.ts`) and the time it was made (`at`, epoch milliseconds, taken from
 * the probe's scheduler so tests run in virtual time).
 */

/** Stable entity id: `node:<identity>`, `port:<node>/<ifName>`, `link:<a>--<b>`, `trunk:<name>`, ... */
export type EntityId = string;

export type Severity = 'info' | 'warning' | 'minor' | 'major' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'minor', 'major', 'critical'];

/** Raw state seen by one check; the correlator turns raw states into confirmed ones (hysteresis). */
export type RawState = 'up' | 'down' | 'degraded' | 'unknown';
/** Confirmed state as shown on the map. `unreachable` and `maintenance` are set by correlation. */
export type EntityState = RawState | 'unreachable' | 'maintenance';

export type NodeKind = 'switch' | 'router' | 'server' | 'trunk' | 'room' | 'database' | 'ups' | 'unknown';

interface Base {
  /** Epoch milliseconds. */
  at: number;
  entity: EntityId;
  /** Set by the bus: the probe instance that produced it (`<kind>/<name>`). Probes leave it out. */
  source?: string;
}

/** A numeric sample. Counters are turned into rates by the probe (see `rate.ts`) before emitting. */
export interface MetricObservation extends Base {
  kind: 'metric';
  /** Dotted name, unit last where useful: `if.in.bps`, `snmp.rtt_ms`, `sys.uptime_s`. */
  name: string;
  value: number;
}

/** The raw outcome of one check of an entity. */
export interface StateObservation extends Base {
  kind: 'state';
  state: RawState;
  /** Human-readable cause, e.g. `timeout after 2000 ms`. */
  reason?: string;
}

/** Something that happened once: a trap, a reboot, a SIP failure, a call report. */
export interface EventObservation extends Base {
  kind: 'event';
  /** Machine name of the event: `reboot`, `probe-failed`, `state-change`, `linkDown`, ... */
  type: string;
  severity: Severity;
  message: string;
  data?: Record<string, unknown>;
}

/** Facts about a node (device, trunk, room, database member). Merged into what is known. */
export interface NodeFacts {
  name: string;
  kind: NodeKind;
  site?: string;
  /** Management address, informational only: never part of the id. */
  address?: string;
  attrs?: Record<string, unknown>;
}

export interface PortFacts {
  node: EntityId;
  name: string;
  attrs?: Record<string, unknown>;
}

export interface LinkEnd {
  node: EntityId;
  port?: EntityId;
}

export interface LinkFacts {
  a: LinkEnd;
  b: LinkEnd;
  attrs?: Record<string, unknown>;
}

export type TopologyObservation = Base & { kind: 'topology' } & (
  | { element: 'node'; node: NodeFacts }
  | { element: 'port'; port: PortFacts }
  | { element: 'link'; link: LinkFacts }
  /** The entity (node, port or link) no longer exists. */
  | { element: 'gone' }
);

export type Observation = MetricObservation | StateObservation | EventObservation | TopologyObservation;
export type ObservationKind = Observation['kind'];
