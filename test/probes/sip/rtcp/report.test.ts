/**
 * RTCP SR/RR parsing (RFC 3550 §6.4) from packets written out byte by byte below, the compound
 * SR + SDES case, the RTT worked example of RFC 3550 §6.4.1, and hostile input: every malformation
 * the parser checks, then a few hundred random and mutated datagrams (seeded, so a failure
 * replays) from which nothing but a coded result may come out.
 */
import { expect } from 'chai';
import {
  jitterMs,
  ntpMiddle32,
  ntpMiddle32FromUnixMs,
  parseRtcp,
  reportBlocksOf,
  roundTripMs,
  type RtcpParseResult,
} from '../../../../probes/sip/rtcp/report.js';
import { isVigieError } from '../../../../plugins/sdk/index.js';

/** The one report block used below (24 bytes). */
const BLOCK = [
  0xca, 0xfe, 0xba, 0xbe, // SSRC of the source reported on: 0xcafebabe
  0x40, //                   fraction lost 64/256 = 0.25
  0xff, 0xff, 0xfe, //       cumulative lost: 0xfffffe = −2 as signed 24-bit
  0x00, 0x01, 0x00, 0x05, // extended highest seq: 1 cycle, seq 5 → 65541
  0x00, 0x00, 0x00, 0xa0, // jitter 160 timestamp units (20 ms at 8 kHz)
  0xb7, 0x05, 0x20, 0x00, // LSR 0xb7052000 (RFC 3550 §6.4.1 example)
  0x00, 0x05, 0x40, 0x00, // DLSR 0x00054000 = 5.25 s
];

/** SR with one block: 4 header + 24 sender info + 24 block = 52 bytes = 13 words → length field 12. */
const SR = [
  0x81, 0xc8, 0x00, 0x0c, // V=2 P=0 RC=1, PT=200 (SR), length 12
  0x11, 0x22, 0x33, 0x44, // sender SSRC 0x11223344
  0xe9, 0xa0, 0xb7, 0x05, // NTP seconds 0xe9a0b705
  0x20, 0x00, 0x00, 0x00, // NTP fraction 0x20000000 (1/8 s) → middle 32 = 0xb7052000
  0x00, 0x00, 0x1f, 0x40, // RTP timestamp 8000
  0x00, 0x00, 0x00, 0x64, // sender's packet count 100
  0x00, 0x00, 0x3e, 0x80, // sender's octet count 16000
  ...BLOCK,
];

/** SDES with one chunk: SSRC, CNAME "vigi", end item, one pad byte → 16 bytes, length field 3. */
const SDES = [
  0x81, 0xca, 0x00, 0x03, // V=2 P=0 SC=1, PT=202 (SDES), length 3
  0x11, 0x22, 0x33, 0x44, // SSRC 0x11223344
  0x01, 0x04, 0x76, 0x69, // CNAME, 4 octets, "vi"
  0x67, 0x69, 0x00, 0x00, // "gi", end of list, pad
];

/** RR with one block: 4 header + 4 SSRC + 24 block = 32 bytes → length field 7. */
const RR = [
  0x81, 0xc9, 0x00, 0x07, // V=2 P=0 RC=1, PT=201 (RR), length 7
  0x55, 0x66, 0x77, 0x88, // reporter SSRC 0x55667788
  ...BLOCK,
];

/** RR without blocks and with 4 padding bytes (P=1, last byte = padding count 4): 12 bytes, length 2. */
const RR_PADDED = [
  0xa0, 0xc9, 0x00, 0x02, // V=2 P=1 RC=0, PT=201, length 2
  0x55, 0x66, 0x77, 0x88, // reporter SSRC
  0x00, 0x00, 0x00, 0x04, // padding, count 4
];

function parsed(bytes: number[]): RtcpParseResult & { ok: true } {
  const r = parseRtcp(Uint8Array.from(bytes));
  if (!r.ok) throw new Error(`expected a parse, got ${r.error.message}`);
  return r;
}

