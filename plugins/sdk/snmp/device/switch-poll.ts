/**
 * `pollSwitch(target, ctx, opts?)`: the whole periodic behaviour of the `switch` probe kind, as
 * a cold `Observable<Observation>` (the router kind merges it with its own reads, or passes them
 * as `opts.extras`).
 *
 * Contract:
 * - polls at once, then every `ctx.intervalMs` on `ctx.scheduler`, and at once when a poll
 *   request (`ctx.clients.poll`) names the node or one of its ports; a poll in flight is never
 *   doubled (the tick or request is dropped);
 * - a poll GETs the system group and the LLDP local chassis id (`system.ts`). No answer: `state
 *   down` with the reason, nothing else. An answer: what `SwitchState.onSystem` says, then, in
 *   parallel, the parts: `ports` (discovery of names, types, speeds; then every poll the status
 *   and counters of the selected ports), `neighbours` (LLDP + CDP → links), `fdb`, `inventory`
 *   (ENTITY-MIB) and `extras`. Discovery parts (port names, neighbours, FDB, inventory) run on
 *   the first poll and then every `discoveryEvery` polls (default 10); a discovery part that
 *   failed or was cut stays due; a reboot or unknown ifIndexes in the counters make the port
 *   list due; a change of any port's oper status, or a poll request, makes the neighbours due;
 * - each poll has a deadline (`deadlineMs`, default 80% of the interval, at least 1 s): parts
 *   still running then are abandoned (their requests unsubscribed, so their limiter slots free
 *   at once) and an `event` `poll-deadline` (warning) names them; a part that failed with an SNMP
 *   error is named in an `event` `poll-incomplete` (warning). Neither ends the probe: only
 *   programming errors reach `subscriber.error`;
 * - every answered poll ends with the changed node/port facts and metric `snmp.poll_ms` on the
 *   node (time from the system GET to the end of the poll).
 */
import { EMPTY, Observable, catchError, concat, defer, endWith, exhaustMap, filter, from, map, merge, mergeMap, of, takeWhile, tap, throwError, timer } from 'rxjs';
import { isVigieError } from '../../errors.js';
import type { EntityId, NodeKind, Observation } from '../../observation.js';
import type { ProbeContext } from '../../plugin.js';
import type { SnmpSession, SnmpTarget } from '../types.js';
import { readCdp } from './cdp.js';
import { portId } from '../../entity.js';
import { readInventory } from './entity.js';
import { readFdb } from './fdb.js';
import { readCounters, readPorts, type PortsRead } from './interfaces.js';
import { readLldp } from './lldp.js';
import { neighbourView } from './neighbours.js';
import { portSelector } from './port-view.js';
import { SwitchState } from './switch-state.js';
import { snmpTargetOf, type SwitchTarget } from './switch-schema.js';
import { SYSTEM_OIDS, parseSystem } from './system.js';

export { SwitchTargetSchema, extendSwitchTarget, snmpTargetOf, type SwitchTarget } from './switch-schema.js';

/** What a poll hands to `extras` (the router kind's BGP, routes, resources). */
export interface SwitchPollContext {
  /** The node id of the device (fixed by the first answer, see identity.ts). */
  node: EntityId;
  session: SnmpSession;
  target: SnmpTarget;
  /** 0 for the first poll. */
  pollNo: number;
  /** True when this poll re-reads names, neighbours, FDB and inventory (the first poll, then every `discoveryEvery`). */
  discovery: boolean;
  /** `ctx.scheduler.now()`. */
  now(): number;
}

export interface PollSwitchOptions {
  /** Node kind announced; default: from sysObjectID/sysDescr when it says switch or router, else `switch`. */
  nodeKind?: NodeKind;
  /**
   * Extra reads run inside every poll that got an answer, after the system group and in parallel
   * with the interface counters, under the same per-poll deadline. Their observations are merged
   * into the probe's stream; an SNMP error ends only that part of the poll (reported in the
   * `poll-incomplete` event), never the probe.
   */
  extras?: (poll: SwitchPollContext) => Observable<Observation>;
}

type Part = 'ports' | 'counters' | 'neighbours' | 'fdb' | 'inventory' | 'extras';
const DISCOVERY_PARTS = ['ports', 'neighbours', 'fdb', 'inventory'] as const;
type DiscoveryPart = (typeof DISCOVERY_PARTS)[number];
const DONE = Symbol('done');
const CUT = Symbol('cut');

