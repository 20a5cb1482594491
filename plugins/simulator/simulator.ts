/**
 * `startSimulator`: simulated SNMP v1/v2c agents on a loopback address, one UDP port per device,
 * for a generated site (see site.ts) and/or `.snmprec` recordings. Generated switches come first,
 * then generated routers, then recordings in config order; with `basePort` > 0 device k listens
 * on `basePort + k`.
 *
 * Values follow `now` (default `Date.now`): sysUpTime and interface traffic counters advance
 * from the moment the simulator starts, and so do a generated router's BGP sessions, CPU,
 * memory and route count (router-live.ts). While it runs a device can be set down (`setDown`)
 * and a port taken down or up (`setPortOper`, port-control.ts). `stop()` closes every socket
 * and resolves once they are released; it may be called more than once.
 *
 * Simulated SIP trunks (`sipTrunks`, see sip/) start after the SNMP agents, on the same host:
 * each an OPTIONS/REGISTER responder, plus fabricated calls mirrored to its collectors, timed
 * on `scheduler` (default: rxjs' asyncScheduler, i.e. real time).
 */
import type { Logger } from 'pino';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { vbString, VigieError, SNMPv2_MIB } from '../sdk/index.js';
import { loadSnmprec, type Recording } from '../sdk/snmp/snmprec.js';
import { liveModel } from '../sdk/testkit/live.js';
import { startAgent, type RunningAgent } from './agent.js';
import { resolveConfig, type SimulatorConfig } from './config.js';
import { controllablePorts, type ControllablePorts, type PortOper } from './port-control.js';
import { dynamicLive, type DynamicValues } from './router-live.js';
import { generateSite, type SiteLink } from './site.js';
import { startSipTrunk, type PublicSipTrunk, type RunningSipTrunk } from './sip/sip-trunks.js';

export interface SimulatedDevice {
  /** Unique name: the generated device's name (`sim-sw-01`, `sim-rtr-01`) or the recording's name. */
  name: string;
  /** `switch` or `router` for generated devices, `recording` for a replayed one. */
  kind: 'switch' | 'router' | 'recording';
  /** What the device answers for sysName.0 (the name when the recording has none). */
  sysName: string;
  host: string;
  port: number;
  /** The community it accepts: a secret, keep it out of logs and API answers. */
  community: string;
  /** Its LLDP neighbours (generated devices only; recordings have none to the simulated site). */
  links: SiteLink[];
}

export interface RunningSimulator {
  devices: SimulatedDevice[];
  /** The simulated SIP trunks, in config order (empty unless `sipTrunks` is configured). */
  sipTrunks: RunningSipTrunk[];
  /** A device (or SIP trunk) set down stops answering (requests time out) until set up again. Throws on an unknown name. */
  setDown(name: string, down: boolean): void;
  /**
   * Sets one port's ifOperStatus from now on (its ifLastChange follows, its counters stand still
   * while down; see port-control.ts). Sends no trap: that is `sendTrap`'s job. Throws `E_CONFIG`
   * on an unknown device name or ifIndex.
   */
  setPortOper(name: string, ifIndex: number, oper: PortOper): void;
  stop(): Promise<void>;
}

interface Planned {
  name: string;
  kind: SimulatedDevice['kind'];
  recording: Recording;
  links: SiteLink[];
  dynamic?: DynamicValues;
}

