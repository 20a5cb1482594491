/**
 * The RTCP-XR collector against an independent SIP client: Debian's sipsak sends PUBLISHes read
 * from files (`sipsak -f FILE -s URI`; sipsak adds its own Via with rport, retransmits per Timer E
 * and exits 0 on a 200, 1 on another final reply). Checked: sipsak sees the 200 for RFC 6035's own
 * report and for a phone-like one, and Vigie emits the call with the MOS the E-model gives for the
 * report's numbers (computed here); a PUBLISH without `Event: vq-rtcpxr` gets 489; OPTIONS 200.
 * sipsak missing: fails in CI, skipped loudly elsewhere.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventObservation } from '../../../../plugins/sdk/index.js';
import { runProbe, type ProbeRun } from '../../../../plugins/sdk/testkit/index.js';
import type { CallReport } from '../../../../probes/sip/call-report.js';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { sipRtcpXrKind } from '../../../../probes/sip/rtcpxr/collector.js';
import { udpPortBound } from '../../../setup/sipp.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { peerTempDir, trackChild } from '../../../setup/peer-process.js';
import { reportBody, RFC6035_F13 } from './fixtures.js';

const SIPSAK = '/usr/bin/sipsak';

interface SipsakResult {
  code: number | null;
  output: string;
}

function sipsak(args: string[], timeoutMs = 15_000): Promise<SipsakResult> {
  return new Promise((resolve) => {
    const child = spawn(SIPSAK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A PUBLISH as a file for `sipsak -f`, CRLF line ends, without Via (sipsak adds its own). */
function publishFile(dir: string, name: string, port: number, body: string, event: string | null = 'vq-rtcpxr'): string {
  const crlfBody = body.replace(/\r?\n/g, '\r\n');
  const head = [
    `PUBLISH sip:collector@127.0.0.1:${port} SIP/2.0`,
    'From: <sip:1001@pbx.example.org>;tag=sipsak1',
    'To: <sip:collector@127.0.0.1>',
    `Call-ID: ${name}@sipsak`,
    'CSeq: 1 PUBLISH',
    'Max-Forwards: 70',
    ...(event === null ? [] : [`Event: ${event}`]),
    'Content-Type: application/vq-rtcpxr',
    `Content-Length: ${Buffer.byteLength(crlfBody)}`,
  ].join('\r\n');
  const file = join(dir, `${name}.sip`);
  writeFileSync(file, `${head}\r\n\r\n${crlfBody}`);
  return file;
}

describe('sip-rtcpxr collector with sipsak as the client', function () {
  this.timeout(40_000);
  let dir: string;
  let port: number;
  let run: ProbeRun;

  before(function () {
    if (!existsSync(SIPSAK)) {
      const why = `${SIPSAK} not found: install Debian package sipsak`;
      if (process.env.CI) throw new Error(`sipsak is needed for this test in CI: ${why}`);
      console.warn(`SKIPPED (sipsak unavailable): ${why}`);
      this.skip();
    }
    dir = peerTempDir('vigie-sipsak-');
  });

  beforeEach(async () => {
    port = await freeUdpPort();
    run = runProbe(sipRtcpXrKind(), { listen: `127.0.0.1:${port}`, defaultTrunk: 'lab' }, { name: 'xr', intervalMs: 60_000 });
    // the socket binds asynchronously: sipsak must not send before (it would get a port unreachable)
    for (let i = 0; i < 100 && !udpPortBound(port); i++) await new Promise((r) => setTimeout(r, 20));
    expect(udpPortBound(port), 'the endpoint listens').to.equal(true);
    expect(run.errors).to.deep.equal([]);
  });
  afterEach(() => run?.stop());

  const calls = (): EventObservation[] => run.of('event').filter((e) => e.type === 'sip-call');

  it('OPTIONS from sipsak → 200', async () => {
    const r = await sipsak(['-vv', '-s', `sip:collector@127.0.0.1:${port}`]);
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.match(/SIP\/2\.0 200 OK/);
    expect(r.output).to.match(/Allow: PUBLISH, OPTIONS/);
  });

  it("RFC 6035's report from sipsak → sipsak sees 200, Vigie emits the call with the report's E-model MOS", async () => {
    const r = await sipsak(['-vv', '-f', publishFile(dir, 'f13', port, RFC6035_F13), '-s', `sip:collector@127.0.0.1:${port}`]);
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.match(/SIP\/2\.0 200 OK/);
    expect(r.output).to.match(/SIP-ETag: [0-9a-f]+/);
    // one call, whatever sipsak retransmitted on a busy machine
    expect(calls()).to.have.length(1);
    const data = calls()[0].data as unknown as CallReport;
    // F13: SessionDesc PD=G729, PacketLoss NLR=5.0 JDR=2.0, Delay SOWD=200, BurstGapLoss with gap loss only
    expect(data.quality!.mos).to.be.closeTo(scoreCall({ codec: 'G.729', oneWayDelayMs: 200, lossPct: 5 + 2 }).mos, 1e-9);
    expect(data).to.include({ callId: '6dg37f1890463', source: 'rtcp-xr', trunk: 'lab', outcome: 'answered' });
  });

  it('a phone-like report (PCMU, RTD and ESD, no SOWD) → 200 and its MOS from RTD/2 + ESD', async () => {
    const body = reportBody({ callId: 'pcmu-1@phone', local: { codec: 'PCMU', nlr: 1.5, jdr: 0.5, rtd: 120, esd: 30, iaj: 4, mosCq: 4.1 } });
    const r = await sipsak(['-vv', '-f', publishFile(dir, 'pcmu', port, body), '-s', `sip:collector@127.0.0.1:${port}`]);
    expect(r.code, r.output).to.equal(0);
    expect(calls()).to.have.length(1);
    const q = (calls()[0].data as unknown as CallReport).quality!;
    expect(q.mos).to.be.closeTo(scoreCall({ codec: 'G.711', oneWayDelayMs: 120 / 2 + 30, lossPct: 1.5 + 0.5 }).mos, 1e-9);
    expect(q).to.include({ reportedMos: 4.1, jitterMs: 4, lossPct: 1.5, rttMs: 120 });
  });

  it('a PUBLISH without Event: vq-rtcpxr → 489 (sipsak exits 1), and no call', async () => {
    const noEvent = await sipsak(['-vv', '-f', publishFile(dir, 'noevent', port, RFC6035_F13, null), '-s', `sip:collector@127.0.0.1:${port}`]);
    expect(noEvent.code, noEvent.output).to.equal(1);
    expect(noEvent.output).to.match(/SIP\/2\.0 489 Bad Event/);
    const presence = await sipsak(['-vv', '-f', publishFile(dir, 'presence', port, RFC6035_F13, 'presence'), '-s', `sip:collector@127.0.0.1:${port}`]);
    expect(presence.code, presence.output).to.equal(1);
    expect(presence.output).to.match(/489 Bad Event[\s\S]*Allow-Events: vq-rtcpxr/);
    expect(calls()).to.deep.equal([]);
  });
});
