/**
 * Call quality by the ITU-T G.107 E-model in its common simplified form (only delay, codec and
 * packet loss vary; every other factor at its G.107 default):
 *
 *   R      = 93.2 − Id − Ie_eff
 *   Id     = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)       d = one-way mouth-to-ear delay, ms;
 *                                                          H = Heaviside step (0 below, 1 at or above)
 *   Ie_eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl)     Ppl = packet loss, %; BurstR = 1 random
 *   MOS    = 1 for R < 0; 4.5 for R > 100; else 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶
 *
 * Limits: echo, noise, jitter-buffer and recency effects are not modelled (jitter must be turned
 * into delay and loss by the caller: a late packet is a lost one); the 93.2 base assumes G.107
 * narrow-band defaults, so wide-band codecs are scored on the narrow-band scale.
 */
import { VigieError } from '../../../plugins/sdk/index.js';
import { createCodecTable, lookupCodec, validateCodecProfile, type CodecProfile, type CodecTable } from './codecs.js';

/** The inputs of one call (or one interval of one call). */
export interface CallQualityInput {
  /** A codec name or alias looked up in the table (`G.711`, `PCMU`, …), or a profile given inline. */
  readonly codec: string | CodecProfile;
  /** One-way delay in ms, ≥ 0. */
  readonly oneWayDelayMs: number;
  /** Packet loss in percent, 0..100. */
  readonly lossPct: number;
  /** Burst ratio, ≥ 1 (1 = random loss, the default; > 1 = bursty). */
  readonly burstR?: number;
}

/** The E-model's result with its terms, so a UI can say why a call scored low. */
export interface CallScore {
  readonly codec: string;
  readonly r: number;
  readonly mos: number;
  /** Delay impairment. */
  readonly id: number;
  /** Effective equipment impairment (codec + loss). */
  readonly ieEff: number;
}

const R0 = 93.2;
const DELAY_KNEE_MS = 177.3;
const DEFAULT_TABLE: CodecTable = createCodecTable();

function requireNumber(field: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in ${min}..${max}`;
    throw new VigieError('E_QUALITY_INPUT', `${field} must be a finite number ${range}, got ${String(value)}`, { field, value });
  }
  return value;
}

/** Delay impairment Id for a one-way delay in ms (throws `E_QUALITY_INPUT` when negative or not finite). */
export function delayImpairment(oneWayDelayMs: number): number {
  const d = requireNumber('oneWayDelayMs', oneWayDelayMs, 0);
  return 0.024 * d + (d >= DELAY_KNEE_MS ? 0.11 * (d - DELAY_KNEE_MS) : 0);
}

/** Effective equipment impairment Ie_eff of a codec under `lossPct` % loss with burst ratio `burstR`. */
export function effectiveEquipmentImpairment(codec: CodecProfile, lossPct: number, burstR = 1): number {
  const { ie, bpl } = validateCodecProfile(codec);
  const ppl = requireNumber('lossPct', lossPct, 0, 100);
  const b = requireNumber('burstR', burstR, 1);
  return ie + ((95 - ie) * ppl) / (ppl / b + bpl);
}

/** MOS (1..4.5) from an R factor; R outside 0..100 is clamped. Throws `E_QUALITY_INPUT` on NaN. */
export function mosFromR(r: number): number {
  if (typeof r !== 'number' || Number.isNaN(r)) {
    throw new VigieError('E_QUALITY_INPUT', `R must be a number, got ${String(r)}`, { field: 'r', value: r });
  }
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** R, MOS and their terms for one call; `table` defaults to the default codec table. Throws `E_QUALITY_INPUT`. */
export function scoreCall(input: CallQualityInput, table: CodecTable = DEFAULT_TABLE): CallScore {
  if (typeof input !== 'object' || input === null) {
    throw new VigieError('E_QUALITY_INPUT', 'a call-quality input must be an object', { field: 'input' });
  }
  const codec = typeof input.codec === 'string' ? lookupCodec(table, input.codec) : validateCodecProfile(input.codec);
  const id = delayImpairment(input.oneWayDelayMs);
  const ieEff = effectiveEquipmentImpairment(codec, input.lossPct, input.burstR ?? 1);
  const r = R0 - id - ieEff;
  return { codec: codec.name, r, mos: mosFromR(r), id, ieEff };
}

/** MOS of one call: `scoreCall(input, table).mos`. */
export function mosOf(input: CallQualityInput, table: CodecTable = DEFAULT_TABLE): number {
  return scoreCall(input, table).mos;
}

/** Aggregate of the scores of one interval (per trunk): `p5` is the 5th percentile by nearest rank. */
export interface ScoreAggregate {
  readonly count: number;
  readonly average: number;
  readonly minimum: number;
  readonly p5: number;
}

/**
 * Average, minimum and 5th percentile (nearest-rank: the ⌈0.05·n⌉-th smallest value, so always
 * an observed score) of MOS or R values; `undefined` for an empty interval. Throws
 * `E_QUALITY_INPUT` on a non-finite value.
 */
export function aggregateScores(values: readonly number[]): ScoreAggregate | undefined {
  if (values.length === 0) return undefined;
  values.forEach((v, i) => requireNumber(`values[${i}]`, v, -Infinity));
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  const rank = Math.max(1, Math.ceil(0.05 * sorted.length));
  return { count: sorted.length, average: sum / sorted.length, minimum: sorted[0], p5: sorted[rank - 1] };
}
