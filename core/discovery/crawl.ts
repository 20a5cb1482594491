/**
 * `crawl(snmp, options)`: LLDP/CDP discovery from seed agents, through the management addresses
 * neighbours advertise, inside an allow-list.
 *
 * Contract (a cold observable):
 * - every seed must lie inside `allow`, else the observable errors with `E_DISCOVERY` before any
 *   packet is sent; afterwards an address is contacted only when it lies inside `allow`: a
 *   neighbour whose addresses are all outside (or that has none) is never contacted and appears
 *   as an unpolled node, with its reason;
 * - a neighbour whose identity (its node id, see graph.ts) is already polled or queued is not
 *   contacted again; an address (host:port) is contacted at most once;
 * - neighbours are followed up to `depth` hops from a seed; at most `concurrency` agents are read
 *   at once, and each has `deviceTimeoutMs` to answer in full (a slow agent fails alone);
 * - emits one `device` update per contacted agent (for progress), then one `done` with the
 *   topology (see graph.ts), then completes. Agent failures are in `topology.failures`, never
 *   the observable's error.
 * - `map` names where to reach a neighbour (by sysName or chassis id, case-insensitive) instead
 *   of its advertised addresses: for agents behind NAT or on non-standard ports (the simulator).
 */
import { EMPTY, asyncScheduler, catchError, concat, defer, expand, filter, from, map, mergeMap, of, throwError, timeout, type Observable, type SchedulerLike } from 'rxjs';
import { VigieError, type SnmpClient, type SnmpTarget } from '../../plugins/sdk/index.js';
import type { AllowList } from './cidr.js';
import { readDevice } from './device.js';
import { aliasesOf, buildTopology, type PolledRecord } from './graph.js';
import type { DeviceReport, DiscoveredTopology, Endpoint, Neighbour } from './types.js';

export interface CrawlOptions {
  /** Where to start: agents whose host is an IP address. */
  seeds: Endpoint[];
  allow: AllowList;
  /** Version, credentials and per-request timing, for every agent. */
  agent: Omit<SnmpTarget, 'host' | 'port'>;
  /** UDP port of agents reached through an advertised management address (default 161). */
  neighbourPort?: number;
  /** Hops followed from a seed (default 10; 0 = the seeds only). */
  depth?: number;
  /** Agents read at once (default 8). */
  concurrency?: number;
  /** Time for one agent to answer in full (default 30 s). */
  deviceTimeoutMs?: number;
  /** Neighbour sysName or chassis id → where its agent listens (overrides its addresses). */
  map?: Record<string, Endpoint>;
  scheduler?: SchedulerLike;
}

export type CrawlUpdate =
  | { type: 'device'; done: number; total: number; address: string; name?: string; neighbours?: number; error?: string }
  | { type: 'done'; topology: DiscoveredTopology };

interface Job {
  type: 'job';
  endpoint: Endpoint;
  depth: number;
  /** Node id of the neighbour that led here (none for a seed or an unidentified neighbour). */
  keys: string[];
}

export const CRAWL_DEFAULTS = { depth: 10, concurrency: 8, deviceTimeoutMs: 30_000, neighbourPort: 161 } as const;

