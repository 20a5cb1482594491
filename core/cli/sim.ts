/**
 * `vigie sim`: the device simulator alone, loaded through the plugin registry like any plugin,
 * until Ctrl-C. Prints the agents it serves so `snmpget`/`vigie probe` can be pointed at them.
 */
import path from 'node:path';
import { asyncScheduler } from 'rxjs';
import { createPollRequests } from '../../plugins/sdk/index.js';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { validateValue } from '../config/load.js';
import { runInstances } from '../host/host.js';
import { PluginRegistry, REPO_ROOT } from '../host/registry.js';
import { createLogger } from '../log.js';
import { printStartError } from './start.js';

export interface SimOptions {
  switches: string;
  ports: string;
  basePort: string;
  host: string;
  community: string;
  recording?: string[];
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
    site: { switches: Number(o.switches), portsPerSwitch: Number(o.ports) },
    ...(o.recording?.length ? { recordings: o.recording.map((file) => ({ file })) } : {}),
  };
  const errors = validateValue(kind.configSchema, config, { file: 'vigie sim', basePath: 'config' });
  if (errors.length) {
    printStartError({ name: 'VigieError', code: 'E_CONFIG', message: 'invalid simulator options', details: { errors } });
    process.exit(2);
  }
  const snmp = createSnmpClient({ log });
  const sub = runInstances('service', [{ kind: 'simulator', name: 'cli', config }], {
    registry, clients: { snmp, poll: createPollRequests() }, scheduler: asyncScheduler, log,
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
