/**
 * The host turns configured instances into running, supervised observables. Each instance gets
 * its own context (child logger, the shared clients, the scheduler) and its own supervisor, so a
 * failing instance is restarted without touching the others.
 */
import { merge, type Observable, type SchedulerLike } from 'rxjs';
import type { Logger } from 'pino';
import { VigieError, type Observation, type ProbeContext, type SharedClients } from '../../plugins/sdk/index.js';
import type { DaemonMetrics } from '../metrics.js';
import type { PluginRegistry } from './registry.js';
import { supervise } from './supervisor.js';

/** One configured instance (validated by the config loader against its kind's schema). */
export interface InstanceSpec {
  kind: string;
  name: string;
  /** The kind's config (`target` of a probe, `config` of a service). */
  config: unknown;
  /** Probes only. */
  intervalMs?: number;
  enabled?: boolean;
}

export interface HostDeps {
  registry: PluginRegistry;
  clients: SharedClients;
  scheduler: SchedulerLike;
  log: Logger;
  metrics?: DaemonMetrics;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Every enabled instance of one role, merged; never errors (each instance is supervised). */
export function runInstances(role: 'probe' | 'service', specs: InstanceSpec[], deps: HostDeps): Observable<Observation> {
  const streams = specs.filter((s) => s.enabled !== false).map((spec) => {
    const kind = role === 'probe' ? deps.registry.probeKind(spec.kind) : deps.registry.serviceKind(spec.kind);
    if (!kind) throw new VigieError('E_PROBE_KIND', `no loaded plugin provides the ${role} kind ${spec.kind}`, { kind: spec.kind });
    const id = `${spec.kind}/${spec.name}`;
    const intervalMs = role === 'probe' ? spec.intervalMs ?? deps.registry.probeKind(spec.kind)!.defaultIntervalMs : 0;
    const ctx: ProbeContext<unknown> = {
      id,
      kind: spec.kind,
      name: spec.name,
      config: spec.config,
      intervalMs,
      log: deps.log.child({ plugin: deps.registry.pluginOf(spec.kind), [role]: id }),
      scheduler: deps.scheduler,
      clients: deps.clients,
    };
    const m = deps.metrics;
    return supervise(
      { id, create: () => kind.create(spec.config as never, ctx as never), intervalMs: role === 'probe' ? intervalMs : undefined },
      {
        scheduler: deps.scheduler,
        initialBackoffMs: deps.initialBackoffMs,
        maxBackoffMs: deps.maxBackoffMs,
        hooks: {
          onRunning: (pid, running) => m?.probeUp.set({ probe: pid }, running ? 1 : 0),
          onRestart: (pid, err) => {
            m?.probeRestarts.inc({ probe: pid });
            ctx.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'instance failed; restarting with backoff');
          },
          onStalled: (pid, stalled) => m?.probeStalled.set({ probe: pid }, stalled ? 1 : 0),
        },
      },
    );
  });
  return merge(...streams);
}
