/**
 * Thresholds with hysteresis for a metric: `warning`/`critical` levels and a `clear` margin so a
 * value hovering at the limit does not flap. `evaluate` returns the level now in force.
 */
export type ThresholdLevel = 'ok' | 'warning' | 'critical';

export interface ThresholdSpec {
  warning?: number;
  critical?: number;
  /** Fraction of the level the value must fall back under to clear (default 0.05 = 5%). */
  clearMargin?: number;
  /** `above` (default): high values are bad. `below`: low values are bad (e.g. MOS). */
  direction?: 'above' | 'below';
}

export class Threshold {
  private level: ThresholdLevel = 'ok';
  constructor(private readonly spec: ThresholdSpec) {}

  evaluate(value: number): ThresholdLevel {
    const { warning, critical, clearMargin = 0.05, direction = 'above' } = this.spec;
    const bad = (limit: number | undefined, margin: number): boolean => {
      if (limit === undefined) return false;
      const m = Math.abs(limit) * margin;
      return direction === 'above' ? value >= limit - m : value <= limit + m;
    };
    // Entering a level uses the limit itself; staying in it uses the limit minus the clear margin.
    const stay = (l: ThresholdLevel) => (rank(this.level) >= rank(l) ? clearMargin : 0);
    if (bad(critical, stay('critical'))) this.level = 'critical';
    else if (bad(warning, stay('warning'))) this.level = 'warning';
    else this.level = 'ok';
    return this.level;
  }

  get current(): ThresholdLevel {
    return this.level;
  }
}

function rank(l: ThresholdLevel): number {
  return l === 'ok' ? 0 : l === 'warning' ? 1 : 2;
}
