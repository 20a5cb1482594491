/**
 * One call attempt on one trunk as the tracker follows it, and what it means for the KPIs.
 *
 * Times named `...At` are wire times (the capture agent's timestamps, epoch ms); the `...SeenAt`
 * ones are the collector's scheduler times, used only to expire state. Which response codes count
 * for which ratio is decided here, once (`setupVerdict`), with the RFC 6076 sections cited; the
 * formulas over an interval are in kpi-window.ts.
 */
import type { CallOutcome, CallQuality, CallReport } from '../call-report.js';
import type { CallMedia } from './media-quality.js';
import type { SdpCodec } from './sdp-codec.js';

export type CallPhase = 'setup' | 'established' | 'done';
export type EndReason = 'final' | 'bye' | 'setup-timeout' | 'max-duration';

export interface CallRecord {
  /** `trunk`, Call-ID and anchor (see trunk-map.ts): one attempt. */
  readonly key: string;
  readonly trunk: string;
  readonly callId: string;
  /** The leg the attempt is measured on: the unordered pair of the INVITE's endpoints. */
  readonly leg: string;
  readonly requestUri: string;
  readonly from?: string;
  readonly to?: string;
  phase: CallPhase;
  /** CSeq of the INVITE being answered (a retry after 401/407 raises it). */
  inviteCseq: number;
  /** First INVITE of the attempt. */
  readonly startedAt: number;
  /** INVITE the setup delays are measured from (the authenticated one after a challenge). */
  inviteAt: number;
  /** First provisional response other than 100. */
  firstProvisionalAt?: number;
  /** First 180 or 183. */
  ringingAt?: number;
  finalAt?: number;
  finalCode?: number;
  answeredAt?: number;
  /** A 401/407 is not final for the attempt: the caller normally retries with credentials. */
  challengeCode?: number;
  challengeAt?: number;
  /** A CANCEL (or an early-dialog BYE) from the caller was seen. */
  cancelled: boolean;
  ackAt?: number;
  endedAt?: number;
  endReason?: EndReason;
  /** From the SDP answer (else the offer). */
  codec?: SdpCodec;
  setupSeenAt: number;
  answerSeenAt?: number;
  /** RTCP-derived media statistics, attached by the collector. */
  media?: CallMedia;
}

const isAnswerCode = (code: number | undefined): boolean => code !== undefined && code >= 200 && code < 300;

/** RFC 6076 §4.7 (SEER): responses that are a clear outcome for the user, besides 200. */
const SEER_FAILURE_CODES: ReadonlySet<number> = new Set([480, 486, 600, 603]);
/** RFC 6076 §4.8 (ISA): responses that say the network or a server failed. */
const ISA_CODES: ReadonlySet<number> = new Set([408, 500, 503, 504]);

/** How the call ended, for its report. */
export function outcomeOf(c: CallRecord): CallOutcome {
  const code = c.finalCode;
  if (isAnswerCode(code)) return 'answered';
  if (code === 487 || (code === undefined && c.cancelled)) return 'cancelled';
  if (code === undefined) return 'no-answer';
  if (code === 408 || (code >= 500 && code < 600)) return 'failed';
  return 'rejected';
}

/** What one concluded setup contributes to the interval's KPIs. */
export interface SetupVerdict {
  answered: boolean;
  /** 3xx: excluded from the SER/SEER denominators (RFC 6076 §4.6, §4.7). */
  redirected: boolean;
  /** SEER numerator (§4.7): 200, 480, 486, 600, 603. */
  effective: boolean;
  /** NER numerator (ITU-T E.425 / GSMA IR.42): answered, busy, no answer, rejected by the user. */
  networkEffective: boolean;
  /** ISA numerator (§4.8): 408, 500, 503, 504, or no final response at all (the caller's Timer B 408). */
  ineffective: boolean;
  pddMs?: number;
  srdMs?: number;
}

function delay(from: number, to: number | undefined): number | undefined {
  return to === undefined || to < from ? undefined : to - from;
}

export function setupVerdict(c: CallRecord): SetupVerdict {
  const code = c.finalCode;
  const outcome = outcomeOf(c);
  const answered = outcome === 'answered';
  const redirected = code !== undefined && code >= 300 && code < 400;
  const effective = answered || (code !== undefined && SEER_FAILURE_CODES.has(code));
  // A caller who hangs up while it rings is "ring, no answer": effective for the network.
  const networkEffective = effective || (outcome === 'cancelled' && c.ringingAt !== undefined);
  const ineffective = (code !== undefined && ISA_CODES.has(code)) || outcome === 'no-answer';
  // A network answer ends the post-dial wait; a cancel by the caller does not measure the network.
  const networkFinal = outcome === 'cancelled' ? undefined : c.finalAt;
  return {
    answered, redirected, effective, networkEffective, ineffective,
    // Post-dial delay (ITU-T E.721): INVITE → first 180/183, else → the final response.
    pddMs: delay(c.inviteAt, c.ringingAt ?? networkFinal),
    // RFC 6076 §4.3.1: INVITE → first non-100 provisional (or the 200); §4.3.2: → the failure response.
    srdMs: delay(c.inviteAt, c.firstProvisionalAt ?? (redirected ? undefined : networkFinal)),
  };
}

/** Session duration (RFC 6076 §4.5.1 SDT: 200 OK → BYE), seconds; undefined when not known. */
export function durationSOf(c: CallRecord): number | undefined {
  if (c.answeredAt === undefined || c.endReason !== 'bye' || c.endedAt === undefined) return undefined;
  return Math.max(0, c.endedAt - c.answeredAt) / 1000;
}

/** The `CallReport` of a finished call (source `hep`), with its measured quality when RTCP was seen. */
export function toCallReport(c: CallRecord, quality?: CallQuality): CallReport {
  const report: CallReport = { callId: c.callId, trunk: c.trunk, source: 'hep', outcome: outcomeOf(c), startedAt: c.startedAt };
  const optional: Partial<CallReport> = {
    from: c.from,
    to: c.to,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    finalCode: c.finalCode,
    pddMs: setupVerdict(c).pddMs,
    durationS: durationSOf(c),
    quality,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (report as unknown as Record<string, unknown>)[k] = v;
  return report;
}