export async function startSimulator(
  config: Partial<SimulatorConfig>,
  log: Logger,
  now: () => number = Date.now,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<RunningSimulator> {
  const cfg = resolveConfig(config);
  const planned: Planned[] = cfg.site ? generateSite(cfg.site) : [];
  for (const r of cfg.recordings) planned.push({ name: r.name, kind: 'recording', recording: loadSnmprec(r.path), links: [] });

  const names = new Set<string>();
  for (const p of planned) {
    if (names.has(p.name)) throw new VigieError('E_CONFIG', `simulator: two devices are named ${p.name}; give the recordings distinct names`);
    names.add(p.name);
  }
  for (const t of cfg.sipTrunks) {
    if (names.has(t.name)) throw new VigieError('E_CONFIG', `simulator: the SIP trunk ${t.name} has the name of a device; rename it`);
  }
  if (cfg.basePort > 0 && cfg.basePort + planned.length - 1 > 65535) {
    throw new VigieError('E_CONFIG', `simulator: ${planned.length} devices from port ${cfg.basePort} go past 65535`);
  }

  const startedAt = now();
  const agents: RunningAgent[] = [];
  const ports: ControllablePorts[] = [];
  const trunks: RunningSipTrunk[] = [];
  const stopAll = () => Promise.all([...agents.map((a) => a.close()), ...trunks.map((t) => t.stop())]).then(() => undefined);
  try {
    for (let k = 0; k < planned.length; k++) {
      const p = planned[k];
      const base = liveModel(p.recording, cfg.site?.seed ?? 0);
      const control = controllablePorts(p.recording, p.dynamic ? dynamicLive(base, p.dynamic) : base);
      ports.push(control);
      agents.push(
        await startAgent({
          host: cfg.host,
          port: cfg.basePort > 0 ? cfg.basePort + k : 0,
          community: cfg.community,
          recording: p.recording,
          live: control.live,
          now,
          startedAt,
          log,
        }),
      );
    }
    const trunkStart = scheduler.now();
    for (const t of cfg.sipTrunks) trunks.push(await startSipTrunk(t, { host: cfg.host, log, scheduler, startedAt: trunkStart }));
  } catch (err) {
    await stopAll();
    throw err;
  }

  const devices: SimulatedDevice[] = planned.map((p, k) => ({
    name: p.name,
    kind: p.kind,
    sysName: vbString(p.recording.get(SNMPv2_MIB.sysName)) || p.name,
    host: cfg.host,
    port: agents[k].port,
    community: cfg.community,
    links: p.links,
  }));
  const byName = new Map(devices.map((d, k) => [d.name, agents[k]]));
  const portsOf = new Map(devices.map((d, k) => [d.name, ports[k]]));
  if (devices.length > 0) log.info(
    { devices: devices.length, host: cfg.host, ports: devices.length <= 20 ? devices.map((d) => d.port) : `${devices[0].port}…${devices[devices.length - 1].port}` },
    'SNMP simulator started',
  );

  let stopping: Promise<void> | undefined;
  const trunkByName = new Map(trunks.map((t) => [t.info.name, t]));
  return {
    devices,
    sipTrunks: trunks,
    setDown(name, down) {
      const agent = byName.get(name) ?? trunkByName.get(name)?.responder;
      if (!agent) throw new VigieError('E_CONFIG', `simulator: no device named ${name}`);
      agent.down = down;
      log.info({ device: name, down }, 'simulator: device state changed');
    },
    setPortOper(name, ifIndex, oper) {
      const control = portsOf.get(name);
      if (!control) throw new VigieError('E_CONFIG', `simulator: no device named ${name}`);
      control.setOper(ifIndex, oper, now() - startedAt);
      log.info({ device: name, ifIndex, oper }, 'simulator: port state changed');
    },
    stop() {
      stopping ??= stopAll().then(() => log.info('simulator stopped'));
      return stopping;
    },
  };
}

/** The simulated devices without their community: what may be shown or logged. */
export function publicDevices(running: RunningSimulator): Omit<SimulatedDevice, 'community'>[] {
  return running.devices.map(({ community: _c, ...rest }) => rest);
}

/** The simulated SIP trunks without their secrets: what may be shown or logged. */
export function publicSipTrunks(running: RunningSimulator): PublicSipTrunk[] {
  return running.sipTrunks.map((t) => ({ ...t.info }));
}

/** Every cable of the generated site once, by sysName and ifName, ends in name order. */
export function siteLinks(running: RunningSimulator): { a: { node: string; port: string }; b: { node: string; port: string } }[] {
  const seen = new Set<string>();
  const out: { a: { node: string; port: string }; b: { node: string; port: string } }[] = [];
  const sysNameOf = new Map(running.devices.map((d) => [d.name, d.sysName]));
  for (const d of running.devices) {
    for (const l of d.links) {
      const x = { node: d.sysName, port: l.localPort };
      const y = { node: sysNameOf.get(l.remote) ?? l.remote, port: l.remotePort };
      const [a, b] = `${x.node}/${x.port}` <= `${y.node}/${y.port}` ? [x, y] : [y, x];
      const key = `${a.node}/${a.port}|${b.node}/${b.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ a, b });
    }
  }
  return out;
}
