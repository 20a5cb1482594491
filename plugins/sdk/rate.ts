/**
 * Counter → rate per second, as SNMP pollers need it.
 *
 * Contract of `CounterRate.update(sample)`:
 * - the first sample of a series gives no rate (`undefined`);
 * - a counter that went backwards is a wrap when the counter is 32-bit or 64-bit and the
 *   implied rate is plausible (below `maxRate` when given): the rate uses `2^bits - prev + cur`;
 * - a discontinuity gives no rate and restarts the series: the agent rebooted (`uptime` went
 *   backwards), `discontinuity` changed (IF-MIB ifCounterDiscontinuityTime), the elapsed
 *   time is not positive, or a backwards step is implausible as a wrap. No spike, ever.
 */
export interface CounterSample {
  /** The raw counter, as bigint so Counter64 keeps its precision. */
  value: bigint;
  /** Epoch ms of the sample. */
  at: number;
  /** Agent uptime (sysUpTime, hundredths) when known: going backwards means a reboot. */
  uptime?: number;
  /** IF-MIB ifCounterDiscontinuityTime (or any marker) when known: a change resets. */
  discontinuity?: number;
}

export interface CounterRateOptions {
  bits: 32 | 64;
  /** Largest plausible rate per second through a wrap (e.g. ifSpeed/8 × 1.5 for octets): a backwards step implying more is a reset, not a wrap. */
  maxRate?: number;
}

export class CounterRate {
  private prev?: CounterSample;
  constructor(private readonly opts: CounterRateOptions) {}

  /** Feeds a sample; returns the rate per second since the previous one, or undefined. */
  update(s: CounterSample): number | undefined {
    const p = this.prev;
    this.prev = s;
    if (!p) return undefined;
    const dt = (s.at - p.at) / 1000;
    if (dt <= 0) return undefined;
    if (p.uptime !== undefined && s.uptime !== undefined && s.uptime < p.uptime) return undefined;
    if (p.discontinuity !== undefined && s.discontinuity !== undefined && s.discontinuity !== p.discontinuity) return undefined;
    const delta = s.value - p.value;
    // A forward step is counted traffic, whatever the speed the agent claims (net-snmp gives `lo`
    // 10 Mb/s; tunnels and LAGs often misreport): only a backwards step needs judging.
    if (delta >= 0n) return Number(delta) / dt;
    const modulus = 1n << BigInt(this.opts.bits);
    if (p.value >= modulus || s.value >= modulus) return undefined;
    const rate = Number(modulus - p.value + s.value) / dt;
    if (this.opts.maxRate !== undefined && rate > this.opts.maxRate) return undefined;
    return rate;
  }

  reset(): void {
    this.prev = undefined;
  }
}
