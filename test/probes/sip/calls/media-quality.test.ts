/**
 * Media statistics of one call from RTCP report blocks: loss over consecutive reports, a
 * restarted stream, the bound on directions, RTT only with a plausible value and an arrival
 * time, and the codec the E-model scores with (the SDP's when the table knows it).
 */
import { expect } from 'chai';
import { CallMedia, codecNameFor, MAX_DIRECTIONS } from '../../../../probes/sip/calls/media-quality.js';
import { createCodecTable } from '../../../../probes/sip/quality/codecs.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { ntpMiddle32FromUnixMs, parseRtcp, type RtcpPacket } from '../../../../probes/sip/rtcp/report.js';
import { rtcpReceiverReport, type BlockFields } from '../hep/encode.js';

const T = Date.UTC(2026, 0, 1, 12);
const table = createCodecTable();

function rr(reporter: number, block: BlockFields): readonly RtcpPacket[] {
  const r = parseRtcp(rtcpReceiverReport(reporter, [block]));
  if (!r.ok) throw r.error;
  return r.packets;
}
const block = (b: Partial<BlockFields>): BlockFields => ({ ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, ...b });

describe('call media quality from RTCP', () => {
  it('measures loss between consecutive reports and skips a restarted stream', () => {
    const m = new CallMedia();
    m.add(rr(9, block({ fractionLost: 128, cumulativeLost: 100, extendedHighestSeq: 1000 })), T, 8000);
    expect(m.lossPct()).to.equal(50); // one report: its fraction lost
    m.add(rr(9, block({ cumulativeLost: 110, extendedHighestSeq: 2000 })), T + 5000, 8000);
    m.add(rr(9, block({ cumulativeLost: 0, extendedHighestSeq: 10 })), T + 10_000, 8000); // restart: no negative progress
    m.add(rr(9, block({ cumulativeLost: 30, extendedHighestSeq: 1010 })), T + 15_000, 8000);
    expect(m.lossPct()).to.be.closeTo((100 * (10 + 30)) / (1000 + 1000), 1e-9);
    expect(m.reports).to.equal(4);
  });

  it('keeps at most MAX_DIRECTIONS directions and takes the worst for the score', () => {
    const m = new CallMedia();
    for (let i = 0; i < MAX_DIRECTIONS + 5; i++) m.add(rr(100 + i, block({ ssrc: i, fractionLost: i * 10, jitter: 80 * i })), T, 8000);
    const worst = MAX_DIRECTIONS - 1;
    expect(m.lossPct()).to.be.closeTo((100 * worst * 10) / 256, 1e-9);
    const q = m.quality('G.711', table)!;
    expect(q.jitterMs).to.equal((80 * worst) / 8);
    expect(q.mos).to.be.closeTo(scoreCall({ codec: 'G.711', oneWayDelayMs: 0, lossPct: (100 * worst * 10) / 256 }).mos, 1e-9);
    expect(q.rttMs).to.equal(undefined);
  });

  it('takes the RTT from LSR/DLSR only with an arrival time and a plausible value', () => {
    const arrival = ntpMiddle32FromUnixMs(T);
    const dlsr = 65536 / 2; // 0.5 s
    const lsrFor = (rttMs: number): number => (arrival - dlsr - Math.round((rttMs / 1000) * 65536)) >>> 0;
    const m = new CallMedia();
    m.add(rr(1, block({ lsr: lsrFor(120), dlsr })), undefined, 8000);
    expect(m.quality('G.711', table)!.rttMs).to.equal(undefined);
    m.add(rr(1, block({ lsr: lsrFor(120), dlsr })), T, 8000);
    expect(m.quality('G.711', table)!.rttMs).to.be.closeTo(120, 0.05);
    m.add(rr(1, block({ lsr: lsrFor(20_000), dlsr })), T, 8000); // 20 s: clocks that disagree
    const q = m.quality('G.711', table)!;
    expect(q.rttMs).to.be.closeTo(120, 0.05);
    expect(q.oneWayDelayMs).to.be.closeTo(60, 0.05);
    expect(m.takeFresh()).to.equal(true);
    expect(m.takeFresh()).to.equal(false);
  });

  it('scores with the SDP codec when the table knows it, else the configured default', () => {
    expect(codecNameFor('PCMA', 'G.729', table)).to.equal('G.711');
    expect(codecNameFor('opus', 'G.711', table)).to.equal('G.711');
    expect(codecNameFor('opus', 'G.711', createCodecTable([{ name: 'opus', ie: 5, bpl: 20 }]))).to.equal('Opus');
    expect(codecNameFor(undefined, 'G.729', table)).to.equal('G.729');
  });
});
