/**
 * The daemon: wires config → registry → store → topology (restored) → server → services → probes,
 * and shuts down in the reverse order with a timeout per step:
 * probes → services → drain bus and correlation → flush store writes → close server → close store.
 */
import path from 'node:path';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import { VigieError, createPollRequests, createPortDirectory, type Plugin, type SharedClients } from '../plugins/sdk/index.js';
import { createSnmpClient } from '../plugins/sdk/snmp/net-snmp-client.js';
import { ObservationBus } from './bus/bus.js';
import { loadConfig, type KindSchemas } from './config/load.js';
import type { VigieConfig } from './config/schema.js';
import { Correlator } from './correlation/correlator.js';
import { discoveryInstances } from './discovery/daemon.js';
import { EventFeedBuffer } from './events/feed.js';
import { runInstances, type InstanceSpec } from './host/host.js';
import { PluginRegistry, REPO_ROOT } from './host/registry.js';
import { createLogger } from './log.js';
import { DaemonMetrics } from './metrics.js';
import { startServer } from './server/index.js';
import { openStore } from './store/index.js';
import type { Store } from './store/port.js';
import { StoreWriter } from './store/writer.js';
import { applyDeclaredTopology, applyTopologyObservation } from './topology/apply.js';
import { TopologyModel } from './topology/model.js';

export const VERSION = '0.1.0';
export const DEFAULT_CONFIG = path.join(REPO_ROOT, 'config', 'default.yaml');

export interface DaemonOptions {
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  scheduler?: SchedulerLike;
  /** Where logs go (default stdout). */
  logDestination?: NodeJS.WritableStream;
  /** Plugins given in code (tests), registered after the built-ins. */
  plugins?: Plugin[];
  /** Per shutdown step, ms (default 5000). */
  stepTimeoutMs?: number;
}

export interface Daemon {
  url: string;
  config: VigieConfig;
  log: Logger;
  topology: TopologyModel;
  metrics: DaemonMetrics;
  registry: PluginRegistry;
  store: Store;
  stop(): Promise<void>;
}

/** The kinds' schemas, as the config loader wants them. */
export function kindSchemas(registry: PluginRegistry): KindSchemas {
  const probes: KindSchemas['probes'] = {};
  const services: KindSchemas['services'] = {};
  for (const k of registry.probeKindNames) {
    const kind = registry.probeKind(k)!;
    probes[k] = { schema: kind.configSchema, defaultIntervalMs: kind.defaultIntervalMs };
  }
  for (const k of registry.serviceKindNames) services[k] = { schema: registry.serviceKind(k)!.configSchema };
  return { probes, services };
}

