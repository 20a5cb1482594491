/**
 * What the HEP collector does with each datagram and at each interval, without the socket and
 * the timer (so it runs in virtual time in tests).
 *
 * Contract of `HepIngest`:
 * - `datagram(buf, from, now)`: decodes it (`decodeHep3` with the auth key and maxPayload); a SIP
 *   payload (protocol type 1) feeds the call tracker, an RTCP payload (type 5) the media
 *   statistics of the call named by the HEP correlation id (the Call-ID); returns the `sip-call`
 *   events of the calls that ended. Bad input (undecodable or unauthenticated datagram,
 *   unparsable SIP, malformed or unmatched RTCP, other protocol types) is counted and logged at
 *   most once a minute per reason, with the sender's address and a fixed reason — never the
 *   payload or the key — and dropped. It never throws.
 * - `flush(now, self)`: expires stale calls (their `sip-call` events), then emits the interval's
 *   per-trunk KPIs (calls/kpi-window.ts), the quality window (MOS avg/min/p5, jitter, loss, RTT:
 *   one sample per call per interval with fresh RTCP, and the final one when a call ends) and,
 *   on `self` (the probe entity), the interval's counters `HEP_METRICS` (reset after each flush;
 *   `hep.calls_tracked` is a gauge).
 * - `topology(now)`: the `trunk` node of every configured trunk.
 * The constructor throws VigieError E_CONFIG / E_QUALITY_INPUT on invalid trunks or codecs.
 */
import type { Logger } from 'pino';
import { LogThrottle, trunkId, type MetricObservation, type Observation } from '../../../plugins/sdk/index.js';
import { callEvent, QualityWindow } from '../call-report.js';
import { toCallReport, type CallRecord } from '../calls/call-record.js';
import { CallTracker, type TrackerEvent } from '../calls/call-tracker.js';
import { KpiWindow } from '../calls/kpi-window.js';
import { CallMedia, codecNameFor } from '../calls/media-quality.js';
import { parseObservedSip } from '../calls/sip-observed.js';
import { TrunkMap } from '../calls/trunk-map.js';
import { createCodecTable, lookupCodec, type CodecTable } from '../quality/codecs.js';
import { parseRtcp } from '../rtcp/report.js';
import { decodeHep3, HEP_PROTOCOL_TYPE, type HepPacket } from './decode.js';
import type { UdpPeer } from '../engine/udp-listener.js';
import type { ResolvedHepTarget } from './schema.js';

/** Counters of one interval, on the probe entity `probe:<kind>/<name>`. */
export const HEP_METRICS = {
  received: 'hep.received',
  /** Undecodable datagrams (truncated, bad magic, bad chunk, oversized or uninflatable payload). */
  malformed: 'hep.malformed',
  /** Datagrams without the configured auth key, or with another one. */
  rejected: 'hep.rejected',
  sip: 'hep.sip',
  rtcp: 'hep.rtcp',
  /** Other protocol types, or no payload. */
  ignored: 'hep.ignored',
  sipUnparsable: 'hep.sip_unparsable',
  rtcpMalformed: 'hep.rtcp_malformed',
  /** RTCP with no correlation id, or whose Call-ID is not a followed call. */
  rtcpUnmatched: 'hep.rtcp_unmatched',
  invitesUnmapped: 'hep.invites_unmapped',
  callsExpired: 'hep.calls_expired',
  callsEvicted: 'hep.calls_evicted',
  /** Gauge: calls followed at the end of the interval. */
  callsTracked: 'hep.calls_tracked',
} as const;

type Counter = Exclude<keyof typeof HEP_METRICS, 'callsTracked' | 'invitesUnmapped' | 'callsExpired' | 'callsEvicted'>;

export class HepIngest {
  private readonly tracker: CallTracker;
  private readonly trunks: TrunkMap;
  private readonly kpis: KpiWindow;
  private readonly quality = new QualityWindow();
  private readonly table: CodecTable;
  private readonly throttle = new LogThrottle();
  private counts = HepIngest.zero();

  constructor(private readonly target: ResolvedHepTarget, private readonly log: Logger) {
    this.trunks = TrunkMap.compile(target.trunks);
    this.table = createCodecTable(target.codecs);
    lookupCodec(this.table, target.codec); // an unknown default codec is a configuration error
    this.tracker = new CallTracker(this.trunks, { setupTimeoutMs: target.setupTimeoutMs, maxCallDurationMs: target.maxCallDurationMs, maxCalls: target.maxCalls });
    this.kpis = new KpiWindow(this.trunks.names);
  }

  private static zero(): Record<Counter, number> {
    return { received: 0, malformed: 0, rejected: 0, sip: 0, rtcp: 0, ignored: 0, sipUnparsable: 0, rtcpMalformed: 0, rtcpUnmatched: 0 };
  }

