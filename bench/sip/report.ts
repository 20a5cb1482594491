/**
 * The printout of `bench/sip`: markdown tables (scale run, detection, raw rate) and the verdicts
 * against the goals of issue 5: under 10 % of one core at 500 OPTIONS/s, a trunk that stops
 * answering detected within 2 intervals, a raw OPTIONS rate at least SIPp's.
 */
import type { RawResult } from './raw-vigie.js';
import type { SippRawResult } from './raw-sipp.js';
import type { TrunksSnapshot, VictimState } from './trunks.js';

export const GOAL_CORE_PCT = 10;
export const GOAL_DETECTION_INTERVALS = 2;
export const GOAL_RAW_RATIO = 1;

export interface ScaleResult {
  trunks: number;
  intervalMs: number;
  timeoutMs: number;
  /** Two snapshots around the steady window, and Kamailio's CPU µs over it. */
  a: TrunksSnapshot;
  b: TrunksSnapshot;
  kamailioCpuUs: number;
  /** Datagrams the kernel dropped for a full UDP receive buffer over the window (machine-wide). */
  kernelDrops: number;
  /** When the victims' Kamailio was sent SIGTERM, and how long it took to exit. */
  stopAt: number;
  stopTookMs: number;
  victims: VictimState[];
  /** The bare-socket floor at the same rate (floor.ts), over a window as long. */
  floor: FloorResult;
}

export interface FloorResult {
  wallMs: number;
  cpuUs: number;
  sent: number;
  received: number;
  kamailioCpuUs: number;
}

/** The bare-socket closed loop of floor.ts (no SIP, no retransmission). */
export interface FloorBurst {
  count: number;
  window: number;
  ok: number;
  lost: number;
  wallMs: number;
  cpuUs: number;
}

export interface RawRow {
  client: 'vigie' | 'sipp' | 'floor';
  window: number;
  result: RawResult | SippRawResult | FloorBurst;
  kamailioCpuUs: number;
  /** Datagrams the kernel dropped for a full UDP receive buffer during the run (machine-wide). */
  kernelDrops: number;
}

