/**
 * The RTCP-XR collector against a real phone stack: two Debian `linphonec` (liblinphone 5.1,
 * package linphone-cli), headless ("soundcard use files", a generated tone as the microphone),
 * calling each other on loopback with quality reporting pointed at Vigie
 * (`quality_reporting_collector`). At the end of the call each side PUBLISHes its own
 * VQSessionReport: Vigie must answer them (linphone logs the publication OK), and emit one
 * `sip-call` per report, with the call's Call-ID, caller and callee from OrigID, the call's
 * duration, the codec and round-trip delay linphone measured, and its own MOS estimate.
 *
 * What liblinphone 5.1 puts in its reports here (checked by hand): SessionDesc, Delay RTD and
 * QualityEst, but no PacketLoss line, so Vigie does not score them with the E-model (it says why:
 * `unscored: no packet loss`); the E-model path is covered by the sipsak and UDP tests.
 * Everything stays on 127.0.0.1 (SIP, and RTP through `[rtp] bind_address`).
 * linphonec missing: fails in CI, skipped loudly elsewhere.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventObservation } from '../../../../plugins/sdk/index.js';
import { runProbe, type ProbeRun } from '../../../../plugins/sdk/testkit/index.js';
import { sipRtcpXrKind } from '../../../../probes/sip/rtcpxr/collector.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { peerTempDir, trackChild } from '../../../setup/peer-process.js';
import { publish } from './fixtures.js';
import { udpClient } from './udp-client.js';

const LINPHONEC = '/usr/bin/linphonec';
const CALL_SECONDS = 6;

interface Phone {
  name: string;
  sipPort: number;
  home: string;
  child: ChildProcess;
  output: () => string;
  say(command: string): void;
  stop(): Promise<void>;
}

/** A 16-bit mono 8 kHz WAV of a 440 Hz tone: the "microphone" of a headless linphonec. */
function toneWav(file: string, seconds: number): void {
  const n = 8000 * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([h, data]));
}

