/**
 * The health of one trunk from its keepalive results, as Kamailio's dispatcher judges a
 * destination: `failureThreshold` consecutive failures take it down (ds_probing_threshold),
 * `successThreshold` consecutive successes bring it back up (ds_inactive_threshold); a result of
 * the other kind resets the count. Until either threshold is first met the state is `unknown`.
 * While up, it is `degraded` when the moving-average RTT of the last `window` successful replies
 * exceeds `degradedRttMs`. Pure and synchronous: the probe feeds it, the tests drive it directly.
 */
import type { RawState } from '../../plugins/sdk/index.js';

export interface TrunkHealthOptions {
  failureThreshold: number;
  successThreshold: number;
  /** RTT samples in the moving window. */
  window: number;
  degradedRttMs?: number;
}

/** Moving average and population standard deviation of the last samples. */
export interface RttStats {
  avgMs: number;
  stddevMs: number;
  samples: number;
}

/** Contract: call `success(rtt)` or `failure()` once per keepalive; read `state` after. */
export class TrunkHealth {
  private confirmed: 'unknown' | 'up' | 'down' = 'unknown';
  private successes = 0;
  private failures = 0;
  private readonly rtts: number[] = [];

  constructor(private readonly opts: TrunkHealthOptions) {}

  success(rttMs: number): void {
    this.failures = 0;
    this.successes++;
    this.rtts.push(rttMs);
    if (this.rtts.length > this.opts.window) this.rtts.shift();
    if (this.successes >= this.opts.successThreshold) this.confirmed = 'up';
  }

  failure(): void {
    this.successes = 0;
    this.failures++;
    if (this.failures >= this.opts.failureThreshold && this.confirmed !== 'down') {
      this.confirmed = 'down';
      // RTTs from before an outage say nothing about the trunk once it is back.
      this.rtts.length = 0;
    }
  }

  /** Moving RTT statistics, undefined before any successful reply. */
  get rtt(): RttStats | undefined {
    const n = this.rtts.length;
    if (n === 0) return undefined;
    const avg = this.rtts.reduce((a, b) => a + b, 0) / n;
    const variance = this.rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / n;
    return { avgMs: avg, stddevMs: Math.sqrt(variance), samples: n };
  }

  /** The state to report: unknown, up, degraded or down. */
  get state(): RawState {
    if (this.confirmed !== 'up') return this.confirmed;
    const limit = this.opts.degradedRttMs;
    const rtt = this.rtt;
    return limit !== undefined && rtt && rtt.avgMs > limit ? 'degraded' : 'up';
  }

  /** Consecutive results of the current streak, for reasons such as `2/3 failures`. */
  get streak(): { successes: number; failures: number } {
    return { successes: this.successes, failures: this.failures };
  }
}
