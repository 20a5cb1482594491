/**
 * Pure formatting for the panels (no DOM): rates in bits/s with SI units, speeds, percentages,
 * error rates, durations (uptime, "since") and timestamps. Missing or non-finite values give `—`.
 */

export const MISSING = '—';

const SI = ['', 'k', 'M', 'G', 'T', 'P'];

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Three significant digits at most, trailing zeros dropped: 1.5, 12.3, 123, 0.25. */
function sig3(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

/** A value with an SI prefix and `unit`, e.g. `si(1.5e9, 'b/s')` → `1.5 Gb/s`. */
export function si(value: number | undefined, unit: string): string {
  if (!finite(value)) return MISSING;
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 999.5 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  return `${sig3(v)} ${SI[i]}${unit}`;
}

/** A rate in bits per second: `0 b/s`, `950 b/s`, `34.5 Mb/s`, `1.2 Gb/s`. */
export function formatBps(bps: number | undefined): string {
  return si(bps, 'b/s');
}

/** An interface speed (bits/s): `1 Gb/s`, `100 Mb/s`; 0 or missing → `—`. */
export function formatSpeed(bps: number | undefined): string {
  return finite(bps) && bps > 0 ? si(bps, 'b/s') : MISSING;
}

/** A percentage 0–100: `0 %`, `3.4 %`, `87 %`. */
export function formatPercent(pct: number | undefined): string {
  if (!finite(pct)) return MISSING;
  return `${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)} %`;
}

/** Errors per second: `0`, `0.02/s`, `3.5/s`. */
export function formatErrorRate(perSecond: number | undefined): string {
  if (!finite(perSecond)) return MISSING;
  if (perSecond === 0) return '0';
  if (Math.abs(perSecond) < 0.01) return '<0.01/s';
  return `${sig3(perSecond)}/s`;
}

/**
 * A duration in seconds as its two largest units: `45s`, `3m 20s`, `5h 2m`, `69d 7h`.
 * Negative or missing → `—`.
 */
export function formatDuration(seconds: number | undefined): string {
  if (!finite(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** An uptime in seconds: `69d 7h 40m`, `5h 2m`, `42s`. */
export function formatUptime(seconds: number | undefined): string {
  if (!finite(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  if (s >= 86_400) return `${formatDuration(s)} ${Math.floor((s % 3_600) / 60)}m`;
  return formatDuration(s);
}

/** "for 5m 3s" relative to `now` (both epoch ms); a future time counts as 0. */
export function formatSince(since: number | undefined, now: number): string {
  if (!finite(since)) return MISSING;
  return formatDuration(Math.max(0, (now - since) / 1000));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `YYYY-MM-DD HH:MM:SS` of an epoch ms. */
export function formatTime(ms: number | undefined): string {
  if (!finite(ms)) return MISSING;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
