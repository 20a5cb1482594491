/**
 * `runProbe`: runs one probe instance in virtual time and records what it emits.
 *
 * It checks `target` against the kind's schema (filling schema defaults, as the daemon does;
 * an invalid target throws `VigieError('E_CONFIG')`), builds the `ProbeContext` the daemon would
 * (a silent logger unless one is given, `intervalMs` defaulting to the kind's, the clock as
 * scheduler, the given clients — by default a recorded SNMP client with no devices, so every
 * host times out) and subscribes. Nothing scheduled runs until the test moves time: `advance(0)`
 * runs what is due now (a `timer(0, …)` first poll and its zero-latency answers), `advance(ms)`
 * everything due up to `now + ms`. Then the test reads `observations` / `of(kind)`.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import pino, { type Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { VigieError } from '../errors.js';
import { createPollRequests } from '../poll-requests.js';
import { createPortDirectory } from '../port-directory.js';
import type { Observation } from '../observation.js';
import type { ProbeContext, ProbeKind, SharedClients } from '../plugin.js';
import { recordedSnmp } from './recorded-snmp.js';
import { VirtualClock } from './virtual-clock.js';

/** A running probe under test. */
export interface ProbeRun {
  clock: VirtualClock;
  /** Everything emitted so far, in order. */
  observations: Observation[];
  /** The error the probe failed with (a probe fails at most once; a throw from `create` lands here too). */
  errors: unknown[];
  /** True once the probe's observable completed. */
  completed: boolean;
  /** Moves virtual time forward by `ms`, running everything due. */
  advance(ms: number): void;
  /** Unsubscribes: the probe must release everything. */
  stop(): void;
  /** The observations of one kind, typed. */
  of<K extends Observation['kind']>(kind: K): Extract<Observation, { kind: K }>[];
}

export interface RunProbeOptions {
  clock?: VirtualClock;
  clients?: Partial<SharedClients>;
  intervalMs?: number;
  /** Instance name (default `test`); the context id is `test/<name>`. */
  name?: string;
  log?: Logger;
}

export function runProbe<S extends TSchema>(kind: ProbeKind<S>, target: Static<S>, opts: RunProbeOptions = {}): ProbeRun {
  const clock = opts.clock ?? new VirtualClock();
  const config = checkedTarget(kind.configSchema, target);
  const name = opts.name ?? 'test';
  const ctx: ProbeContext<Static<S>> = {
    id: `test/${name}`,
    kind: 'test',
    name,
    config,
    intervalMs: opts.intervalMs ?? kind.defaultIntervalMs,
    log: opts.log ?? pino({ level: 'silent' }),
    scheduler: clock,
    clients: { snmp: opts.clients?.snmp ?? recordedSnmp({}, clock), poll: opts.clients?.poll ?? createPollRequests(), ports: opts.clients?.ports ?? createPortDirectory(), ...opts.clients } as SharedClients,
  };
  const run: ProbeRun = {
    clock,
    observations: [],
    errors: [],
    completed: false,
    advance: (ms) => clock.advance(ms),
    stop: () => subscription?.unsubscribe(),
    of: <K extends Observation['kind']>(k: K) => run.observations.filter((o): o is Extract<Observation, { kind: K }> => o.kind === k),
  };
  let subscription: Subscription | undefined;
  try {
    subscription = kind.create(config, ctx).subscribe({
      next: (o) => run.observations.push(o),
      error: (e) => run.errors.push(e),
      complete: () => (run.completed = true),
    });
  } catch (e) {
    run.errors.push(e);
  }
  return run;
}

function checkedTarget<S extends TSchema>(schema: S, target: Static<S>): Static<S> {
  const value = Value.Default(schema, Value.Clone(target)) as Static<S>;
  if (!Value.Check(schema, value)) {
    const first = Value.Errors(schema, value).First();
    throw new VigieError('E_CONFIG', `runProbe: invalid target at ${first?.path || '/'}: ${first?.message ?? 'does not match the schema'}`, {
      path: first?.path,
    });
  }
  return value;
}
