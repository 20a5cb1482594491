/**
 * What every SIP quality source (HEP collector, RTCP-XR endpoint, active test call) reports, in one
 * vocabulary, so the store, the map and the telephony view read one set of names:
 * - `SIP_METRICS`: the metric names on a trunk entity (`trunk:<name>`);
 * - `CallReport` and `callEvent()`: one finished (or failed) call as an `event` of type `sip-call`
 *   on its trunk, with the report as `data` (the telephony view lists these for the last hour);
 * - `QualityWindow`: per trunk, the call-quality samples of one interval, flushed as
 *   `sip.mos.avg` / `sip.mos.min` / `sip.mos.p5` (E-model, see quality/e-model.ts) and the
 *   averages of jitter, loss and round-trip time.
 */
import { trunkId, type EventObservation, type MetricObservation, type Severity } from '../../plugins/sdk/index.js';
import { aggregateScores } from './quality/e-model.js';

/** Metric names on `trunk:<name>`. */
export const SIP_METRICS = {
  optionsRtt: 'sip.options.rtt_ms',
  optionsRttAvg: 'sip.options.rtt_avg_ms',
  optionsRttStddev: 'sip.options.rtt_stddev_ms',
  /** 1 while the REGISTER check holds a binding, else 0. */
  registered: 'sip.register.ok',
  /** Seconds the registrar granted (Expires of the 200). */
  registerExpires: 'sip.register.expires_s',
  /** RFC 6076 ratios over one interval, in percent. */
  asr: 'sip.calls.asr_pct',
  ner: 'sip.calls.ner_pct',
  ser: 'sip.calls.ser_pct',
  seer: 'sip.calls.seer_pct',
  isa: 'sip.calls.isa_pct',
  /** Post-dial delay and session-request delay (RFC 6076), average over the interval, ms. */
  pdd: 'sip.calls.pdd_ms',
  srd: 'sip.calls.srd_ms',
  /** Average call duration of the calls that ended in the interval, seconds. */
  acd: 'sip.calls.acd_s',
  /** Calls established right now. */
  concurrent: 'sip.calls.concurrent',
  /** Call attempts (INVITEs) in the interval. */
  attempts: 'sip.calls.attempts',
  mosAvg: 'sip.mos.avg',
  mosMin: 'sip.mos.min',
  mosP5: 'sip.mos.p5',
  jitter: 'rtp.jitter_ms',
  loss: 'rtp.loss_pct',
  rtt: 'rtp.rtt_ms',
} as const;

/** Event type of a call report. */
export const CALL_EVENT = 'sip-call';

/** Where a call report comes from. */
export type CallSource = 'hep' | 'rtcp-xr' | 'test-call';

/** How a call ended, from the caller's point of view. */
export type CallOutcome = 'answered' | 'rejected' | 'failed' | 'cancelled' | 'no-answer' | 'one-way-audio';

/** Measured quality of one call (or one interval of one call). */
export interface CallQuality {
  mos: number;
  r?: number;
  codec?: string;
  jitterMs?: number;
  lossPct?: number;
  /** Round-trip time of the media path, ms. */
  rttMs?: number;
  oneWayDelayMs?: number;
  /** MOS the endpoint reported itself (RTCP-XR QualityEst MOSCQ), kept beside Vigie's E-model `mos`. */
  reportedMos?: number;
}

/** One call as reported on its trunk. Times are epoch ms. */
export interface CallReport {
  callId: string;
  trunk: string;
  source: CallSource;
  outcome: CallOutcome;
  from?: string;
  to?: string;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** Final response code of the INVITE. */
  finalCode?: number;
  /** Post-dial delay, ms (INVITE → first 180/183, or final when none). */
  pddMs?: number;
  durationS?: number;
  quality?: CallQuality;
}

/** MOS under which a call is worth a warning (below "satisfied", G.107 R 80). */
export const MOS_WARNING = 4.03;
/** MOS under which a call is worth a minor alarm (below "some users dissatisfied", R 70). */
export const MOS_MINOR = 3.6;

function severityOf(r: CallReport): Severity {
  if (r.outcome === 'failed' || r.outcome === 'one-way-audio') return 'minor';
  const mos = r.quality?.mos;
  if (mos !== undefined && mos < MOS_MINOR) return 'minor';
  if (mos !== undefined && mos < MOS_WARNING) return 'warning';
  return 'info';
}

/** The `sip-call` event of a report, on `trunk:<report.trunk>`, at `at`. */
export function callEvent(report: CallReport, at: number): EventObservation {
  const q = report.quality;
  const what = report.outcome === 'answered' ? 'answered' : `${report.outcome}${report.finalCode ? ` (${report.finalCode})` : ''}`;
  const quality = q ? `, MOS ${q.mos.toFixed(2)}${q.lossPct !== undefined ? `, loss ${q.lossPct.toFixed(1)} %` : ''}${q.jitterMs !== undefined ? `, jitter ${q.jitterMs.toFixed(1)} ms` : ''}` : '';
  return {
    kind: 'event', at, entity: trunkId(report.trunk), type: CALL_EVENT, severity: severityOf(report),
    message: `call ${report.to ?? report.callId} on ${report.trunk} ${what}${quality}`,
    data: { ...report } as Record<string, unknown>,
  };
}

function average(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Call-quality samples per trunk over one interval. Contract: `add` records a sample; `flush(at)`
 * returns, for every trunk with samples, the MOS aggregate (avg, min, 5th percentile) and the
 * averages of the jitter/loss/RTT that were given, then forgets them. A trunk with no sample in
 * the interval emits nothing (no fake zeros).
 */
export class QualityWindow {
  private readonly byTrunk = new Map<string, CallQuality[]>();

  add(trunk: string, quality: CallQuality): void {
    if (!Number.isFinite(quality.mos)) return;
    let list = this.byTrunk.get(trunk);
    if (!list) this.byTrunk.set(trunk, (list = []));
    list.push(quality);
  }

  flush(at: number): MetricObservation[] {
    const out: MetricObservation[] = [];
    for (const [trunk, samples] of this.byTrunk) {
      const entity = trunkId(trunk);
      const metric = (name: string, value: number | undefined): void => {
        if (value !== undefined && Number.isFinite(value)) out.push({ kind: 'metric', at, entity, name, value });
      };
      const mos = aggregateScores(samples.map((s) => s.mos));
      if (mos) {
        metric(SIP_METRICS.mosAvg, mos.average);
        metric(SIP_METRICS.mosMin, mos.minimum);
        metric(SIP_METRICS.mosP5, mos.p5);
      }
      const pick = (f: (q: CallQuality) => number | undefined): number[] =>
        samples.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v));
      metric(SIP_METRICS.jitter, average(pick((q) => q.jitterMs)));
      metric(SIP_METRICS.loss, average(pick((q) => q.lossPct)));
      metric(SIP_METRICS.rtt, average(pick((q) => q.rttMs)));
    }
    this.byTrunk.clear();
    return out;
  }
}
