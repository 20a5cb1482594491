/**
 * The daemon's Prometheus metrics. One registry per daemon (tests start several daemons in one
 * process), so nothing here is global.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly observations = new Counter({ name: 'vigie_observations_total', help: 'Observations received from probes, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly busDropped = new Counter({ name: 'vigie_bus_dropped_total', help: 'Observations dropped because the bus buffer was full, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly busQueue = new Gauge({ name: 'vigie_bus_queue', help: 'Observations waiting in the bus buffer', registers: [this.registry] });
  readonly probeUp = new Gauge({ name: 'vigie_probe_running', help: '1 when a probe instance runs, 0 while it waits to restart', labelNames: ['probe'], registers: [this.registry] });
  readonly probeStalled = new Gauge({ name: 'vigie_probe_stalled', help: '1 while a probe instance has been silent for 3 of its intervals', labelNames: ['probe'], registers: [this.registry] });
  readonly probeRestarts = new Counter({ name: 'vigie_probe_restarts_total', help: 'Restarts of a probe instance after an error', labelNames: ['probe'], registers: [this.registry] });
  readonly storeWrite = new Histogram({ name: 'vigie_store_write_seconds', help: 'Latency of one batched store write', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] });
  readonly storeQueue = new Gauge({ name: 'vigie_store_queue', help: 'Samples and events waiting to be written', labelNames: ['type'], registers: [this.registry] });
  readonly storeDropped = new Gauge({ name: 'vigie_store_dropped', help: 'Samples and events dropped by the store writer since start', labelNames: ['type'], registers: [this.registry] });
  readonly stateChanges = new Counter({ name: 'vigie_state_changes_total', help: 'Confirmed state changes, by new state', labelNames: ['state'], registers: [this.registry] });
  readonly eventsSuppressed = new Counter({ name: 'vigie_events_deduplicated_total', help: 'Repeated events suppressed by de-duplication', registers: [this.registry] });
  readonly topologySeq = new Gauge({ name: 'vigie_topology_seq', help: 'Sequence number of the topology model', registers: [this.registry] });
  readonly uncaught = new Counter({ name: 'vigie_uncaught_errors_total', help: 'Errors that escaped every handler and were contained', registers: [this.registry] });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'vigie_process_' });
  }
}
