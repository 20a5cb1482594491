/**
 * The `sip-test-call` kind against SIPp (Debian `sip-tester`) on loopback, real SIP and real RTP:
 * - SIPp's built-in `uas` with `-rtp_echo` answers: loss < 1 %, MOS exactly as `scoreCall` gives
 *   for the measured loss and RTT/2 (≈ 4.4 for G.711 on loopback); SIPp took our ACK (its 200 is
 *   not retransmitted) and our BYE;
 * - the echo path through a relay of the test that drops every 10th packet: loss exactly
 *   ⌊sent/10⌋ packets, MOS lower exactly as `scoreCall` predicts for that loss;
 * - a SIPp UAS answering 486 → rejected, finalCode 486 (the 486 is ACKed once, not retransmitted);
 * - nobody listening → no-answer; SIPp answering without `-rtp_echo` → one-way-audio.
 * Skipped loudly without SIPp outside CI, failing in CI.
 */
import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sipTestCallKind } from '../../../../probes/sip/call/test-call-probe.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { sippOrSkip, startSippServer, type SippServer } from '../../../setup/sipp.js';
import { firstTestCall } from './live-probe.js';

/** SIPp's built-in `uas` (sipp -sd uas), with the SDP's media port given: the answer points RTP there. */
export function uasScenario(mediaPort: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="uas answering with SDP on port ${mediaPort}">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[

      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]></send>
  <send retrans="500"><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio ${mediaPort} RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]></send>
  <recv request="ACK" optional="true" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <timewait milliseconds="2000"/>
</scenario>
`;
}

const BUSY_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="busy UAS">
  <recv request="INVITE" crlf="true"/>
  <send retrans="500"><![CDATA[

      SIP/2.0 486 Busy Here
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <recv request="ACK"/>
</scenario>
`;

/** A UDP relay between the caller and SIPp's echo port that drops every k-th packet toward the echo. */
class DroppingRelay {
  forwarded = 0;
  dropped = 0;
  private client?: RemoteInfo;
  private constructor(private readonly socket: Socket, private readonly echoPort: number, private readonly k: number) {
    socket.on('message', (msg, from) => {
      if (from.port === this.echoPort) {
        if (this.client) socket.send(msg, this.client.port, this.client.address);
        return;
      }
      this.client = from;
      if ((this.forwarded + this.dropped + 1) % this.k === 0) this.dropped++;
      else {
        this.forwarded++;
        socket.send(msg, this.echoPort, '127.0.0.1');
      }
    });
  }

