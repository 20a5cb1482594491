/**
 * The `sip-rtcpxr` probe kind: a SIP endpoint IP phones send their RTCP-XR voice-quality reports
 * to (`PUBLISH`, `Event: vq-rtcpxr`, RFC 6035). A listener rather than a poller.
 *
 * Contract of `sipRtcpXrProbe(target, ctx)` (a cold observable):
 * - subscribing binds the UDP socket (`listen`, default 127.0.0.1:5065); unsubscribing closes it.
 *   A bind failure, or a socket error after it, is the observable's error `E_SIP_LISTEN` (the host
 *   restarts the probe with backoff); a `listen` that is not IP:PORT is `E_CONFIG`, an invalid
 *   codec table `E_QUALITY_INPUT`;
 * - each datagram is answered per `VqEndpoint` (endpoint.ts) and, for a new report on the trunk
 *   `trunkMatcher` picks (trunk-match.ts):
 *   - VQSessionReport → one `sip-call` event (`callEvent`, source `rtcp-xr`, outcome answered)
 *     whose data also holds `directions` (local/remote scores), `reportType`, `callTerm` and
 *     `reporter` (the PUBLISH source), and its quality (when scored) joins the trunk's window;
 *   - VQIntervalReport → its quality joins the trunk's `QualityWindow` only (no event);
 *   - VQAlertReport → a `sip-quality-alert` event on the trunk (report-quality.ts);
 *   - the first report of a trunk also emits its `topology` node (kind trunk), so a trunk known
 *     only from reports is on the map;
 * - every `ctx.intervalMs` on `ctx.scheduler`: the window's `sip.mos.*` / `rtp.*` metrics per
 *   trunk, then the interval's counters on `probe:<ctx.id>` (`RTCPXR_COUNTERS`, reset each
 *   interval), which also keep the stall detector quiet on a quiet network;
 * - bad input never ends it: it is counted and logged at most once a minute per reason, with the
 *   source address and a fixed reason, never the datagram's content.
 */
import { Observable, interval } from 'rxjs';
import {
  defineProbe, LogThrottle, trunkId, VigieError, type Observation, type ProbeContext, type ProbeKind,
} from '../../../plugins/sdk/index.js';
import { callEvent, QualityWindow } from '../call-report.js';
import type { SipPeer } from '../engine/uas.js';
import { openUdpListener, type UdpListener } from '../engine/udp-listener.js';
import { createCodecTable, type CodecTable } from '../quality/codecs.js';
import { resolveRtcpXrTarget, SipRtcpXrTargetSchema, type SipRtcpXrTarget } from './collector-schema.js';
import { VqEndpoint, type VqOutcome } from './endpoint.js';
import { alertEvent, directionsData, scoreReport, sessionCallReport } from './report-quality.js';
import { trunkMatcher } from './trunk-match.js';
import type { VqReport } from './vq-report.js';

/** Counters emitted every interval on `probe:<id>` (counts of that interval). */
export const RTCPXR_COUNTERS = {
  /** New reports accepted (session, interval and alert). */
  reports: 'rtcpxr.reports',
  /** Retransmitted PUBLISHes and reports seen before: answered again, not counted again. */
  duplicates: 'rtcpxr.duplicates',
  /** Datagrams that are not a SIP request, and requests or bodies that do not parse (400 or dropped). */
  malformed: 'rtcpxr.malformed',
  /** Well-formed requests refused: 405, 412, 415, 420, 481, 489, or a PUBLISH without a body. */
  rejected: 'rtcpxr.rejected',
  /** Datagrams over maxMessageBytes, or bodies over the report cap (413 or dropped). */
  oversized: 'rtcpxr.oversized',
  /** Accepted reports no direction of which could be scored (unknown codec, no packet loss). */
  unscored: 'rtcpxr.unscored',
} as const;
type Counter = keyof typeof RTCPXR_COUNTERS;

