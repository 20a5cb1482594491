/**
 * SIMULATOR ONLY — how good the simulated trunk is at a given moment: a pure, seeded function of
 * the time elapsed since the simulator started, so the demo tells the same story every run and
 * tests can predict it.
 *
 * - **strain** (0..1): "impairment episodes", one per 15-minute cycle, starting 3–11 min into
 *   the cycle, lasting 2–4 min, of seeded severity 0.5–1, ramping in and out over 30 s. Media
 *   loss, jitter and round-trip time, the OPTIONS delay and the share of 503s all rise with it.
 * - **OPTIONS delay**: 5–45 ms drifting (value noise, 90 s knots), plus up to 75 ms of strain,
 *   plus ±2 ms per request; always within 5..120 ms.
 * - **silences**: one per 10-minute cycle, starting 4–8 min into the cycle, lasting 30–60 s,
 *   during which the trunk answers nothing new (OPTIONS, REGISTER, INVITE): it goes down and
 *   back up in the demo. Can be turned off (`silences: false`).
 * - **media** (`mediaAt`): packet loss 0.05–0.9 % drifting (+ up to 8 % of strain), jitter 2–10 ms
 *   (+ up to 50 ms), round-trip time 20–60 ms (+ up to 120 ms).
 */
import { hash32, prng } from '../../sdk/testkit/live.js';

/** Media quality at one moment, what a receiver of the trunk's RTP would measure. */
export interface MediaQuality {
  lossPct: number;
  jitterMs: number;
  rttMs: number;
}

/** A window of silence, ms since the start (end exclusive). */
export interface Silence {
  startMs: number;
  endMs: number;
}

export interface TrunkQuality {
  /** Impairment, 0 (clean) .. 1 (worst episode). */
  strainAt(elapsedMs: number): number;
  /** True while the trunk answers no new request. */
  silentAt(elapsedMs: number): boolean;
  /** The silences overlapping [fromMs, toMs), in order. */
  silences(fromMs: number, toMs: number): Silence[];
  /** How long the trunk takes to answer an OPTIONS (or REGISTER) now, 5..120 ms. */
  optionsDelayMs(elapsedMs: number): number;
  mediaAt(elapsedMs: number): MediaQuality;
}

export const SILENCE_CYCLE_MS = 10 * 60_000;
export const EPISODE_CYCLE_MS = 15 * 60_000;
const RAMP_MS = 30_000;

/** The seeded quality timeline of one trunk (`seed` and the trunk `name` pick it). */
export function trunkQuality(seed: number, name: string, opts: { silences?: boolean } = {}): TrunkQuality {
  const base = (hash32(name) ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  /** A seeded uniform number for (stream, index), stable across calls. */
  const draw = (stream: number, index: number, k = 0): number => {
    const r = prng((base ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 7, 0xc2b2ae35)) >>> 0);
    for (let i = 0; i < k; i++) r();
    return r();
  };
  /** Smooth value noise in 0..1: seeded knots every `stepMs`, cosine-interpolated. */
  const noise = (stream: number, t: number, stepMs: number): number => {
    const k = Math.floor(t / stepMs);
    const f = (1 - Math.cos(((t - k * stepMs) / stepMs) * Math.PI)) / 2;
    return draw(stream, k) * (1 - f) + draw(stream, k + 1) * f;
  };
  const silenceOf = (cycle: number): Silence => {
    const startMs = cycle * SILENCE_CYCLE_MS + 240_000 + Math.floor(draw(10, cycle) * 240_000);
    return { startMs, endMs: startMs + 30_000 + Math.floor(draw(10, cycle, 1) * 30_000) };
  };
  const withSilences = opts.silences ?? true;

  const quality: TrunkQuality = {
    strainAt(t) {
      const cycle = Math.floor(t / EPISODE_CYCLE_MS);
      const start = cycle * EPISODE_CYCLE_MS + 180_000 + draw(20, cycle) * 480_000;
      const length = 120_000 + draw(20, cycle, 1) * 120_000;
      const severity = 0.5 + draw(20, cycle, 2) * 0.5;
      if (t < start || t >= start + length) return 0;
      const ramp = Math.min(1, (t - start) / RAMP_MS, (start + length - t) / RAMP_MS);
      return severity * ramp;
    },
    silentAt(t) {
      if (!withSilences || t < 0) return false;
      const s = silenceOf(Math.floor(t / SILENCE_CYCLE_MS));
      return t >= s.startMs && t < s.endMs;
    },
    silences(fromMs, toMs) {
      if (!withSilences) return [];
      const out: Silence[] = [];
      for (let c = Math.max(0, Math.floor(fromMs / SILENCE_CYCLE_MS)); c * SILENCE_CYCLE_MS < toMs; c++) {
        const s = silenceOf(c);
        if (s.endMs > fromMs && s.startMs < toMs) out.push(s);
      }
      return out;
    },
    optionsDelayMs(t) {
      const perRequest = (draw(30, Math.floor(t)) - 0.5) * 4;
      const ms = 5 + 40 * noise(31, t, 90_000) + 75 * quality.strainAt(t) + perRequest;
      return Math.min(120, Math.max(5, ms));
    },
    mediaAt(t) {
      const strain = quality.strainAt(t);
      const drift = noise(40, t, 120_000);
      return {
        lossPct: 0.05 + 0.85 * drift * drift + 8 * strain,
        jitterMs: 2 + 8 * noise(41, t, 100_000) + 50 * strain,
        rttMs: 20 + 40 * noise(42, t, 150_000) + 120 * strain,
      };
    },
  };
  return quality;
}
