/**
 * From an RFC 6035 report to Vigie's call vocabulary (../call-report.ts): the E-model score of
 * each direction, the `CallReport` of a session report, the `sip-quality-alert` event of an
 * alert report. Pure (time and trunk are passed in).
 *
 * One direction (LocalMetrics = the stream the reporting phone received; RemoteMetrics = the
 * stream the far end received, as the far end told the phone by RTCP XR) is scored by `scoreCall`:
 * - codec: SessionDesc PD (`PCMU`, `G729`, `G.711U` …), else the static payload type PT (0/8 G.711,
 *   9 G.722, 18 G.729), else the other direction's SessionDesc; unknown → not scored;
 * - loss: PacketLoss NLR + JDR (a packet the jitter buffer discards is lost to the listener, as
 *   the E-model wants), capped at 100; no NLR → not scored. `lossPct` reported = NLR alone;
 * - burst ratio: `burstRatio(BurstGapLoss)` below, 1 when it cannot be derived;
 * - one-way delay: Delay OWD (vendors), else SOWD (RFC 6035's symmetric one-way delay), else
 *   RTD/2 + ESD (network half round trip + the end system's delay), else none (Id = 0);
 * - jitter: IAJ, else MAJ; round trip: RTD; `reportedMos`: QualityEst MOSCQ.
 * The call's `quality` is its worse scored direction (a call sounds as bad as its worse side);
 * both directions are kept beside it.
 */
import { SEVERITIES, trunkId, type EventObservation, type Severity } from '../../../plugins/sdk/index.js';
import type { CallQuality, CallReport } from '../call-report.js';
import type { CodecTable } from '../quality/codecs.js';
import { scoreCall } from '../quality/e-model.js';
import type { VqBurstGapLoss, VqDelay, VqMetrics, VqReport, VqSessionDesc } from './vq-report.js';

/** The event type of an alert report. */
export const QUALITY_ALERT_EVENT = 'sip-quality-alert';

/** One direction: scored (`quality`), or why not (`unscored`, with what was measured). */
export type DirectionScore =
  | { scored: true; quality: CallQuality; burstR: number; delaySource: DelaySource }
  | { scored: false; unscored: string; measured: Omit<CallQuality, 'mos'> };

export type DelaySource = 'OWD' | 'SOWD' | 'RTD/2+ESD' | 'none';

/** Static RTP payload types of the codecs in the default table (RFC 3551). */
const STATIC_PT: Readonly<Record<number, string>> = { 0: 'G.711', 8: 'G.711', 9: 'G.722', 18: 'G.729' };

/** The codec name of a SessionDesc: PD, else a static PT; `undefined` when neither says. */
export function codecOf(sd: VqSessionDesc | undefined): string | undefined {
  if (!sd) return undefined;
  if (sd.payloadDesc) return sd.payloadDesc;
  return sd.payloadType !== undefined ? STATIC_PT[sd.payloadType] : undefined;
}

/** Milliseconds between packets: 1000/PPS, else FD×FPP, else FD, else 20. */
export function packetIntervalMs(sd: VqSessionDesc | undefined): number {
  if (sd?.packetsPerSecond && sd.packetsPerSecond > 0) return 1000 / sd.packetsPerSecond;
  if (sd?.frameDurationMs && sd.frameDurationMs > 0) return sd.frameDurationMs * (sd.framesPerPacket && sd.framesPerPacket > 0 ? sd.framesPerPacket : 1);
  return 20;
}

/**
 * G.107's BurstR (mean length of observed loss runs ÷ the mean run length random loss would give)
 * from RFC 3611's burst/gap model: losses at density BLD % inside bursts lasting BD ms, GLD %
 * inside gaps lasting GD ms. Vigie's reading (an approximation, not a standardised formula): in
 * each state losses are random, so a run lasts 1/(1−density) packets, at most the state's length
 * in packets; the mean run L is total losses ÷ total runs; random loss at the same overall rate p
 * gives runs of 1/(1−p), so BurstR = L·(1−p). Equal densities give exactly 1. Returns 1 when a
 * value is missing or there is no loss; never below 1.
 */
