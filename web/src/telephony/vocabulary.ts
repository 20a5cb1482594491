/**
 * The telephony vocabulary the view reads, copied from `probes/sip/call-report.ts` (the web app
 * talks to the daemon through its API only and never bundles probe code; a unit test checks that
 * these copies still equal the originals):
 * - `TRUNK_METRICS`: metric names on a trunk entity (`trunk:<name>`), as kept live on its
 *   topology node (`TopoNode.metrics`) and stored for `/api/series`;
 * - `CALL_EVENT`: the event type of a call report; its `data` is a `CallReportData`;
 * - the MOS bands: `MOS_GOOD` (= `MOS_WARNING`, G.107 R 80, "satisfied") and `MOS_FAIR`
 *   (= `MOS_MINOR`, R 70, "some users dissatisfied").
 */

/** Copied from SIP_METRICS in probes/sip/call-report.ts. */
export const TRUNK_METRICS = {
  optionsRtt: 'sip.options.rtt_ms',
  optionsRttAvg: 'sip.options.rtt_avg_ms',
  optionsRttStddev: 'sip.options.rtt_stddev_ms',
  registered: 'sip.register.ok',
  registerExpires: 'sip.register.expires_s',
  asr: 'sip.calls.asr_pct',
  ner: 'sip.calls.ner_pct',
  pdd: 'sip.calls.pdd_ms',
  concurrent: 'sip.calls.concurrent',
  attempts: 'sip.calls.attempts',
  mosAvg: 'sip.mos.avg',
  mosMin: 'sip.mos.min',
  mosP5: 'sip.mos.p5',
  jitter: 'rtp.jitter_ms',
  loss: 'rtp.loss_pct',
  rtt: 'rtp.rtt_ms',
} as const;

/** Copied from CALL_EVENT in probes/sip/call-report.ts. */
export const CALL_EVENT = 'sip-call';

/** At or above: good. Copied from MOS_WARNING (4.03) in probes/sip/call-report.ts. */
export const MOS_GOOD = 4.03;
/** At or above (and below `MOS_GOOD`): fair; below: poor. Copied from MOS_MINOR (3.6). */
export const MOS_FAIR = 3.6;

/** The fields of `CallReport` (probes/sip/call-report.ts) the view reads; all checked on arrival. */
export interface CallReportData {
  callId?: unknown;
  trunk?: unknown;
  source?: unknown;
  outcome?: unknown;
  from?: unknown;
  to?: unknown;
  startedAt?: unknown;
  answeredAt?: unknown;
  endedAt?: unknown;
  finalCode?: unknown;
  pddMs?: unknown;
  durationS?: unknown;
  quality?: {
    mos?: unknown;
    codec?: unknown;
    jitterMs?: unknown;
    lossPct?: unknown;
    rttMs?: unknown;
    reportedMos?: unknown;
  };
}
