/**
 * `vigie probe <kind>`: one probe instance outside the daemon, printing its observations (like
 * Telegraf's `--test`). The target comes from `--config` (a daemon config, a `probes:` entry or
 * a bare target) and/or `--set key=value`, and is validated with the kind's schema first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asyncScheduler, type Subscription } from 'rxjs';
import { parse as parseYaml } from 'yaml';
import { isVigieError, type Observation } from '../../plugins/sdk/index.js';
import { createPollRequests, createPortDirectory } from '../../plugins/sdk/index.js';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { parseDuration, validateValue } from '../config/load.js';
import { runInstances } from '../host/host.js';
import { PluginRegistry } from '../host/registry.js';
import { createLogger } from '../log.js';
import { printStartError } from './start.js';

export interface ProbeCommandOptions {
  config?: string;
  name?: string;
  set?: string[];
  interval?: string;
  once?: boolean;
  json?: boolean;
  timeout: string;
}

/** Sets `a.b.c=value` into an object; the value is parsed as a YAML scalar (numbers, booleans). */
export function applySet(target: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new Error(`--set ${assignment}: expected key=value`);
  const keys = assignment.slice(0, eq).split('.');
  let obj = target;
  for (const k of keys.slice(0, -1)) obj = (obj[k] ??= {}) as Record<string, unknown>;
  obj[keys.at(-1)!] = parseYaml(assignment.slice(eq + 1));
}

function targetFromFile(file: string, kind: string, name?: string): { target: Record<string, unknown>; name?: string; interval?: unknown } {
  const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: empty or not a mapping`);
  const list = Array.isArray(doc.probes) ? doc.probes : Array.isArray(doc) ? doc : doc.target ? [doc] : undefined;
  if (!list) return { target: doc };
  const entry = list.find((p: Record<string, unknown>) => p.kind === kind && (!name || p.name === name)) as Record<string, unknown> | undefined;
  if (!entry) throw new Error(`${file}: no probe of kind ${kind}${name ? ` named ${name}` : ''}`);
  return { target: (entry.target ?? {}) as Record<string, unknown>, name: entry.name as string, interval: entry.interval };
}

export async function runProbeCommand(kind: string, o: ProbeCommandOptions): Promise<number> {
  const registry = new PluginRegistry();
  const log = createLogger({ level: o.json ? 'silent' : 'warn', pretty: 'auto' }, o.json ? undefined : process.stderr);
  try {
    await registry.loadBuiltins();
    const probe = registry.probeKind(kind);
    if (!probe) {
      process.stderr.write(`vigie probe: unknown kind "${kind}"; known kinds: ${registry.probeKindNames.join(', ')}\n`);
      return 2;
    }
    const fromFile = o.config ? targetFromFile(path.resolve(o.config), kind, o.name) : { target: {} as Record<string, unknown> };
    const target = structuredClone(fromFile.target);
    for (const s of o.set ?? []) applySet(target, s);
    const errors = validateValue(probe.configSchema, target, { file: o.config ?? '--set', basePath: 'target' });
    if (errors.length) {
      printStartError({ name: 'VigieError', code: 'E_CONFIG', message: `invalid target for ${kind}`, details: { errors } });
      return 2;
    }
    const intervalMs = o.interval ? parseDuration(o.interval) : fromFile.interval !== undefined ? parseDuration(fromFile.interval as string) : probe.defaultIntervalMs;
    const snmp = createSnmpClient({ log });
    const stream = runInstances('probe', [{ kind, name: o.name ?? fromFile.name ?? 'cli', config: target, intervalMs }], {
      registry, clients: { snmp, poll: createPollRequests(), ports: createPortDirectory() }, scheduler: asyncScheduler, log, maxBackoffMs: intervalMs,
    });
    return await new Promise<number>((resolve) => {
      let sub: Subscription | undefined = undefined;
      let quiet: NodeJS.Timeout | undefined;
      const finish = (code: number) => {
        clearTimeout(quiet);
        clearTimeout(overall);
        sub?.unsubscribe();
        snmp.close();
        resolve(code);
      };
      const overall = o.once ? setTimeout(() => {
        process.stderr.write(`vigie probe: no observation within ${o.timeout}\n`);
        finish(1);
      }, parseDuration(o.timeout)) : undefined;
      sub = stream.subscribe((obs) => {
        print(obs, o.json === true);
        if (o.once) {
          // One round = everything emitted until the probe has been quiet for 300 ms.
          clearTimeout(quiet);
          quiet = setTimeout(() => finish(0), 300);
        }
      });
      process.once('SIGINT', () => finish(0));
    });
  } catch (err) {
    if (isVigieError(err)) printStartError(err);
    else process.stderr.write(`vigie probe: ${(err as Error).message}\n`);
    return 2;
  }
}

function print(o: Observation, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
    return;
  }
  const t = new Date(o.at).toISOString().slice(11, 23);
  const what = o.kind === 'metric' ? `${o.name} = ${o.value}`
    : o.kind === 'state' ? `state ${o.state}${o.reason ? ` (${o.reason})` : ''}`
    : o.kind === 'event' ? `event ${o.type} [${o.severity}] ${o.message}`
    : `topology ${o.element}${o.element === 'node' ? ` ${o.node.name} (${o.node.kind})` : ''}`;
  process.stdout.write(`${t} ${o.entity.padEnd(28)} ${what}\n`);
}
