/**
 * Telephony formatting as data (no DOM): MOS bands, milliseconds, loss and ratios, call outcomes,
 * registration and clock times. A value that was never reported is `undefined` and shows `—`
 * (never 0: a trunk without calls has no MOS, not a MOS of 0).
 */
import { formatDuration, formatPercent, MISSING } from '../panel/format.js';
import { MOS_FAIR, MOS_GOOD } from './vocabulary.js';

export { MISSING };

export type MosBand = 'good' | 'fair' | 'poor';

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** good ≥ 4.03 > fair ≥ 3.6 > poor; undefined without a MOS. */
export function mosBand(mos: number | undefined): MosBand | undefined {
  if (!finite(mos)) return undefined;
  if (mos >= MOS_GOOD) return 'good';
  if (mos >= MOS_FAIR) return 'fair';
  return 'poor';
}

/** The glyph that repeats a band's colour (colour is never the only cue). */
export const BAND_GLYPHS: Record<MosBand, string> = { good: '✓', fair: '!', poor: '✕' };

/** `4.21` */
export function formatMos(mos: number | undefined): string {
  return finite(mos) ? mos.toFixed(2) : MISSING;
}

/** `0.04 ms`, `0.84 ms`, `12.3 ms`, `153 ms`, `12.5 s`. */
export function formatMs(ms: number | undefined): string {
  if (!finite(ms)) return MISSING;
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 100) return `${Math.round(ms)} ms`;
  if (abs >= 1 || ms === 0) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`; // loopback and LAN trunks answer in well under a millisecond
}

/** Packet loss: `0 %`, `0.35 %`, `2.4 %`, `17 %` (small losses matter: two decimals under 1 %). */
export function formatLoss(pct: number | undefined): string {
  if (!finite(pct)) return MISSING;
  if (pct === 0) return '0 %';
  if (Math.abs(pct) < 1) return `${pct.toFixed(2)} %`;
  return formatPercent(pct);
}

/** A ratio in percent (ASR, NER): `67 %`, `8.5 %`. */
export function formatRatio(pct: number | undefined): string {
  return formatPercent(pct);
}

/** A count (concurrent calls): `0`, `12`. */
export function formatCount(n: number | undefined): string {
  return finite(n) ? String(Math.round(n)) : MISSING;
}

/** A call duration in seconds: `45s`, `3m 20s`. */
export function formatCallDuration(seconds: number | undefined): string {
  return formatDuration(seconds);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `HH:MM:SS` of an epoch ms (calls of the last hour need no date). */
export function formatClock(ms: number | undefined): string {
  if (!finite(ms)) return MISSING;
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `answered`, `rejected 486`, `failed 503`, `no-answer`. */
export function outcomeLabel(outcome: string, code: number | undefined): string {
  return code !== undefined && outcome !== 'answered' ? `${outcome} ${code}` : outcome;
}

export type RegistrationStatus = 'registered' | 'failed' | 'unchecked';

/** `sip.register.ok`: 1 → registered, 0 → failed, absent → unchecked (no REGISTER check configured). */
export function registrationStatus(ok: number | undefined): RegistrationStatus {
  if (!finite(ok)) return 'unchecked';
  return ok >= 1 ? 'registered' : 'failed';
}

/** `registered (3600 s)`, `not registered`, `—`. */
export function registrationLabel(ok: number | undefined, expiresS: number | undefined): string {
  const status = registrationStatus(ok);
  if (status === 'unchecked') return MISSING;
  if (status === 'failed') return 'not registered';
  return finite(expiresS) ? `registered (${Math.round(expiresS)} s)` : 'registered';
}

/** `sip:alice@…` → `alice`; a bare number or address is kept; missing → `—`. */
export function partyLabel(uri: string | undefined): string {
  if (!uri) return MISSING;
  const m = /^(?:.*<)?sips?:([^@;>]+)@/.exec(uri);
  return m ? m[1] : uri.replace(/^sips?:/, '').replace(/[<>]/g, '');
}
