/**
 * What an echoed RTP stream says about the path, from the sender's own bookkeeping: every packet
 * sent is remembered by sequence number with its send time; a packet coming back with our SSRC
 * is matched to it. Then:
 * - loss: packets sent whose echo never came back (within the session's grace time), in % of sent;
 * - round-trip time: echo arrival − send time, per packet (mean, min, max);
 * - jitter: RFC 3550 A.8 interarrival jitter of the returned stream (./jitter.ts), in ms;
 * - duplicates (an echo seen twice) and foreign datagrams (not RTP, another SSRC, a sequence we
 *   did not send) are counted and otherwise ignored.
 * Times are in ms from any origin; the meter does no I/O and reads no clock.
 */
import { InterarrivalJitter } from './jitter.js';
import type { RtpHeader } from './rtp-packet.js';

/** The measurements of one echoed stream. */
export interface EchoStats {
  sent: number;
  /** Distinct packets that came back. */
  received: number;
  lost: number;
  /** `lost / sent` in % (0 when nothing was sent). */
  lossPct: number;
  duplicates: number;
  foreign: number;
  /** RFC 3550 A.8 jitter of the returned stream, ms (0 with fewer than two packets back). */
  jitterMs: number;
  /** Mean round-trip time, ms (undefined when nothing came back). */
  rttMs?: number;
  rttMinMs?: number;
  rttMaxMs?: number;
}

export class EchoMeter {
  private readonly pending = new Map<number, { sentAt: number; back: boolean }>();
  private readonly jitter: InterarrivalJitter;
  private sentCount = 0;
  private receivedCount = 0;
  private duplicates = 0;
  private foreignCount = 0;
  private rttSum = 0;
  private rttMin = Infinity;
  private rttMax = -Infinity;

  /** @param ssrc our stream's SSRC (echoes carry it); @param clockRate RTP clock, Hz. */
  constructor(private readonly ssrc: number, clockRate = 8000) {
    this.jitter = new InterarrivalJitter(clockRate);
  }

  /** A packet we sent, with sequence `sequence`, at `atMs`. */
  onSent(sequence: number, atMs: number): void {
    this.sentCount++;
    this.pending.set(sequence & 0xffff, { sentAt: atMs, back: false });
  }

  /** A datagram received at `atMs`: an echo of ours when its header has our SSRC and a sequence we sent. */
  onReceived(header: Pick<RtpHeader, 'sequence' | 'timestamp' | 'ssrc'> | undefined, atMs: number): void {
    const sent = header && header.ssrc >>> 0 === this.ssrc >>> 0 ? this.pending.get(header.sequence) : undefined;
    if (!header || !sent) {
      this.foreignCount++;
      return;
    }
    if (sent.back) {
      this.duplicates++;
      return;
    }
    sent.back = true;
    this.receivedCount++;
    const rtt = Math.max(0, atMs - sent.sentAt);
    this.rttSum += rtt;
    this.rttMin = Math.min(this.rttMin, rtt);
    this.rttMax = Math.max(this.rttMax, rtt);
    this.jitter.update(atMs, header.timestamp);
  }

  /** A datagram that is not RTP at all. */
  onForeign(): void {
    this.foreignCount++;
  }

  stats(): EchoStats {
    const lost = this.sentCount - this.receivedCount;
    const out: EchoStats = {
      sent: this.sentCount,
      received: this.receivedCount,
      lost,
      lossPct: this.sentCount === 0 ? 0 : (100 * lost) / this.sentCount,
      duplicates: this.duplicates,
      foreign: this.foreignCount,
      jitterMs: this.jitter.jitterMs,
    };
    if (this.receivedCount > 0) {
      out.rttMs = this.rttSum / this.receivedCount;
      out.rttMinMs = this.rttMin;
      out.rttMaxMs = this.rttMax;
    }
    return out;
  }
}