  datagram(buf: Uint8Array, from: UdpPeer, now: number): Observation[] {
    this.counts.received++;
    try {
      const r = decodeHep3(buf, { authKey: this.target.authKey, maxPayload: this.target.maxPayload });
      if (!r.ok) {
        const reason = String(r.error.details?.reason ?? 'undecodable');
        const rejected = reason === 'auth-key';
        this.counts[rejected ? 'rejected' : 'malformed']++;
        this.warn(reason, from, now, rejected ? 'HEP datagram rejected (auth key)' : 'malformed HEP datagram dropped');
        return [];
      }
      const p = r.packet;
      if (!p.payload || p.payload.length === 0) return this.ignore();
      if (p.protocolType === HEP_PROTOCOL_TYPE.SIP) return this.sip(p, p.payload, from, now);
      if (p.protocolType === HEP_PROTOCOL_TYPE.RTCP) return this.rtcp(p, p.payload, from, now);
      return this.ignore();
    } catch (e) {
      this.counts.malformed++;
      this.warn('internal', from, now, 'HEP datagram could not be processed; dropped', { err: (e as Error)?.message });
      return [];
    }
  }

  flush(now: number, self: string): Observation[] {
    const out: Observation[] = this.handle(this.tracker.sweep(now), now);
    for (const c of this.tracker.active()) if (c.media?.takeFresh()) this.sample(c);
    out.push(...this.kpis.flush(now, this.tracker.concurrent()), ...this.quality.flush(now));
    const metric = (name: string, value: number): MetricObservation => ({ kind: 'metric', at: now, entity: self, name, value });
    for (const [k, name] of Object.entries(HEP_METRICS)) if (k in this.counts) out.push(metric(name, this.counts[k as Counter]));
    const t = this.tracker.counters;
    out.push(
      metric(HEP_METRICS.invitesUnmapped, t.unmappedInvites),
      metric(HEP_METRICS.callsExpired, t.expired),
      metric(HEP_METRICS.callsEvicted, t.evicted),
      metric(HEP_METRICS.callsTracked, this.tracker.size),
    );
    if (t.evicted > 0) this.log.warn({ evicted: t.evicted, maxCalls: this.target.maxCalls }, 'HEP collector: too many calls followed at once; the oldest were dropped');
    t.unmappedInvites = t.expired = t.evicted = 0;
    this.counts = HepIngest.zero();
    return out;
  }

  topology(now: number): Observation[] {
    return this.trunks.names.map((name) => ({
      kind: 'topology', at: now, entity: trunkId(name), element: 'node', node: { name, kind: 'trunk', attrs: { callKpis: 'hep' } },
    }));
  }

  private ignore(): Observation[] {
    this.counts.ignored++;
    return [];
  }

  private sip(p: HepPacket, payload: Buffer, from: UdpPeer, now: number): Observation[] {
    const parsed = parseObservedSip(payload);
    if (!parsed.ok) {
      this.counts.sipUnparsable++;
      this.warn(`sip-${parsed.reason}`, from, now, 'unparsable SIP payload in a HEP datagram dropped', { reason: parsed.reason });
      return [];
    }
    this.counts.sip++;
    const at = p.timeMs !== undefined && p.timeMs > 0 ? p.timeMs : now;
    const sighting = { msg: parsed.msg, at, src: { address: p.srcAddress, port: p.srcPort }, dst: { address: p.dstAddress, port: p.dstPort } };
    return this.handle(this.tracker.observe(sighting, now), now);
  }

  private rtcp(p: HepPacket, payload: Buffer, from: UdpPeer, now: number): Observation[] {
    const parsed = parseRtcp(payload);
    if (!parsed.ok) {
      this.counts.rtcpMalformed++;
      this.warn('rtcp-malformed', from, now, 'malformed RTCP payload in a HEP datagram dropped');
      return [];
    }
    const calls = p.correlationId ? this.tracker.withCallId(p.correlationId) : [];
    if (calls.length === 0) {
      this.counts.rtcpUnmatched++;
      return [];
    }
    this.counts.rtcp++;
    // RTT needs the report's arrival time: without a capture timestamp there is none.
    const at = p.timeMs !== undefined && p.timeMs > 0 ? p.timeMs : undefined;
    for (const c of calls) (c.media ??= new CallMedia()).add(parsed.packets, at, c.codec?.clockRateHz ?? this.target.clockRateHz);
    return [];
  }

  /** KPI bookkeeping and `sip-call` events for the tracker's conclusions. */
  private handle(events: readonly TrackerEvent[], now: number): Observation[] {
    const out: Observation[] = [];
    for (const e of events) {
      if (e.type === 'setup') {
        this.kpis.setup(e.call);
        continue;
      }
      this.kpis.ended(e.call);
      const quality = this.qualityOf(e.call);
      if (quality && e.call.media?.takeFresh()) this.quality.add(e.call.trunk, quality);
      out.push(callEvent(toCallReport(e.call, quality), now));
    }
    return out;
  }

  private sample(c: CallRecord): void {
    const q = this.qualityOf(c);
    if (q) this.quality.add(c.trunk, q);
  }

  private qualityOf(c: CallRecord): ReturnType<CallMedia['quality']> {
    if (!c.media) return undefined;
    try {
      return c.media.quality(codecNameFor(c.codec?.name, this.target.codec, this.table), this.table);
    } catch {
      return undefined;
    }
  }

  private warn(key: string, from: UdpPeer, now: number, msg: string, extra: Record<string, unknown> = {}): void {
    if (!this.throttle.allow(key, now)) return;
    const suppressedBefore = this.throttle.take(key);
    this.log.warn({ source: from.address, reason: key, ...extra, ...(suppressedBefore ? { suppressedBefore } : {}) }, msg);
  }
}