/** `host:port`, with IPv6 hosts in brackets. */
export function endpointText(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Throws `E_DISCOVERY` for the first seed outside the allow-list; `fix` tells how to allow it. */
export function checkSeeds(seeds: Endpoint[], allow: AllowList, fix = 'add its network with --allow'): void {
  if (seeds.length === 0) throw new VigieError('E_DISCOVERY', 'discovery needs at least one seed');
  for (const s of seeds) {
    if (!allow.contains(s.host)) {
      throw new VigieError('E_DISCOVERY', `seed ${endpointText(s)} is outside the allow-list (${allow.toString() || 'empty'}); ${fix}`, { seed: s.host });
    }
  }
}

export function crawl(snmp: SnmpClient, opts: CrawlOptions): Observable<CrawlUpdate> {
  return defer(() => {
    try {
      checkSeeds(opts.seeds, opts.allow);
    } catch (e) {
      return throwError(() => e);
    }
    const maxDepth = opts.depth ?? CRAWL_DEFAULTS.depth;
    const deviceTimeoutMs = opts.deviceTimeoutMs ?? CRAWL_DEFAULTS.deviceTimeoutMs;
    const neighbourPort = opts.neighbourPort ?? CRAWL_DEFAULTS.neighbourPort;
    const scheduler = opts.scheduler ?? asyncScheduler;
    const mapped = new Map(Object.entries(opts.map ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

    const visited = new Set<string>();
    const handled = new Set<string>(); // node ids polled or queued
    const reasons = new Map<string, string>();
    const polled: PolledRecord[] = [];
    const contacted: string[] = [];
    const failures: { address: string; reason: string }[] = [];
    let total = 0;
    let done = 0;

    const job = (endpoint: Endpoint, depth: number, keys: string[]): Job | undefined => {
      const key = endpointText(endpoint);
      if (visited.has(key)) return undefined;
      visited.add(key);
      total++;
      return { type: 'job', endpoint, depth, keys };
    };
    const because = (keys: string[], reason: string) => {
      for (const k of keys) if (!reasons.has(k)) reasons.set(k, reason);
    };

    /** The next job a neighbour calls for, if any (recording why not otherwise). */
    const follow = (n: Neighbour, depth: number): Job | undefined => {
      const keys = n.node ? [n.node] : [];
      if (keys.some((k) => handled.has(k))) return undefined;
      if (depth > maxDepth) {
        because(keys, `beyond the depth limit (${maxDepth})`);
        return undefined;
      }
      const override = [n.name, n.sysName, n.chassisId].map((k) => k && mapped.get(k.toLowerCase())).find((e) => e);
      const candidates = override ? [override] : n.addresses.map((host) => ({ host, port: neighbourPort }));
      if (candidates.length === 0) {
        because(keys, 'no management address');
        return undefined;
      }
      const allowed = candidates.filter((c) => opts.allow.contains(c.host));
      if (allowed.length === 0) {
        because(keys, `outside the allow-list (${candidates.map((c) => c.host).join(', ')})`);
        return undefined;
      }
      const next = allowed.map((c) => job(c, depth, keys)).find((j) => j);
      if (next) for (const k of keys) handled.add(k);
      return next;
    };

    const onReport = (j: Job, report: DeviceReport): (Job | CrawlUpdate)[] => {
      done++;
      polled.push({ endpoint: j.endpoint, report });
      for (const k of [...aliasesOf(report), ...j.keys]) handled.add(k);
      const next = report.neighbours.map((n) => follow(n, j.depth + 1)).filter((x): x is Job => x !== undefined);
      if (!report.complete) failures.push({ address: endpointText(j.endpoint), reason: 'answered, but a neighbour table could not be read in full' });
      const update: CrawlUpdate = {
        type: 'device', done, total, address: endpointText(j.endpoint), name: report.sysName || report.chassisId, neighbours: report.neighbours.length,
      };
      return [update, ...next];
    };

    const onFailure = (j: Job, err: unknown): CrawlUpdate[] => {
      done++;
      const reason = err instanceof Error ? err.message : String(err);
      failures.push({ address: endpointText(j.endpoint), reason });
      because(j.keys, `no answer at ${endpointText(j.endpoint)}`);
      return [{ type: 'device', done, total, address: endpointText(j.endpoint), error: reason }];
    };

    const visit = (j: Job): Observable<Job | CrawlUpdate> =>
      defer(() => {
        contacted.push(endpointText(j.endpoint));
        const session = snmp.session({ ...opts.agent, host: j.endpoint.host, port: j.endpoint.port });
        return readDevice(session, j.endpoint.host).pipe(
          timeout({
            first: deviceTimeoutMs,
            scheduler,
            with: () => throwError(() => new VigieError('E_SNMP_TIMEOUT', `no complete answer from ${endpointText(j.endpoint)} within ${deviceTimeoutMs} ms`)),
          }),
          map((report) => onReport(j, report)),
          catchError((err: unknown) => of(onFailure(j, err))),
          mergeMap((items) => from(items)),
        );
      });

    const seeds = opts.seeds.map((s) => job(s, 0, [])).filter((j): j is Job => j !== undefined);
    const work = from(seeds).pipe(
      expand((item) => (item.type === 'job' ? visit(item) : EMPTY), opts.concurrency ?? CRAWL_DEFAULTS.concurrency),
      filter((item): item is CrawlUpdate => item.type !== 'job'),
    );
    const finish = defer(() => of<CrawlUpdate>({ type: 'done', topology: buildTopology({ polled, reasons, contacted, failures }) }));
    return concat(work, finish);
  });
}

/** The topology at the end of a crawl (drops the progress updates). */
export function crawlTopology(snmp: SnmpClient, opts: CrawlOptions): Observable<DiscoveredTopology> {
  return crawl(snmp, opts).pipe(
    filter((u): u is Extract<CrawlUpdate, { type: 'done' }> => u.type === 'done'),
    map((u) => u.topology),
  );
}
