/**
 * The `snmp-trap` probe: a listener rather than a poller.
 *
 * Contract of `snmpTrapProbe(target, ctx)` (a cold observable):
 * - subscribing binds the UDP socket (`host:port`); unsubscribing closes it. A bind failure (port
 *   taken, no privilege for 162) is the observable's error, `E_TRAP_LISTEN`; the host retries
 *   with backoff;
 * - each accepted trap or INFORM gives the observations of `TrapInterpreter` (see
 *   interpret.ts) and a poll request `ctx.clients.poll.request(node, 'trap <name>')`, so the
 *   polling probe of that node looks at it now and trap and poll agree;
 * - every `ctx.intervalMs` it emits, on `probe:<kind>/<name>`, the counts of the interval:
 *   metrics `trap.received`, `trap.dropped` (storm limit), `trap.malformed` (oversized,
 *   undecodable, not a trap) and `trap.rejected` (wrong community, unknown user, bad digest) —
 *   which also keeps the stall detector quiet on a quiet network;
 * - bad input never ends it: dropped, malformed and rejected datagrams are counted and logged
 *   at most once a minute per kind (per source for the storm limit), with the source address
 *   and a fixed reason, never a community, key or payload.
 */
import { Observable, interval, type Subscriber } from 'rxjs';
import { LogThrottle, VigieError, type Observation, type ProbeContext } from '../../plugins/sdk/index.js';
import { TrapInterpreter } from './interpret.js';
import { openTrapListener, type Peer, type RawTrapPdu, type TrapListener } from './listener.js';
import { createOidNamer } from './mib-names.js';
import { resolveTrapTarget, secretsOf, type SnmpTrapTarget } from './schema.js';
import { SourceRateLimiter } from './storm.js';
import { toTrapMessage } from './trap.js';

export const TRAP_METRICS = ['trap.received', 'trap.dropped', 'trap.malformed', 'trap.rejected'] as const;
type Counter = (typeof TRAP_METRICS)[number];

export function snmpTrapProbe(target: SnmpTrapTarget, ctx: ProbeContext<SnmpTrapTarget>): Observable<Observation> {
  return new Observable<Observation>((subscriber) => {
    const t = resolveTrapTarget(target);
    const { scheduler, log } = ctx;
    const self = `probe:${ctx.id}`;
    const where = `${t.host}:${t.port}`;
    const counts: Record<Counter, number> = { 'trap.received': 0, 'trap.dropped': 0, 'trap.malformed': 0, 'trap.rejected': 0 };
    const throttle = new LogThrottle();
    const limiter = new SourceRateLimiter(t.stormLimit.perSourcePerSecond, t.stormLimit.burst);
    const namer = createOidNamer(t.mibs, (file, err) =>
      log.warn({ file, err: err instanceof Error ? err.message : String(err) }, 'MIB file not loaded; its OIDs stay numeric'),
    );
    const interpreter = new TrapInterpreter(t.sources, namer, secretsOf(t), ctx.clients.ports);
    let listener: TrapListener | undefined;

    const warnSometimes = (key: string, fields: Record<string, unknown>, msg: string): void => {
      const now = scheduler.now();
      if (!throttle.allow(key, now)) return;
      log.warn({ ...fields, suppressedBefore: throttle.take(key) || undefined }, msg);
    };

    const onTrap = (pdu: RawTrapPdu, from: Peer): void => {
      let result;
      try {
        const msg = toTrapMessage(pdu, from);
        result = msg && interpreter.interpret(msg, scheduler.now());
      } catch (e) {
        counts['trap.malformed']++;
        warnSometimes('interpret', { source: from.address, err: (e as Error).message }, 'SNMP notification could not be interpreted; dropped');
        return;
      }
      if (!result) {
        counts['trap.malformed']++;
        warnSometimes('malformed', { source: from.address, reason: 'notification without snmpTrapOID.0' }, 'malformed SNMP notification dropped');
        return;
      }
      counts['trap.received']++;
      for (const o of result.observations) subscriber.next(o);
      ctx.clients.poll.request(result.node, `trap ${result.name}`);
    };

    const bindFailed = (err: Error): void => {
      listener?.close();
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' ? ' (ports below 1024 need privileges: use a high port or CAP_NET_BIND_SERVICE)' : '';
      subscriber.error(new VigieError('E_TRAP_LISTEN', `cannot listen for SNMP traps on udp ${where}: ${err.message}${hint}`, { host: t.host, port: t.port, code }));
    };

    try {
      listener = openTrapListener(
        { ...t, admit: (source) => limiter.admit(source, scheduler.now()) },
        {
          onTrap,
          onDropped: (from) => {
            counts['trap.dropped']++;
            warnSometimes(`storm:${from.address}`, { source: from.address, limit: t.stormLimit }, 'SNMP trap storm: datagrams from this source dropped past the limit');
          },
          onMalformed: (from, reason) => {
            counts['trap.malformed']++;
            warnSometimes('malformed', { source: from.address, reason }, 'malformed SNMP datagram dropped');
          },
          onRejected: (from, reason) => {
            counts['trap.rejected']++;
            warnSometimes('rejected', { source: from.address, reason }, 'SNMP trap rejected');
          },
          onListening: (address, port) => log.info({ address, port }, 'listening for SNMP traps'),
          onSocketError: bindFailed,
        },
      );
    } catch (e) {
      subscriber.error(new VigieError('E_TRAP_LISTEN', `cannot start the SNMP trap listener on udp ${where}: ${(e as Error).message}`, { host: t.host, port: t.port }));
      return;
    }

    const stats = interval(ctx.intervalMs, scheduler).subscribe(() => {
      const now = scheduler.now();
      emitStats(subscriber, self, now, counts);
      limiter.sweep(now);
      throttle.sweep(now);
    });

    return () => {
      stats.unsubscribe();
      listener?.close();
    };
  });
}

function emitStats(subscriber: Subscriber<Observation>, entity: string, at: number, counts: Record<Counter, number>): void {
  for (const name of TRAP_METRICS) {
    subscriber.next({ kind: 'metric', at, entity, name, value: counts[name] });
    counts[name] = 0;
  }
}