export function burstRatio(bgl: VqBurstGapLoss | undefined, packetMs = 20): number {
  if (!bgl) return 1;
  const { burstLossDensityPct: bld, burstDurationMs: bd, gapLossDensityPct: gld, gapDurationMs: gd } = bgl;
  if (bld === undefined || bd === undefined || gld === undefined || gd === undefined) return 1;
  if (!(bld >= 0 && bd >= 0 && gld >= 0 && gd >= 0 && packetMs > 0)) return 1;
  const b = Math.min(bld / 100, 1);
  const g = Math.min(gld / 100, 1);
  const lostB = b * bd;
  const lostG = g * gd;
  if (lostB + lostG <= 0) return 1;
  const run = (density: number, durationMs: number): number => {
    const packets = Math.max(1, durationMs / packetMs);
    return density >= 1 ? packets : Math.min(1 / (1 - density), packets);
  };
  const runs = (lostB > 0 ? lostB / run(b, bd) : 0) + (lostG > 0 ? lostG / run(g, gd) : 0);
  const meanRun = (lostB + lostG) / runs;
  const p = (lostB + lostG) / (bd + gd);
  const r = meanRun * (1 - p);
  return Number.isFinite(r) && r > 1 ? r : 1;
}

/** The one-way delay the E-model is given, and which Delay parameters it came from. */
export function oneWayDelay(d: VqDelay | undefined): { ms?: number; source: DelaySource } {
  if (d?.oneWayMs !== undefined) return { ms: d.oneWayMs, source: 'OWD' };
  if (d?.symmetricOneWayMs !== undefined) return { ms: d.symmetricOneWayMs, source: 'SOWD' };
  if (d?.roundTripMs !== undefined) return { ms: d.roundTripMs / 2 + (d.endSystemMs ?? 0), source: 'RTD/2+ESD' };
  return { source: 'none' };
}

/** Scores one direction; `other` lends its SessionDesc when this one has none. */
export function scoreDirection(m: VqMetrics, table: CodecTable, other?: VqMetrics): DirectionScore {
  const sd = m.sessionDesc ?? other?.sessionDesc;
  const codec = codecOf(m.sessionDesc) ?? codecOf(other?.sessionDesc);
  const nlr = m.packetLoss?.networkLossPct;
  const jdr = m.packetLoss?.jitterDiscardPct ?? 0;
  const delay = oneWayDelay(m.delay);
  const measured: Omit<CallQuality, 'mos'> = {};
  if (codec !== undefined) measured.codec = codec;
  const jitter = m.delay?.interarrivalJitterMs ?? m.delay?.meanAbsJitterMs;
  if (jitter !== undefined) measured.jitterMs = jitter;
  if (nlr !== undefined) measured.lossPct = nlr;
  if (m.delay?.roundTripMs !== undefined) measured.rttMs = m.delay.roundTripMs;
  if (delay.ms !== undefined) measured.oneWayDelayMs = delay.ms;
  if (m.qualityEst?.mosCq !== undefined) measured.reportedMos = m.qualityEst.mosCq;
  if (codec === undefined) return { scored: false, unscored: 'no codec (SessionDesc PD/PT)', measured };
  if (nlr === undefined) return { scored: false, unscored: 'no packet loss (PacketLoss NLR)', measured };
  const burstR = burstRatio(m.burstGapLoss, packetIntervalMs(sd));
  try {
    // Each rate is a percentage: one over 100 is garbage and goes through unclamped so scoreCall refuses it.
    const lossPct = nlr <= 100 && jdr <= 100 ? Math.min(100, nlr + jdr) : nlr + jdr;
    const s = scoreCall({ codec, oneWayDelayMs: delay.ms ?? 0, lossPct, burstR }, table);
    return { scored: true, quality: { ...measured, codec: s.codec, mos: s.mos, r: s.r }, burstR, delaySource: delay.source };
  } catch (e) {
    return { scored: false, unscored: (e as Error).message, measured };
  }
}

/** Both directions of a report and the call's quality (the worse scored one). */
export interface ReportScore {
  local?: DirectionScore;
  remote?: DirectionScore;
  /** The worse scored direction's quality; absent when neither could be scored. */
  quality?: CallQuality;
  /** Why no direction was scored (first reason), when `quality` is absent. */
  unscored?: string;
}