const CLIENT_NAMES: Record<RawRow['client'], string> = { vigie: 'Vigie engine', sipp: 'SIPp (options.xml)', floor: 'bare Node socket (floor)' };

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** A markdown table, numbers right-aligned, columns padded. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function scaleSection(r: ScaleResult): string {
  const wallS = (r.b.atMs - r.a.atMs) / 1000;
  const sent = r.b.sent - r.a.sent;
  const vigieUs = r.b.cpuUs - r.a.cpuUs;
  const keepalives = r.b.keepalives - r.a.keepalives;
  const ok = r.b.successes - r.a.successes;
  const rate = sent / wallS;
  const pct = (us: number): string => `${fmt((100 * us) / (wallS * 1e6), 1)} %`;
  const f = r.floor;
  const fPct = (us: number): string => `${fmt((100 * us) / (f.wallMs * 1000), 1)} %`;
  const rows = [
    ['OPTIONS per second', `${fmt(rate)} (over 1 s: ${fmt(r.b.minSentPerSecond)}–${fmt(r.b.maxSentPerSecond)})`, fmt(f.sent / (f.wallMs / 1000)), ''],
    ['answers', `${fmt(r.b.received - r.a.received)}`, fmt(f.received), 'stateless `sl_send_reply`'],
    ['CPU, % of one core', pct(vigieUs), fPct(f.cpuUs), `${pct(r.kamailioCpuUs)} (floor run: ${fPct(f.kamailioCpuUs)})`],
    ['CPU µs per OPTIONS', fmt(vigieUs / sent, 1), fmt(f.cpuUs / f.sent, 1), fmt(r.kamailioCpuUs / sent, 1)],
    ['keepalives ok / judged', `${fmt(ok)} / ${fmt(keepalives)} (${fmt(keepalives - ok)} failed)`, '', ''],
    ['retransmissions, unmatched answers', `${fmt(r.b.retransmits - r.a.retransmits)}, ${fmt(r.b.unmatched - r.a.unmatched)}`, '', ''],
    ['kernel UDP drops (receive buffer full, machine-wide)', fmt(r.kernelDrops), '', ''],
    ['RTT p50 / p99 / max (clock in 1 ms steps)', `${fmt(r.b.rttP50Ms, 1)} / ${fmt(r.b.rttP99Ms, 1)} / ${fmt(r.b.rttMaxMs, 1)} ms`, '', ''],
    ['event-loop delay p99 / max', `${fmt(r.b.loopDelayP99Ms, 1)} / ${fmt(r.b.loopDelayMaxMs, 1)} ms`, '', ''],
    ['resident memory', `${fmt(r.b.rssMb)} MiB`, '', ''],
  ];
  const head = `Scale: ${fmt(r.trunks)} sip-trunk probes every ${fmt(r.intervalMs / 1000, 1)} s (timeout ${fmt(r.timeoutMs)} ms), ` +
    `steady window ${fmt(wallS, 1)} s (${fmt(wallS / (r.intervalMs / 1000), 1)} intervals)`;
  const vigiePct = (100 * vigieUs) / (wallS * 1e6);
  const floorPct = (100 * f.cpuUs) / (f.wallMs * 1000);
  const goal = `goal < ${GOAL_CORE_PCT} % of one core at ${fmt(rate)} OPTIONS/s: ${verdict(vigiePct < GOAL_CORE_PCT && keepalives === ok)}` +
    (keepalives === ok ? '' : ' (some keepalives failed)') +
    `; Vigie / floor: ${fmt(vigiePct / floorPct, 1)}× (the floor is what any Node process pays for this traffic on this machine)`;
  return [head, '', table(['', `Vigie (${fmt(r.trunks)} probes, one process)`, 'bare Node socket (floor)', 'Kamailio (responder)'], rows), '', goal].join('\n');
}

export function detectionSection(r: ScaleResult): string {
  const interval = r.intervalMs;
  // the probe's default retry is one timeout after a failure; none when not sooner than the interval
  const retryOf = (v: { retryIntervalMs?: number }): number | undefined => {
    const retry = v.retryIntervalMs ?? r.timeoutMs;
    return retry < interval ? retry : undefined;
  };
  const label = (v: { threshold: number; retryIntervalMs?: number }): string => {
    if (v.threshold === 1) return '1';
    if (v.retryIntervalMs === undefined) return `${v.threshold}, default retry (${fmt(r.timeoutMs)} ms)`;
    return `${v.threshold}, retryIntervalMs ${fmt(v.retryIntervalMs)}${retryOf(v) === undefined ? ' (interval only, as Kamailio)' : ''}`;
  };
  const groups = [...new Map(r.victims.map((v) => [label(v), v])).values()].sort((x, y) => x.threshold - y.threshold || (retryOf(y) ?? Infinity) - (retryOf(x) ?? Infinity));
  const lines: string[] = [];
  const rows = groups.map((g) => {
    const t = g.threshold;
    const retry = retryOf(g);
    const group = r.victims.filter((v) => label(v) === label(g));
    const ms = group.filter((v) => v.downAt !== undefined).map((v) => v.downAt! - r.stopAt);
    const missed = group.length - ms.length;
    const failures = [...new Set(group.map((v) => v.failuresToDown ?? NaN))].map((n) => fmt(n)).join(', ');
    const triple = (f: (x: number) => string): string => `${f(Math.min(...ms))} / ${f(median(ms))} / ${f(Math.max(...ms))}`;
    const worst = Math.max(...ms) / interval;
    lines.push(`failureThreshold ${label(g)}: worst ${fmt(worst, 2)} intervals (goal ≤ ${GOAL_DETECTION_INTERVALS}: ${verdict(missed === 0 && worst <= GOAL_DETECTION_INTERVALS)})`);
    // after the first failure the next keepalive comes `retry` later instead of an interval later
    const step = retry === undefined ? interval / 1000 : (r.timeoutMs + retry) / 1000;
    const best = (t - 1) * step + r.timeoutMs / 1000;
    const worstS = interval / 1000 + (t - 1) * step + r.timeoutMs / 1000;
    return [
      label(g),
      `${group.length - missed}/${group.length}`,
      triple((x) => fmt(x / 1000, 2)),
      triple((x) => fmt(x / interval, 2)),
      failures,
      `${fmt(best, 1)}–${fmt(worstS, 1)} s`,
    ];
  });
  return [
    `Detection: the victims' Kamailio stopped (exited ${fmt(r.stopTookMs)} ms after SIGTERM); time from SIGTERM to the trunk's \`down\` state`,
    '',
    table(['failureThreshold', 'trunks down', 'seconds (min / median / max)', 'intervals (min / median / max)', 'failed keepalives', 'expected range'], rows),
    '',
    ...lines,
    `(expected: (threshold − 1) · step + timeout at best, interval + (threshold − 1) · step + timeout at worst, depending on the trunk's phase; step = interval, or timeout + retryIntervalMs with a retry)`,
  ].join('\n');
}

