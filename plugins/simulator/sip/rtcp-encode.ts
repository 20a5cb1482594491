/**
 * SIMULATOR ONLY — an RTCP receiver report (RFC 3550 §6.4.2, PT 201) with one report block, and
 * the NTP "middle 32 bits" arithmetic LSR/DLSR need, so a collector computing the round-trip time
 * as A − LSR − DLSR (A = the report's capture time) finds the round-trip time the simulator chose.
 */

/** One report block's content (RFC 3550 §6.4.1). */
export interface RrBlock {
  /** SSRC of the source reported on. */
  ssrc: number;
  /** Fraction lost since the last report, 0..1 (sent as n/256). */
  fractionLost: number;
  /** Packets lost since the stream began (24-bit signed on the wire). */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Interarrival jitter, RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP time of the last SR received, 0 when none. */
  lsr: number;
  /** Delay since that SR, 1/65536 s; 0 when none. */
  dlsr: number;
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** Middle 32 bits of the NTP timestamp of a Unix time in ms. */
export function ntpMiddle32(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * 0x1_0000_0000);
  return ((((seconds + NTP_UNIX_OFFSET_S) & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** A 28-byte RR packet: header (V=2, RC=1, PT=201, length 7), reporter SSRC, one block. */
export function encodeReceiverReport(reporterSsrc: number, block: RrBlock): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81; // V=2, P=0, RC=1
  b[1] = 201;
  b.writeUInt16BE(7, 2); // length in 32-bit words minus one
  b.writeUInt32BE(reporterSsrc >>> 0, 4);
  b.writeUInt32BE(block.ssrc >>> 0, 8);
  b[12] = Math.max(0, Math.min(255, Math.floor(block.fractionLost * 256)));
  const cumulative = Math.max(-0x800000, Math.min(0x7fffff, Math.round(block.cumulativeLost))) & 0xffffff;
  b[13] = cumulative >> 16;
  b[14] = (cumulative >> 8) & 0xff;
  b[15] = cumulative & 0xff;
  b.writeUInt32BE(block.extendedHighestSeq >>> 0, 16);
  b.writeUInt32BE(Math.max(0, Math.round(block.jitter)) >>> 0, 20);
  b.writeUInt32BE(block.lsr >>> 0, 24);
  b.writeUInt32BE(block.dlsr >>> 0, 28);
  return b;
}
