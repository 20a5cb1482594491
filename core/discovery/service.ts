/**
 * Periodic discovery in the daemon: an internal plugin (defined in core, registered by the
 * daemon when `discovery:` is configured) with one service kind, `discovery`, run by the host
 * like any service (supervised, restarted with backoff on error).
 *
 * Contract of the service (a cold observable): crawls at once on subscription, then every
 * `intervalMs` on `ctx.scheduler` (a crawl still running when the next is due is not doubled),
 * and emits each round's observations (see observations.ts). A round that cannot run (a seed
 * name that does not resolve, a resolved seed outside the allow-list) emits a `discovery-failed`
 * warning event and the next round tries again; only a malformed config ends it with an error,
 * and `checkDiscoveryConfig` reports that before the daemon starts.
 */
import { catchError, concatMap, defer, exhaustMap, from, map, of, switchMap, timer, type Observable } from 'rxjs';
import { Type, VigieError, definePlugin, defineService, type Observation, type Plugin, type ProbeContext, type SnmpTarget } from '../../plugins/sdk/index.js';
import type { VigieConfig } from '../config/schema.js';
import { AllowList, parseIp } from './cidr.js';
import { checkSeeds, crawlTopology, type CrawlOptions } from './crawl.js';
import { parseEndpoint, resolveEndpoint, v3Security } from './endpoint.js';
import { DiscoveryRounds } from './observations.js';
import type { Endpoint } from './types.js';

export type DiscoveryConfig = NonNullable<VigieConfig['discovery']>;

export const DISCOVERY_KIND = 'discovery';
/** The instance name the daemon gives its discovery service (`discovery/lldp`). */
export const DISCOVERY_INSTANCE = 'lldp';

/** Version, credentials and timing of every agent, from the config. */
export function agentOfConfig(c: DiscoveryConfig): Omit<SnmpTarget, 'host' | 'port'> {
  const version = c.version ?? '2c';
  const timing = { timeoutMs: c.timeoutMs, retries: c.retries };
  if (version === '3') {
    if (!c.v3) throw new VigieError('E_CONFIG', 'discovery.version is 3 but discovery.v3 is missing', { path: 'discovery.v3' });
    return { version, v3: v3Security(c.v3), ...timing };
  }
  return { version, community: c.community ?? 'public', ...timing };
}

/**
 * Checks what the schema cannot: CIDRs, seeds, map entries, SNMPv3 keys, and that every seed
 * given as an address lies inside the allow-list (names are checked once resolved, each round).
 * Throws `E_DISCOVERY` / `E_CONFIG` naming the bad value.
 */
export function checkDiscoveryConfig(c: DiscoveryConfig): void {
  const allow = new AllowList(c.allow);
  const seeds = c.seeds.map((s) => parseEndpoint(s, 161));
  checkSeeds(seeds.filter((s) => parseIp(s.host)), allow, 'add its network to discovery.allow');
  for (const where of Object.values(c.map ?? {})) parseEndpoint(where, 161);
  agentOfConfig(c);
}

/** Seeds and map entries as addresses; synchronous when they are all addresses already (virtual-time tests). */
function resolveAll(c: DiscoveryConfig): Observable<Pick<CrawlOptions, 'seeds' | 'map' | 'neighbourPort'>> {
  const seeds = c.seeds.map((s) => parseEndpoint(s, 161));
  const neighbourPort = c.port ?? seeds[0]?.port ?? 161;
  const entries = Object.entries(c.map ?? {}).map(([name, where]) => [name, parseEndpoint(where, neighbourPort)] as const);
  const literal = [...seeds, ...entries.map(([, e]) => e)].every((e) => parseIp(e.host));
  const build = (ss: Endpoint[], es: (readonly [string, Endpoint])[]) => ({ seeds: ss, map: Object.fromEntries(es), neighbourPort });
  if (literal) return of(build(seeds, entries));
  return from(
    (async () => build(await Promise.all(seeds.map(resolveEndpoint)), await Promise.all(entries.map(async ([n, e]) => [n, await resolveEndpoint(e)] as const))))(),
  );
}

export function discoveryService(c: DiscoveryConfig, ctx: ProbeContext<DiscoveryConfig>): Observable<Observation> {
  return defer(() => {
    const allow = new AllowList(c.allow);
    const agent = agentOfConfig(c);
    const rounds = new DiscoveryRounds(ctx.name);
    const round = (): Observable<Observation[]> =>
      defer(() => resolveAll(c)).pipe(
        switchMap((where) =>
          crawlTopology(ctx.clients.snmp, {
            ...where, allow, agent, depth: c.depth, concurrency: c.concurrency, deviceTimeoutMs: c.deviceTimeoutMs, scheduler: ctx.scheduler,
          }),
        ),
        map((topo) => {
          const polled = topo.nodes.filter((n) => n.polled).length;
          ctx.log.info({ nodes: topo.nodes.length, polled, links: topo.links.length, failures: topo.failures.length }, 'discovery round done');
          return rounds.round(topo, ctx.scheduler.now());
        }),
        catchError((err: unknown) => {
          ctx.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'discovery round failed');
          return of<Observation[]>([{
            kind: 'event', at: ctx.scheduler.now(), entity: `probe:${DISCOVERY_KIND}/${ctx.name}`, type: 'discovery-failed', severity: 'warning',
            message: `discovery round failed: ${(err as Error).message}`,
          }]);
        }),
      );
    return timer(0, c.intervalMs, ctx.scheduler).pipe(
      exhaustMap(round),
      concatMap((batch) => from(batch)),
    );
  });
}

/** The internal plugin the daemon registers when `discovery:` is configured. */
export const discoveryPlugin: Plugin = definePlugin({
  name: 'vigie-discovery',
  version: '1.0.0',
  sdk: '^1',
  probes: {},
  services: {
    [DISCOVERY_KIND]: defineService({
      description: 'Periodic LLDP/CDP discovery inside an allow-list (core/discovery)',
      // Validated by the config schema (the `discovery:` section) before it gets here.
      configSchema: Type.Unsafe<DiscoveryConfig>({ type: 'object' }),
      create: (config, ctx) => discoveryService(config, ctx),
    }),
  },
});
