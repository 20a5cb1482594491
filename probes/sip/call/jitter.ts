/**
 * Interarrival jitter, RFC 3550 §6.4.1 and Appendix A.8: for two packets i and j,
 * D(i,j) = (Rj − Ri) − (Sj − Si), with R the arrival time and S the RTP timestamp, both in
 * timestamp units; after each packet, J += (|D(i−1,i)| − J) / 16. Fed in arrival order.
 * The timestamp difference is taken modulo 2³² (a timestamp wrap is not a jump).
 */
export class InterarrivalJitter {
  private prevArrival?: number;
  private prevTimestamp?: number;
  private j = 0;
  private samples = 0;

  /** @param clockRate RTP clock, Hz (8000 for G.711). */
  constructor(readonly clockRate: number) {}

  /** One packet: its arrival time in ms (any origin, sub-ms resolution welcome) and its RTP timestamp. */
  update(arrivalMs: number, rtpTimestamp: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    if (this.prevArrival !== undefined && this.prevTimestamp !== undefined) {
      const ts = ((rtpTimestamp - this.prevTimestamp) | 0);
      const d = arrival - this.prevArrival - ts;
      this.j += (Math.abs(d) - this.j) / 16;
      this.samples++;
    }
    this.prevArrival = arrival;
    this.prevTimestamp = rtpTimestamp >>> 0;
  }

  /** Current estimate, in timestamp units. */
  get jitter(): number {
    return this.j;
  }

  /** Current estimate, in ms. */
  get jitterMs(): number {
    return (this.j * 1000) / this.clockRate;
  }

  /** Differences taken so far (packets − 1). */
  get count(): number {
    return this.samples;
  }
}