function linphonerc(name: string, sipPort: number, rtpFrom: number, peerPort: number, collectorPort: number): string {
  const codec = (i: number, mime: string, rate: number, channels: number, enabled: number): string =>
    `[audio_codec_${i}]\nmime=${mime}\nrate=${rate}\nchannels=${channels}\nenabled=${enabled}\n`;
  return [
    '[sip]', `sip_port=${sipPort}`, 'sip_tcp_port=-1', 'sip_tls_port=-1', 'auto_net_state_mon=0', 'use_ipv6=0', 'guess_hostname=0',
    `contact=sip:${name}@127.0.0.1:${sipPort}`, 'default_proxy=0',
    '[net]', 'mtu=1300',
    '[rtp]', 'bind_address=127.0.0.1', `audio_rtp_port=${rtpFrom}-${rtpFrom + 19}`, 'rtcp_xr_enabled=1', 'rtcp_xr_rcvr_rtt_mode=all',
    'rtcp_xr_stat_summary_enabled=1', 'rtcp_xr_voip_metrics_enabled=1',
    '[sound]', 'echocancellation=0',
    // the account the call goes through: it carries the quality-reporting settings
    '[proxy_0]', `reg_proxy=<sip:127.0.0.1:${peerPort}>`, `reg_identity=sip:${name}@127.0.0.1`, 'reg_sendregister=0', 'publish=0',
    `quality_reporting_collector=sip:collector@127.0.0.1:${collectorPort}`, 'quality_reporting_enabled=1', 'quality_reporting_interval=0',
    codec(0, 'PCMU', 8000, 1, 1) + codec(1, 'opus', 48000, 2, 0) + codec(2, 'speex', 16000, 1, 0) + codec(3, 'speex', 8000, 1, 0)
      + codec(4, 'PCMA', 8000, 1, 0) + codec(5, 'G729', 8000, 1, 0),
  ].join('\n');
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, detail: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startPhone(dir: string, name: string, sipPort: number, rc: string, tone: string, autoAnswer: boolean): Phone {
  const home = join(dir, name);
  mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
  writeFileSync(join(home, 'rc'), rc);
  const args = ['-c', join(home, 'rc'), '-d', '4', '-l', join(home, 'linphone.log'), ...(autoAnswer ? ['-a'] : [])];
  const child = spawn(LINPHONEC, args, { env: { ...process.env, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  const say = (command: string): void => {
    if (child.exitCode === null && child.stdin!.writable) child.stdin!.write(`${command}\n`);
  };
  say('soundcard use files');
  say(`play ${tone}`);
  return {
    name, sipPort, home, child, say, output: () => out,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      say('quit');
    }),
  };
}

describe('sip-rtcpxr collector with linphonec (liblinphone quality reporting)', function () {
  this.timeout(90_000);
  let dir: string;
  let run: ProbeRun | undefined;
  const phones: Phone[] = [];

  before(function () {
    if (!existsSync(LINPHONEC)) {
      const why = `${LINPHONEC} not found: install Debian package linphone-cli`;
      if (process.env.CI) throw new Error(`linphonec is needed for this test in CI: ${why}`);
      console.warn(`SKIPPED (linphonec unavailable): ${why}`);
      this.skip();
    }
    dir = peerTempDir('vigie-linphone-');
  });
  after(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    run?.stop();
  });

  it('a call between two linphonec: each side publishes its session report, Vigie answers and emits the call', async () => {
    const collectorPort = await freeUdpPort();
    run = runProbe(sipRtcpXrKind(), { listen: `127.0.0.1:${collectorPort}`, defaultTrunk: 'lab' }, { name: 'xr', intervalMs: 60_000 });
    const [alicePort, bobPort, rtpA, rtpB] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
    const tone = join(dir, 'tone.wav');
    toneWav(tone, 30);
    const even = (p: number): number => Math.min(p - (p % 2), 65_000);
    const bob = startPhone(dir, 'bob', bobPort, linphonerc('bob', bobPort, even(rtpB), alicePort, collectorPort), tone, true);
    const alice = startPhone(dir, 'alice', alicePort, linphonerc('alice', alicePort, even(rtpA), bobPort, collectorPort), tone, false);
    phones.push(bob, alice);

    // both answer OPTIONS once their SIP stack is up
    const probe = await udpClient();
    try {
      for (const p of [bob, alice]) {
        await until(`${p.name}'s SIP stack`, async () => (await probe.exchange(p.sipPort, publish('', { method: 'OPTIONS', event: null }), 300)) !== undefined, 20_000, p.output);
      }
    } finally {
      await probe.close();
    }
    alice.say(`call sip:bob@127.0.0.1:${bobPort}`);
    await until('the call to be connected', () => /connected/.test(alice.output()), 20_000, alice.output);
    const connectedAt = Date.now();
    await new Promise((r) => setTimeout(r, CALL_SECONDS * 1000));
    alice.say('terminate');

    const calls = (): EventObservation[] => run!.of('event').filter((e) => e.type === 'sip-call');
    await until('a session report from each side', () => calls().length >= 2, 20_000, () => `${alice.output()}\n${bob.output()}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(calls(), 'one call event per side, none counted twice').to.have.length(2);

    const aliceLog = readFileSync(join(alice.home, 'linphone.log'), 'utf8');
    expect(aliceLog, 'linphone saw its PUBLISH accepted').to.match(/publish state LinphonePublishOk/);
    expect(aliceLog).to.match(/PUBLISH sip:collector@127\.0\.0\.1/);

    const callId = /CallID: (\S+)/.exec(aliceLog)?.[1];
    expect(callId, 'the report names the call').to.be.a('string');
    const elapsedS = (Date.now() - connectedAt) / 1000;
    for (const c of calls()) {
      const d = c.data as Record<string, unknown> & { directions: { local: Record<string, unknown> } };
      expect(c.entity).to.equal('trunk:lab');
      expect(d).to.include({ callId, source: 'rtcp-xr', outcome: 'answered', reportType: 'VQSessionReport', callTerm: true });
      // OrigID says alice called, in bob's report too
      expect(d.from).to.equal('sip:alice@127.0.0.1');
      expect(String(d.to)).to.match(/^sip:bob@127\.0\.0\.1/);
      // Timestamps are whole seconds: the duration is the call's, give or take the set-up and rounding
      expect(d.durationS as number).to.be.within(CALL_SECONDS - 2, elapsedS + 2);
      // linphone sends no PacketLoss line: no E-model score, and the reason is given
      expect(d.quality).to.equal(undefined);
      expect(d.unscored).to.match(/no packet loss/);
      expect(d.directions.local).to.include({ codec: 'PCMU' });
      expect(d.directions.local.rttMs as number).to.be.a('number').within(0, 500);
      expect(d.directions.local.reportedMos as number).to.be.within(1, 5);
    }
    run.advance(60_000);
    const counters = run.of('metric').filter((m) => m.entity === 'probe:test/xr');
    expect(counters.find((m) => m.name === 'rtcpxr.reports')?.value).to.equal(2);
    expect(counters.find((m) => m.name === 'rtcpxr.malformed')?.value).to.equal(0);
  });
});
