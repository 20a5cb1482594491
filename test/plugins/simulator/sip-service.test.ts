/**
 * Simulated SIP trunks inside the simulator: the `sipTrunks` config (defaults, loopback-only
 * collectors, secrets kept out of errors), `startSimulator` sending the fabricated calls over real
 * UDP to loopback collectors (HEP and RTCP-XR PUBLISH, on a virtual clock), and the plugin service
 * (sim-started without secrets, a live trunk, every socket released on stop).
 */
import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
import { Core } from 'sip.js';
import { createPollRequests, createPortDirectory, isVigieError, type Observation, type ProbeContext, type SnmpClient } from '../../../plugins/sdk/index.js';
import { VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import plugin, { resolveConfig, startSimulator, type SimulatorConfig } from '../../../plugins/simulator/index.js';
import { decodeHep3 } from '../../../probes/sip/hep/decode.js';
import { parseVqReport } from '../../../probes/sip/rtcpxr/vq-report.js';

const sipLogger = ((): Core.Logger => {
  const f = new Core.LoggerFactory();
  f.builtinEnabled = false;
  return f.getLogger('test');
})();

/** A logger whose lines are kept, to check no secret is written. */
function capturingLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }), lines };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Open UDP sockets of this process (a closed one leaves the list a few ms after its close callback). */
async function udpHandles(): Promise<number> {
  await wait(30);
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A UDP socket on 127.0.0.1 collecting what it receives (with the sender's port). */
async function collector(onMessage?: (msg: Buffer, from: { port: number }, socket: Socket) => void): Promise<{ socket: Socket; port: number; got: { msg: Buffer; port: number }[]; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  const got: { msg: Buffer; port: number }[] = [];
  socket.on('message', (msg, rinfo) => {
    got.push({ msg, port: rinfo.port });
    onMessage?.(msg, rinfo, socket);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port, got, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

describe('simulator SIP trunks: config', () => {
  it('fills defaults; no default site when only SIP trunks are configured', () => {
    const cfg = resolveConfig({ sipTrunks: [{ name: 'sim-trunk-01', port: 16120 } as never] });
    expect(cfg.site).to.equal(undefined);
    expect(cfg.sipTrunks).to.deep.equal([{
      name: 'sim-trunk-01', port: 16120, password: 'demo', user: undefined, expires: 300, hep: undefined, hepAuthKey: undefined, hepCaptureId: 2001,
      rtcpXr: undefined, callsPerMinute: 6, seed: 1, silences: true,
    }]);
    const full = resolveConfig({ sipTrunks: [{ name: 't', port: 0, hep: '127.0.0.1:9060', rtcpXr: '[::1]:5065' } as never] }).sipTrunks[0];
    expect(full.hep).to.deep.equal({ host: '127.0.0.1', port: 9060 });
    expect(full.rtcpXr).to.deep.equal({ host: '::1', port: 5065 });
    expect(resolveConfig({}).site, 'the default site without trunks or recordings').to.not.equal(undefined);
  });

  it('refuses collectors off loopback, duplicate trunks, and keeps secrets out of errors', () => {
    const bad = (sipTrunks: unknown[], match: RegExp) => {
      let err: unknown;
      try {
        resolveConfig({ sipTrunks } as Partial<SimulatorConfig>);
      } catch (e) {
        err = e;
      }
      expect(isVigieError(err, 'E_CONFIG'), String(err)).to.equal(true);
      expect((err as Error).message).to.match(match);
      return (err as Error).message;
    };
    bad([{ name: 't', port: 1, hep: '192.0.2.1:9060' }], /\/sipTrunks\/0\/hep/);
    bad([{ name: 't', port: 1, rtcpXr: 'localhost:5065' }], /\/sipTrunks\/0\/rtcpXr/);
    bad([{ name: 't', port: 1, hep: '127.0.0.1:0' }], /\/sipTrunks\/0\/hep.*not a loopback host:port/);
    bad([{ name: 't', port: 1 }, { name: 't', port: 2 }], /two SIP trunks are named t/);
    bad([{ name: 'a', port: 7 }, { name: 'b', port: 7 }], /port 7 is used by another SIP trunk/);
    const msg = bad([{ name: 't', port: 1, password: 'x'.repeat(0) }], /\/sipTrunks\/0\/password/);
    expect(msg).to.contain('(hidden)');
    expect(bad([{ name: 't', port: 1, hepAuthKey: 12345 }], /hepAuthKey/)).to.not.contain('12345');
  });

  it('a trunk may not take the name of a simulated device', async () => {
    const err = await startSimulator({ basePort: 0, site: { switches: 1, portsPerSwitch: 2, seed: 1 }, sipTrunks: [{ name: 'sim-sw-01', port: 0 } as never] }, pino({ level: 'silent' }))
      .then(() => undefined, (e: unknown) => e);
    expect(isVigieError(err, 'E_CONFIG')).to.equal(true);
  });
});

describe('simulator SIP trunks: over UDP to loopback collectors', function () {
  this.timeout(30_000);

  it('sends HEP and RTCP-XR PUBLISHes to the configured collectors only, and releases every socket on stop', async () => {
    const handlesBefore = await udpHandles();
    const hep = await collector();
    const xr = await collector((msg, from, socket) => {
      // Answer like an RTCP-XR collector would; the simulator reads and ignores it.
      const text = msg.toString();
      const copy = (h: string) => new RegExp(`^${h}: .*$`, 'mi').exec(text)?.[0] ?? '';
      socket.send(`SIP/2.0 200 OK\r\n${['Via', 'From', 'To', 'Call-ID', 'CSeq'].map(copy).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, from.port, '127.0.0.1');
    });
    const clock = new VirtualClock();
    const { log, lines } = capturingLog();
    const sim = await startSimulator({
      sipTrunks: [{ name: 'sim-trunk-s', port: 0, password: 'pw-s3cret', hep: `127.0.0.1:${hep.port}`, rtcpXr: `127.0.0.1:${xr.port}`, callsPerMinute: 30, seed: 2 } as never],
    }, log, () => clock.now(), clock);
    try {
      expect(sim.devices).to.deep.equal([]);
      const [trunk] = sim.sipTrunks;
      expect(trunk.info).to.deep.include({ name: 'sim-trunk-s', host: '127.0.0.1', realm: 'sim-trunk-s', pbx: '127.0.0.10:5060', hep: `127.0.0.1:${hep.port}`, rtcpXr: `127.0.0.1:${xr.port}` });
      expect((await udpHandles()) - handlesBefore, 'two collectors, the responder, one sender').to.equal(4);
      for (let t = 0; t < 5 * 60_000; t += 2000) {
        clock.advance(2000);
        await wait(2); // let the datagrams land (small bursts, no receive-buffer overflow)
      }
      await wait(100);
      const stats = trunk.generator!.stats;
      expect(stats.placed).to.be.above(100);
      expect(hep.got.length, 'every HEP packet arrived').to.equal(stats.hepPackets);
      expect(hep.got.every((g) => decodeHep3(g.msg).ok)).to.equal(true);
      expect(xr.got.length).to.equal(stats.vqReports).and.to.be.above(3);
      const publish = Core.Parser.parseMessage(xr.got[0].msg.toString(), sipLogger) as Core.IncomingRequestMessage;
      expect(publish.method).to.equal('PUBLISH');
      expect(publish.getHeader('event')).to.equal('vq-rtcpxr');
      expect(publish.getHeader('via')).to.contain(`127.0.0.1:${xr.got[0].port}`);
      expect(parseVqReport(publish.body).remoteGroup).to.equal('sim-trunk-s');
      expect(trunk.sendErrors).to.equal(0);
      sim.setDown('sim-trunk-s', true);
      expect(trunk.responder.down).to.equal(true);
      expect(lines.join('\n')).to.not.contain('pw-s3cret');
      expect(lines.join('\n')).to.contain('SIP trunk started');
    } finally {
      await sim.stop();
      await Promise.all([hep.close(), xr.close()]);
    }
    expect(await udpHandles(), 'no UDP socket left open').to.equal(handlesBefore);
    expect(await portFree(sim.sipTrunks[0].info.port)).to.equal(true);
  });

  it('on ::1 the trunk, the PBX and the HEP packets are IPv6', async function () {
    const hep = createSocket('udp6');
    const got: Buffer[] = [];
    hep.on('message', (m) => got.push(m));
    const bound = await new Promise<boolean>((r) => {
      hep.once('error', () => r(false));
      hep.bind(0, '::1', () => r(true));
    });
    if (!bound) {
      console.warn('  ⚠ skipped: ::1 cannot be bound here');
      return this.skip();
    }
    const clock = new VirtualClock();
    const sim = await startSimulator({ host: '::1', sipTrunks: [{ name: 'v6', port: 0, hep: `[::1]:${hep.address().port}`, callsPerMinute: 60 } as never] }, pino({ level: 'silent' }), () => clock.now(), clock);
    try {
      expect(sim.sipTrunks[0].info).to.deep.include({ host: '::1', pbx: '[::1]:5060' });
      for (let t = 0; t < 20_000; t += 1000) {
        clock.advance(1000);
        await wait(2);
      }
      await wait(50);
      expect(got.length).to.be.above(5);
      const first = decodeHep3(got[0]);
      expect(first.ok && first.packet).to.deep.include({ ipFamily: 10, srcAddress: '::1', dstAddress: '::1', dstPort: sim.sipTrunks[0].info.port });
      expect(first.ok && first.packet.payload!.toString()).to.match(/^INVITE sip:\+1212555\d{4}@\[::1\]:\d+ SIP\/2\.0\r\n[\s\S]*c=IN IP6 ::1\r\n/);
    } finally {
      await sim.stop();
      await new Promise<void>((r) => hep.close(() => r()));
    }
  });

  it('the plugin service: sim-started lists the trunk without its secrets; the trunk answers; unsubscribing frees it', async () => {
    const handlesBefore = await udpHandles();
    const { log, lines } = capturingLog();
    const config = { sipTrunks: [{ name: 'svc-trunk', port: 0, password: 'svc-pw-s3cret', hepAuthKey: 'svc-key-s3cret', hep: '127.0.0.1:9', callsPerMinute: 0 }] };
    const ctx: ProbeContext<unknown> = {
      id: 'simulator/t', kind: 'simulator', name: 't', config, intervalMs: 0, log, scheduler: asyncScheduler,
      clients: { snmp: {} as SnmpClient, poll: createPollRequests(), ports: createPortDirectory() },
    };
    const events: Observation[] = [];
    const sub = plugin.services!.simulator.create(config, ctx as never).subscribe((o) => events.push(o));
    try {
      while (events.length === 0) await wait(10);
      const ev = events[0] as Extract<Observation, { kind: 'event' }>;
      expect(ev).to.deep.include({ type: 'sim-started', entity: 'node:vigie' });
      const json = JSON.stringify(ev);
      expect(json).to.not.contain('svc-pw-s3cret');
      expect(json).to.not.contain('svc-key-s3cret');
      const trunks = ev.data!.sipTrunks as { name: string; port: number }[];
      expect(trunks.map((t) => t.name)).to.deep.equal(['svc-trunk']);
      expect(ev.data!.devices).to.deep.equal([]);
      expect(ev.message).to.contain(`svc-trunk on 127.0.0.1:${trunks[0].port}`);

      const client = await collector();
      const options = `OPTIONS sip:127.0.0.1:${trunks[0].port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bKsvc\r\n` +
        `From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: svc-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      client.socket.send(options, trunks[0].port, '127.0.0.1');
      const deadline = Date.now() + 2000;
      while (client.got.length === 0 && Date.now() < deadline) await wait(10);
      await client.close();
      expect(client.got.map((g) => g.msg.toString().split('\r\n')[0])).to.deep.equal(['SIP/2.0 200 OK']);
      expect(lines.join('\n')).to.not.contain('s3cret');
      sub.unsubscribe();
      expect(await udpHandles(), 'no UDP socket left open').to.equal(handlesBefore);
      expect(await portFree(trunks[0].port)).to.equal(true);
    } finally {
      sub.unsubscribe();
    }
  });
});
