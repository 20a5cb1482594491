/**
 * The metric lines of an RFC 6035 `LocalMetrics:` / `RemoteMetrics:` section, each turned into a
 * typed group with its numbers read (percentages, milliseconds, dB, R and MOS values). Every group
 * keeps all its parameters raw in `params`, so unknown or vendor parameters are not lost; a number
 * that is missing or unreadable (`NaN`, empty, garbage) is `undefined`, never a guess. Pure: nothing
 * here throws.
 */
import { parseVqParams, vqNumberParam, vqParam, type VqLine } from './vq-text.js';

interface WithParams {
  /** Every `KEY=value` of the line as written (quotes removed), known or not. */
  readonly params: Readonly<Record<string, string>>;
}

/** `Timestamps:START=… STOP=…` (RFC 3339 UTC); `*Ms` are Unix ms when the text parses as a date. */
export interface VqTimestamps extends WithParams {
  readonly start?: string;
  readonly stop?: string;
  readonly startMs?: number;
  readonly stopMs?: number;
}

/** `SessionDesc:` — the codec and packetisation of the stream. */
export interface VqSessionDesc extends WithParams {
  /** PT: RTP payload type. */
  readonly payloadType?: number;
  /** PD: payload description (codec name, e.g. `G729`, `PCMU`). */
  readonly payloadDesc?: string;
  /** SR: sample rate, Hz. */
  readonly sampleRate?: number;
  /** FD: frame duration, ms. */
  readonly frameDurationMs?: number;
  /** FO: frame octets. */
  readonly frameOctets?: number;
  /** FPP: frames per packet. */
  readonly framesPerPacket?: number;
  /** PPS: packets per second. */
  readonly packetsPerSecond?: number;
  /** FMTP: the SDP format parameters, unquoted. */
  readonly fmtp?: string;
  /** PLC: packet loss concealment, 0 unspecified, 1 disabled, 2 enhanced, 3 standard (RFC 3611). */
  readonly plc?: number;
  /** SSUP: silence suppression `on` → true, `off` → false. */
  readonly silenceSuppression?: boolean;
}

/** `JitterBuffer:` (RFC 3611 §4.7.7 semantics). */
export interface VqJitterBuffer extends WithParams {
  /** JBA: 0 unknown, 1 reserved, 2 non-adaptive, 3 adaptive. */
  readonly adaptive?: number;
  /** JBR: jitter buffer adjustment rate, 0..15. */
  readonly rate?: number;
  /** JBN: nominal delay, ms. */
  readonly nominalMs?: number;
  /** JBM: maximum delay, ms. */
  readonly maxMs?: number;
  /** JBX: absolute maximum delay, ms. */
  readonly absMaxMs?: number;
}

/** `PacketLoss:` */
export interface VqPacketLoss extends WithParams {
  /** NLR: network packet loss rate, %. */
  readonly networkLossPct?: number;
  /** JDR: jitter buffer discard rate, %. */
  readonly jitterDiscardPct?: number;
}

/** `BurstGapLoss:` */
export interface VqBurstGapLoss extends WithParams {
  /** BLD: burst loss density, %. */
  readonly burstLossDensityPct?: number;
  /** BD: burst duration, ms. */
  readonly burstDurationMs?: number;
  /** GLD: gap loss density, %. */
  readonly gapLossDensityPct?: number;
  /** GD: gap duration, ms. */
  readonly gapDurationMs?: number;
  /** GMIN: the minimum-gap threshold, packets. */
  readonly gapMin?: number;
}

/** `Delay:` — all in ms. */
export interface VqDelay extends WithParams {
  /** RTD: round-trip delay. */
  readonly roundTripMs?: number;
  /** ESD: end-system delay. */
  readonly endSystemMs?: number;
  /** OWD: one-way delay (vendors send it; not in RFC 6035's ABNF). */
  readonly oneWayMs?: number;
  /** SOWD: symmetric one-way delay. */
  readonly symmetricOneWayMs?: number;
  /** IAJ: inter-arrival jitter. */
  readonly interarrivalJitterMs?: number;
  /** MAJ: mean absolute jitter. */
  readonly meanAbsJitterMs?: number;
}

/** `Signal:` */
export interface VqSignal extends WithParams {
  /** SL: signal level, dBm0. */
  readonly signalLevelDbm0?: number;
  /** NL: noise level, dBm0. */
  readonly noiseLevelDbm0?: number;
  /** RERL: residual echo return loss, dB. */
  readonly residualEchoReturnLossDb?: number;
}

/** `QualityEst:` — R factors 0..120 and MOS 1..5 as the reporter estimated them. */
export interface VqQualityEst extends WithParams {
  /** RLQ: listening-quality R. */
  readonly listeningR?: number;
  /** RCQ: conversational-quality R. */
  readonly conversationalR?: number;
  /** EXTRI (also read from `EXTR`): external R in. */
  readonly externalRIn?: number;
  /** EXTRO: external R out. */
  readonly externalROut?: number;
  /** MOSLQ: listening-quality MOS. */
  readonly mosLq?: number;
  /** MOSCQ: conversational-quality MOS. */
  readonly mosCq?: number;
  /** QoEEstAlg: the estimation algorithm (e.g. `P.564`). */
  readonly algorithm?: string;
}