export function sipRtcpXrProbe(target: SipRtcpXrTarget, ctx: ProbeContext<SipRtcpXrTarget>): Observable<Observation> {
  return new Observable<Observation>((subscriber) => {
    const { scheduler, log } = ctx;
    let t: ReturnType<typeof resolveRtcpXrTarget>;
    let table: CodecTable;
    try {
      t = resolveRtcpXrTarget(target, ctx.name);
      table = createCodecTable(t.codecs);
    } catch (e) {
      subscriber.error(e);
      return;
    }
    const where = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    const self = `probe:${ctx.id}`;
    const matchTrunk = trunkMatcher(t.trunks, t.defaultTrunk);
    const endpoint = new VqEndpoint({ maxMessageBytes: t.maxMessageBytes, maxExpiresS: t.maxExpiresS, duplicateWindowMs: t.duplicateWindowMs });
    const window = new QualityWindow();
    const announced = new Set<string>();
    const throttle = new LogThrottle();
    const counts = Object.fromEntries(Object.keys(RTCPXR_COUNTERS).map((k) => [k, 0])) as Record<Counter, number>;
    let bound = false;
    let closed = false;

    const warnSometimes = (key: string, fields: Record<string, unknown>, msg: string): void => {
      const now = scheduler.now();
      if (!throttle.allow(key, now)) return;
      log.warn({ ...fields, suppressedBefore: throttle.take(key) || undefined }, msg);
    };

    const onReport = (report: VqReport, from: SipPeer): void => {
      const at = scheduler.now();
      const trunk = matchTrunk({ source: from, localAddr: report.localAddr, remoteAddr: report.remoteAddr, remoteId: report.remoteId });
      const score = scoreReport(report, table);
      const out: Observation[] = [];
      if (!announced.has(trunk)) {
        announced.add(trunk);
        out.push({ kind: 'topology', at, entity: trunkId(trunk), element: 'node', node: { name: trunk, kind: 'trunk', attrs: { rtcpXr: true } } });
      }
      const reporter = `${from.address}:${from.port}`;
      if (!score.quality) {
        counts.unscored++;
        warnSometimes(`unscored:${score.unscored}`, { source: from.address, reason: score.unscored }, 'RTCP-XR report not scored by the E-model');
      }
      if (report.kind === 'alert') {
        out.push(alertEvent(report, trunk, score, at, reporter));
      } else {
        if (score.quality) window.add(trunk, score.quality);
        if (report.kind === 'session') {
          const ev = callEvent(sessionCallReport(report, trunk, score, at), at);
          ev.data = {
            ...ev.data, reportType: report.reportType, callTerm: report.callTerm, reporter,
            directions: directionsData(score), ...(score.quality ? {} : { unscored: score.unscored }),
          };
          out.push(ev);
        }
      }
      for (const o of out) subscriber.next(o);
    };

    const count = (o: VqOutcome, from: SipPeer): void => {
      switch (o.kind) {
        case 'report':
          counts.reports++;
          return;
        case 'duplicate':
          counts.duplicates++;
          return;
        case 'malformed':
          counts.malformed++;
          warnSometimes(`malformed:${o.reason}`, { source: from.address, reason: o.reason, answered: o.status }, 'malformed SIP datagram to the RTCP-XR collector');
          return;
        case 'oversized':
          counts.oversized++;
          warnSometimes('oversized', { source: from.address, answered: o.status }, 'oversized datagram to the RTCP-XR collector');
          return;
        case 'rejected':
          counts.rejected++;
          warnSometimes(`rejected:${o.status}`, { source: from.address, status: o.status, reason: o.reason }, 'SIP request to the RTCP-XR collector refused');
          return;
        default:
          return;
      }
    };

    const fail = (err: Error): void => {
      if (closed) return;
      closed = true;
      socket?.close();
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' ? ' (ports below 1024 need privileges: use a high port)' : '';
      const what = bound ? 'the RTCP-XR collector socket failed' : 'cannot listen for RTCP-XR reports';
      subscriber.error(new VigieError('E_SIP_LISTEN', `${what} on udp ${where}: ${err.message}${hint}`, { host: t.host, port: t.port, code }));
    };
    let socket: UdpListener | undefined;
    try {
      socket = openUdpListener(t.host, t.port, {
        onDatagram: (buf, from) => {
          const handled = endpoint.handle(buf, from, scheduler.now());
          count(handled.outcome, from);
          const reply = handled.reply;
          if (reply) {
            socket?.send(reply.text, reply.to, (err) => warnSometimes('send', { destination: reply.to.address, err: err.message }, 'RTCP-XR collector could not send a response'));
          }
          if (handled.outcome.kind === 'report') onReport(handled.outcome.report, from);
        },
        // A bug on one datagram must not take the listener down: count it, say it once a minute.
        onHandlerError: (e, from) => {
          counts.malformed++;
          warnSometimes('internal', { source: from.address, err: (e as Error).message }, 'RTCP-XR collector failed on a datagram; dropped');
        },
        onError: fail,
        onListening: (address, port) => {
          bound = true;
          log.info({ address, port }, 'listening for RTCP-XR reports (SIP PUBLISH vq-rtcpxr)');
        },
      });
    } catch (e) {
      fail(e as Error);
      return;
    }

    const flush = interval(ctx.intervalMs, scheduler).subscribe(() => {
      const now = scheduler.now();
      for (const m of window.flush(now)) subscriber.next(m);
      for (const [k, name] of Object.entries(RTCPXR_COUNTERS) as [Counter, string][]) {
        subscriber.next({ kind: 'metric', at: now, entity: self, name, value: counts[k] });
        counts[k] = 0;
      }
      endpoint.sweep(now);
      throttle.sweep(now);
    });

    return () => {
      flush.unsubscribe();
      closed = true;
      socket?.close();
    };
  });
}

/** The `sip-rtcpxr` kind (the lead wires it into the `sip` plugin as `'sip-rtcpxr': sipRtcpXrKind()`). */
export function sipRtcpXrKind(): ProbeKind<typeof SipRtcpXrTargetSchema> {
  return defineProbe({
    description: 'RTCP-XR collector: answers SIP PUBLISH vq-rtcpxr (RFC 6035) from IP phones; call reports, E-model MOS per trunk, quality alerts',
    configSchema: SipRtcpXrTargetSchema,
    defaultIntervalMs: 60_000,
    create: (target, ctx) => sipRtcpXrProbe(target, ctx),
  });
}
