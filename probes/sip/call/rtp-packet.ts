/**
 * RTP packets (RFC 3550 §5.1) as a test call sends and reads them: the 12-byte fixed header
 * (version 2, no padding/extension/CSRC on what we send) and a payload. Parsing tolerates CSRCs,
 * an extension and padding, and never throws: anything that is not RTP v2 is `undefined`.
 */

/** The header fields a test call uses. */
export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit media timestamp (8 kHz for G.711). */
  timestamp: number;
  ssrc: number;
}

export const RTP_HEADER_BYTES = 12;

/** One packet: the header, then `payload`. */
export function buildRtpPacket(h: RtpHeader, payload: Buffer): Buffer {
  const b = Buffer.alloc(RTP_HEADER_BYTES + payload.length);
  b[0] = 0x80;
  b[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  b.writeUInt16BE(h.sequence & 0xffff, 2);
  b.writeUInt32BE(h.timestamp >>> 0, 4);
  b.writeUInt32BE(h.ssrc >>> 0, 8);
  payload.copy(b, RTP_HEADER_BYTES);
  return b;
}

/** The header of an RTP v2 packet and its payload length; undefined when the datagram is not one. */
export function parseRtpPacket(b: Buffer): (RtpHeader & { payloadLength: number }) | undefined {
  if (b.length < RTP_HEADER_BYTES || b[0] >> 6 !== 2) return undefined;
  const csrcCount = b[0] & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (b[0] & 0x10) {
    if (b.length < offset + 4) return undefined;
    offset += 4 + 4 * b.readUInt16BE(offset + 2);
  }
  let end = b.length;
  if (b[0] & 0x20) {
    const pad = b[b.length - 1];
    if (pad === 0) return undefined;
    end -= pad;
  }
  if (end < offset) return undefined;
  return {
    payloadType: b[1] & 0x7f,
    marker: (b[1] & 0x80) !== 0,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payloadLength: end - offset,
  };
}

/** One packetisation interval of G.711 silence (µ-law 0xFF, A-law 0xD5), `samples` bytes. */
export function g711Silence(codec: 'PCMU' | 'PCMA', samples: number): Buffer {
  return Buffer.alloc(samples, codec === 'PCMA' ? 0xd5 : 0xff);
}
