/**
 * The media maths of test calls on synthetic streams: RTP header build/parse (CSRC, extension,
 * padding, garbage), RFC 3550 A.8 interarrival jitter (constant transit → 0; a stall; an
 * alternating offset converging as J_n = δ·(1 − (15/16)^n); a timestamp wrap; agreement with the
 * RFC's own C fragment transcribed), and the echo meter's loss, RTT, duplicates and foreign packets.
 */
import { expect } from 'chai';
import { EchoMeter } from '../../../../probes/sip/call/echo-meter.js';
import { InterarrivalJitter } from '../../../../probes/sip/call/jitter.js';
import { buildRtpPacket, g711Silence, parseRtpPacket } from '../../../../probes/sip/call/rtp-packet.js';

/** RFC 3550 A.8, transcribed: arrival and timestamp in timestamp units, integer transit. */
function rfcJitter(packets: { arrival: number; ts: number }[]): number {
  let jitter = 0;
  let last: number | undefined;
  for (const p of packets) {
    const transit = Math.trunc(p.arrival - p.ts);
    if (last !== undefined) {
      let d = transit - last;
      if (d < 0) d = -d;
      jitter += (1 / 16) * (d - jitter);
    }
    last = transit;
  }
  return jitter;
}

describe('sip test call: RTP packets', () => {
  it('builds a v2 header and reads it back', () => {
    const p = buildRtpPacket({ payloadType: 8, marker: true, sequence: 0x1_0005, timestamp: 2 ** 32 + 7, ssrc: 0xdeadbeef }, g711Silence('PCMA', 160));
    expect(p.length).to.equal(172);
    expect(p[0]).to.equal(0x80);
    expect(p.subarray(12).every((b) => b === 0xd5)).to.equal(true);
    expect(parseRtpPacket(p)).to.deep.equal({ payloadType: 8, marker: true, sequence: 5, timestamp: 7, ssrc: 0xdeadbeef, payloadLength: 160 });
    expect(g711Silence('PCMU', 3)).to.deep.equal(Buffer.from([0xff, 0xff, 0xff]));
  });

  it('skips CSRCs and an extension, removes padding', () => {
    const p = Buffer.alloc(12 + 8 + 8 + 10 + 4);
    p[0] = 0x80 | 0x20 | 0x10 | 2; // padding, extension, 2 CSRCs
    p[1] = 0;
    p.writeUInt16BE(9, 2);
    p.writeUInt16BE(1, 12 + 8 + 2); // one 32-bit word of extension
    p[p.length - 1] = 4;
    expect(parseRtpPacket(p)).to.include({ sequence: 9, payloadLength: 10 });
  });

  it('refuses what is not RTP v2', () => {
    expect(parseRtpPacket(Buffer.alloc(11, 0x80))).to.equal(undefined);
    expect(parseRtpPacket(Buffer.from([0x40, ...Buffer.alloc(20)]))).to.equal(undefined);
    const badPad = Buffer.alloc(14);
    badPad[0] = 0xa0;
    badPad[13] = 40;
    expect(parseRtpPacket(badPad)).to.equal(undefined);
    const zeroPad = Buffer.alloc(14);
    zeroPad[0] = 0xa0;
    expect(parseRtpPacket(zeroPad)).to.equal(undefined);
    const longExt = Buffer.alloc(20);
    longExt[0] = 0x90;
    longExt.writeUInt16BE(50, 14);
    expect(parseRtpPacket(longExt)).to.equal(undefined);
  });
});

