/**
 * The simulated SIP trunk's responder, answered to a real independent client (sipsak: OPTIONS,
 * REGISTER with digest authentication, a wrong password), its digest arithmetic against RFC 2617's
 * worked example, its silences and set-down in virtual time, and its quality timeline.
 * sipsak missing: the suite fails in CI, is skipped loudly elsewhere (Debian package `sipsak`).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
import { VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import { digestResponse, DigestRegistrar, parseDigestParams } from '../../../plugins/simulator/sip/digest.js';
import { startTrunkResponder, type RunningTrunkResponder, type TrunkResponderOptions } from '../../../plugins/simulator/sip/trunk-responder.js';
import { trunkQuality } from '../../../plugins/simulator/sip/trunk-quality.js';

const SIPSAK = '/usr/bin/sipsak';
const log = pino({ level: 'silent' });

function sipsak(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(SIPSAK, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

function responderOptions(over: Partial<TrunkResponderOptions> = {}): TrunkResponderOptions {
  return {
    name: 'sim-trunk-t', host: '127.0.0.1', port: 0, realm: 'sim-trunk-t', password: 'demo', maxExpiresS: 300,
    quality: trunkQuality(1, 'sim-trunk-t'), startedAt: asyncScheduler.now(), scheduler: asyncScheduler, log, ...over,
  };
}

describe('simulator SIP trunk: digest (RFC 2617)', () => {
  it('computes the RFC 2617 §3.5 worked example', () => {
    // RFC 2617 §3.5: Mufasa / "Circle Of Life", GET /dir/index.html, qop=auth.
    const response = digestResponse({
      username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
    });
    expect(response).to.equal('6629fae49393a05397450978507c4ef1');
  });

  it('accepts its own nonce with the right password, refuses a wrong one, calls an unknown nonce stale', () => {
    let now = 1000;
    const reg = new DigestRegistrar('r', 'demo', undefined, () => now);
    const nonce = parseDigestParams(reg.challenge())!.nonce;
    const auth = (password: string, n = nonce) => {
      const p = { username: 'u', realm: 'r', password, method: 'REGISTER', uri: 'sip:127.0.0.1', nonce: n, qop: 'auth', nc: '00000001', cnonce: 'c' };
      return `Digest username="u", realm="r", nonce="${n}", uri="${p.uri}", response="${digestResponse(p)}", qop=auth, nc=00000001, cnonce="c", algorithm=MD5`;
    };
    expect(reg.verify(auth('demo'), 'REGISTER')).to.equal('ok');
    expect(reg.verify(auth('demo'), 'INVITE'), 'the method is part of the digest').to.equal('wrong');
    expect(reg.verify(auth('nope'), 'REGISTER')).to.equal('wrong');
    expect(reg.verify(auth('demo', 'f'.repeat(32)), 'REGISTER')).to.equal('stale');
    expect(reg.verify(undefined, 'REGISTER')).to.equal('missing');
    now += 10 * 60_000;
    expect(reg.verify(auth('demo'), 'REGISTER'), 'an expired nonce').to.equal('stale');
  });
});

describe('simulator SIP trunk: answered to sipsak', function () {
  this.timeout(40_000);
  let trunk: RunningTrunkResponder;

  before(async function () {
    if (!existsSync(SIPSAK)) {
      if (process.env.CI) throw new Error(`${SIPSAK} is needed for this test in CI: install Debian package sipsak`);
      console.warn(`  ⚠ skipped: ${SIPSAK} not found (apt-get install sipsak)`);
      this.skip();
    }
    trunk = await startTrunkResponder(responderOptions());
  });

  after(async () => {
    await trunk?.close();
  });

  it('OPTIONS → 200 OK', async () => {
    const r = await sipsak(['-vv', '-s', `sip:127.0.0.1:${trunk.port}`]);
    expect(r.out).to.match(/SIP\/2\.0 200 OK/);
    expect(r.out).to.contain('Server: Vigie-simulator');
    expect(r.code, r.out).to.equal(0);
  });

  it('REGISTER: challenged (401 digest), then 200 with Expires and Contact;expires with the right password', async () => {
    const before = trunk.stats.registered;
    const r = await sipsak(['-vvv', '-U', '-a', 'demo', '-u', 'user', '-s', `sip:user@127.0.0.1:${trunk.port}`]);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/SIP\/2\.0 401 Unauthorized[\s\S]*WWW-Authenticate: Digest realm="sim-trunk-t", nonce="[0-9a-f]{32}", qop="auth"/);
    expect(r.out).to.match(/SIP\/2\.0 200 OK[\s\S]*Expires: 15[\s\S]*Contact: <?sip:user@127\.0\.0\.1:\d+>?;expires=15/);
    expect(trunk.stats.registered).to.equal(before + 1);
  });

  it('REGISTER with a wrong password → 403 Forbidden and a failing sipsak', async () => {
    const before = trunk.stats.registered;
    const r = await sipsak(['-vv', '-U', '-a', 'not-demo', '-u', 'user', '-s', `sip:user@127.0.0.1:${trunk.port}`]);
    expect(r.code).to.not.equal(0);
    expect(r.out).to.match(/403 Forbidden/);
    expect(r.out).to.not.contain('not-demo\n'); // the responder does not echo secrets
    expect(trunk.stats.registered).to.equal(before);
  });

  it('a configured user: another user name is refused even with the right password', async () => {
    const only = await startTrunkResponder(responderOptions({ user: 'pbx1', maxExpiresS: 60 }));
    try {
      const other = await sipsak(['-vv', '-U', '-a', 'demo', '-u', 'someone', '-s', `sip:someone@127.0.0.1:${only.port}`]);
      expect(other.out).to.match(/403 Forbidden/);
      const good = await sipsak(['-vvv', '-U', '-a', 'demo', '-u', 'pbx1', '-x', '3600', '-s', `sip:pbx1@127.0.0.1:${only.port}`]);
      expect(good.code, good.out).to.equal(0);
      expect(good.out, 'the grant is capped at maxExpiresS').to.match(/SIP\/2\.0 200 OK[\s\S]*Expires: 60/);
    } finally {
      await only.close();
    }
  });
});

describe('simulator SIP trunk: silences, set down, bad input (virtual time)', () => {
  const OPTIONS = (port: number, callId: string) =>
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK${callId}\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n` +
    `To: <sip:127.0.0.1:${port}>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
  let client: Socket;
  let got: string[];
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(async () => {
    got = [];
    client = createSocket('udp4');
    client.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    await new Promise<void>((r) => client.close(() => r()));
  });

  it('answers after the modelled delay, not during a silence, and again after it', async () => {
    const clock = new VirtualClock();
    const quality = trunkQuality(3, 'sim-trunk-v');
    const [silence] = quality.silences(0, 20 * 60_000);
    expect(silence.endMs - silence.startMs).to.be.within(30_000, 60_000);
    const trunk = await startTrunkResponder(responderOptions({ name: 'sim-trunk-v', quality, scheduler: clock, startedAt: clock.now() }));
    try {
      const ask = async (id: string) => {
        client.send(OPTIONS(trunk.port, id), trunk.port, '127.0.0.1');
        await wait(50); // the datagram reaches the responder, which schedules its answer on the clock
      };
      await ask('before');
      expect(got, 'nothing before the clock moves').to.deep.equal([]);
      clock.advance(Math.ceil(quality.optionsDelayMs(0)) + 1);
      await wait(50);
      expect(got).to.have.length(1);
      expect(got[0]).to.match(/^SIP\/2\.0 200 OK\r\n[\s\S]*Call-ID: before/);

      clock.advance(silence.startMs + 1000 - (clock.now() - clock.startAt));
      await ask('during');
      clock.advance(2000);
      await wait(50);
      expect(got, 'silent').to.have.length(1);

      clock.advance(silence.endMs + 10 - (clock.now() - clock.startAt));
      await ask('after');
      clock.advance(200);
      await wait(50);
      expect(got).to.have.length(2);
      expect(got[1]).to.contain('Call-ID: after');

      trunk.down = true;
      await ask('down');
      clock.advance(200);
      await wait(50);
      expect(got, 'set down').to.have.length(2);
      trunk.down = false;

      client.send(Buffer.from('not sip at all'), trunk.port, '127.0.0.1');
      client.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), trunk.port, '127.0.0.1');
      await wait(50);
      expect(trunk.stats.malformed).to.equal(2);
      await ask('still');
      clock.advance(200);
      await wait(50);
      expect(got[2], 'still answering after bad input').to.contain('Call-ID: still');
    } finally {
      await trunk.close();
    }
  });

  it('its OPTIONS delay stays within 5..120 ms and varies; silences recur about every 10 min', () => {
    const q = trunkQuality(1, 'sim-trunk-01');
    const delays = Array.from({ length: 2000 }, (_, i) => q.optionsDelayMs(i * 3000));
    expect(Math.min(...delays)).to.be.at.least(5);
    expect(Math.max(...delays)).to.be.at.most(120);
    expect(Math.max(...delays) - Math.min(...delays), 'it drifts').to.be.above(60);
    const silences = q.silences(0, 60 * 60_000);
    expect(silences).to.have.length(6);
    for (const s of silences) {
      expect(s.endMs - s.startMs).to.be.within(30_000, 60_000);
      expect(q.silentAt(s.startMs) && q.silentAt(s.endMs - 1) && !q.silentAt(s.endMs) && !q.silentAt(s.startMs - 1)).to.equal(true);
    }
    expect(trunkQuality(1, 'sim-trunk-01', { silences: false }).silences(0, 60 * 60_000)).to.deep.equal([]);
    expect(trunkQuality(2, 'sim-trunk-01').silences(0, 60 * 60_000), 'another seed, another timeline').to.not.deep.equal(silences);
  });
});
