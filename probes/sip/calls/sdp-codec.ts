/**
 * The audio codec of a call, read from an SDP body (an INVITE's offer or a 2xx's answer): the
 * first payload type of the first `m=audio` line, named by its `a=rtpmap` or, for the static
 * payload types of RFC 3551 §6, by that table. Pure; never throws; `undefined` when the body is
 * not SDP or names no audio payload.
 */

/** A codec as an SDP names it: encoding name and RTP clock rate (Hz). */
export interface SdpCodec {
  name: string;
  clockRateHz: number;
}

/** RFC 3551 §6 static audio payload types (G.722's RTP clock rate is 8000 Hz for historical reasons, RFC 3551 §4.5.2). */
const STATIC_PAYLOADS: Readonly<Record<number, SdpCodec>> = {
  0: { name: 'PCMU', clockRateHz: 8000 },
  3: { name: 'GSM', clockRateHz: 8000 },
  4: { name: 'G723', clockRateHz: 8000 },
  8: { name: 'PCMA', clockRateHz: 8000 },
  9: { name: 'G722', clockRateHz: 8000 },
  18: { name: 'G729', clockRateHz: 8000 },
};

/** Bodies larger than this are not scanned (an SDP is a few hundred bytes). */
const MAX_SDP_LENGTH = 16 * 1024;

export function codecOfSdp(body: string | undefined): SdpCodec | undefined {
  if (!body || body.length > MAX_SDP_LENGTH || !/^v=0\s*$/m.test(body)) return undefined;
  const lines = body.split(/\r?\n/);
  const audio = lines.findIndex((l) => /^m=audio\s/.test(l));
  if (audio < 0) return undefined;
  const fields = lines[audio].trim().split(/\s+/);
  const pt = Number(fields[3]);
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) return undefined;
  for (let i = audio + 1; i < lines.length && !lines[i].startsWith('m='); i++) {
    const m = /^a=rtpmap:(\d+)\s+([^/\s]+)\/(\d+)/.exec(lines[i]);
    if (m && Number(m[1]) === pt) {
      const rate = Number(m[3]);
      return rate > 0 ? { name: m[2], clockRateHz: rate } : undefined;
    }
  }
  return STATIC_PAYLOADS[pt];
}
