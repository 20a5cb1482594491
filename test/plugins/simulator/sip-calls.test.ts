/**
 * The simulated trunk's call generator, run for an hour of virtual time and read with the
 * product's own decoders (allowed in a test): every HEPv3 packet decodes (probes/sip/hep), the
 * SIP payloads parse with sip.js (every message of one call in sixteen — sip.js takes ~6 ms a
 * message here — the rest read by a few regular expressions checked against sip.js on that
 * sample), every RTCP payload parses (probes/sip/rtcp) and every RFC 6035 report parses
 * (probes/sip/rtcpxr); the call flows are consistent (each INVITE gets one final
 * response unless the trunk was silent the whole time, answered calls are ACKed and hung up,
 * RTCP only while a call is up), the round-trip times and losses carried are the quality model's,
 * and a seed gives the same calls every time.
 */
import { expect } from 'chai';
import { Core } from 'sip.js';
import { VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import { startCallGenerator, type CallGeneratorStats } from '../../../plugins/simulator/sip/call-generator.js';
import { pbxEndpoint, type SimLeg } from '../../../plugins/simulator/sip/call-messages.js';
import { trunkQuality, type TrunkQuality } from '../../../plugins/simulator/sip/trunk-quality.js';
import { vqPublishRequest } from '../../../plugins/simulator/sip/vq-publish.js';
import { decodeHep3, type HepPacket } from '../../../probes/sip/hep/decode.js';
import { jitterMs, ntpMiddle32FromUnixMs, parseRtcp, roundTripMs, type ReceiverReport } from '../../../probes/sip/rtcp/report.js';
import { parseVqReport, type VqReport } from '../../../probes/sip/rtcpxr/vq-report.js';

const TRUNK = 'sim-trunk-01';
const TRUNK_PORT = 16120;
const HOUR = 60 * 60_000;
/** Longest a call can take from its first INVITE to its last message (Timer B 32 s + ringing + 180 s + report). */
const LONGEST_CALL_MS = 240_000;

const sipLogger = ((): Core.Logger => {
  const f = new Core.LoggerFactory();
  f.builtinEnabled = false;
  return f.getLogger('test');
})();

interface Captured {
  at: number;
  packet: HepPacket;
}

interface Run {
  clock: VirtualClock;
  quality: TrunkQuality;
  leg: SimLeg;
  hep: Captured[];
  raw: Buffer[];
  vq: { at: number; body: string }[];
  stats: CallGeneratorStats;
  maxActive: number;
}

function runFor(ms: number, seed = 1, callsPerMinute = 6, hepAuthKey?: string): Run {
  const clock = new VirtualClock();
  const quality = trunkQuality(seed, TRUNK);
  const leg: SimLeg = { pbx: pbxEndpoint('127.0.0.1'), trunk: { host: '127.0.0.1', port: TRUNK_PORT } };
  const run: Omit<Run, 'stats'> = { clock, quality, leg, hep: [], raw: [], vq: [], maxActive: 0 };
  const gen = startCallGenerator({
    trunk: TRUNK, seed, callsPerMinute, quality, leg, startedAt: clock.now(), scheduler: clock, hepAuthKey,
    sink: {
      hep: (d) => {
        run.raw.push(d);
        const r = decodeHep3(d, hepAuthKey ? { authKey: hepAuthKey } : {});
        if (!r.ok) throw r.error;
        run.hep.push({ at: clock.now(), packet: r.packet });
      },
      vq: (body) => run.vq.push({ at: clock.now(), body }),
    },
  });
  for (let t = 0; t < ms; t += 5000) {
    clock.advance(5000);
    run.maxActive = Math.max(run.maxActive, gen.stats.active);
  }
  gen.stop();
  return { ...run, stats: { ...gen.stats } };
}

/** What the flow checks need of a SIP message. */
interface SipMsg {
  method: string;
  statusCode?: number;
  callId: string;
  cseq: number;
  viaBranch: string;
  body: string;
}

/** A few regular expressions, enough for the generator's own well-formed messages (checked against sip.js below). */
function lightParse(text: string): SipMsg {
  const start = /^(?:([A-Z]+) \S+ SIP\/2\.0|SIP\/2\.0 (\d{3}) [^\r]*)\r\n/.exec(text)!;
  const cseq = /\r\nCSeq: (\d+) ([A-Z]+)\r\n/.exec(text)!;
  return {
    method: cseq[2],
    statusCode: start[2] ? Number(start[2]) : undefined,
    callId: /\r\nCall-ID: (\S+)\r\n/.exec(text)![1],
    cseq: Number(cseq[1]),
    viaBranch: /\r\nVia: [^\r]*;branch=([^;\r]+)/.exec(text)![1],
    body: text.slice(text.indexOf('\r\n\r\n') + 4),
  };
}

/** sip.js's reading of the message, in the same shape. */
function sipJsParse(text: string): SipMsg {
  const m = Core.Parser.parseMessage(text, sipLogger);
  expect(m, text).to.not.equal(undefined);
  return {
    method: m!.method, statusCode: m instanceof Core.IncomingResponseMessage ? m.statusCode : undefined, callId: m!.callId, cseq: m!.cseq,
    viaBranch: m!.viaBranch, body: m!.body,
  };
}

interface CallView {
  callId: string;
  sip: { at: number; msg: SipMsg; packet: HepPacket }[];
  rtcp: { at: number; rr: ReceiverReport; packet: HepPacket }[];
}

function isRequest(m: SipMsg, method?: string): boolean {
  return m.statusCode === undefined && (method === undefined || m.method === method);
}

function isResponse(m: SipMsg, method: string, pred: (code: number) => boolean): boolean {
  return m.statusCode !== undefined && m.method === method && pred(m.statusCode);
}

function byCall(run: Run): Map<string, CallView> {
  const calls = new Map<string, CallView>();
  const view = (id: string) => calls.get(id) ?? calls.set(id, { callId: id, sip: [], rtcp: [] }).get(id)!;
  const sampledKinds = new Set<string>();
  for (const { at, packet } of run.hep) {
    if (packet.protocolType === 1) {
      const text = packet.payload!.toString('utf8');
      const msg = lightParse(text);
      if (Number(/-(\d+)$/.exec(msg.callId)![1]) % 16 === 0) {
        expect(sipJsParse(text), text).to.deep.equal(msg);
        sampledKinds.add(msg.statusCode === undefined ? msg.method : `${msg.statusCode >= 300 ? 'failure' : msg.statusCode} ${msg.method}`);
      }
      view(msg.callId).sip.push({ at, msg, packet });
    } else {
      expect(packet.protocolType).to.equal(5);
      const parsed = parseRtcp(packet.payload!);
      if (!parsed.ok) throw parsed.error;
      expect(parsed.packets).to.have.length(1);
      expect(parsed.packets[0].type).to.equal('rr');
      view(packet.correlationId!).rtcp.push({ at, rr: parsed.packets[0] as ReceiverReport, packet });
    }
  }
  expect([...sampledKinds].sort(), 'every kind of message is checked with sip.js').to.deep.equal(
    ['100 INVITE', '180 INVITE', '200 BYE', '200 INVITE', 'ACK', 'BYE', 'INVITE', 'failure INVITE'],
  );
  return calls;
}

describe('simulator SIP trunk: fabricated calls (an hour of virtual time)', function () {
  this.timeout(60_000);
  let run: Run;
  let calls: Map<string, CallView>;

  before(() => {
    run = runFor(HOUR);
    calls = byCall(run);
  });

  it('every HEP packet decodes, is stamped with the clock, and carries only loopback addresses', () => {
    expect(run.hep.length).to.equal(run.stats.hepPackets).and.to.be.above(1000);
    // chai is slow per call: gather what is wrong, assert once.
    const wrong = run.hep.filter(({ at, packet: p }) =>
      !(p.ipFamily === 2 && p.ipProtocol === 17 && p.captureId === 2001 && p.nodeName === 'vigie-sim' && p.timeMs === at && !p.authKeyPresent &&
        p.skippedChunks === 0 && /^127\./.test(p.srcAddress!) && /^127\./.test(p.dstAddress!) && !p.compressed));
    expect(wrong.slice(0, 3)).to.deep.equal([]);
    const sip = run.hep.filter((h) => h.packet.protocolType === 1);
    const ends = new Set(sip.map((h) => `${h.packet.srcAddress}:${h.packet.srcPort}`));
    expect(ends, 'the trunk leg: the PBX and the trunk at its real address').to.deep.equal(new Set(['127.0.0.1:16120', '127.0.0.10:5060']));
  });

  it('call flows are consistent: one final per INVITE (unless the trunk stayed silent), ACK, BYE and its 200 for answered calls', () => {
    const end = run.clock.now();
    const start = run.clock.startAt;
    const outcomes: Record<string, number> = {};
    let checked = 0;
    for (const c of calls.values()) {
      const invites = c.sip.filter((s) => isRequest(s.msg, 'INVITE'));
      expect(invites.length, c.callId).to.be.at.least(1);
      if (invites[0].at > end - LONGEST_CALL_MS) continue; // may still be in progress
      checked++;
      const first = invites[0];
      expect(`${first.packet.dstAddress}:${first.packet.dstPort}`).to.equal(`127.0.0.1:${TRUNK_PORT}`);
      expect(new Set(invites.map((i) => i.msg.viaBranch)).size, 'retransmissions keep the branch').to.equal(1);
      const finals = c.sip.filter((s) => isResponse(s.msg, 'INVITE', (code) => code >= 200));
      if (finals.length === 0) {
        outcomes.timeout = (outcomes.timeout ?? 0) + 1;
        expect(invites, 'Timer A: the INVITE and 6 retransmissions').to.have.length(7);
        for (const i of invites) expect(run.quality.silentAt(i.at - start), `${c.callId} sent while the trunk was silent`).to.equal(true);
        expect(c.sip, 'nothing but the INVITEs').to.have.length(7);
        continue;
      }
      expect(finals, c.callId).to.have.length(1);
      const final = finals[0].msg;
      expect(run.quality.silentAt(invites[invites.length - 1].at - start), 'the INVITE answered was not sent in a silence').to.equal(false);
      outcomes[final.statusCode!] = (outcomes[final.statusCode!] ?? 0) + 1;
      const after = (m: { at: number }) => m.at >= finals[0].at;
      const acks = c.sip.filter((s) => isRequest(s.msg, 'ACK'));
      expect(acks, `${c.callId}: one ACK`).to.have.length(1);
      expect(after(acks[0])).to.equal(true);
      const byes = c.sip.filter((s) => isRequest(s.msg, 'BYE'));
      const byeOks = c.sip.filter((s) => isResponse(s.msg, 'BYE', (code) => code === 200));
      if (final.statusCode === 200) {
        expect(acks[0].msg.viaBranch, 'a 2xx ACK is a new transaction').to.not.equal(first.msg.viaBranch);
        expect(byes, `${c.callId}: BYE`).to.have.length(1);
        expect(byeOks, `${c.callId}: 200 to BYE`).to.have.length(1);
        const durationS = (byes[0].at - finals[0].at) / 1000;
        expect(durationS).to.be.within(10, 180);
        expect(byeOks[0].at).to.be.at.least(byes[0].at);
        expect(final.body).to.match(/c=IN IP4 127\.0\.0\.1\r\n/);
        for (const r of c.rtcp) expect(r.at > finals[0].at && r.at < byes[0].at, 'RTCP while the call is up').to.equal(true);
        expect(c.rtcp.length, 'RTCP from both ends every 5 s').to.be.at.least(2 * Math.floor(durationS / 5) - 1);
      } else {
        expect([486, 503, 408]).to.include(final.statusCode);
        expect(acks[0].msg.viaBranch, 'a non-2xx ACK shares the INVITE branch').to.equal(first.msg.viaBranch);
        expect(byes.length + c.rtcp.length).to.equal(0);
      }
      expect(first.msg.body).to.match(/c=IN IP4 127\.0\.0\.10\r\nt=0 0\r\nm=audio \d+ RTP\/AVP 0 18 101/);
    }
    expect(checked).to.be.above(300);
    const answered = (outcomes[200] ?? 0) / checked;
    expect(answered, JSON.stringify(outcomes)).to.be.within(0.55, 0.95);
    for (const code of ['486', '503', '408', 'timeout']) expect(outcomes[code], `${code} in ${JSON.stringify(outcomes)}`).to.be.above(0);
    expect(run.maxActive, 'a handful of concurrent calls').to.be.within(3, 20);
  });

  it('RTCP reports belong to answered calls, use the SDP ports + 1, and carry the model’s RTT, loss and jitter', () => {
    const clean: number[] = [];
    const strained: number[] = [];
    let rtts = 0;
    const wrong: string[] = [];
    for (const c of calls.values()) {
      if (c.rtcp.length === 0) continue;
      const ok200 = c.sip.find((s) => isResponse(s.msg, 'INVITE', (code) => code === 200));
      expect(ok200, 'RTCP only for answered calls').to.not.equal(undefined);
      const invite = c.sip.find((s) => isRequest(s.msg, 'INVITE'))!;
      const pbxRtp = Number(/m=audio (\d+)/.exec(invite.msg.body)![1]);
      const trunkRtp = Number(/m=audio (\d+)/.exec(ok200!.msg.body)![1]);
      for (const { at, rr, packet } of c.rtcp) {
        const ports = [packet.srcPort, packet.dstPort];
        if (!ports.includes(pbxRtp + 1) || !ports.includes(trunkRtp + 1)) wrong.push(`${c.callId}: ports ${ports} for RTP ${pbxRtp}/${trunkRtp}`);
        if (rr.reports.length !== 1) wrong.push(`${c.callId}: ${rr.reports.length} blocks`);
        const block = rr.reports[0];
        const elapsed = at - run.clock.startAt;
        const model = run.quality.mediaAt(elapsed);
        if (block.lsr !== 0) {
          // A − LSR − DLSR is the modelled RTT (±10 %, ±1 ms of rounding)
          const rtt = roundTripMs(ntpMiddle32FromUnixMs(at), block.lsr, block.dlsr)!;
          if (!(rtt >= model.rttMs * 0.9 - 1 && rtt <= model.rttMs * 1.1 + 1)) wrong.push(`${c.callId}: RTT ${rtt} vs model ${model.rttMs}`);
          rtts++;
        }
        const jitter = jitterMs(block.jitter, 8000);
        if (jitter > model.jitterMs * 1.3 + 0.5) wrong.push(`${c.callId}: jitter ${jitter} vs model ${model.jitterMs}`);
        if (packet.srcPort === pbxRtp + 1) (run.quality.strainAt(elapsed) > 0.5 ? strained : clean).push(block.fractionLost);
      }
    }
    expect(wrong.slice(0, 5)).to.deep.equal([]);
    expect(rtts).to.be.above(500);
    expect(strained.length).to.be.above(20);
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(avg(strained), 'loss rises in impairment episodes').to.be.above(5 * avg(clean));
  });

  it('RFC 6035 reports: a third of answered calls, each parsing as a VQSessionReport: CallTerm of that call', () => {
    expect(run.vq.length).to.equal(run.stats.vqReports).and.to.be.above(run.stats.answered / 5);
    expect(run.vq.length).to.be.below(run.stats.answered / 2);
    for (const { at, body } of run.vq) {
      const report: VqReport = parseVqReport(body);
      expect(report).to.deep.include({ kind: 'session', callTerm: true, remoteGroup: TRUNK });
      const call = calls.get(report.callId);
      expect(call, report.callId).to.not.equal(undefined);
      const bye = call!.sip.find((s) => isRequest(s.msg, 'BYE'))!;
      expect(at).to.be.above(bye.at);
      expect(report.remoteAddr?.ip).to.equal('127.0.0.1');
      expect(report.localAddr?.ip).to.equal('127.0.0.10');
      const local = report.localMetrics!;
      expect(local.packetLoss?.networkLossPct).to.be.a('number').and.at.least(0);
      expect(local.delay?.roundTripMs).to.be.within(15, 250);
      expect(local.qualityEst?.mosCq).to.be.within(1, 4.5);
      expect(local.sessionDesc?.payloadDesc).to.be.oneOf(['PCMU', 'G729']);
      expect(report.remoteMetrics?.packetLoss).to.not.equal(undefined);
      expect(report.dialogId?.callId).to.equal(report.callId);
    }
    const publish = vqPublishRequest(run.vq[0].body, { host: '127.0.0.1', port: 40000 }, { host: '127.0.0.1', port: 5065 }, run.leg.pbx);
    const msg = Core.Parser.parseMessage(publish, sipLogger)!;
    expect(msg.method).to.equal('PUBLISH');
    expect(msg.getHeader('event')).to.equal('vq-rtcpxr');
    expect(msg.getHeader('content-type')).to.equal('application/vq-rtcpxr');
    expect(parseVqReport(msg.body).callId).to.equal(parseVqReport(run.vq[0].body).callId);
  });

  it('is deterministic for a seed, different for another; the HEP auth key is carried when set', () => {
    const a = runFor(10 * 60_000, 7);
    const b = runFor(10 * 60_000, 7);
    const c = runFor(10 * 60_000, 8);
    expect(a.raw.length).to.be.above(50);
    expect(Buffer.concat(a.raw).equals(Buffer.concat(b.raw))).to.equal(true);
    expect(Buffer.concat(a.raw).equals(Buffer.concat(c.raw))).to.equal(false);
    const keyed = runFor(5 * 60_000, 7, 6, 'hep-secret');
    expect(keyed.hep.every((h) => h.packet.authKeyPresent)).to.equal(true);
    expect(decodeHep3(keyed.raw[0], { authKey: 'other' }).ok).to.equal(false);
  });

  it('callsPerMinute sets the rate (0: no calls at all)', () => {
    expect(runFor(10 * 60_000, 1, 0).stats.placed).to.equal(0);
    const fast = runFor(10 * 60_000, 1, 30).stats.placed;
    expect(fast).to.be.within(30 * 10 * 0.7, 30 * 10 * 1.3);
  });
});
