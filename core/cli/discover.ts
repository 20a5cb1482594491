/**
 * `vigie discover`: crawls LLDP/CDP neighbours from seed agents, only inside the allow-list, and
 * prints the topology (readable, or `--json`); `--write-config FILE` merges probes and links
 * into a config file. Progress goes to stderr, one line per contacted device; credentials are
 * never printed. Exit codes: 0 done (some seed answered), 1 no seed answered, 2 bad arguments.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { isVigieError, type SnmpTarget } from '../../plugins/sdk/index.js';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { parseDuration } from '../config/load.js';
import { AllowList } from '../discovery/cidr.js';
import { CRAWL_DEFAULTS, crawl, type CrawlUpdate } from '../discovery/crawl.js';
import { parseEndpoint, parseMapEntry, resolveEndpoint, v3Security } from '../discovery/endpoint.js';
import { formatTopology, progressLine, topologyJson } from '../discovery/format.js';
import type { DiscoveredTopology, Endpoint } from '../discovery/types.js';
import { mergeDiscoveryIntoConfig } from '../discovery/write-config.js';
import { PluginRegistry } from '../host/registry.js';

export interface DiscoverCommandOptions {
  seed: string[];
  allow: string[];
  community?: string;
  snmpVersion?: string;
  v3User?: string;
  v3AuthProtocol?: string;
  v3AuthKey?: string;
  v3PrivProtocol?: string;
  v3PrivKey?: string;
  depth: string;
  port?: string;
  map?: string[];
  concurrency: string;
  timeout: string;
  retries: string;
  deviceTimeout: string;
  json?: boolean;
  writeConfig?: string;
  quiet?: boolean;
}

/** Where output goes (tests capture it). */
export interface DiscoverIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: DiscoverIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

function integer(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ArgumentError(`--${name} ${v}: expected an integer from ${min} to ${max}`);
  return n;
}

class ArgumentError extends Error {}

function agentOf(o: DiscoverCommandOptions): Omit<SnmpTarget, 'host' | 'port'> {
  const version = (o.snmpVersion ?? (o.v3User ? '3' : '2c')) as SnmpTarget['version'];
  if (!['1', '2c', '3'].includes(version)) throw new ArgumentError(`--snmp-version ${o.snmpVersion}: expected 1, 2c or 3`);
  const timeoutMs = parseDuration(o.timeout);
  const retries = integer('retries', o.retries, 0, 10);
  if (version === '3') {
    if (!o.v3User) throw new ArgumentError('SNMPv3 needs --v3-user');
    const v3 = v3Security({
      user: o.v3User, authProtocol: o.v3AuthProtocol as never, authKey: o.v3AuthKey, privProtocol: o.v3PrivProtocol as never, privKey: o.v3PrivKey,
    });
    return { version, v3, timeoutMs, retries };
  }
  return { version, community: o.community ?? 'public', timeoutMs, retries };
}

/** The probe kind written by --write-config: `switch` when a loaded plugin provides it. */
async function probeKindForConfig(): Promise<string> {
  const registry = new PluginRegistry();
  await registry.loadBuiltins();
  return registry.probeKind('switch') ? 'switch' : 'snmp-system';
}

export async function runDiscover(o: DiscoverCommandOptions, io: DiscoverIo = defaultIo): Promise<number> {
  let topology: DiscoveredTopology;
  let agent: Omit<SnmpTarget, 'host' | 'port'>;
  const snmp = createSnmpClient();
  try {
    agent = agentOf(o);
    const list = (v: string[] | string | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const allow = new AllowList(list(o.allow));
    const seeds: Endpoint[] = [];
    for (const s of list(o.seed)) seeds.push(await resolveEndpoint(parseEndpoint(s, 161)));
    const neighbourPort = o.port ? integer('port', o.port, 1, 65535) : seeds[0]?.port ?? 161;
    const map: Record<string, Endpoint> = {};
    for (const m of list(o.map)) {
      const [name, e] = parseMapEntry(m, neighbourPort);
      map[name] = await resolveEndpoint(e);
    }
    const updates = crawl(snmp, {
      seeds, allow, agent, neighbourPort, map,
      depth: integer('depth', o.depth, 0, 100),
      concurrency: integer('concurrency', o.concurrency, 1, 256),
      deviceTimeoutMs: parseDuration(o.deviceTimeout),
    }).pipe(tap((u: CrawlUpdate) => u.type === 'device' && !o.quiet && io.stderr(`${progressLine(u)}\n`)));
    const last = await lastValueFrom(updates);
    if (last.type !== 'done') throw new Error('discovery ended without a result');
    topology = last.topology;
  } catch (e) {
    const bad = e instanceof ArgumentError || isVigieError(e, 'E_DISCOVERY') || isVigieError(e, 'E_CONFIG');
    io.stderr(`vigie discover: ${(e as Error).message}\n`);
    return bad ? 2 : 1;
  } finally {
    snmp.close();
  }

  io.stdout(o.json ? topologyJson(topology) : formatTopology(topology));
  if (o.writeConfig) {
    const file = path.resolve(o.writeConfig);
    try {
      const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      const kind = await probeKindForConfig();
      const r = mergeDiscoveryIntoConfig(text, topology, { kind, agent });
      writeFileSync(file, r.text, { mode: text === undefined ? 0o600 : undefined });
      io.stderr(`wrote ${file}: ${r.probesAdded.length} ${kind} probes added, ${r.probesUpdated.length} updated, ${r.linksAdded} links added\n`);
    } catch (e) {
      io.stderr(`vigie discover: cannot write ${file}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return topology.nodes.some((n) => n.polled) ? 0 : 1;
}

export const DISCOVER_DEFAULTS = {
  depth: String(CRAWL_DEFAULTS.depth),
  concurrency: String(CRAWL_DEFAULTS.concurrency),
  timeout: '2s',
  retries: '1',
  deviceTimeout: `${CRAWL_DEFAULTS.deviceTimeoutMs / 1000}s`,
} as const;