function rejected(bytes: number[] | Uint8Array, pattern: RegExp): void {
  const r = parseRtcp(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  expect(r.ok, 'expected a malformed result').to.equal(false);
  if (r.ok) return;
  expect(isVigieError(r.error, 'E_RTCP_MALFORMED')).to.equal(true);
  expect(r.error.message).to.match(pattern);
}

const EXPECTED_BLOCK = {
  ssrc: 0xcafebabe,
  fractionLost: 0.25,
  cumulativeLost: -2,
  extendedHighestSeq: 65541,
  jitter: 160,
  lsr: 0xb7052000,
  dlsr: 0x00054000,
};

describe('sip rtcp: SR and RR parsing', () => {
  it('parses a sender report with its block', () => {
    const { packets } = parsed(SR);
    expect(packets).to.have.length(1);
    expect(packets[0]).to.deep.equal({
      type: 'sr',
      ssrc: 0x11223344,
      ntpSeconds: 0xe9a0b705,
      ntpFraction: 0x20000000,
      rtpTimestamp: 8000,
      packetCount: 100,
      octetCount: 16000,
      reports: [EXPECTED_BLOCK],
    });
  });

  it('parses a receiver report, and a positive cumulative loss', () => {
    const bytes = [...RR];
    bytes.splice(8 + 5, 3, 0x01, 0x02, 0x03); // cumulative lost 0x010203 = 66051
    const { packets } = parsed(bytes);
    expect(packets[0]).to.deep.include({ type: 'rr', ssrc: 0x55667788 });
    expect(reportBlocksOf(packets)[0].block.cumulativeLost).to.equal(66051);
  });

  it('parses a compound SR + SDES, listing the SDES and keeping the SR block', () => {
    const { packets } = parsed([...SR, ...SDES]);
    expect(packets.map((p) => p.type)).to.deep.equal(['sr', 'other']);
    expect(packets[1]).to.deep.equal({ type: 'other', packetType: 202, length: 16 });
    expect(reportBlocksOf(packets)).to.deep.equal([{ reporterSsrc: 0x11223344, block: EXPECTED_BLOCK }]);
  });

  it('parses a compound RR + SDES + padded RR; blocks keep their reporter', () => {
    const { packets } = parsed([...RR, ...SDES, ...RR_PADDED]);
    expect(packets.map((p) => p.type)).to.deep.equal(['rr', 'other', 'rr']);
    expect(packets[2]).to.deep.equal({ type: 'rr', ssrc: 0x55667788, reports: [] });
    expect(reportBlocksOf(packets)).to.have.length(1);
  });

  it('reads a Buffer that is a slice of a larger pool (byteOffset ≠ 0)', () => {
    const pool = Buffer.from([0xde, 0xad, ...SR, 0xbe, 0xef]);
    const r = parseRtcp(pool.subarray(2, 2 + SR.length));
    expect(r.ok && reportBlocksOf(r.packets)[0].block).to.deep.equal(EXPECTED_BLOCK);
  });

  it('fraction lost spans 0 .. 255/256', () => {
    const bytes = [...RR];
    bytes[8 + 4] = 0xff;
    expect(reportBlocksOf(parsed(bytes).packets)[0].block.fractionLost).to.equal(255 / 256);
    bytes[8 + 4] = 0;
    expect(reportBlocksOf(parsed(bytes).packets)[0].block.fractionLost).to.equal(0);
  });
});

describe('sip rtcp: jitter and round-trip arithmetic', () => {
  it('jitter units to ms by clock rate', () => {
    expect(jitterMs(160, 8000)).to.equal(20);
    expect(jitterMs(960, 48000)).to.equal(20);
    expect(() => jitterMs(160, 0)).to.throw().that.satisfies((e: unknown) => isVigieError(e, 'E_RTCP_MALFORMED'));
  });

  it('RFC 3550 §6.4.1 example: A 0xb7108000, LSR 0xb7052000, DLSR 0x00054000 → 6.125 s', () => {
    // A = 46864.500 s, LSR = 46853.125 s, DLSR = 5.250 s → 46864.5 − 46853.125 − 5.25 = 6.125 s (0x00062000)
    expect(roundTripMs(0xb7108000, 0xb7052000, 0x00054000)).to.equal(6125);
  });

  it('wraps modulo 2^32 across a middle-32 rollover', () => {
    // LSR 0xffff8000 (65535.5 s), DLSR 0.25 s (0x4000), A 0x00008000 (0.5 s after wrap) → 0.75 s
    expect(roundTripMs(0x00008000, 0xffff8000, 0x00004000)).to.equal(750);
  });

  it('no RTT without an SR (LSR 0) or with a DLSR past the arrival time', () => {
    expect(roundTripMs(0xb7108000, 0, 0)).to.equal(undefined);
    expect(roundTripMs(0xb7108000, 0xb7052000, 0x00100000)).to.equal(undefined);
  });

  it('NTP middle 32 bits from an SR timestamp and from Unix time', () => {
    expect(ntpMiddle32(0xe9a0b705, 0x20000000)).to.equal(0xb7052000);
    // Unix 0 = NTP 2208988800 s = 0x83aa7e80 → middle 32 = 0x7e800000; +1.5 s → 0x7e818000
    expect(ntpMiddle32FromUnixMs(0)).to.equal(0x7e800000);
    expect(ntpMiddle32FromUnixMs(1500)).to.equal(0x7e818000);
    // end to end: an SR sent at Unix t, answered by an RR 80 ms later held 30 ms at the peer → 50 ms
    const t = Date.UTC(2026, 0, 1, 12);
    const lsr = ntpMiddle32FromUnixMs(t);
    const dlsr = Math.round(0.03 * 65536);
    expect(roundTripMs(ntpMiddle32FromUnixMs(t + 80), lsr, dlsr)).to.be.closeTo(50, 0.1);
  });
});

describe('sip rtcp: malformed input', () => {
  it('empty and truncated headers', () => {
    rejected([], /empty/);
    rejected([0x81, 0xc8], /truncated header/);
    rejected([...RR, 0x80, 0xc9], /truncated header/);
  });

  it('a version other than 2', () => {
    rejected([0x41, ...SR.slice(1)], /version 1/);
    rejected([0x01, ...SR.slice(1)], /version 0/);
  });

  it('a length field past the end (truncated packet, and a lying length)', () => {
    rejected(SR.slice(0, 40), /length field says 52 bytes, only 40 left/);
    rejected([0x80, 0xc9, 0xff, 0xff, 0, 0, 0, 0], /length field/);
  });

  it('more report blocks than the packet holds', () => {
    const bytes = [...RR];
    bytes[0] = 0x82; // RC = 2 in a 32-byte RR
    rejected(bytes, /2 report blocks do not fit/);
  });

  it('padding: on a packet not last, zero, or larger than the packet', () => {
    rejected([...RR_PADDED, ...SDES], /padding bit set on a packet that is not the last/);
    const zero = [...RR_PADDED];
    zero[11] = 0;
    rejected(zero, /bad padding count 0/);
    const huge = [...RR_PADDED];
    huge[11] = 200;
    rejected(huge, /bad padding count 200/);
    const eatsBlock = [0xa1, 0xc9, 0x00, 0x07, ...RR.slice(4)];
    eatsBlock[eatsBlock.length - 1] = 8; // padding eats into the block → 1 block no longer fits
    rejected(eatsBlock, /1 report blocks do not fit/);
  });

  it('fuzz: random and mutated datagrams yield a result, never a throw', () => {
    let seed = 0x5eed1234;
    const rand = (): number => {
      // xorshift32, deterministic so a failure replays
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const valid = [SR, RR, [...SR, ...SDES], [...RR, ...SDES, ...RR_PADDED]];
    let ok = 0;
    let bad = 0;
    for (let i = 0; i < 600; i++) {
      let bytes: Uint8Array;
      if (i % 3 === 0) {
        bytes = Uint8Array.from({ length: Math.floor(rand() * 120) }, () => Math.floor(rand() * 256));
        if (bytes.length > 0 && rand() < 0.5) bytes[0] = 0x80 | (bytes[0] & 0x3f); // version 2, to get past the first check
      } else {
        const base = valid[Math.floor(rand() * valid.length)];
        bytes = Uint8Array.from(base.slice(0, i % 3 === 1 ? Math.floor(rand() * (base.length + 1)) : base.length));
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips && bytes.length > 0; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      }
      let r: RtcpParseResult;
      try {
        r = parseRtcp(bytes);
      } catch (e) {
        throw new Error(`parseRtcp threw on ${Buffer.from(bytes).toString('hex')}: ${String(e)}`);
      }
      if (r.ok) {
        ok++;
        for (const { block } of reportBlocksOf(r.packets)) {
          expect(block.fractionLost).to.be.within(0, 255 / 256);
          expect(block.cumulativeLost).to.be.within(-0x800000, 0x7fffff);
        }
      } else {
        bad++;
        expect(isVigieError(r.error, 'E_RTCP_MALFORMED'), r.error.message).to.equal(true);
      }
    }
    // both outcomes must occur, or the fuzz is not exercising the parser
    expect(ok).to.be.greaterThan(10);
    expect(bad).to.be.greaterThan(100);
  });

  it('a non-buffer from untyped code is a coded result too', () => {
    const r = parseRtcp('not bytes' as unknown as Uint8Array);
    expect(r.ok).to.equal(false);
    expect(!r.ok && isVigieError(r.error, 'E_RTCP_MALFORMED')).to.equal(true);
  });
});