/** Tells the trap receiver (through `ctx.clients.ports`) which port entity each ifIndex is. */
function publishPorts(ctx: ProbeContext<unknown>, node: EntityId, read: PortsRead): void {
  const ports = new Map<number, { entity: EntityId; name: string }>();
  for (const [ifIndex, p] of read.names) ports.set(ifIndex, { entity: portId(node, p.name), name: p.name });
  for (const [ifIndex, p] of read.ports) ports.set(ifIndex, { entity: portId(node, p.name), name: p.name });
  ctx.clients.ports?.publish(node, ports);
}

function isSnmpError(e: unknown): e is Error {
  return isVigieError(e, 'E_SNMP') || isVigieError(e, 'E_SNMP_TIMEOUT');
}

export function pollSwitch(target: SwitchTarget, ctx: ProbeContext<unknown>, opts: PollSwitchOptions = {}): Observable<Observation> {
  return defer(() => {
    const { scheduler, log } = ctx;
    const now = () => scheduler.now();
    const snmpTarget = snmpTargetOf(target);
    const session = ctx.clients.snmp.session(snmpTarget);
    const columnOpts = target.maxRepetitions ? { maxRepetitions: target.maxRepetitions } : {};
    const discoveryEvery = target.discoveryEvery ?? 10;
    const deadlineMs = target.deadlineMs ?? Math.max(1000, Math.floor(ctx.intervalMs * 0.8));
    const select = portSelector(target.ports);
    const state = new SwitchState({ name: ctx.name, host: target.host, identity: target.identity, nodeKind: opts.nodeKind, now });
    const lastDone = new Map<DiscoveryPart, number>();
    const forced = new Set<DiscoveryPart>();
    let pollNo = 0;
    let lastOper = '';

    const isDue = (p: DiscoveryPart, n: number): boolean => forced.has(p) || !lastDone.has(p) || n - lastDone.get(p)! >= discoveryEvery;

    const poll = (requested: boolean): Observable<Observation> =>
      defer(() => {
        const n = pollNo++;
        const sentAt = now();
        const progress = new Map<Part, string>();
        if (requested) forced.add('neighbours');

        /** Runs one part: its observations pass through; its SNMP failure is noted, not thrown. */
        const part = (name: Part, work: Observable<Observation>, onDone?: () => void): Observable<Observation> =>
          defer(() => {
            progress.set(name, 'running');
            return work.pipe(
              tap({
                complete: () => {
                  progress.set(name, 'done');
                  onDone?.();
                },
              }),
              catchError((e: unknown) => {
                if (!isSnmpError(e)) return throwError(() => e);
                progress.set(name, e.message);
                log.debug({ part: name, err: e.message }, 'switch poll part failed');
                return EMPTY;
              }),
            );
          });
        const discovered = (p: DiscoveryPart) => () => {
          lastDone.set(p, n);
          forced.delete(p);
        };

        const counters$ = (): Observable<Observation> =>
          part(
            'counters',
            readCounters(session, state.ports, state.portsMode, columnOpts).pipe(
              mergeMap((c) => {
                const out = state.onCounters(c, now());
                if (state.unknownPorts > 0) forced.add('ports');
                const oper = [...c.values()].map((x) => `${x.ifIndex}:${x.oper}`).join(',');
                if (lastOper && oper !== lastOper) forced.add('neighbours');
                lastOper = oper;
                return from(out);
              }),
            ),
          );
        const neighbours$ = (): Observable<Observation> =>
          part(
            'neighbours',
            readLldp(session, columnOpts).pipe(
              mergeMap((lldp) => readCdp(session, columnOpts).pipe(map((cdp) => ({ lldp, cdp })))),
              mergeMap(({ lldp, cdp }) => from(state.onNeighbours(neighbourView({ self: state.node!, lldp, cdp, ports: state.ports, names: state.names })))),
            ),
            discovered('neighbours'),
          );
        const fdb$ = (): Observable<Observation> =>
          part('fdb', readFdb(session, columnOpts).pipe(tap((m) => state.onFdb(m)), mergeMap(() => EMPTY)), discovered('fdb'));
        const inventory$ = (): Observable<Observation> =>
          part('inventory', readInventory(session, columnOpts).pipe(tap((inv) => state.onInventory(inv)), mergeMap(() => EMPTY)), discovered('inventory'));

        const answered = (head: Observation[]): Observable<Observation> => {
          if (state.rebooted) forced.add('ports');
          const discovery = DISCOVERY_PARTS.some((p) => isDue(p, n));
          const portsDue = isDue('ports', n) || state.ports.size === 0;
          // Port names first (counters, neighbours and FDB need them), then those in parallel.
          const ports$ = portsDue
            ? part('ports', readPorts(session, { ...columnOpts, select }).pipe(tap((r) => publishPorts(ctx, state.node!, r)), mergeMap((r) => from(state.onPorts(r)))), discovered('ports'))
            : EMPTY;
          // With the port list, FDB goes first (ports then show once, with their MACs); else in parallel.
          const fdbDue = target.fdb !== false && isDue('fdb', n);
          const known = (): boolean => state.ports.size > 0 || state.names.size > 0;
          const fdbFirst$ = portsDue && fdbDue ? defer(() => (known() ? fdb$() : EMPTY)) : EMPTY;
          const afterPorts$ = defer(() =>
            known()
              ? merge(counters$(), target.neighbours !== false && isDue('neighbours', n) ? neighbours$() : EMPTY, !portsDue && fdbDue ? fdb$() : EMPTY)
              : EMPTY,
          );
          const extras$ = opts.extras
            ? part('extras', defer(() => opts.extras!({ node: state.node!, session, target: snmpTarget, pollNo: n, discovery, now })))
            : EMPTY;
          const planned: Part[] = [];
          if (portsDue) planned.push('ports');
          planned.push('counters');
          if (target.neighbours !== false && isDue('neighbours', n)) planned.push('neighbours');
          if (fdbDue) planned.push('fdb');
          if (target.inventory !== false && isDue('inventory', n)) planned.push('inventory');
          if (opts.extras) planned.push('extras');
          for (const p of planned) progress.set(p, 'waiting');
          const body$ = merge(concat(ports$, fdbFirst$, afterPorts$), target.inventory !== false && isDue('inventory', n) ? inventory$() : EMPTY, extras$);
          return concat(from(head), withDeadline(body$), defer(() => from(tail())));
        };

        /** Cuts `body$` at the deadline (counted from the poll's start) and reports what was cut. */
        const withDeadline = (body$: Observable<Observation>): Observable<Observation> => {
          const left = Math.max(0, deadlineMs - (now() - sentAt));
          return merge(body$.pipe(endWith(DONE)), timer(left, scheduler).pipe(map(() => CUT))).pipe(
            takeWhile((x): x is Observation => x !== DONE && x !== CUT, true),
            mergeMap((x): Observable<Observation> => (x === DONE ? EMPTY : x === CUT ? of(deadlineEvent()) : of(x as Observation))),
          );
        };
        const deadlineEvent = (): Observation => {
          const cut = [...progress].filter(([, s]) => s === 'running' || s === 'waiting').map(([p]) => p);
          for (const p of cut) progress.set(p, `cut at the ${deadlineMs} ms deadline`);
          log.warn({ deadlineMs, parts: cut }, 'switch poll cut at its deadline');
          return {
            kind: 'event', at: now(), entity: state.node!, type: 'poll-deadline', severity: 'warning',
            message: `poll not finished after ${deadlineMs} ms: ${cut.join(', ') || 'nothing left'} abandoned`,
            data: { deadlineMs, parts: cut },
          };
        };
        const tail = (): Observation[] => {
          const at = now();
          const out = state.flush();
          const failed = [...progress].filter(([, s]) => s !== 'done' && s !== 'running' && s !== 'waiting' && !s.startsWith('cut at'));
          if (failed.length > 0) {
            out.push({
              kind: 'event', at, entity: state.node!, type: 'poll-incomplete', severity: 'warning',
              message: `poll incomplete: ${failed.map(([p, why]) => `${p} (${why})`).join('; ')}`,
              data: { parts: Object.fromEntries(failed) },
            });
          }
          out.push({ kind: 'metric', at, entity: state.node!, name: 'snmp.poll_ms', value: at - sentAt });
          return out;
        };

        return session.get([...SYSTEM_OIDS]).pipe(
          map((vbs) => ({ ok: true as const, head: state.onSystem(parseSystem(vbs), sentAt) })),
          catchError((e: unknown) => (isSnmpError(e) ? of({ ok: false as const, reason: e.message }) : throwError(() => e))),
          mergeMap((r) => (r.ok ? answered(r.head) : from(state.onSystemFailure(r.reason)))),
        );
      });

    const requests$ = ctx.clients.poll.requests$.pipe(
      filter((r) => state.owns(r.entity)),
      map(() => true),
    );
    return merge(timer(0, ctx.intervalMs, scheduler).pipe(map(() => false)), requests$).pipe(exhaustMap(poll));
  });
}
