/**
 * Follows SIP calls from mirrored messages (HEP), one attempt per trunk, Call-ID and anchor.
 *
 * Contract of `CallTracker`:
 * - `observe(sighting, now)` takes one captured message (wire time `sighting.at`, scheduler time
 *   `now`) and returns what concluded: `setup` when an attempt's setup has its outcome (final
 *   response; for a 2xx the call is then established), `end` when an attempt is over (its final
 *   non-2xx, or the BYE of an established call). Every attempt gives exactly one `setup` and one
 *   `end`, in that order, unless it is evicted (see below).
 * - An out-of-dialog INVITE starts an attempt on every trunk it maps to (trunk-map.ts), bound to
 *   its leg (the unordered pair of capture source and destination). The same INVITE mirrored on
 *   another leg (a proxy's in and out copies), retransmissions and late copies are ignored: one
 *   attempt per Call-ID per trunk anchor. A later INVITE with a higher CSeq on the same leg during
 *   setup (the retry after a 401/407 challenge) continues the attempt, its delays measured from
 *   the retry; after a final response (e.g. a 3xx redirect) it is a new attempt.
 * - INVITE responses count only on the attempt's leg and CSeq: 100 is ignored, the first non-100
 *   provisional and the first 180/183 are timed, 401/407 are remembered but not final, the first
 *   final response decides. CANCEL, ACK and BYE apply on any leg (they end or confirm the same
 *   dialog); a BYE during setup is a cancel (RFC 3261 §15 early-dialog BYE).
 * - `sweep(now)` expires state: a setup older than `setupTimeoutMs` concludes with no final
 *   response (or its pending 401/407), an established call older than `maxCallDurationMs` ends
 *   with no known duration; both are counted in `counters.expired`.
 * - Memory is bounded: at most `maxCalls` attempts are followed; a new one evicts the oldest
 *   (dropped without a report, counted in `counters.evicted`). Finished attempts are remembered
 *   for `tombstoneMs` (and at most `maxCalls` of them) to recognise late copies.
 */
import { codecOfSdp } from './sdp-codec.js';
import type { CallRecord, EndReason } from './call-record.js';
import type { ObservedRequest, ObservedResponse, ObservedSip } from './sip-observed.js';
import { canonicalIp, type Endpoint, type TrunkMap } from './trunk-map.js';

/** One captured SIP message: wire time (epoch ms) and the capture's endpoints. */
export interface SipSighting {
  msg: ObservedSip;
  at: number;
  src: Endpoint;
  dst: Endpoint;
}

export interface TrackerEvent {
  type: 'setup' | 'end';
  call: CallRecord;
}

export interface CallTrackerOptions {
  setupTimeoutMs: number;
  maxCallDurationMs: number;
  maxCalls: number;
  /** Default 64·T1 rounded up: 60 s. */
  tombstoneMs?: number;
}

export const DEFAULT_TOMBSTONE_MS = 60_000;

function endpointText(e: Endpoint): string {
  const ip = e.address ? canonicalIp(e.address) : '?';
  return `${ip.includes(':') ? `[${ip}]` : ip}:${e.port ?? '?'}`;
}

