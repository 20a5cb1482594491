/**
 * RTCP sender and receiver reports (RFC 3550 §6.4), pure: a datagram (one RTCP packet or a
 * compound of several) in, its SR/RR packets and their report blocks out; other packet types
 * (SDES, BYE, APP, XR, …) are listed by type and skipped. Malformed input gives a result with a
 * coded `E_RTCP_MALFORMED` error; the parser never throws.
 *
 * Also the arithmetic on report blocks: interarrival jitter from RTP timestamp units to ms, and
 * the round-trip time RTT = A − LSR − DLSR, all three in NTP "middle 32 bits" format (16.16 fixed
 * point seconds), modulo 2³² (RFC 3550 §6.4.1).
 */
import { VigieError } from '../../../plugins/sdk/index.js';

/** One report block: what `ssrc`'s receiver saw of that source since the last report. */
export interface ReportBlock {
  /** The source this block is about. */
  readonly ssrc: number;
  /** Fraction of packets lost since the previous report, 0..1 (the 8-bit field / 256). */
  readonly fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (negative when duplicates outnumber losses). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | highest seq). */
  readonly extendedHighestSeq: number;
  /** Interarrival jitter in RTP timestamp units; see {@link jitterMs}. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from the source, 0 if none. */
  readonly lsr: number;
  /** Delay since that SR in 1/65536 s, 0 if none. */
  readonly dlsr: number;
}

/** A sender report (PT 200). `ntpSeconds`/`ntpFraction` are the 64-bit NTP timestamp's halves. */
export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

/** A receiver report (PT 201). */
export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

/** Any other RTCP packet in a compound, by payload type (202 SDES, 203 BYE, 204 APP, 207 XR, …). */
export interface OtherRtcpPacket {
  readonly type: 'other';
  readonly packetType: number;
  readonly length: number;
}

export type RtcpPacket = SenderReport | ReceiverReport | OtherRtcpPacket;

/** The parse result: the packets in order, or a coded error (`E_RTCP_MALFORMED`, details name the offset). */
export type RtcpParseResult = { readonly ok: true; readonly packets: readonly RtcpPacket[] } | { readonly ok: false; readonly error: VigieError };

export const RTCP_SR = 200;
export const RTCP_RR = 201;
const HEADER_BYTES = 4;
const BLOCK_BYTES = 24;
const SR_SENDER_INFO_BYTES = 24; // SSRC + NTP (8) + RTP ts + packet count + octet count
const RR_FIXED_BYTES = 4; // SSRC

function malformed(message: string, offset: number, extra: Record<string, unknown> = {}): RtcpParseResult {
  return { ok: false, error: new VigieError('E_RTCP_MALFORMED', `RTCP: ${message}`, { offset, ...extra }) };
}

function readBlock(buf: Uint8Array, view: DataView, at: number): ReportBlock {
  const rawCumulative = ((buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]) >>> 0;
  return {
    ssrc: view.getUint32(at),
    fractionLost: buf[at + 4] / 256,
    cumulativeLost: rawCumulative & 0x800000 ? rawCumulative - 0x1000000 : rawCumulative,
    extendedHighestSeq: view.getUint32(at + 8),
    jitter: view.getUint32(at + 12),
    lsr: view.getUint32(at + 16),
    dlsr: view.getUint32(at + 20),
  };
}

function readBlocks(buf: Uint8Array, view: DataView, at: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) blocks.push(readBlock(buf, view, at + i * BLOCK_BYTES));
  return blocks;
}

/**
 * Parses one RTCP datagram. Checks, per packet: version 2, the header and the length field
 * inside the datagram, padding (P bit, last packet only) inside the packet, and the report
 * count fitting the packet; the lengths must add up to the datagram exactly. Never throws.
 */
