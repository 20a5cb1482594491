/**
 * The `sip-rtcpxr` kind over a real loopback UDP socket, with the flush interval in virtual time
 * (runProbe + VirtualClock): PUBLISHes from a raw UDP client get their answers; a session report
 * becomes one `sip-call` event whose MOS is the E-model's of the report's numbers (computed here);
 * interval reports feed the per-trunk window flushed every interval; an alert becomes a
 * `sip-quality-alert`; retransmissions are answered but counted once; folded headers parse; bad
 * datagrams are counted and the listener keeps working; a taken port is `E_SIP_LISTEN`; stopping
 * releases the port.
 */
import { expect } from 'chai';
import dgram from 'node:dgram';
import { isVigieError, type EventObservation, type MetricObservation } from '../../../../plugins/sdk/index.js';
import { runProbe, type ProbeRun } from '../../../../plugins/sdk/testkit/index.js';
import type { CallReport } from '../../../../probes/sip/call-report.js';
import { aggregateScores, scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { RTCPXR_COUNTERS, sipRtcpXrKind } from '../../../../probes/sip/rtcpxr/collector.js';
import type { SipRtcpXrTarget } from '../../../../probes/sip/rtcpxr/collector-schema.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { headerOf, publish, reportBody, RFC6035_F13, statusOf } from './fixtures.js';
import { udpClient, type UdpClient } from './udp-client.js';

const INTERVAL = 10_000;

async function until(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function events(run: ProbeRun, type: string): EventObservation[] {
  return run.of('event').filter((e) => e.type === type);
}

function counters(run: ProbeRun, since = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of run.of('metric').slice(since)) if (m.entity === 'probe:test/xr') out[m.name] = (out[m.name] ?? 0) + m.value;
  return out;
}

describe('sip-rtcpxr collector over loopback UDP', function () {
  this.timeout(15_000);
  let port: number;
  let run: ProbeRun;
  let client: UdpClient;

  const start = async (extra: Partial<SipRtcpXrTarget> = {}): Promise<void> => {
    port = await freeUdpPort();
    run = runProbe(sipRtcpXrKind(), {
      listen: `127.0.0.1:${port}`,
      trunks: [{ name: 'carrier', match: { domains: ['carrier.example.net'] } }, { name: 'uk', match: { prefixes: ['+44'] } }],
      defaultTrunk: 'phones',
      ...extra,
    }, { name: 'xr', intervalMs: INTERVAL });
    expect(run.errors).to.deep.equal([]);
    // the socket binds asynchronously: wait until it answers
    for (let i = 0; i < 50; i++) {
      const r = await client.exchange(port, publish('', { method: 'OPTIONS', event: null }), 100);
      if (r !== undefined) return;
    }
    throw new Error(`the collector never answered on ${port}: ${String(run.errors[0])}`);
  };

  beforeEach(async () => {
    client = await udpClient();
  });
  afterEach(async () => {
    run?.stop();
    await client.close();
  });

  it('a session report: 200 OK with SIP-ETag/Expires, one sip-call event with the E-model MOS of its numbers', async () => {
    await start();
    const reply = await client.exchange(port, publish(RFC6035_F13, { viaPort: client.port }));
    expect(statusOf(reply!)).to.equal(200);
    expect(headerOf(reply!, 'SIP-ETag')).to.match(/^[0-9a-f]+$/);
    expect(headerOf(reply!, 'Expires')).to.equal('3600');
    expect(headerOf(reply!, 'Via')).to.contain(`rport=${client.port}`).and.contain('received=127.0.0.1');

    const calls = events(run, 'sip-call');
    expect(calls).to.have.length(1);
    const c = calls[0];
    // RemoteID bill@example.net: neither carrier.example.net nor +44 → the default trunk
    expect(c.entity).to.equal('trunk:phones');
    const data = c.data as unknown as CallReport & { directions: Record<string, { mos: number }>; reporter: string; reportType: string };
    // both directions of F13 carry the same numbers: G.729, NLR 5 + JDR 2, SOWD 200 ms, GLD only (random loss)
    const expected = scoreCall({ codec: 'G.729', oneWayDelayMs: 200, lossPct: 7, burstR: 1 });
    expect(data.quality!.mos).to.be.closeTo(expected.mos, 1e-9);
    expect(data.quality!.reportedMos).to.be.oneOf([4.3, 4.2]);
    expect(data).to.include({ source: 'rtcp-xr', outcome: 'answered', callId: '6dg37f1890463', from: 'Alice <sip:alice@example.org>', to: 'Bill <sip:bill@example.net>' });
    expect(data).to.include({ trunk: 'phones', reportType: 'VQSessionReport', reporter: `127.0.0.1:${client.port}` });
    expect(data.directions.local.mos).to.be.closeTo(expected.mos, 1e-9);
    expect(data.directions.remote.mos).to.be.closeTo(expected.mos, 1e-9);
    expect(c.at).to.equal(run.clock.now());
    expect(run.of('topology').map((t) => t.entity)).to.deep.equal(['trunk:phones']);

    run.advance(INTERVAL);
    const m = run.of('metric').filter((x) => x.entity === 'trunk:phones');
    expect(m.find((x) => x.name === 'sip.mos.avg')?.value).to.be.closeTo(expected.mos, 1e-9);
    expect(m.find((x) => x.name === 'rtp.loss_pct')?.value).to.equal(5);
    expect(counters(run)).to.include({ [RTCPXR_COUNTERS.reports]: 1, [RTCPXR_COUNTERS.duplicates]: 0, [RTCPXR_COUNTERS.malformed]: 0 });
  });

  it('interval reports feed the trunk window (avg, min, p5 per interval) without call events', async () => {
    await start();
    const losses = [0.5, 2, 4];
    for (const nlr of losses) {
      const body = reportBody({ type: 'VQIntervalReport', callId: 'long-call@phone', remoteId: '<sip:bob@sbc.carrier.example.net>', local: { codec: 'PCMU', nlr, rtd: 60, iaj: 3 } });
      expect(statusOf((await client.exchange(port, publish(body)))!)).to.equal(200);
    }
    expect(events(run, 'sip-call')).to.deep.equal([]);
    const before = run.observations.length;
    run.advance(INTERVAL - 1);
    expect(run.observations.length).to.equal(before); // nothing before the interval
    run.advance(1);
    const mos = losses.map((nlr) => scoreCall({ codec: 'G.711', oneWayDelayMs: 30, lossPct: nlr }).mos);
    const agg = aggregateScores(mos)!;
    const metric = (name: string): MetricObservation | undefined => run.of('metric').find((x) => x.entity === 'trunk:carrier' && x.name === name);
    expect(metric('sip.mos.avg')?.value).to.be.closeTo(agg.average, 1e-9);
    expect(metric('sip.mos.min')?.value).to.be.closeTo(agg.minimum, 1e-9);
    expect(metric('sip.mos.p5')?.value).to.be.closeTo(agg.p5, 1e-9);
    expect(metric('rtp.loss_pct')?.value).to.be.closeTo((0.5 + 2 + 4) / 3, 1e-9);
    expect(metric('rtp.jitter_ms')?.value).to.equal(3);
    expect(metric('rtp.rtt_ms')?.value).to.equal(60);
    expect(metric('sip.mos.avg')?.at).to.equal(run.clock.now());
    // the next interval has no sample: no trunk metric, only the counters
    const n = run.observations.length;
    run.advance(INTERVAL);
    expect(run.observations.slice(n).filter((o) => o.entity === 'trunk:carrier')).to.deep.equal([]);
    expect(run.observations.slice(n).filter((o) => o.entity === 'probe:test/xr').map((o) => (o as MetricObservation).name)).to.have.members(Object.values(RTCPXR_COUNTERS));
  });

  it('an alert report → sip-quality-alert with the report\'s severity on the matched trunk', async () => {
    await start();
    const alert = 'VQAlertReport: Type=NLR Severity=Critical Dir=local\r\nCallID: alert-1@phone\r\nRemoteID: <sip:+442079460000@gw.example.com>\r\nLocalMetrics:\r\nSessionDesc:PT=8 PD=PCMA\r\nPacketLoss:NLR=12 JDR=0\r\nDelay:RTD=300 ESD=20\r\n';
    expect(statusOf((await client.exchange(port, publish(alert)))!)).to.equal(200);
    const a = events(run, 'sip-quality-alert');
    expect(a).to.have.length(1);
    expect(a[0]).to.include({ entity: 'trunk:uk', severity: 'critical' });
    expect((a[0].data as { quality: { mos: number } }).quality.mos).to.be.closeTo(scoreCall({ codec: 'G.711', oneWayDelayMs: 170, lossPct: 12 }).mos, 1e-9);
    const warning = alert.replace('Critical', 'Warning').replace('alert-1', 'alert-2');
    await client.exchange(port, publish(warning));
    expect(events(run, 'sip-quality-alert')[1].severity).to.equal('warning');
    expect(events(run, 'sip-call')).to.deep.equal([]);
  });

  it('a retransmitted PUBLISH is answered again, identically, but counted once', async () => {
    await start();
    const datagram = publish(reportBody({ callId: 'retrans@phone' }), { branch: 'z9hG4bKsame1', viaPort: client.port });
    const first = await client.exchange(port, datagram);
    const second = await client.exchange(port, datagram);
    expect(second).to.equal(first);
    // a re-sent report in a new transaction: answered 200, still one call
    const third = await client.exchange(port, publish(reportBody({ callId: 'retrans@phone' }).replace(/.*/, 'VQSessionReport: CallTerm'), { branch: 'z9hG4bKother' }));
    expect(statusOf(third!)).to.equal(200);
    expect(events(run, 'sip-call').filter((e) => (e.data as { callId: string }).callId === 'retrans@phone')).to.have.length(1);
    run.advance(INTERVAL);
    expect(counters(run)).to.include({ [RTCPXR_COUNTERS.reports]: 1, [RTCPXR_COUNTERS.duplicates]: 2 });
  });

  it('folded headers parse: a PUBLISH with From and Event over two lines gets its 200 and its event', async () => {
    await start();
    const reply = await client.exchange(port, publish(reportBody({ callId: 'folded@phone' }), { folded: true }));
    expect(statusOf(reply!)).to.equal(200);
    expect(headerOf(reply!, 'From')).to.equal('"Phone 1001" <sip:1001@pbx.example.org>;tag=ph1');
    expect(events(run, 'sip-call').map((e) => (e.data as { callId: string }).callId)).to.deep.equal(['folded@phone']);
  });

  it('wrong Event → 489, other methods → 405; counted as rejected', async () => {
    await start();
    const r489 = await client.exchange(port, publish(RFC6035_F13, { event: 'presence' }));
    expect(statusOf(r489!)).to.equal(489);
    const r405 = await client.exchange(port, publish('', { method: 'INVITE' }));
    expect(statusOf(r405!)).to.equal(405);
    expect(headerOf(r405!, 'Allow')).to.equal('PUBLISH, OPTIONS');
    run.advance(INTERVAL);
    expect(counters(run)).to.include({ [RTCPXR_COUNTERS.rejected]: 2, [RTCPXR_COUNTERS.reports]: 0 });
  });

  it('random, truncated, oversized and non-UTF-8 datagrams are counted and dropped (or 400/413); the listener keeps working', async () => {
    await start({ maxMessageBytes: 4096 });
    const good = publish(reportBody({ callId: 'before@phone' }));
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const junk: Buffer[] = [
      ...Array.from({ length: 20 }, () => Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 1400) }, () => Math.floor(rnd() * 256)))),
      ...Array.from({ length: 10 }, (_, i) => good.subarray(0, Math.floor(((i + 1) * good.indexOf('\r\n\r\n')) / 11))), // truncated inside the headers
      Buffer.alloc(9000, 0x41), // oversized, not SIP: dropped
      publish(reportBody({}) + 'x-Pad: ' + 'p'.repeat(6000) + '\r\n'), // oversized PUBLISH: 413
      Buffer.concat([publish('').subarray(0, 40), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\r\n\r\n')]), // not UTF-8 headers
      publish(Buffer.from([0x56, 0x51, 0xff, 0xfe, 0x0d, 0x0a])), // not UTF-8 body: 400
      publish('VQSessionReport\r\nLocalMetrics:\r\n'), // no CallID: 400
      Buffer.concat([publish(reportBody({})).subarray(0, 400)]), // body cut short of Content-Length: 400
    ];
    for (const d of junk) await client.send(port, d);
    const reply = await client.exchange(port, publish(reportBody({ callId: 'after@phone' })));
    expect(statusOf(reply!)).to.equal(200);
    await until('every datagram handled', () => events(run, 'sip-call').length === 1);
    expect(run.errors).to.deep.equal([]);
    const statuses = client.replies.map(statusOf);
    expect(statuses).to.include.members([413, 400, 200]);
    run.advance(INTERVAL);
    const c = counters(run);
    expect(c[RTCPXR_COUNTERS.reports]).to.equal(1);
    expect(c[RTCPXR_COUNTERS.oversized]).to.equal(2);
    // everything else but the OPTIONS probes of start() is malformed
    expect(c[RTCPXR_COUNTERS.malformed]).to.equal(junk.length - 2);
    expect(statuses.filter((s) => s === 400), client.replies.map((r) => headerOf(r, "Warning")).join("\n")).to.have.length(3);
  });

  it('a taken port is E_SIP_LISTEN; stopping the probe releases its port', async () => {
    const taken = dgram.createSocket('udp4');
    const busy = await new Promise<number>((resolve) => taken.bind(0, '127.0.0.1', () => resolve(taken.address().port)));
    const failed = runProbe(sipRtcpXrKind(), { listen: `127.0.0.1:${busy}` }, { name: 'xr' });
    await until('the bind error', () => failed.errors.length > 0);
    expect(isVigieError(failed.errors[0], 'E_SIP_LISTEN'), String(failed.errors[0])).to.equal(true);
    expect(String((failed.errors[0] as Error).message)).to.contain(`127.0.0.1:${busy}`);
    await new Promise<void>((resolve) => taken.close(() => resolve()));

    await start();
    run.stop();
    const again = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('listen: an IP literal only (a name is refused by the schema, a bad IP by the probe); IPv6 loopback works', async () => {
    expect(() => runProbe(sipRtcpXrKind(), { listen: 'localhost:5065' })).to.throw(/listen/);
    const bad = runProbe(sipRtcpXrKind(), { listen: '999.1.1.1:5065' });
    expect(isVigieError(bad.errors[0], 'E_CONFIG'), String(bad.errors[0])).to.equal(true);

    const c = dgram.createSocket('udp6');
    const bound = await new Promise<boolean>((resolve) => {
      c.once('error', () => resolve(false));
      c.bind(0, '::1', () => resolve(true));
    });
    if (!bound) {
      console.warn('SKIPPED (part): no IPv6 loopback (::1) on this machine');
      return;
    }
    // a free port: the client's own, released and reused by the collector
    const v6port = c.address().port;
    await new Promise<void>((resolve) => c.close(() => resolve()));
    const v6 = runProbe(sipRtcpXrKind(), { listen: `[::1]:${v6port}` }, { name: 'xr6' });
    const client = dgram.createSocket('udp6');
    try {
      await new Promise<void>((resolve) => client.bind(0, '::1', () => resolve()));
      const replies: string[] = [];
      client.on('message', (m) => replies.push(m.toString()));
      for (let i = 0; i < 30 && replies.length === 0; i++) {
        client.send(publish('', { method: 'OPTIONS', event: null, viaHost: '[::1]', viaPort: client.address().port }), v6port, '::1');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(v6.errors).to.deep.equal([]);
      expect(statusOf(replies[0] ?? '')).to.equal(200);
      expect(headerOf(replies[0], 'Via')).to.contain('received=::1');
    } finally {
      v6.stop();
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });
});
