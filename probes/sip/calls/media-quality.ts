/**
 * Media quality of one call from the RTCP reports mirrored for it (HEP protocol type 5).
 *
 * Per direction (reporter SSRC → reported source SSRC) it keeps the last report block's fraction
 * lost, cumulative lost and interarrival jitter (ms, at the codec's RTP clock rate), and between
 * consecutive blocks the packets expected (extended highest sequence delta) and lost (cumulative
 * lost delta), so the loss of the call is lost/expected over every reported interval but the
 * first; with a single block it is that block's fraction lost. The round-trip time is the latest
 * RTT = A − LSR − DLSR (RFC 3550 §6.4.1) with A the capture time of the report.
 *
 * `quality()` scores the call with the E-model (quality/e-model.ts) from the worst direction's
 * loss and a one-way delay of RTT/2 (0 when no RTT is known): see the README for the limits.
 * Memory is bounded: at most MAX_DIRECTIONS directions per call.
 */
import type { CallQuality } from '../call-report.js';
import { lookupCodec, type CodecTable } from '../quality/codecs.js';
import { scoreCall } from '../quality/e-model.js';
import { jitterMs, ntpMiddle32FromUnixMs, reportBlocksOf, roundTripMs, type RtcpPacket } from '../rtcp/report.js';

/** Directions kept per call (a call has two; conference or forked media a few more). */
export const MAX_DIRECTIONS = 8;
/** RTTs above this are dropped: they come from clocks that disagree, not from a path. */
export const MAX_PLAUSIBLE_RTT_MS = 10_000;

interface Direction {
  lastExtendedSeq: number;
  lastCumulativeLost: number;
  expected: number;
  lost: number;
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
}

/** The table name of a call's codec: the SDP's when the table knows it, else `fallback`. */
export function codecNameFor(sdpName: string | undefined, fallback: string, table: CodecTable): string {
  if (sdpName) {
    try {
      return lookupCodec(table, sdpName).name;
    } catch {
      // not in the table (e.g. Opus unless configured): the configured default is used
    }
  }
  return fallback;
}

export class CallMedia {
  private readonly directions = new Map<string, Direction>();
  private rttMs?: number;
  private fresh = false;
  /** RTCP packets that carried at least one report block. */
  reports = 0;

  /**
   * Adds one RTCP compound captured at `arrivalMs` (epoch ms; without it no RTT is computed);
   * returns the number of report blocks used.
   */
  add(packets: readonly RtcpPacket[], arrivalMs: number | undefined, clockRateHz: number): number {
    let used = 0;
    const arrival = arrivalMs === undefined ? undefined : ntpMiddle32FromUnixMs(arrivalMs);
    for (const { reporterSsrc, block } of reportBlocksOf(packets)) {
      const key = `${reporterSsrc}>${block.ssrc}`;
      let d = this.directions.get(key);
      if (!d) {
        if (this.directions.size >= MAX_DIRECTIONS) continue;
        d = { lastExtendedSeq: block.extendedHighestSeq, lastCumulativeLost: block.cumulativeLost, expected: 0, lost: 0, fractionLost: 0, cumulativeLost: 0, jitterMs: 0 };
        this.directions.set(key, d);
      } else {
        const expected = (block.extendedHighestSeq - d.lastExtendedSeq) >>> 0;
        // Only forward progress counts (a wrap past 2^31 or a restarted stream is skipped).
        if (expected > 0 && expected < 0x8000_0000) {
          d.expected += expected;
          d.lost += Math.min(expected, Math.max(0, block.cumulativeLost - d.lastCumulativeLost));
        }
        d.lastExtendedSeq = block.extendedHighestSeq;
        d.lastCumulativeLost = block.cumulativeLost;
      }
      d.fractionLost = block.fractionLost;
      d.cumulativeLost = block.cumulativeLost;
      d.jitterMs = jitterMs(block.jitter, clockRateHz);
      const rtt = arrival === undefined ? undefined : roundTripMs(arrival, block.lsr, block.dlsr);
      if (rtt !== undefined && rtt <= MAX_PLAUSIBLE_RTT_MS) this.rttMs = rtt;
      used++;
    }
    if (used > 0) {
      this.reports++;
      this.fresh = true;
    }
    return used;
  }

  /** True once if a report arrived since the last call (one quality sample per call per interval). */
  takeFresh(): boolean {
    const f = this.fresh;
    this.fresh = false;
    return f;
  }

  /** Loss (percent) of the worst direction. */
  lossPct(): number | undefined {
    let worst: number | undefined;
    for (const d of this.directions.values()) {
      const pct = d.expected > 0 ? (100 * d.lost) / d.expected : 100 * d.fractionLost;
      worst = worst === undefined ? pct : Math.max(worst, pct);
    }
    return worst;
  }

  /** The call's quality by the E-model, or undefined before any report block. */
  quality(codec: string, table: CodecTable): CallQuality | undefined {
    const lossPct = this.lossPct();
    if (lossPct === undefined) return undefined;
    const jitter = Math.max(...[...this.directions.values()].map((d) => d.jitterMs));
    const oneWayDelayMs = this.rttMs === undefined ? undefined : this.rttMs / 2;
    const score = scoreCall({ codec, oneWayDelayMs: oneWayDelayMs ?? 0, lossPct: Math.min(100, lossPct) }, table);
    const q: CallQuality = { mos: score.mos, r: score.r, codec: score.codec, jitterMs: jitter, lossPct };
    if (this.rttMs !== undefined) {
      q.rttMs = this.rttMs;
      q.oneWayDelayMs = oneWayDelayMs;
    }
    return q;
  }
}
