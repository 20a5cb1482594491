/**
 * `definePlugin`: one declaration gives a probe kind both the TypeScript type of its config and
 * its runtime JSON Schema (TypeBox), so a plugin never writes its schema twice.
 *
 * A probe is a cold `Observable<Observation>`: subscribing starts it, unsubscribing stops it and
 * frees every socket and timer. It must schedule all its timing on `ctx.scheduler` and take
 * `at` from `ctx.scheduler.now()`, so the test kit can run it in virtual time. Failures go
 * through `subscriber.error`; the host restarts the probe with backoff.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Logger } from 'pino';
import type { Observation } from './observation.js';
import type { SnmpClient } from './snmp/types.js';
import type { PollRequests } from './poll-requests.js';
import type { PortDirectory } from './port-directory.js';
import { VigieError } from './errors.js';

/** The SDK version this package provides; plugins declare a semver range against it. */
export const SDK_VERSION = '1.0.0';

/** Protocol clients shared by every probe of the daemon (pooled sockets, limits). */
export interface SharedClients {
  snmp: SnmpClient;
  /** Ask other probes to poll an entity now (e.g. after a trap); listen for such requests. */
  poll: PollRequests;
  /** Which port an ifIndex of a node is, published by the pollers, read by the trap receiver. */
  ports: PortDirectory;
}

export interface ProbeContext<C = unknown> {
  /** `<kind>/<name>`: unique among running probes. */
  id: string;
  kind: string;
  name: string;
  /** The validated target config (the same object `create` receives). */
  config: C;
  /** Poll interval in ms for this instance (from the instance config, else the kind's default). */
  intervalMs: number;
  /** A child logger bound to the plugin and the instance; secrets are redacted. */
  log: Logger;
  /** All timing goes through it: the daemon's is real time, the test kit's is virtual. */
  scheduler: SchedulerLike;
  clients: SharedClients;
}

export interface ProbeKind<S extends TSchema = TSchema> {
  /** One line for `vigie probe --help` and the docs. */
  description: string;
  /** The schema of `target`; also gives its TypeScript type. */
  configSchema: S;
  /** Interval used when the instance sets none. */
  defaultIntervalMs: number;
  /** Builds the cold observable of one instance. Must not start any I/O before subscription. */
  create(target: Static<S>, ctx: ProbeContext<Static<S>>): Observable<Observation>;
}

/**
 * A long-running service a plugin offers (a simulator, a collector that listens rather than
 * polls). Same contract as a probe: a cold observable, running while subscribed; it may emit
 * observations (events about itself) or none. The host starts services before probes, stops
 * them after, restarts them on error, and does not watch them for silence.
 */
export interface ServiceKind<S extends TSchema = TSchema> {
  description: string;
  configSchema: S;
  create(config: Static<S>, ctx: ProbeContext<Static<S>>): Observable<Observation>;
}

export interface Plugin {
  name: string;
  version: string;
  /** Semver range of the SDK this plugin was written against, e.g. `^1`. */
  sdk: string;
  probes: Record<string, ProbeKind<TSchema>>;
  services?: Record<string, ServiceKind<TSchema>>;
}

export interface PluginDeclaration<T extends Record<string, TSchema>, U extends Record<string, TSchema> = Record<string, never>> {
  name: string;
  version: string;
  sdk: string;
  probes: { [K in keyof T]: ProbeKind<T[K]> };
  services?: { [K in keyof U]: ServiceKind<U[K]> };
}

const KIND_NAME = /^[a-z][a-z0-9-]*$/;

/** Checks the declaration's shape and returns it typed as a `Plugin`. */
export function definePlugin<T extends Record<string, TSchema>, U extends Record<string, TSchema> = Record<string, never>>(
  decl: PluginDeclaration<T, U>,
): Plugin {
  if (!decl || typeof decl.name !== 'string' || !decl.name) {
    throw new VigieError('E_PLUGIN_INVALID', 'a plugin needs a name');
  }
  if (typeof decl.version !== 'string' || typeof decl.sdk !== 'string') {
    throw new VigieError('E_PLUGIN_INVALID', `plugin ${decl.name}: version and sdk must be strings`);
  }
  const entries = [...Object.entries(decl.probes ?? {}), ...Object.entries(decl.services ?? {})] as [string, ServiceKind][];
  for (const [kind, p] of entries) {
    if (!KIND_NAME.test(kind)) throw new VigieError('E_PLUGIN_INVALID', `plugin ${decl.name}: bad kind name "${kind}"`);
    if (typeof p?.create !== 'function' || !p.configSchema) {
      throw new VigieError('E_PLUGIN_INVALID', `plugin ${decl.name}: kind ${kind} needs configSchema and create()`);
    }
  }
  return decl as unknown as Plugin;
}

/** Declares one probe kind with its config type inferred from its schema. */
export function defineProbe<S extends TSchema>(kind: ProbeKind<S>): ProbeKind<S> {
  return kind;
}

/** Declares one service kind with its config type inferred from its schema. */
export function defineService<S extends TSchema>(kind: ServiceKind<S>): ServiceKind<S> {
  return kind;
}