/** One metrics section; a line that is not a known metric line is kept raw in `unknownLines`. */
export interface VqMetrics {
  readonly timestamps?: VqTimestamps;
  readonly sessionDesc?: VqSessionDesc;
  readonly jitterBuffer?: VqJitterBuffer;
  readonly packetLoss?: VqPacketLoss;
  readonly burstGapLoss?: VqBurstGapLoss;
  readonly delay?: VqDelay;
  readonly signal?: VqSignal;
  readonly qualityEst?: VqQualityEst;
  readonly unknownLines: readonly VqLine[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function text(params: Record<string, string>, key: string): string | undefined {
  const v = vqParam(params, key);
  return v === undefined || v === '' ? undefined : v;
}

function dateMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function onOff(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  return v === 'on' ? true : v === 'off' ? false : undefined;
}

/** Drops the keys whose value is `undefined`, so a result deep-equals what was actually reported. */
function defined<T extends object>(group: T): T {
  for (const k of Object.keys(group) as (keyof T)[]) if (group[k] === undefined) delete group[k];
  return group;
}

type GroupReader = (p: Record<string, string>) => object;

/** The metric line readers by lower-cased line name. */
const READERS: Readonly<Record<string, readonly [keyof Omit<VqMetrics, 'unknownLines'>, GroupReader]>> = {
  timestamps: ['timestamps', (p): VqTimestamps => {
    const start = text(p, 'START');
    const stop = text(p, 'STOP');
    return defined({ params: p, start, stop, startMs: dateMs(start), stopMs: dateMs(stop) });
  }],
  sessiondesc: ['sessionDesc', (p): VqSessionDesc => defined({
    params: p,
    payloadType: vqNumberParam(p, 'PT'),
    payloadDesc: text(p, 'PD'),
    sampleRate: vqNumberParam(p, 'SR'),
    frameDurationMs: vqNumberParam(p, 'FD'),
    frameOctets: vqNumberParam(p, 'FO'),
    framesPerPacket: vqNumberParam(p, 'FPP'),
    packetsPerSecond: vqNumberParam(p, 'PPS'),
    fmtp: text(p, 'FMTP'),
    plc: vqNumberParam(p, 'PLC'),
    silenceSuppression: onOff(vqParam(p, 'SSUP')),
  })],
  jitterbuffer: ['jitterBuffer', (p): VqJitterBuffer => defined({
    params: p,
    adaptive: vqNumberParam(p, 'JBA'),
    rate: vqNumberParam(p, 'JBR'),
    nominalMs: vqNumberParam(p, 'JBN'),
    maxMs: vqNumberParam(p, 'JBM'),
    absMaxMs: vqNumberParam(p, 'JBX'),
  })],
  packetloss: ['packetLoss', (p): VqPacketLoss => defined({
    params: p,
    networkLossPct: vqNumberParam(p, 'NLR'),
    jitterDiscardPct: vqNumberParam(p, 'JDR'),
  })],
  burstgaploss: ['burstGapLoss', (p): VqBurstGapLoss => defined({
    params: p,
    burstLossDensityPct: vqNumberParam(p, 'BLD'),
    burstDurationMs: vqNumberParam(p, 'BD'),
    gapLossDensityPct: vqNumberParam(p, 'GLD'),
    gapDurationMs: vqNumberParam(p, 'GD'),
    gapMin: vqNumberParam(p, 'GMIN'),
  })],
  delay: ['delay', (p): VqDelay => defined({
    params: p,
    roundTripMs: vqNumberParam(p, 'RTD'),
    endSystemMs: vqNumberParam(p, 'ESD'),
    oneWayMs: vqNumberParam(p, 'OWD'),
    symmetricOneWayMs: vqNumberParam(p, 'SOWD'),
    interarrivalJitterMs: vqNumberParam(p, 'IAJ'),
    meanAbsJitterMs: vqNumberParam(p, 'MAJ'),
  })],
  signal: ['signal', (p): VqSignal => defined({
    params: p,
    signalLevelDbm0: vqNumberParam(p, 'SL'),
    noiseLevelDbm0: vqNumberParam(p, 'NL'),
    residualEchoReturnLossDb: vqNumberParam(p, 'RERL'),
  })],
  qualityest: ['qualityEst', (p): VqQualityEst => defined({
    params: p,
    listeningR: vqNumberParam(p, 'RLQ'),
    conversationalR: vqNumberParam(p, 'RCQ'),
    externalRIn: vqNumberParam(p, 'EXTRI') ?? vqNumberParam(p, 'EXTR'),
    externalROut: vqNumberParam(p, 'EXTRO'),
    mosLq: vqNumberParam(p, 'MOSLQ'),
    mosCq: vqNumberParam(p, 'MOSCQ'),
    algorithm: text(p, 'QoEEstAlg'),
  })],
};

/** True when `name` (any case) is one of the metric lines above. */
export function isVqMetricLine(name: string): boolean {
  return Object.hasOwn(READERS, name.toLowerCase());
}

/** An accumulator for one metrics section: feed it lines, then `build()`. The first of a repeated line wins. */
export class VqMetricsBuilder {
  private readonly groups: Partial<Mutable<Omit<VqMetrics, 'unknownLines'>>> = {};
  private readonly unknown: VqLine[] = [];

  /** Reads a metric line into its group; any other line is kept raw. */
  add(line: VqLine): void {
    const reader = Object.hasOwn(READERS, line.name.toLowerCase()) ? READERS[line.name.toLowerCase()] : undefined;
    if (reader === undefined) {
      this.unknown.push(line);
      return;
    }
    const [key, read] = reader;
    if (this.groups[key] !== undefined) {
      this.unknown.push(line);
      return;
    }
    (this.groups as Record<string, object>)[key] = read(parseVqParams(line.value));
  }

  build(): VqMetrics {
    return { ...this.groups, unknownLines: this.unknown };
  }
}
