/**
 * The `sip-hep` probe: a HEPv3 collector (a listener rather than a poller).
 *
 * Contract of `sipHepProbe(target, ctx, hooks)` (a cold observable):
 * - subscribing binds the UDP socket (`listen`); unsubscribing closes it. A bad listen address
 *   or a bind failure (port taken, no privilege) is the observable's error, `E_HEP_LISTEN`; an
 *   invalid trunk or codec is `E_CONFIG` / `E_QUALITY_INPUT`; the host retries with backoff;
 * - once bound: the `topology` node of every configured trunk (kind `trunk`);
 * - per datagram (see ingest.ts): SIP messages feed the call tracker, RTCP the quality of the call
 *   named by the correlation id; each finished call is a `sip-call` event on its trunk at once
 *   (`callEvent`, source `hep`, with its final code, PDD, duration and RTCP quality);
 * - every `ctx.intervalMs` on `ctx.scheduler`: expired calls' events, then per trunk the RFC 6076
 *   KPIs (`sip.calls.*`), the quality window (`sip.mos.*`, `rtp.*`), and on `probe:<kind>/<name>`
 *   the collector's counters `HEP_METRICS` — which also keeps the stall detector quiet;
 * - bad input never ends it: counted, logged at most once a minute per reason, dropped. The auth
 *   key is never logged nor emitted.
 */
import { Observable, interval } from 'rxjs';
import { defineProbe, isVigieError, VigieError, type Observation, type ProbeContext, type ProbeKind } from '../../../plugins/sdk/index.js';
import { HepIngest } from './ingest.js';
import { openUdpListener, type UdpListener } from '../engine/udp-listener.js';
import { resolveHepTarget, SipHepTargetSchema, type SipHepTarget } from './schema.js';

/** Optional observers of a collector instance (tests learn the bound port and when a datagram was handled). */
export interface SipHepHooks {
  onListening?(address: string, port: number): void;
  /** After each datagram, whatever became of it. */
  onDatagram?(): void;
}

export function sipHepProbe(target: SipHepTarget, ctx: ProbeContext<SipHepTarget>, hooks: SipHepHooks = {}): Observable<Observation> {
  return new Observable<Observation>((subscriber) => {
    const { scheduler, log } = ctx;
    let ingest: HepIngest;
    let host: string;
    let port: number;
    try {
      const t = resolveHepTarget(target);
      ({ host, port } = t);
      ingest = new HepIngest(t, log);
    } catch (e) {
      subscriber.error(isVigieError(e) ? e : new VigieError('E_CONFIG', `sip-hep: ${(e as Error).message}`));
      return;
    }
    const self = `probe:${ctx.id}`;
    const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    let socket: UdpListener | undefined;

    const failed = (err: Error): void => {
      socket?.close();
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' ? ' (ports below 1024 need privileges: use a high port such as 9060)' : '';
      subscriber.error(new VigieError('E_HEP_LISTEN', `cannot listen for HEP on udp ${where}: ${err.message}${hint}`, { host, port, code }));
    };

    try {
      socket = openUdpListener(host, port, {
        onDatagram: (buf, from) => {
          for (const o of ingest.datagram(buf, from, scheduler.now())) subscriber.next(o);
          hooks.onDatagram?.();
        },
        onListening: (address, boundPort) => {
          log.info({ address, port: boundPort, trunks: target.trunks?.length ?? 0, authKey: target.authKey ? 'required' : 'none' }, 'listening for HEPv3');
          for (const o of ingest.topology(scheduler.now())) subscriber.next(o);
          hooks.onListening?.(address, boundPort);
        },
        onError: failed,
        onHandlerError: (err, from) => log.warn({ source: from.address, err: (err as Error)?.message }, 'HEP datagram handling failed; dropped'),
      });
    } catch (e) {
      failed(e as Error);
      return;
    }

    const ticks = interval(ctx.intervalMs, scheduler).subscribe(() => {
      for (const o of ingest.flush(scheduler.now(), self)) subscriber.next(o);
    });

    return () => {
      ticks.unsubscribe();
      socket?.close();
    };
  });
}

/** The `sip-hep` kind (the lead wires it into the `sip` plugin as `'sip-hep': sipHepKind()`). */
export function sipHepKind(hooks: SipHepHooks = {}): ProbeKind<typeof SipHepTargetSchema> {
  return defineProbe({
    description: 'HEPv3 collector: per-trunk call KPIs (ASR, NER, SER/SEER/ISA, PDD/SRD, ACD, concurrent calls) and RTCP call quality (MOS)',
    configSchema: SipHepTargetSchema,
    defaultIntervalMs: 60_000,
    create: (target, ctx) => sipHepProbe(target, ctx, hooks),
  });
}
