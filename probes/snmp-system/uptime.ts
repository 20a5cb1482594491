/**
 * `UptimeTracker`: follows sysUpTime (TimeTicks, hundredths of a second, 32-bit) from poll to
 * poll, tells a restart of the agent from the counter's wrap, and unwraps the uptime.
 *
 * Contract of `update(ticks, at)` (`at` in epoch ms, from the probe's scheduler):
 * - the first sample is never a reboot;
 * - ticks not below the previous sample: no reboot;
 * - ticks below the previous sample: a wrap (2^32 hundredths, about 497 days) when the step
 *   forward across the wrap, `2^32 - previous + ticks`, fits the time elapsed since the previous
 *   sample (at most twice it plus 60 s); otherwise the agent restarted (`rebooted: true`);
 * - `uptimeS` counts the wraps seen since the last restart, so it keeps growing past 497 days;
 *   `previousS` is the previous sample's `uptimeS`.
 */
export const TIMETICKS_MODULUS = 2 ** 32;
const WRAP_SLACK_TICKS = 6000;

export interface UptimeUpdate {
  uptimeS: number;
  rebooted: boolean;
  previousS?: number;
}

export class UptimeTracker {
  private prev?: { ticks: number; at: number; uptimeS: number };
  private wraps = 0;

  update(ticks: number, at: number): UptimeUpdate {
    const p = this.prev;
    let rebooted = false;
    if (p && ticks < p.ticks) {
      const elapsedTicks = Math.max(0, (at - p.at) / 10);
      const acrossWrap = TIMETICKS_MODULUS - p.ticks + ticks;
      if (acrossWrap <= 2 * elapsedTicks + WRAP_SLACK_TICKS) this.wraps++;
      else {
        rebooted = true;
        this.wraps = 0;
      }
    }
    const uptimeS = (this.wraps * TIMETICKS_MODULUS + ticks) / 100;
    this.prev = { ticks, at, uptimeS };
    return p ? { uptimeS, rebooted, previousS: p.uptimeS } : { uptimeS, rebooted };
  }
}
