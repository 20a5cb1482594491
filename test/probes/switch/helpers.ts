/**
 * Shared helpers of the switch kind's tests: run it in virtual time over recordings, spy on or
 * filter what the SNMP client answers, and pick observations apart.
 */
import { map } from 'rxjs';
import plugin from '../../../probes/switch/index.js';
import { recordedSnmp, runProbe, VirtualClock, type ProbeRun, type RecordedSnmpClient, type RecordedSnmpOptions } from '../../../plugins/sdk/testkit/index.js';
import type { Recording } from '../../../plugins/sdk/snmp/snmprec.js';
import type { SwitchTarget } from '../../../plugins/sdk/snmp/device/switch-poll.js';
import type { Observation, PollRequests, SnmpClient, SnmpSession, Varbind } from '../../../plugins/sdk/index.js';

export const kind = plugin.probes['switch'];
export const MINUTE = 60_000;

export interface SwitchRun extends ProbeRun {
  snmp: RecordedSnmpClient;
}

/** Runs the switch kind on `devices` (key → recording) against `host`, polls at 0 (answers after `latencyMs`, default 5). */
export function runSwitch(
  devices: Record<string, string | Recording>,
  target: Partial<SwitchTarget> & { host: string },
  opts: { name?: string; clock?: VirtualClock; snmp?: RecordedSnmpClient; client?: SnmpClient; snmpOpts?: RecordedSnmpOptions; poll?: PollRequests; intervalMs?: number } = {},
): SwitchRun {
  const clock = opts.clock ?? new VirtualClock();
  const snmp = opts.snmp ?? recordedSnmp(devices, clock, { latencyMs: 5, ...opts.snmpOpts });
  const clients = { snmp: opts.client ?? snmp, ...(opts.poll ? { poll: opts.poll } : {}) };
  const run = runProbe(kind, target as SwitchTarget, { clock, clients, name: opts.name ?? 'sw', intervalMs: opts.intervalMs ?? MINUTE });
  return Object.assign(run, { snmp });
}

/** Observations made in `[from, to)` of virtual time (epoch ms). */
export function between(obs: Observation[], from: number, to: number): Observation[] {
  return obs.filter((o) => o.at >= from && o.at < to);
}

export function metrics(obs: Observation[], name?: string): Extract<Observation, { kind: 'metric' }>[] {
  return obs.filter((o): o is Extract<Observation, { kind: 'metric' }> => o.kind === 'metric' && (name === undefined || o.name === name));
}

export function topo<E extends 'node' | 'port' | 'link' | 'gone'>(obs: Observation[], element: E): Extract<Observation, { kind: 'topology'; element: E }>[] {
  return obs.filter((o): o is Extract<Observation, { kind: 'topology'; element: E }> => o.kind === 'topology' && o.element === element);
}

/** The last facts emitted for each port entity. */
export function lastPorts(obs: Observation[]): Map<string, Extract<Observation, { element: 'port' }>['port']> {
  const out = new Map<string, Extract<Observation, { element: 'port' }>['port']>();
  for (const o of topo(obs, 'port')) out.set(o.entity, o.port);
  return out;
}

/** What a client was asked: GET OIDs and walk roots. */
export interface Spy {
  gets: string[][];
  walks: string[];
}

/**
 * Wraps a client: records requests, and hides every varbind `hide(oid)` selects (as if the agent
 * did not have it: GETs answer noSuchInstance, walks skip it).
 */
export function spyClient(inner: SnmpClient, spy: Spy, hide: (oid: string) => boolean = () => false): SnmpClient {
  const wrap = (s: SnmpSession): SnmpSession => ({
    get: (oids) => {
      spy.gets.push(oids);
      return s.get(oids).pipe(map((vbs) => vbs.map((vb): Varbind => (hide(vb.oid) ? { oid: vb.oid, type: 'NoSuchInstance', value: null } : vb))));
    },
    walk: (root, o) => {
      spy.walks.push(root);
      return s.walk(root, o).pipe(map((vbs) => vbs.filter((vb) => !hide(vb.oid))));
    },
  });
  return { session: (t) => wrap(inner.session(t)), close: () => inner.close() };
}
