/**
 * SIMULATOR ONLY — what an IP phone or PBX sends at the end of a call to report its quality
 * (RFC 6035): a SIP `PUBLISH` with `Event: vq-rtcpxr`, `Content-Type: application/vq-rtcpxr` and
 * a `VQSessionReport: CallTerm` body with LocalMetrics (what the PBX received from the trunk)
 * and RemoteMetrics (what the trunk reported back). The MOS in `QualityEst` is the reporter's own
 * estimate — here the textbook simplified G.107 E-model, as a phone would compute it; Vigie
 * computes its own from the metrics.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { hostPort } from './sip-text.js';
import type { SimCall } from './call-plan.js';
import type { SimEndpoint, SimLeg } from './call-messages.js';

/** What the reporter measured over the call (averages over its RTCP rounds). */
export interface VqCallStats {
  /** Epoch ms of the answer and of the hang-up. */
  startedAt: number;
  stoppedAt: number;
  lossPct: number;
  jitterMs: number;
  maxJitterMs: number;
  rttMs: number;
}

/** Codec impairment Ie and robustness Bpl (ITU-T G.113 Appendix I) for the reporter's estimate. */
const CODEC_IMPAIRMENT: Readonly<Record<string, { ie: number; bpl: number }>> = { PCMU: { ie: 0, bpl: 25.1 }, G729: { ie: 10, bpl: 19 } };
/** Jitter buffer nominal delay plus packetisation, ms: the end-system part of the one-way delay. */
const END_SYSTEM_DELAY_MS = 60;

/** The reporter's R factor and MOS-CQ (simplified E-model: R = 93.2 − Id − Ie_eff). */
export function reporterEstimate(codec: string, lossPct: number, oneWayDelayMs: number): { r: number; mos: number } {
  const { ie, bpl } = CODEC_IMPAIRMENT[codec] ?? CODEC_IMPAIRMENT.PCMU;
  const d = oneWayDelayMs;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ieEff = ie + ((95 - ie) * lossPct) / (lossPct + bpl);
  const r = Math.max(0, Math.min(100, 93.2 - id - ieEff));
  const mos = r <= 0 ? 1 : 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return { r, mos: Math.min(4.5, Math.max(1, mos)) };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ssrc = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function metrics(call: SimCall, s: VqCallStats, lossPct: number, jitterMs: number): string[] {
  const oneWay = s.rttMs / 2 + END_SYSTEM_DELAY_MS;
  const { r, mos } = reporterEstimate(call.codec.name, lossPct, oneWay);
  const discard = Math.max(0, (s.maxJitterMs - 40) * 0.05);
  return [
    `Timestamps:START=${iso(s.startedAt)} STOP=${iso(s.stoppedAt)}`,
    `SessionDesc:PT=${call.codec.payloadType} PD=${call.codec.name} SR=8000 FD=20 FO=20 FPP=1 PPS=50 PLC=3 SSUP=off`,
    'JitterBuffer:JBA=3 JBR=2 JBN=40 JBM=80 JBX=120',
    `PacketLoss:NLR=${lossPct.toFixed(1)} JDR=${discard.toFixed(1)}`,
    `BurstGapLoss:BLD=0 BD=0 GLD=${lossPct.toFixed(1)} GD=${Math.round((s.stoppedAt - s.startedAt) || 0)} GMIN=16`,
    `Delay:RTD=${Math.round(s.rttMs)} ESD=${END_SYSTEM_DELAY_MS} SOWD=${Math.round(oneWay)} IAJ=${Math.round(jitterMs)} MAJ=${Math.round(s.maxJitterMs)}`,
    `QualityEst:RLQ=${Math.round(r)} RCQ=${Math.round(r)} MOSLQ=${mos.toFixed(1)} MOSCQ=${mos.toFixed(1)}`,
  ];
}

/** The `application/vq-rtcpxr` body of the call's end-of-call report, CRLF line ends. */
export function vqSessionReport(trunkName: string, call: SimCall, leg: SimLeg, stats: VqCallStats): string {
  const pbxHost = leg.pbx.host.includes(':') ? `[${leg.pbx.host}]` : leg.pbx.host;
  const trunk = hostPort(leg.trunk.host, leg.trunk.port);
  // The far end sees a little less loss/jitter (the impairment is mostly on the trunk's side).
  const remoteLoss = stats.lossPct * 0.6;
  const remoteJitter = stats.jitterMs * 0.8;
  return [
    'VQSessionReport: CallTerm',
    `CallID: ${call.callId}`,
    `LocalID: <sip:${call.caller}@${pbxHost}>`,
    `RemoteID: <sip:${call.callee}@${trunk}>`,
    `OrigID: <sip:${call.caller}@${pbxHost}>`,
    'LocalGroup: vigie-sim-pbx',
    `RemoteGroup: ${trunkName}`,
    `LocalAddr: IP=${leg.pbx.host} PORT=${call.pbxMediaPort} SSRC=${ssrc(call.pbxSsrc)}`,
    `RemoteAddr: IP=${leg.trunk.host} PORT=${call.trunkMediaPort} SSRC=${ssrc(call.trunkSsrc)}`,
    'LocalMetrics:',
    ...metrics(call, stats, stats.lossPct, stats.jitterMs),
    'RemoteMetrics:',
    ...metrics(call, stats, remoteLoss, remoteJitter),
    `DialogID: ${call.callId};to-tag=${call.toTag};from-tag=${call.fromTag}`,
    '',
  ].join('\r\n');
}

/** A PUBLISH carrying `body` to the RTCP-XR collector `to`, sent from the socket at `from`. */
export function vqPublishRequest(body: string, from: SimEndpoint, to: SimEndpoint, reporter: SimLeg['pbx']): string {
  const target = hostPort(to.host, to.port);
  const reporterHost = isIP(reporter.host) === 6 ? `[${reporter.host}]` : reporter.host;
  const lines = [
    `PUBLISH sip:collector@${target} SIP/2.0`,
    `Via: SIP/2.0/UDP ${hostPort(from.host, from.port)};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:pbx@${reporterHost}>;tag=${randomBytes(5).toString('hex')}`,
    `To: <sip:collector@${target}>`,
    `Call-ID: ${randomBytes(10).toString('hex')}@vigie-sim`,
    'CSeq: 1 PUBLISH',
    'Event: vq-rtcpxr',
    'User-Agent: Vigie-simulator PBX',
    'Content-Type: application/vq-rtcpxr',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