export function rawSection(rows: RawRow[]): string {
  const windows = [...new Set(rows.map((r) => r.window))];
  const out: string[] = [];
  const tableRows: string[][] = [];
  for (const w of windows) {
    const rateOf = (row: RawRow): number => row.result.ok / (row.result.wallMs / 1000);
    const best: Partial<Record<RawRow['client'], number>> = {};
    for (const client of ['vigie', 'sipp', 'floor'] as const) {
      const runs = rows.filter((r) => r.window === w && r.client === client);
      if (runs.length === 0) continue;
      best[client] = median(runs.map(rateOf));
      for (const run of runs) {
        const res = run.result;
        // Vigie: timed out + other failures; SIPp: failed calls (its recv timeout included) + calls never ended
        const lost = 'timeouts' in res ? res.timeouts + res.failed : 'unfinished' in res ? res.failed + res.unfinished : res.lost;
        tableRows.push([
          CLIENT_NAMES[client],
          fmt(w), fmt(res.count), fmt(res.ok), fmt(lost), 'retransmits' in res ? fmt(res.retransmits) : 'none',
          fmt(run.kernelDrops), fmt(res.wallMs / 1000, 2), fmt(rateOf(run)), fmt(res.cpuUs / res.count, 1),
          `${fmt((100 * run.kamailioCpuUs) / (res.wallMs * 1000))} %`,
        ]);
      }
    }
    const floor = best.floor !== undefined ? `; the bare socket ${fmt(best.floor)}/s` : '';
    if (best.vigie !== undefined && best.sipp !== undefined) {
      const ratio = best.vigie / best.sipp;
      out.push(`${fmt(w)} outstanding: Vigie ${fmt(best.vigie)}/s, SIPp ${fmt(best.sipp)}/s (medians): ratio vigie / sipp ${fmt(ratio, 2)}× ` +
        `(goal ≥ ${GOAL_RAW_RATIO}: ${verdict(ratio >= GOAL_RAW_RATIO)})${floor}`);
    } else if (best.vigie !== undefined) out.push(`${fmt(w)} outstanding: Vigie ${fmt(best.vigie)}/s; SIPp not run (not installed)${floor}`);
  }
  return [
    'Raw OPTIONS rate against the same Kamailio (client pinned to CPU 0, Kamailio to CPU 1)',
    '',
    table(['client', 'outstanding', 'OPTIONS', '200 OK', 'no 200 OK', 'retrans.', 'kernel drops', 'wall s', 'answered/s', 'client CPU µs/OPTIONS', 'Kamailio CPU'], tableRows),
    '',
    ...out,
  ].join('\n');
}