/** The unordered pair of a packet's endpoints: the same for a request and its responses. */
export function legOf(src: Endpoint, dst: Endpoint): string {
  const a = endpointText(src);
  const b = endpointText(dst);
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

export class CallTracker {
  private readonly calls = new Map<string, CallRecord>();
  private readonly byCallId = new Map<string, Set<string>>();
  private readonly finished = new Map<string, { cseq: number; seenAt: number }>();
  readonly counters = { unmappedInvites: 0, expired: 0, evicted: 0 };
  private readonly tombstoneMs: number;

  constructor(private readonly trunks: TrunkMap, private readonly opts: CallTrackerOptions) {
    this.tombstoneMs = opts.tombstoneMs ?? DEFAULT_TOMBSTONE_MS;
  }

  /** Attempts followed right now (in setup or established). */
  get size(): number {
    return this.calls.size;
  }

  active(): IterableIterator<CallRecord> {
    return this.calls.values();
  }

  /** The followed attempts of a Call-ID (to tie RTCP to its call). */
  withCallId(callId: string): CallRecord[] {
    const keys = this.byCallId.get(callId);
    return keys ? [...keys].map((k) => this.calls.get(k)).filter((c): c is CallRecord => c !== undefined) : [];
  }

  /** Established calls per trunk. */
  concurrent(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.calls.values()) if (c.phase === 'established') out.set(c.trunk, (out.get(c.trunk) ?? 0) + 1);
    return out;
  }

  observe(s: SipSighting, now: number): TrackerEvent[] {
    const m = s.msg;
    if (m.type === 'response') return this.onResponse(m, s, now);
    switch (m.method) {
      case 'INVITE': return this.onInvite(m, s, now);
      case 'CANCEL':
        for (const c of this.withCallId(m.callId)) if (c.phase === 'setup') c.cancelled = true;
        return [];
      case 'ACK':
        for (const c of this.withCallId(m.callId)) if (c.phase === 'established' && c.ackAt === undefined) c.ackAt = s.at;
        return [];
      case 'BYE': {
        const events: TrackerEvent[] = [];
        for (const c of this.withCallId(m.callId)) {
          if (c.phase === 'established') events.push(this.finish(c, 'bye', s.at, now));
          else c.cancelled = true;
        }
        return events;
      }
      default:
        return [];
    }
  }

  sweep(now: number): TrackerEvent[] {
    const events: TrackerEvent[] = [];
    for (const c of this.calls.values()) {
      if (c.phase === 'setup' && now - c.setupSeenAt >= this.opts.setupTimeoutMs) {
        if (c.challengeCode !== undefined) {
          c.finalCode = c.challengeCode;
          c.finalAt = c.challengeAt;
        }
        this.counters.expired++;
        events.push({ type: 'setup', call: c }, this.finish(c, 'setup-timeout', undefined, now));
      } else if (c.phase === 'established' && now - (c.answerSeenAt ?? c.setupSeenAt) >= this.opts.maxCallDurationMs) {
        this.counters.expired++;
        events.push(this.finish(c, 'max-duration', undefined, now));
      }
    }
    for (const [key, t] of this.finished) if (now - t.seenAt >= this.tombstoneMs) this.finished.delete(key);
    return events;
  }

  private onInvite(m: ObservedRequest, s: SipSighting, now: number): TrackerEvent[] {
    if (m.toTag) return []; // a re-INVITE inside a dialog: not an attempt
    const hits = this.trunks.resolve(s.src, s.dst, m);
    if (hits.length === 0) {
      if (!this.byCallId.has(m.callId)) this.counters.unmappedInvites++;
      return [];
    }
    const leg = legOf(s.src, s.dst);
    for (const hit of hits) {
      const key = `${hit.trunk}\n${m.callId}\n${hit.anchor}`;
      const call = this.calls.get(key);
      if (call) {
        if (call.leg === leg && call.phase === 'setup' && m.cseq > call.inviteCseq) restartSetup(call, m.cseq, s.at, now);
        continue;
      }
      const done = this.finished.get(key);
      if (done && m.cseq <= done.cseq) continue;
      this.makeRoom();
      this.add({
        key, trunk: hit.trunk, callId: m.callId, leg, requestUri: m.requestUri, from: m.from, to: m.to,
        phase: 'setup', inviteCseq: m.cseq, startedAt: s.at, inviteAt: s.at, cancelled: false,
        codec: codecOfSdp(m.body), setupSeenAt: now,
      });
    }
    return [];
  }

  private onResponse(m: ObservedResponse, s: SipSighting, now: number): TrackerEvent[] {
    if (m.cseqMethod !== 'INVITE' || m.statusCode === 100) return [];
    const leg = legOf(s.src, s.dst);
    const events: TrackerEvent[] = [];
    for (const c of this.withCallId(m.callId)) {
      if (c.leg !== leg || c.phase !== 'setup' || m.cseq !== c.inviteCseq) continue;
      const code = m.statusCode;
      if (code < 200) {
        c.firstProvisionalAt ??= s.at;
        if (code === 180 || code === 183) c.ringingAt ??= s.at;
      } else if (code === 401 || code === 407) {
        c.challengeCode = code;
        c.challengeAt = s.at;
      } else {
        c.finalCode = code;
        c.finalAt = s.at;
        if (code < 300) {
          c.phase = 'established';
          c.answeredAt = s.at;
          c.answerSeenAt = now;
          c.codec = codecOfSdp(m.body) ?? c.codec;
          events.push({ type: 'setup', call: c });
        } else {
          events.push({ type: 'setup', call: c }, this.finish(c, 'final', s.at, now));
        }
      }
    }
    return events;
  }

  private add(c: CallRecord): void {
    this.calls.set(c.key, c);
    let keys = this.byCallId.get(c.callId);
    if (!keys) this.byCallId.set(c.callId, (keys = new Set()));
    keys.add(c.key);
  }

  private remove(c: CallRecord): void {
    this.calls.delete(c.key);
    const keys = this.byCallId.get(c.callId);
    keys?.delete(c.key);
    if (keys?.size === 0) this.byCallId.delete(c.callId);
  }

  /** Evicts the oldest attempts so one more fits under maxCalls. */
  private makeRoom(): void {
    while (this.calls.size >= this.opts.maxCalls) {
      const oldest = this.calls.values().next().value as CallRecord;
      this.remove(oldest);
      this.counters.evicted++;
    }
  }

  private finish(c: CallRecord, reason: EndReason, at: number | undefined, now: number): TrackerEvent {
    c.phase = 'done';
    c.endReason = reason;
    c.endedAt = at;
    this.remove(c);
    this.finished.delete(c.key);
    this.finished.set(c.key, { cseq: c.inviteCseq, seenAt: now });
    while (this.finished.size > this.opts.maxCalls) this.finished.delete(this.finished.keys().next().value as string);
    return { type: 'end', call: c };
  }
}

/** A retry of the INVITE (higher CSeq, e.g. with credentials): the setup is measured again from it. */
function restartSetup(c: CallRecord, cseq: number, at: number, now: number): void {
  c.inviteCseq = cseq;
  c.inviteAt = at;
  c.challengeCode = undefined;
  c.challengeAt = undefined;
  c.firstProvisionalAt = undefined;
  c.ringingAt = undefined;
  c.setupSeenAt = now;
}