describe('sip test call: RFC 3550 A.8 interarrival jitter', () => {
  it('is 0 for a constant transit time, whatever it is', () => {
    const j = new InterarrivalJitter(8000);
    for (let i = 0; i < 100; i++) j.update(1000 + 37.5 + i * 20, 5000 + i * 160);
    expect(j.jitter).to.equal(0);
    expect(j.count).to.equal(99);
  });

  it('follows a 40 ms stall step by step: packets 2–4 arrive together, J per J += (|D| − J)/16', () => {
    const j = new InterarrivalJitter(8000);
    const arrivals = [0, 20, 80, 80, 80];
    const ts = [0, 160, 320, 480, 640];
    const seen: number[] = [];
    for (let i = 0; i < arrivals.length; i++) {
      j.update(arrivals[i]!, ts[i]!);
      seen.push(j.jitterMs);
    }
    // transit 0, 0, 40, 20, 0 ms → D = 0, +40, −20, −20 ms
    expect(seen[1]).to.equal(0);
    expect(seen[2]).to.be.closeTo(40 / 16, 1e-9);
    expect(seen[3]).to.be.closeTo(2.5 + (20 - 2.5) / 16, 1e-9);
    expect(seen[4]).to.be.closeTo(seen[3]! + (20 - seen[3]!) / 16, 1e-9);
  });

  it('converges to δ for arrivals alternately on time and δ late: J_n = δ·(1 − (15/16)^n)', () => {
    const delta = 5;
    const j = new InterarrivalJitter(8000);
    for (let i = 0; i <= 200; i++) {
      j.update(i * 20 + (i % 2 === 0 ? 0 : delta), i * 160);
      if (i === 1 || i === 10 || i === 200) expect(j.jitterMs).to.be.closeTo(delta * (1 - (15 / 16) ** i), 1e-9);
    }
    expect(j.jitterMs).to.be.closeTo(delta, 1e-4);
  });

  it('takes a timestamp wrap (2³²) in its stride', () => {
    const j = new InterarrivalJitter(8000);
    const start = 2 ** 32 - 480;
    for (let i = 0; i < 10; i++) j.update(i * 20, (start + i * 160) % 2 ** 32);
    expect(j.jitter).to.equal(0);
  });

  it('agrees with the RFC fragment on a random stream', () => {
    let seed = 3;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const packets = Array.from({ length: 500 }, (_, i) => ({ arrival: (i * 20 + 10 + Math.round(rnd() * 30)) * 8, ts: i * 160 }));
    const j = new InterarrivalJitter(8000);
    for (const p of packets) j.update(p.arrival / 8, p.ts);
    expect(j.jitter).to.be.closeTo(rfcJitter(packets), 1e-9);
    expect(j.jitterMs).to.be.closeTo(rfcJitter(packets) / 8, 1e-9);
    expect(j.jitterMs).to.be.above(3);
  });
});

describe('sip test call: echo meter', () => {
  it('counts loss, RTT, duplicates and foreign datagrams from the echoed stream', () => {
    const m = new EchoMeter(0x1234);
    for (let i = 0; i < 10; i++) m.onSent(65530 + i, i * 20);
    const back = (i: number, rtt: number, ssrc = 0x1234): void => m.onReceived({ sequence: (65530 + i) & 0xffff, timestamp: i * 160, ssrc }, i * 20 + rtt);
    for (const i of [0, 1, 2, 4, 5, 6, 8, 9]) back(i, i === 5 ? 9 : 3);
    back(4, 3); // duplicate
    back(3, 3, 0x9999); // another SSRC
    m.onReceived({ sequence: 100, timestamp: 0, ssrc: 0x1234 }, 500); // a sequence never sent
    m.onForeign();
    const s = m.stats();
    expect(s).to.include({ sent: 10, received: 8, lost: 2, lossPct: 20, duplicates: 1, foreign: 3, rttMinMs: 3, rttMaxMs: 9 });
    expect(s.rttMs).to.be.closeTo((7 * 3 + 9) / 8, 1e-9);
    // A.8 on the 8 returned packets in arrival order: one +6 ms then −6 ms excursion.
    const ref = rfcJitter([0, 1, 2, 4, 5, 6, 8, 9].map((i) => ({ arrival: (i * 20 + (i === 5 ? 9 : 3)) * 8, ts: i * 160 })));
    expect(s.jitterMs).to.be.closeTo(ref / 8, 1e-9);
    expect(s.jitterMs).to.be.above(0);
  });

  it('reports 100 % loss and no RTT when nothing comes back, 0 % of nothing sent', () => {
    const m = new EchoMeter(1);
    expect(m.stats()).to.include({ sent: 0, lossPct: 0, jitterMs: 0 });
    m.onSent(1, 0);
    m.onSent(2, 20);
    const s = m.stats();
    expect(s).to.include({ sent: 2, received: 0, lost: 2, lossPct: 100 });
    expect(s.rttMs).to.equal(undefined);
  });
});
