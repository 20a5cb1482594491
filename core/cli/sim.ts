/**
 * `vigie sim`: the device simulator alone, loaded through the plugin registry like any plugin,
 * until Ctrl-C. Prints the agents it serves so `snmpget`/`vigie probe` can be pointed at them.
 *
 * `vigie sim --trap TYPE --to HOST:PORT`: sends one trap (or INFORM) with the simulator's
 * `sendTrap` and exits: 0 once sent (an INFORM: once acknowledged), 1 when it failed, 2 on bad
 * options. The destination must be a loopback address.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncScheduler } from 'rxjs';
import { createPollRequests, createPortDirectory } from '../../plugins/sdk/index.js';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { validateValue } from '../config/load.js';
import { runInstances } from '../host/host.js';
import { PluginRegistry, REPO_ROOT } from '../host/registry.js';
import { createLogger } from '../log.js';
import { printStartError } from './start.js';
import type { SendTrapOptions } from '../../plugins/simulator/traps.js';

export interface SimOptions {
  switches: string;
  ports: string;
  routers: string;
  basePort: string;
  host: string;
  community: string;
  recording?: string[];
  trap?: string;
  to?: string;
  ifIndex?: string;
  ifName?: string;
  snmpVersion?: string;
  inform?: boolean;
  agentAddress?: string;
  v3User?: string;
  v3AuthKey?: string;
  v3PrivKey?: string;
}

/** `HOST:PORT`, `[v6]:PORT` or `HOST` (port 162). */
export function parseTrapDestination(to: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(to) ?? /^([^:]+)(?::(\d+))?$/.exec(to) ?? (to.includes(':') ? [to, to, undefined] : null);
  const port = Number(m?.[2] ?? 162);
  if (!m || !m[1] || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--to ${to}: expected HOST:PORT`);
  return { host: m[1], port };
}

/** `vigie sim --trap`: one trap, then the exit code. */
export async function runSimTrap(o: SimOptions): Promise<number> {
  // The simulator is a plugin: its trap sender is loaded from its folder, like the service is.
  const { sendTrap, TRAP_TYPES } = (await import(pathToFileURL(path.join(REPO_ROOT, 'plugins', 'simulator', 'traps.ts')).href)) as typeof import('../../plugins/simulator/traps.js');
  let opts: SendTrapOptions;
  try {
    const type = o.trap as SendTrapOptions['type'];
    if (!TRAP_TYPES.includes(type)) throw new Error(`--trap ${o.trap}: one of ${TRAP_TYPES.join(', ')}`);
    const version = (o.snmpVersion ?? (o.v3User ? '3' : '2c')) as SendTrapOptions['version'];
    if (!['1', '2c', '3'].includes(version)) throw new Error(`--snmp-version ${o.snmpVersion}: one of 1, 2c, 3`);
    const ifIndex = o.ifIndex === undefined ? undefined : Number(o.ifIndex);
    if (ifIndex !== undefined && !(Number.isInteger(ifIndex) && ifIndex > 0)) throw new Error(`--if-index ${o.ifIndex}: a positive integer`);
    if (version === '3' && !o.v3User) throw new Error('SNMPv3 needs --v3-user');
    const level = o.v3PrivKey ? 'authPriv' : o.v3AuthKey ? 'authNoPriv' : 'noAuthNoPriv';
    opts = {
      ...parseTrapDestination(o.to ?? '127.0.0.1:162'),
      version,
      type,
      community: o.community,
      ifIndex,
      ifName: o.ifName,
      inform: o.inform,
      agentAddress: o.agentAddress,
      ...(version === '3' ? { v3: { user: o.v3User!, level, authKey: o.v3AuthKey, privKey: o.v3PrivKey } as const } : {}),
    };
  } catch (e) {
    process.stderr.write(`vigie sim: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    await sendTrap(opts);
    const what = opts.inform ? 'INFORM acknowledged' : 'trap sent';
    process.stdout.write(`${what}: ${opts.type}${opts.ifIndex ? ` ifIndex ${opts.ifIndex}` : ''} (SNMP v${opts.version}) to udp:${opts.host}:${opts.port}\n`);
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    process.stderr.write(`vigie sim: ${(e as Error).message}\n`);
    return code === 'E_CONFIG' ? 2 : 1;
  }
}

export async function runSim(o: SimOptions): Promise<void> {
  const log = createLogger({ level: 'info', pretty: 'auto' });
  const registry = new PluginRegistry();
  await registry.loadPlugin(path.join(REPO_ROOT, 'plugins', 'simulator'), REPO_ROOT);
  const kind = registry.serviceKind('simulator')!;
  const config = {
    host: o.host,
    basePort: Number(o.basePort),
    community: o.community,
    site: { switches: Number(o.switches), portsPerSwitch: Number(o.ports), routers: Number(o.routers) },
    ...(o.recording?.length ? { recordings: o.recording.map((file) => ({ file })) } : {}),
  };
  const errors = validateValue(kind.configSchema, config, { file: 'vigie sim', basePath: 'config' });
  if (errors.length) {
    printStartError({ name: 'VigieError', code: 'E_CONFIG', message: 'invalid simulator options', details: { errors } });
    process.exit(2);
  }
  const snmp = createSnmpClient({ log });
  const sub = runInstances('service', [{ kind: 'simulator', name: 'cli', config }], {
    registry, clients: { snmp, poll: createPollRequests(), ports: createPortDirectory() }, scheduler: asyncScheduler, log,
  }).subscribe((obs) => {
    if (obs.kind === 'event' && obs.type === 'sim-started') {
      const devices = (obs.data?.devices ?? []) as { name: string; sysName: string; host: string; port: number }[];
      for (const d of devices) process.stdout.write(`${d.sysName.padEnd(24)} udp:${d.host}:${d.port}\n`);
      process.stdout.write(`${devices.length} simulated agents (SNMP v2c, the community given by --community). Ctrl-C to stop.\n`);
    } else if (obs.kind === 'event') {
      log.warn({ type: obs.type }, obs.message);
    }
  });
  const stop = () => {
    sub.unsubscribe();
    snmp.close();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