/** Loads built-ins, in-code plugins and the config's plugins, then the validated config. */
export async function loadDaemonConfig(file: string, opts: { env?: NodeJS.ProcessEnv; plugins?: Plugin[] } = {}) {
  const registry = new PluginRegistry();
  await registry.loadBuiltins();
  for (const p of opts.plugins ?? []) registry.register(p, 'inline');
  const { config } = await loadConfig(file, {
    env: opts.env ?? process.env,
    kinds: async (plugins, dir) => {
      for (const spec of plugins) await registry.loadPlugin(spec, dir);
      return kindSchemas(registry);
    },
  });
  return { registry, config };
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const file = path.resolve(opts.configFile ?? DEFAULT_CONFIG);
  const scheduler = opts.scheduler ?? asyncScheduler;
  const { registry, config } = await loadDaemonConfig(file, opts);
  const log = createLogger(config.log, opts.logDestination);
  const metrics = new DaemonMetrics();
  const started = Date.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const store = await openStore({ adapter: config.store.adapter, path: config.store.path, retentionMs: config.store.retentionMs }, log.child({ module: 'store' }));
    cleanups.push(() => store.close());

    const topology = new TopologyModel();
    const saved = await store.loadTopology();
    if (saved) topology.restore(saved);
    applyDeclaredTopology(topology, config.topology);
    topology.patches$.subscribe((p) => metrics.topologySeq.set(p.seq));

    const feed = new EventFeedBuffer();
    feed.seed((await store.events({ limit: 200 })).reverse());

    const writer = new StoreWriter(store, {
      scheduler, batchSize: config.store.batchSize, flushIntervalMs: config.store.flushIntervalMs, maxQueued: config.store.queueLimit,
      log: log.child({ module: 'store-writer' }), onWriteLatency: (s) => metrics.storeWrite.observe(s),
    });
    cleanups.push(() => writer.close());

    const perSource: Record<string, { down: number; up: number }> = {};
    const siteOf: Record<string, string> = {};
    for (const p of config.probes) {
      perSource[`${p.kind}/${p.name}`] = p.hysteresis; // the loader fills it from correlation.hysteresis
      if (p.site) siteOf[`${p.kind}/${p.name}`] = p.site;
    }
    const correlator = new Correlator(
      { defaults: config.correlation.hysteresis, perSource, onSuppressed: () => metrics.eventsSuppressed.inc() },
      {
        setState: (entity, state, at) => {
          topology.setState(entity, state, at);
          metrics.stateChanges.inc({ state });
        },
        event: (e) => writer.pushEvent(feed.publish(e)),
      },
    );

    const busLog = log.child({ module: 'bus' });
    const bus = new ObservationBus(
      {
        bufferLimit: config.bus.bufferLimit, scheduler,
        onDrop: (kind) => metrics.busDropped.inc({ kind }),
        onRouted: (kind) => metrics.observations.inc({ kind }),
        onSinkError: (err, o) => busLog.error({ err, entity: o.entity, kind: o.kind }, 'an observation could not be routed'),
      },
      {
        metric: (o) => {
          writer.pushSample({ entity: o.entity, metric: o.name, at: o.at, value: o.value });
          topology.setRate(o.entity, o.name, o.value);
        },
        state: (o) => correlator.observe(o),
        event: (o) => correlator.event(o),
        topology: (o) => applyTopologyObservation(topology, o, { site: o.source ? siteOf[o.source] : undefined }),
      },
    );

    const server = await startServer(
      { host: config.server.host, port: config.server.port, webRoot: config.server.web ? path.join(REPO_ROOT, 'web', 'dist') : false },
      {
        topology, events: feed, store, registry: metrics.registry, log: log.child({ module: 'server' }),
        health: () => ({
          version: VERSION, started: new Date(started).toISOString(), probes: config.probes.length, services: config.services.length,
          topology: { seq: topology.currentSeq, ...topology.counts }, bus: bus.stats(), store: { adapter: store.name, ...writer.stats() },
        }),
      },
    );
    cleanups.push(() => server.close());

    const snmp = createSnmpClient({ log: log.child({ module: 'snmp' }) });
    cleanups.push(() => snmp.close());
    const clients: SharedClients = { snmp, poll: createPollRequests(), ports: createPortDirectory() };
    const hostDeps = { registry, clients, scheduler, log, metrics };
    // Discovery (core/discovery/): a periodic LLDP/CDP crawl as an internal service, when `discovery:` is configured (checked here, before anything runs).
    const discovery$ = discoveryInstances(config.discovery, hostDeps);
    const spec = (kind: string, name: string, cfg: unknown, intervalMs?: number, enabled?: boolean): InstanceSpec => ({ kind, name, config: cfg, intervalMs, enabled });
    const services: Subscription = bus.attach(runInstances('service', config.services.map((s) => spec(s.kind, s.name, s.config)), hostDeps));
    const probes: Subscription = bus.attach(runInstances('probe', config.probes.map((p) => spec(p.kind, p.name, p.target, p.intervalMs, p.enabled)), hostDeps));
    const discovery: Subscription | undefined = discovery$ && bus.attach(discovery$);

    let savedSeq = saved?.seq ?? -1;
    const saveTopology = async () => {
      if (topology.currentSeq === savedSeq) return;
      const snap = topology.snapshot();
      await store.saveTopology(snap);
      savedSeq = snap.seq;
    };
    const saver = scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
      saveTopology().catch((err) => log.warn({ err }, 'topology save failed; will retry'));
      this.schedule(undefined, 10_000);
    }, 10_000);
    const gauges = scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
      const w = writer.stats();
      metrics.storeQueue.set({ type: 'samples' }, w.queuedSamples);
      metrics.storeQueue.set({ type: 'events' }, w.queuedEvents);
      metrics.storeDropped.set({ type: 'samples' }, w.droppedSamples);
      metrics.storeDropped.set({ type: 'events' }, w.droppedEvents);
      metrics.busQueue.set(bus.stats().queued);
      this.schedule(undefined, 5000);
    }, 0);

    log.info({ url: server.url, config: file, probes: config.probes.length, services: config.services.length }, 'vigie started');

    let stopping: Promise<void> | undefined;
    const stepTimeout = opts.stepTimeoutMs ?? 5000;
    const stop = () => (stopping ??= (async () => {
      const step = async (name: string, fn: () => Promise<void> | void) => {
        try {
          await withTimeout(Promise.resolve().then(fn), stepTimeout, name);
        } catch (err) {
          log.error({ err, step: name }, 'shutdown step failed');
        }
      };
      saver.unsubscribe();
      gauges.unsubscribe();
      await step('stop probes', () => probes.unsubscribe());
      await step('stop discovery', () => discovery?.unsubscribe());
      await step('stop services', () => services.unsubscribe());
      await step('drain correlation', () => bus.drain());
      await step('flush store', async () => {
        await writer.flush();
        await saveTopology();
      });
      await step('close server', () => server.close());
      await step('close clients', () => snmp.close());
      writer.close();
      await step('close store', () => store.close());
      feed.complete();
      log.info('vigie stopped');
      log.flush?.();
    })());

    return { url: server.url, config, log, topology, metrics, registry, store, stop };
  } catch (err) {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => {});
    throw err;
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VigieError('E_SHUTDOWN_TIMEOUT', `${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
