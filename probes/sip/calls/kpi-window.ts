/**
 * Per-trunk call KPIs over one interval, emitted with the `SIP_METRICS` names on `trunk:<name>`.
 *
 * An attempt is counted in the interval in which its setup concludes (final response, or expiry),
 * so the numerators and denominators of an interval's ratios always refer to the same attempts
 * and every ratio stays within 0..100 %. Per trunk and interval (percentages):
 *
 *   attempts = concluded setups (out-of-dialog INVITE attempts)
 *   ASR  = answered / attempts                                      (ITU-T E.411 answer-seizure ratio)
 *   NER  = (answered + 480/486/600/603 + cancelled while ringing) / attempts    (ITU-T E.425, GSMA IR.42)
 *   SER  = answered / (attempts − 3xx)                              (RFC 6076 §4.6)
 *   SEER = (answered + 480/486/600/603) / (attempts − 3xx)          (RFC 6076 §4.7)
 *   ISA  = (408 + 500 + 503 + 504 + no final response) / attempts   (RFC 6076 §4.8)
 *   PDD  = average INVITE → first 180/183 (else → final response), ms          (ITU-T E.721)
 *   SRD  = average INVITE → first non-100 provisional (else → 2xx/4xx–6xx), ms (RFC 6076 §4.3)
 *   ACD  = average 200 OK → BYE of the calls that ended in the interval, s     (RFC 6076 §4.5 SDT)
 *   concurrent = established calls at the end of the interval
 *
 * Contract: `setup(call)` / `ended(call)` record an event; `flush(at, concurrent)` returns the
 * metrics of every configured trunk — `attempts` and `concurrent` always (0 is a measurement), a
 * ratio only when its denominator is not 0, a delay or ACD only when there was a sample — and
 * starts a new interval.
 */
import { trunkId, type MetricObservation } from '../../../plugins/sdk/index.js';
import { SIP_METRICS } from '../call-report.js';
import { durationSOf, setupVerdict, type CallRecord } from './call-record.js';

interface Tally {
  attempts: number;
  answered: number;
  redirected: number;
  effective: number;
  networkEffective: number;
  ineffective: number;
  pdd: Mean;
  srd: Mean;
  durations: Mean;
}

/** A running mean: sum and count. */
interface Mean {
  sum: number;
  n: number;
}

const emptyTally = (): Tally => ({
  attempts: 0, answered: 0, redirected: 0, effective: 0, networkEffective: 0, ineffective: 0,
  pdd: { sum: 0, n: 0 }, srd: { sum: 0, n: 0 }, durations: { sum: 0, n: 0 },
});

function add(m: Mean, value: number | undefined): void {
  if (value === undefined) return;
  m.sum += value;
  m.n++;
}
const average = (m: Mean): number | undefined => (m.n === 0 ? undefined : m.sum / m.n);
const percent = (n: number, d: number): number | undefined => (d > 0 ? (100 * n) / d : undefined);

export class KpiWindow {
  private tallies = new Map<string, Tally>();

  constructor(private readonly trunks: readonly string[]) {}

  private tally(trunk: string): Tally {
    let t = this.tallies.get(trunk);
    if (!t) this.tallies.set(trunk, (t = emptyTally()));
    return t;
  }

  /** An attempt's setup concluded. */
  setup(call: CallRecord): void {
    const t = this.tally(call.trunk);
    const v = setupVerdict(call);
    t.attempts++;
    if (v.answered) t.answered++;
    if (v.redirected) t.redirected++;
    if (v.effective) t.effective++;
    if (v.networkEffective) t.networkEffective++;
    if (v.ineffective) t.ineffective++;
    add(t.pdd, v.pddMs);
    add(t.srd, v.srdMs);
  }

  /** An attempt ended; an answered call with a BYE gives its duration to ACD. */
  ended(call: CallRecord): void {
    const d = durationSOf(call);
    if (d === undefined) return;
    add(this.tally(call.trunk).durations, d);
  }

  flush(at: number, concurrent: ReadonlyMap<string, number>): MetricObservation[] {
    const out: MetricObservation[] = [];
    const names = new Set([...this.trunks, ...this.tallies.keys()]);
    for (const trunk of names) {
      const t = this.tallies.get(trunk) ?? emptyTally();
      const entity = trunkId(trunk);
      const metric = (name: string, value: number | undefined): void => {
        if (value !== undefined && Number.isFinite(value)) out.push({ kind: 'metric', at, entity, name, value });
      };
      const nonRedirected = t.attempts - t.redirected;
      metric(SIP_METRICS.attempts, t.attempts);
      metric(SIP_METRICS.asr, percent(t.answered, t.attempts));
      metric(SIP_METRICS.ner, percent(t.networkEffective, t.attempts));
      metric(SIP_METRICS.ser, percent(t.answered, nonRedirected));
      metric(SIP_METRICS.seer, percent(t.effective, nonRedirected));
      metric(SIP_METRICS.isa, percent(t.ineffective, t.attempts));
      metric(SIP_METRICS.pdd, average(t.pdd));
      metric(SIP_METRICS.srd, average(t.srd));
      metric(SIP_METRICS.acd, average(t.durations));
      metric(SIP_METRICS.concurrent, concurrent.get(trunk) ?? 0);
    }
    this.tallies = new Map();
    return out;
  }
}