export function parseRtcp(datagram: Uint8Array): RtcpParseResult {
  if (!(datagram instanceof Uint8Array)) return malformed('input is not a byte buffer', 0);
  const buf = datagram;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const packets: RtcpPacket[] = [];
  if (buf.length === 0) return malformed('empty datagram', 0);
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER_BYTES) return malformed(`truncated header (${buf.length - at} bytes left)`, at);
    const version = buf[at] >> 6;
    if (version !== 2) return malformed(`version ${version}, expected 2`, at, { version });
    const padded = (buf[at] & 0x20) !== 0;
    const count = buf[at] & 0x1f;
    const packetType = buf[at + 1];
    const length = (view.getUint16(at + 2) + 1) * 4;
    if (at + length > buf.length) {
      return malformed(`length field says ${length} bytes, only ${buf.length - at} left`, at, { packetType, length });
    }
    let body = length;
    if (padded) {
      if (at + length !== buf.length) return malformed('padding bit set on a packet that is not the last of the compound', at, { packetType });
      const padding = buf[at + length - 1];
      if (padding === 0 || padding > length - HEADER_BYTES) return malformed(`bad padding count ${padding}`, at, { packetType });
      body = length - padding;
    }
    if (packetType === RTCP_SR || packetType === RTCP_RR) {
      const fixed = HEADER_BYTES + (packetType === RTCP_SR ? SR_SENDER_INFO_BYTES : RR_FIXED_BYTES);
      if (fixed + count * BLOCK_BYTES > body) {
        return malformed(`${count} report blocks do not fit in a ${body}-byte ${packetType === RTCP_SR ? 'SR' : 'RR'}`, at, { packetType, count });
      }
      const reports = readBlocks(buf, view, at + fixed, count);
      if (packetType === RTCP_SR) {
        packets.push({
          type: 'sr',
          ssrc: view.getUint32(at + 4),
          ntpSeconds: view.getUint32(at + 8),
          ntpFraction: view.getUint32(at + 12),
          rtpTimestamp: view.getUint32(at + 16),
          packetCount: view.getUint32(at + 20),
          octetCount: view.getUint32(at + 24),
          reports,
        });
      } else {
        packets.push({ type: 'rr', ssrc: view.getUint32(at + 4), reports });
      }
    } else {
      packets.push({ type: 'other', packetType, length });
    }
    at += length;
  }
  return { ok: true, packets };
}

/** Every report block of a parse result's SR and RR packets, with the reporter's SSRC. */
export function reportBlocksOf(packets: readonly RtcpPacket[]): { readonly reporterSsrc: number; readonly block: ReportBlock }[] {
  const out: { reporterSsrc: number; block: ReportBlock }[] = [];
  for (const p of packets) if (p.type !== 'other') for (const block of p.reports) out.push({ reporterSsrc: p.ssrc, block });
  return out;
}

/** Jitter in ms from timestamp units, given the stream's RTP clock rate (8000 for G.711). Throws `E_RTCP_MALFORMED` on a non-positive rate. */
export function jitterMs(jitterUnits: number, clockRateHz: number): number {
  if (!Number.isFinite(clockRateHz) || clockRateHz <= 0) {
    throw new VigieError('E_RTCP_MALFORMED', `RTP clock rate must be a positive number, got ${String(clockRateHz)}`, { field: 'clockRateHz' });
  }
  return (jitterUnits * 1000) / clockRateHz;
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** Middle 32 bits of a 64-bit NTP timestamp (low 16 bits of seconds, high 16 of fraction): what LSR carries. */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
  return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}

/** Middle 32 bits of the NTP time of a Unix time in ms (the arrival time A of a report). */
export function ntpMiddle32FromUnixMs(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * 0x1_0000_0000);
  return ntpMiddle32((seconds + NTP_UNIX_OFFSET_S) % 0x1_0000_0000, fraction);
}

/**
 * Round-trip time in ms from a report block's LSR and DLSR and its arrival time A (all NTP
 * middle-32): (A − LSR − DLSR) mod 2³², in 1/65536 s. `undefined` when LSR is 0 (the peer has no
 * SR from us yet) or when the difference is "negative" (≥ 2³¹ after wrap: a peer's DLSR past
 * the arrival time, which a real path cannot produce).
 */
export function roundTripMs(arrivalMiddle32: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const rtt = (arrivalMiddle32 - lsr - dlsr) >>> 0;
  if (rtt >= 0x8000_0000) return undefined;
  return (rtt / 65536) * 1000;
}
