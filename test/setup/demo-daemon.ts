/**
 * The demo (config/default.yaml) for browser tests: the simulator's site started in this process
 * (so a test can stop one device with `sim.setDown(name, true)` and bring it back), and the daemon
 * started in this process from a temp copy of the default config whose probes point at the
 * simulator's ports (all free ones, the HTTP server's too), with a faster poll than the demo's
 * so states change within seconds (the demo's simulated SIP trunk and its collectors included, on
 * free ports). The simulator service is left out of that copy (it runs here);
 * the probes, their sites, the correlation settings and the declared links are the demo's.
 *
 * Contract: `startDemoDaemon()` resolves once the daemon listens; `stop()` stops the daemon, then
 * the simulator, then removes the temp folder, and may be called more than once.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parse } from 'yaml';
import { startDaemon, DEFAULT_CONFIG, type Daemon } from '../../core/daemon.js';
import { startSimulator, type RunningSimulator, type SiteSpec } from '../../plugins/simulator/index.js';
import { writeTempConfig } from './temp-config.js';
import { freeUdpPort } from './free-port.js';

interface ProbeEntry { kind: string; name: string; interval?: string; target: Record<string, unknown>; [k: string]: unknown }
interface DemoConfig {
  services: { kind: string; config: { basePort: number; site: SiteSpec; recordings: { file: string; name?: string }[]; sipTrunks?: Record<string, unknown>[] } }[];
  probes: ProbeEntry[];
  correlation?: unknown;
  topology?: unknown;
}

export interface DemoDaemonOptions {
  /** Poll interval of every SNMP probe (default `2s`; the demo's is 5 s). */
  interval?: string;
  /** SNMP timeout per request, ms (default 400, no retry), so a stopped device is seen fast. */
  timeoutMs?: number;
  /**
   * Recordings added to the demo's, each polled by a probe of `kind` named `name` (the demo's own
   * devices have no serial number; a test of serial search adds a recording that has one).
   */
  extra?: { file: string; kind: 'switch' | 'router' | 'snmp-system'; name: string }[];
}

export interface DemoDaemon {
  /** `http://127.0.0.1:<port>` */
  url: string;
  daemon: Daemon;
  sim: RunningSimulator;
  /** The daemon's log (last 20 kB), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}


export async function startDemoDaemon(opts: DemoDaemonOptions = {}): Promise<DemoDaemon> {
  const demo = parse(readFileSync(DEFAULT_CONFIG, 'utf8')) as DemoConfig;
  const simConfig = demo.services.find((s) => s.kind === 'simulator')!.config;
  // Bare recording names resolve as the demo's do (plugins/simulator/recordings).
  const extra = opts.extra ?? [];
  const recordings = [...simConfig.recordings, ...extra.map((e) => ({ file: e.file, name: e.name }))];
  // The demo's SIP trunk too, on a free port, its calls mirrored to the collectors' free ports.
  const [hepPort, xrPort] = [await freeUdpPort(), await freeUdpPort()];
  // (calls come 10× faster than the demo's, so a test sees some end within seconds)
  const sipTrunks = (simConfig.sipTrunks ?? []).map((t) => ({ ...t, port: 0, hep: `127.0.0.1:${hepPort}`, rtcpXr: `127.0.0.1:${xrPort}`, callsPerMinute: 60 }));
  const sim = await startSimulator({ host: '127.0.0.1', basePort: 0, site: simConfig.site, recordings, sipTrunks } as Parameters<typeof startSimulator>[0], pino({ level: 'silent' }));
  const trunk = sim.sipTrunks[0]?.info;
  let logs = '';
  const sink = new Writable({
    write: (chunk, _e, cb) => {
      logs = (logs + String(chunk)).slice(-20_000);
      cb();
    },
  });
  let daemon: Daemon | undefined;
  let cleanup = (): void => undefined;
  try {
    const trapPort = await freeUdpPort();
    // Device k of the simulator is the one the demo put on basePort + k.
    const site = demo.probes.find((p) => typeof p.site === 'string')?.site;
    const extraProbes: ProbeEntry[] = extra.map((e) => ({ kind: e.kind, name: e.name, site, target: { port: simConfig.basePort + sim.devices.findIndex((d) => d.name === e.name), identity: e.name } }));
    const probes = [...demo.probes, ...extraProbes].map((p) => {
      if (p.kind === 'snmp-trap') return { ...p, target: { ...p.target, port: trapPort } };
      if (p.kind === 'sip-trunk') return { ...p, interval: opts.interval ?? '2s', target: { ...p.target, uri: `sip:127.0.0.1:${trunk!.port}` } };
      if (p.kind === 'sip-hep') return { ...p, interval: opts.interval ?? '2s', target: { ...p.target, listen: `127.0.0.1:${hepPort}`, trunks: [{ name: trunk!.name, addresses: [`127.0.0.1:${trunk!.port}`] }] } };
      if (p.kind === 'sip-rtcpxr') return { ...p, interval: opts.interval ?? '2s', target: { ...p.target, listen: `127.0.0.1:${xrPort}` } };
      const device = sim.devices[(p.target.port as number) - simConfig.basePort];
      if (!device) throw new Error(`demo probe ${p.name}: no simulated device on port ${String(p.target.port)}`);
      return {
        ...p,
        interval: opts.interval ?? '2s',
        target: { ...p.target, host: device.host, port: device.port, community: device.community, timeoutMs: opts.timeoutMs ?? 400, retries: 0 },
      };
    });
    const temp = writeTempConfig({ correlation: demo.correlation, topology: demo.topology, probes, log: { level: 'info' } });
    cleanup = temp.cleanup;
    daemon = await startDaemon({ configFile: temp.file, logDestination: sink });
  } catch (err) {
    await sim.stop();
    cleanup();
    throw err;
  }
  const running = daemon;
  let stopping: Promise<void> | undefined;
  return {
    url: running.url,
    daemon: running,
    sim,
    logs: () => logs,
    stop() {
      stopping ??= (async () => {
        try {
          await running.stop();
        } finally {
          await sim.stop();
          cleanup();
        }
      })();
      return stopping;
    },
  };
}
