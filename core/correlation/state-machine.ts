/**
 * One entity's state with hysteresis: a raw state must be seen `down` times in a row before a
 * worse state is confirmed, and `up` times in a row before a better one is. Repeats of the
 * confirmed state confirm nothing new (de-duplication).
 *
 * `feed` returns the transition when one is confirmed. The machine is pure and synchronous so
 * later layers (flap detection, dependencies, maintenance) can wrap its transitions.
 */
import type { EntityState, RawState } from '../../plugins/sdk/index.js';

export interface Hysteresis {
  /** Consecutive observations needed to confirm a worse state. */
  down: number;
  /** Consecutive observations needed to confirm a better state. */
  up: number;
}

export interface Transition {
  from: EntityState;
  to: RawState;
  /** How many consecutive raw observations confirmed it. */
  count: number;
  reason?: string;
}

const RANK: Record<RawState, number> = { up: 0, degraded: 1, unknown: 1.5, down: 2 };

export class EntityStateMachine {
  private confirmed: EntityState = 'unknown';
  private candidate?: RawState;
  private count = 0;

  constructor(private hysteresis: Hysteresis) {}

  get state(): EntityState {
    return this.confirmed;
  }

  /** Changes the thresholds (e.g. after a config reload); the run in progress keeps its count. */
  configure(h: Hysteresis): void {
    this.hysteresis = h;
  }

  feed(raw: RawState, reason?: string): Transition | undefined {
    if (raw === this.confirmed) {
      this.candidate = undefined;
      this.count = 0;
      return undefined;
    }
    if (raw === this.candidate) this.count += 1;
    else {
      this.candidate = raw;
      this.count = 1;
    }
    if (this.count < this.needed(raw)) return undefined;
    const t: Transition = { from: this.confirmed, to: raw, count: this.count, reason };
    this.confirmed = raw;
    this.candidate = undefined;
    this.count = 0;
    return t;
  }

  /** Worse than the confirmed state needs `down` in a row; better (or from unknown to up) needs `up`. */
  private needed(raw: RawState): number {
    const from = this.confirmed in RANK ? RANK[this.confirmed as RawState] : RANK.unknown;
    return RANK[raw] > from ? this.hysteresis.down : this.hysteresis.up;
  }
}
