/**
 * The `router` kind's periodic behaviour: everything `pollSwitch` does, plus BGP peers, the
 * route count and CPU/memory/storage, read inside each switch poll (its `extras` hook: same
 * session, same node id, same per-poll deadline).
 *
 * Contract of `pollRouter(target, ctx)` (a cold observable): the switch poller's observations
 * (node announced as `router`), and in every poll that got an answer:
 * - metric `routes.count` on the node (see `routes.ts`);
 * - when `target.bgp` is not false: the `BgpTracker` observations (per-peer state, metrics,
 *   `bgp-peer-change` events) and a `topology` node observation carrying
 *   `attrs.bgpPeers: [{peer, remoteAs, state, establishedFor}]` (and `attrs.bgpLocalAs`), sent
 *   when the device has BGP peers or had some;
 * - when `target.resources` is not false: the `ResourceMetrics` node metrics.
 * A reader that fails (timeout, SNMP error) costs only its own observations: the others are
 * emitted, then the extras end with an `E_SNMP` error naming the failed readers, which the
 * switch poller reports as an incomplete poll without stopping the probe.
 */
import { EMPTY, catchError, concat, defer, forkJoin, from, map, mergeMap, of, tap, throwError, type Observable } from 'rxjs';
import { Type, type Static } from '@sinclair/typebox';
import { VigieError, isVigieError } from '../../errors.js';
import type { EntityId, Observation } from '../../observation.js';
import type { ProbeContext } from '../../plugin.js';
import { SNMPv2_MIB, vbMissing, vbNumber, type SnmpSession } from '../types.js';
import { readBgp, type BgpReading } from './bgp.js';
import { readProcessors, readStorage } from './resources.js';
import { BgpTracker } from './router-bgp-tracker.js';
import { ResourceMetrics, type ResourceReading } from './router-resource-metrics.js';
import { readUcd } from './router-ucd.js';
import { readRouteCount, type RouteCount } from './routes.js';
import { extendSwitchTarget, pollSwitch, type SwitchPollContext } from './switch-poll.js';

/** The router's keys on top of the switch target. */
export const RouterProperties = {
  bgp: Type.Optional(Type.Boolean({ default: true, description: 'Read BGP peers (BGP4-MIB bgpPeerTable, else CISCO-BGP4-MIB cbgpPeer2Table)' })),
  resources: Type.Optional(
    Type.Boolean({ default: true, description: 'Read CPU, memory and storage (HOST-RESOURCES-MIB, UCD-SNMP-MIB)' }),
  ),
};

export const RouterTargetSchema = extendSwitchTarget(RouterProperties);
export type RouterTarget = Static<typeof RouterTargetSchema>;

/** What the router's extra reads need from a poll. */
export type RouterPollInput = Pick<SwitchPollContext, 'node' | 'session' | 'now'>;

export interface RouterExtrasOptions {
  bgp?: boolean;
  resources?: boolean;
  /** The node's display name as last announced (the `topology` node's `name`), when known. */
  nodeName(node: EntityId): string | undefined;
}

interface Readings {
  uptime?: number;
  routes?: RouteCount;
  bgp?: BgpReading;
  resources: ResourceReading;
}

/**
 * The router's extra reads of one instance: call it once per instance (it keeps the BGP and CPU
 * counters between polls), then once per poll.
 */
export function routerExtras(opts: RouterExtrasOptions): (poll: RouterPollInput) => Observable<Observation> {
  const bgp = new BgpTracker();
  const resources = new ResourceMetrics();
  let hadPeers = false;

  return (poll) => {
    const failed: string[] = [];
    const safe = <T>(what: string, o: Observable<T>): Observable<T | undefined> =>
      o.pipe(
        catchError((e: unknown) => {
          if (!isVigieError(e, 'E_SNMP') && !isVigieError(e, 'E_SNMP_TIMEOUT')) return throwError(() => e);
          failed.push(`${what}: ${(e as Error).message}`);
          return of(undefined);
        }),
      );
    const s = poll.session;
    const reads = forkJoin({
      uptime: safe('sysUpTime', readUptime(s)),
      routes: safe('routes', readRouteCount(s)),
      bgp: opts.bgp === false ? of(undefined) : safe('bgp', readBgp(s)),
      processors: opts.resources === false ? of(undefined) : safe('hrProcessorLoad', readProcessors(s)),
      storage: opts.resources === false ? of(undefined) : safe('hrStorageTable', readStorage(s)),
      ucd: opts.resources === false ? of(undefined) : safe('ucd', readUcd(s)),
    });
    return reads.pipe(
      map((r): Readings => ({
        uptime: r.uptime,
        routes: r.routes,
        bgp: r.bgp,
        resources: { processors: r.processors, storage: r.storage, ucd: r.ucd, uptime: r.uptime },
      })),
      mergeMap((r) => {
        const at = poll.now();
        const out: Observation[] = [];
        if (r.routes) out.push({ kind: 'metric', at, entity: poll.node, name: 'routes.count', value: r.routes.count });
        if (r.bgp && (r.bgp.peers.length > 0 || hadPeers)) {
          hadPeers = r.bgp.peers.length > 0;
          const seen = bgp.observe(poll.node, at, r.bgp, r.uptime);
          const name = opts.nodeName(poll.node);
          if (name !== undefined) {
            const attrs: Record<string, unknown> = { bgpPeers: seen.peers };
            if (r.bgp.localAs !== undefined) attrs.bgpLocalAs = r.bgp.localAs;
            out.push({ kind: 'topology', at, entity: poll.node, element: 'node', node: { name, kind: 'router', attrs } });
          }
          out.push(...seen.observations);
        }
        if (opts.resources !== false) out.push(...resources.observe(poll.node, at, r.resources));
        const incomplete = failed.length
          ? throwError(() => new VigieError('E_SNMP', `router reads incomplete: ${failed.join('; ')}`, { failed: [...failed] }))
          : EMPTY;
        return concat(from(out), incomplete);
      }),
    );
  };
}

function readUptime(s: SnmpSession): Observable<number | undefined> {
  return s.get([SNMPv2_MIB.sysUpTime]).pipe(map(([vb]) => (vbMissing(vb) ? undefined : vbNumber(vb))));
}

/** `pollSwitch` with the router's extras; the node is announced as a router. */
export function pollRouter(target: RouterTarget, ctx: ProbeContext<unknown>): Observable<Observation> {
  return defer(() => {
    const names = new Map<EntityId, string>();
    const extras = routerExtras({ bgp: target.bgp, resources: target.resources, nodeName: (n) => names.get(n) });
    return pollSwitch(target, ctx, { nodeKind: 'router', extras }).pipe(
      tap((o) => {
        if (o.kind === 'topology' && o.element === 'node') names.set(o.entity, o.node.name);
      }),
    );
  });
}