  static async open(echoPort: number, k: number): Promise<DroppingRelay> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new DroppingRelay(s, echoPort, k);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

describe('sip test call against SIPp (real SIP and RTP echo on loopback)', function () {
  this.timeout(30_000);
  let engine: SipUdpEngine;
  const sipps: SippServer[] = [];
  const target = (port: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    uri: `sip:127.0.0.1:${port}`, number: '4000', trunk: 'sipp', durationS: 2, timeoutMs: 3000, ...extra,
  });
  const kind = () => sipTestCallKind(() => engine);
  const sipp = async (opts: Parameters<typeof startSippServer>[0]): Promise<SippServer> => {
    const s = await startSippServer(opts);
    sipps.push(s);
    return s;
  };

  before(function () {
    sippOrSkip(this);
  });
  beforeEach(() => {
    engine = new SipUdpEngine({ timers: { t1Ms: 100 } });
  });
  afterEach(async () => {
    await engine.close();
    await Promise.all(sipps.splice(0).map((s) => s.stop()));
  });

  it('answered by SIPp uas -rtp_echo: loss < 1 %, MOS = scoreCall(measured loss, RTT/2) ≈ 4.4, ACK and BYE accepted', async () => {
    const mp = await freeUdpPort();
    const s = await sipp({ args: ['-rtp_echo', '-mp', String(mp), '-mi', '127.0.0.1'] });
    const { data, observations } = await firstTestCall(kind(), target(s.port));
    expect(data).to.include({ outcome: 'answered', finalCode: 200, source: 'test-call', trunk: 'sipp', to: '4000' });
    const media = data.media!;
    const q = data.quality!;
    expect(media.sent).to.be.within(95, 101);
    expect(media.received).to.be.at.least(media.sent - 1);
    expect(q.lossPct).to.be.below(1);
    expect(q.rttMs).to.be.above(0).and.below(50);
    const expected = scoreCall({ codec: 'G.711', oneWayDelayMs: q.rttMs! / 2, lossPct: q.lossPct! });
    expect(q.mos).to.be.closeTo(expected.mos, 1e-12);
    expect(q.mos).to.be.closeTo(4.41, 0.05);
    expect(q.jitterMs).to.be.at.least(0).and.below(20);
    expect(observations.filter((o) => o.kind === 'metric' && o.name === 'sip.testcall.mos')).to.have.length(1);
    expect(observations.filter((o) => o.kind === 'metric' && o.name === 'sip.mos.avg')).to.have.length(1);
    // SIPp stops retransmitting its 200 once it has our ACK (one ACK sent), and answered our BYE.
    await new Promise((r) => setTimeout(r, 700));
    expect(engine.counters.acks).to.equal(1);
    expect(data.byeFailed).to.equal(undefined);
    expect(readFileSync(join(s.dir, 'errors.log'), { encoding: 'utf8', flag: 'a+' })).to.not.match(/Aborting call|unexpected/i);
  });

  it('through a relay dropping every 10th packet: loss exactly ⌊sent/10⌋, MOS lower exactly as scoreCall predicts', async () => {
    const mp = await freeUdpPort();
    const relay = await DroppingRelay.open(mp, 10);
    try {
      const s = await sipp({ scenario: { xml: uasScenario(String(relay.port)) }, args: ['-rtp_echo', '-mp', String(mp), '-mi', '127.0.0.1'] });
      const { data } = await firstTestCall(kind(), target(s.port));
      expect(data.outcome).to.equal('answered');
      const media = data.media!;
      const q = data.quality!;
      expect(relay.dropped).to.equal(Math.floor(media.sent! / 10));
      expect(media.lost).to.equal(relay.dropped);
      expect(q.lossPct).to.be.closeTo((100 * relay.dropped) / media.sent!, 1e-9);
      expect(q.lossPct).to.be.within(9, 11);
      const expected = scoreCall({ codec: 'G.711', oneWayDelayMs: q.rttMs! / 2, lossPct: q.lossPct! });
      expect(q.mos).to.be.closeTo(expected.mos, 1e-12);
      const lossless = scoreCall({ codec: 'G.711', oneWayDelayMs: q.rttMs! / 2, lossPct: 0 });
      expect(lossless.mos - q.mos).to.be.above(0.8);
      // Ie_eff = 95·Ppl/(Ppl + 25.1) for G.711: R falls by exactly that.
      expect(lossless.r - q.r!).to.be.closeTo((95 * q.lossPct!) / (q.lossPct! + 25.1), 1e-9);
    } finally {
      await relay.close();
    }
  });

  it('a UAS answering 486 → rejected with finalCode 486, its 486 ACKed once', async () => {
    const s = await sipp({ scenario: { xml: BUSY_SCENARIO } });
    const { data, event } = await firstTestCall(kind(), target(s.port));
    expect(data).to.include({ outcome: 'rejected', finalCode: 486 });
    expect(event.message).to.include('rejected (486)');
    expect(data.quality).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 800));
    expect(engine.counters.acks).to.equal(1);
  });

  it('nobody listening → no-answer after the timeout (the INVITE retransmitted meanwhile)', async () => {
    const port = await freeUdpPort();
    const started = Date.now();
    const { data } = await firstTestCall(kind(), target(port, { timeoutMs: 800 }));
    expect(Date.now() - started).to.be.at.least(750);
    expect(data).to.include({ outcome: 'no-answer', errorCode: 'E_SIP_TIMEOUT' });
    expect(engine.counters.retransmits).to.be.at.least(2);
  });

  it('answered by SIPp without -rtp_echo → one-way-audio', async () => {
    const mp = await freeUdpPort();
    const s = await sipp({ args: ['-mp', String(mp), '-mi', '127.0.0.1'] });
    const { data, event } = await firstTestCall(kind(), target(s.port));
    expect(data).to.include({ outcome: 'one-way-audio', finalCode: 200 });
    expect(event.severity).to.equal('minor');
    expect(data.media).to.include({ received: 0, lossPct: 100 });
    expect(data.media!.sent).to.be.at.least(95);
  });
});