export function scoreReport(r: VqReport, table: CodecTable): ReportScore {
  const out: ReportScore = {};
  if (r.localMetrics) out.local = scoreDirection(r.localMetrics, table, r.remoteMetrics);
  if (r.remoteMetrics) out.remote = scoreDirection(r.remoteMetrics, table, r.localMetrics);
  const scored = [out.local, out.remote].filter((d): d is Extract<DirectionScore, { scored: true }> => d?.scored === true);
  if (scored.length > 0) out.quality = scored.reduce((a, b) => (b.quality.mos < a.quality.mos ? b : a)).quality;
  else {
    const first = [out.local, out.remote].find((d): d is Extract<DirectionScore, { scored: false }> => d !== undefined && !d.scored);
    out.unscored = first?.unscored ?? 'no LocalMetrics or RemoteMetrics';
  }
  return out;
}

/** Caller and callee: OrigID says who called; without it, the reporter (LocalID) is the caller. */
export function callParties(r: VqReport): { from?: string; to?: string } {
  const remoteCalled = r.origId !== undefined && r.remoteId !== undefined && r.origId === r.remoteId && r.origId !== r.localId;
  const [from, to] = remoteCalled ? [r.remoteId, r.localId] : [r.localId, r.remoteId];
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * The `CallReport` of a session report on `trunk` (outcome answered, source rtcp-xr): start and
 * end from Timestamps (LocalMetrics', else RemoteMetrics'; `receivedAt` when absent), duration
 * when the end is not before the start, quality per `scoreReport`.
 */
export function sessionCallReport(r: VqReport, trunk: string, score: ReportScore, receivedAt: number): CallReport {
  const ts = r.localMetrics?.timestamps ?? r.remoteMetrics?.timestamps;
  const start = ts?.startMs;
  const stop = ts?.stopMs;
  const ordered = start !== undefined && stop !== undefined && stop >= start;
  const report: CallReport = {
    callId: r.callId,
    trunk,
    source: 'rtcp-xr',
    outcome: 'answered',
    ...callParties(r),
    startedAt: start ?? stop ?? receivedAt,
    ...(start !== undefined ? { answeredAt: start } : {}),
  };
  if (ordered) {
    report.endedAt = stop;
    report.durationS = (stop - start) / 1000;
  } else if (start === undefined && stop !== undefined) {
    report.endedAt = stop;
  }
  if (score.quality) report.quality = score.quality;
  return report;
}

function alertSeverity(written: string | undefined): Severity {
  const s = written?.toLowerCase();
  if (s === 'clear') return 'info';
  return (SEVERITIES as readonly string[]).includes(s ?? '') ? (s as Severity) : 'warning';
}

/**
 * The `sip-quality-alert` event of an alert report on `trunk`: severity from the report's
 * Severity (Warning → warning, Critical → critical, Clear → info, missing or unknown → warning);
 * data: call id, parties, alert type/severity/direction as written, the scored directions.
 */
export function alertEvent(r: VqReport, trunk: string, score: ReportScore, at: number, reporter?: string): EventObservation {
  const a = r.alert;
  const severity = alertSeverity(a?.severity);
  const parties = callParties(r);
  const mos = score.quality ? `, MOS ${score.quality.mos.toFixed(2)}` : '';
  return {
    kind: 'event', at, entity: trunkId(trunk), type: QUALITY_ALERT_EVENT, severity,
    message: `RTCP-XR ${a?.severity ?? 'quality'} alert${a?.type ? ` ${a.type}` : ''}${a?.direction ? ` (${a.direction})` : ''} on ${trunk} for call ${parties.to ?? r.callId}${mos}`,
    data: {
      trunk, callId: r.callId, ...parties, source: 'rtcp-xr',
      alertType: a?.type, alertSeverity: a?.severity, direction: a?.direction, callTerm: r.callTerm,
      ...(reporter ? { reporter } : {}),
      ...(score.quality ? { quality: score.quality } : {}),
      directions: directionsData(score),
    },
  };
}

/** The per-direction part of event data: each direction's quality (or measurements and why unscored). */
export function directionsData(score: ReportScore): Record<string, unknown> {
  const one = (d: DirectionScore | undefined): unknown =>
    d === undefined ? undefined : d.scored ? { ...d.quality, burstR: d.burstR, delaySource: d.delaySource } : { ...d.measured, unscored: d.unscored };
  const out: Record<string, unknown> = {};
  if (score.local) out.local = one(score.local);
  if (score.remote) out.remote = one(score.remote);
  return out;
}
