/**
 * The REGISTER check in virtual time against a scripted registrar that really checks digest
 * credentials: the challenge is answered once (same Call-ID, next CSeq, no reused branch), the
 * granted expiry is read from our own Contact, refreshes come at half the expiry (never sooner
 * than the interval), failures are retried at the interval, events mark each change, and the
 * password appears in no observation and no log line. Driven through the sip-trunk kind, as the
 * daemon runs it.
 */
import { expect } from 'chai';
import pino from 'pino';
import { runProbe, VirtualClock } from '../../../../plugins/sdk/testkit/index.js';
import { SIP_METRICS } from '../../../../probes/sip/call-report.js';
import { refreshDelayMs } from '../../../../probes/sip/register/register-check.js';
import { sipTrunkKind } from '../../../../probes/sip/trunk-probe.js';
import type { SipTrunkTarget } from '../../../../probes/sip/trunk-schema.js';
import { FakeRegistrar } from './fake-registrar.js';

const PASSWORD = 'Tr0ub4dor-and-3';
const INTERVAL = 30_000;

function start(opts: { password?: string; register?: Partial<NonNullable<SipTrunkTarget['register']>>; setup?: (f: FakeRegistrar) => void; intervalMs?: number } = {}) {
  const clock = new VirtualClock();
  const registrar = new FakeRegistrar(clock, PASSWORD);
  opts.setup?.(registrar);
  const logLines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) });
  const target = {
    uri: 'sip:127.0.0.1:5062', timeoutMs: 2000,
    register: { user: 'alice', password: opts.password ?? PASSWORD, ...opts.register },
  } as SipTrunkTarget;
  const run = runProbe(sipTrunkKind(() => registrar), target, { clock, intervalMs: opts.intervalMs ?? INTERVAL, name: 'carrier-a', log });
  const metric = (name: string) => run.of('metric').filter((m) => m.name === name).map((m) => m.value);
  const events = () => run.of('event').filter((e) => e.type === 'sip-register');
  return { clock, registrar, run, metric, events, logLines };
}

describe('sip-trunk REGISTER check (virtual time, scripted registrar)', () => {
  it('answers the 401 once with the same Call-ID, the next CSeq and fresh branches, and reports the granted expiry', () => {
    const { run, registrar, metric, events } = start({ setup: (f) => (f.maxExpires = 120) });
    run.advance(100);
    const [first, second] = registrar.registers.map((s) => s.init);
    expect(registrar.registers).to.have.length(2);
    expect(first).to.deep.include({ method: 'REGISTER', requestUri: 'sip:127.0.0.1', fromUri: 'sip:alice@127.0.0.1', toUri: 'sip:alice@127.0.0.1', contactUser: 'alice' });
    expect(first.headers).to.deep.equal(['Expires: 300']);
    expect(second.callId).to.equal(first.callId);
    expect(second.cseq).to.equal(first.cseq! + 1);
    expect(first.branch).to.equal(undefined); // the engine draws a new branch for each
    expect(second.branch).to.equal(undefined);
    expect(second.headers![1]).to.match(/^Authorization: Digest .*username="alice".*uri="sip:127\.0\.0\.1".*qop=auth/);
    expect(metric(SIP_METRICS.registered)).to.deep.equal([1]);
    expect(metric(SIP_METRICS.registerExpires)).to.deep.equal([120]); // ours, not the other binding's 3600
    expect(events()).to.have.length(1);
    expect(events()[0]).to.deep.include({ entity: 'trunk:carrier-a', severity: 'info' });
    expect(events()[0].data).to.deep.include({ from: 'unknown', to: 'registered', code: 200, expiresS: 120, aor: 'sip:alice@127.0.0.1' });
    expect(run.observations[0]).to.deep.include({ kind: 'topology', entity: 'trunk:carrier-a' });
    run.stop();
  });

  it('re-registers at half the granted expiry, never sooner than the interval, with increasing CSeq', () => {
    const long = start({ setup: (f) => (f.maxExpires = 120) });
    long.run.advance(200_000);
    const starts = long.registrar.registers.filter((s) => !s.init.headers!.some((h) => h.startsWith('Authorization'))).map((s) => s.at - long.clock.startAt);
    // 0, then each 60 s (half of 120) after the previous success (which lands 20 ms after its start)
    expect(starts).to.deep.equal([0, 60_020, 120_040, 180_060]);
    const cseqs = long.registrar.registers.map((s) => s.init.cseq);
    expect(cseqs).to.deep.equal(cseqs.map((_, i) => i + 1));
    expect(new Set(long.registrar.registers.map((s) => s.init.callId)).size).to.equal(1);
    expect(long.events()).to.have.length(1); // refreshes change nothing
    long.run.stop();

    const short = start({ setup: (f) => (f.maxExpires = 40) });
    short.run.advance(100_000);
    const shortStarts = short.registrar.registers.filter((s) => !s.init.headers!.some((h) => h.startsWith('Authorization'))).map((s) => s.at - short.clock.startAt);
    expect(shortStarts).to.deep.equal([0, 30_020, 60_040, 90_060]); // half of 40 s is under the 30 s interval
    short.run.stop();
    expect(refreshDelayMs({ ok: true, code: 200, reason: 'OK', expiresS: 3600, rttMs: 1 }, INTERVAL)).to.equal(1_800_000);
    expect(refreshDelayMs({ ok: false, reason: 'x', cause: 'timeout' }, INTERVAL)).to.equal(INTERVAL);
  });

  it('a wrong password: 401 after credentials, ok 0, a major event; retried at the interval; info event once fixed', () => {
    const { run, registrar, metric, events } = start({ password: 'not-the-password' });
    run.advance(100);
    expect(registrar.registers).to.have.length(2); // answered once, not more
    expect(metric(SIP_METRICS.registered)).to.deep.equal([0]);
    expect(metric(SIP_METRICS.registerExpires)).to.deep.equal([]);
    const failed = events()[0];
    expect(failed.severity).to.equal('major');
    expect(failed.data).to.deep.include({ from: 'unknown', to: 'failed', code: 401, cause: 'wrong-credentials' });
    expect(failed.message).to.match(/401 .*wrong credentials/);
    run.advance(INTERVAL);
    expect(registrar.registers).to.have.length(4);
    expect(registrar.registers[2].at - registrar.registers[0].at).to.equal(INTERVAL + 20);
    expect(events()).to.have.length(1); // still failing: no new event
    registrar.password = 'not-the-password'; // the registrar side is fixed to what we send
    run.advance(INTERVAL);
    expect(metric(SIP_METRICS.registered)).to.deep.equal([0, 0, 1]);
    expect(events().map((e) => [e.data?.from, e.data?.to, e.severity])).to.deep.equal([['unknown', 'failed', 'major'], ['failed', 'registered', 'info']]);
    run.stop();
  });

  it('a registrar that does not answer: a timeout failure at the deadline, without a code', () => {
    const { run, registrar, metric, events } = start({ setup: (f) => (f.silent = true) });
    run.advance(1999);
    expect(events()).to.have.length(0);
    run.advance(1);
    expect(registrar.registers).to.have.length(1);
    expect(registrar.registers[0].deadlineMs).to.equal(2000);
    expect(metric(SIP_METRICS.registered)).to.deep.equal([0]);
    expect(events()[0].data).to.deep.include({ to: 'failed', code: undefined, cause: 'timeout' });
    expect(events()[0].message).to.match(/deadline/);
    // the trunk's OPTIONS state is its own business: the silent fake also times them out
    expect(run.of('state').map((s) => s.state)).to.deep.equal(['unknown']);
    run.stop();
  });

  it('a 403 is a failure with its code and is not answered', () => {
    const { run, registrar, events } = start({ setup: (f) => (f.fixedCode = 403) });
    run.advance(100);
    expect(registrar.registers).to.have.length(1);
    expect(events()[0].data).to.deep.include({ code: 403, cause: 'rejected' });
    run.stop();
  });

  it('answers a stale-nonce challenge once more, and retries a 423 with Min-Expires', () => {
    const stale = start({ setup: (f) => (f.staleOnce = true) });
    stale.run.advance(100);
    expect(stale.registrar.registers).to.have.length(3);
    expect(stale.metric(SIP_METRICS.registered)).to.deep.equal([1]);
    stale.run.stop();

    const brief = start({ register: { expires: 30 }, setup: (f) => (f.minExpires = 600) });
    brief.run.advance(200);
    expect(brief.registrar.registers.map((s) => s.init.headers![0])).to.deep.equal(['Expires: 30', 'Expires: 30', 'Expires: 600', 'Expires: 600']);
    expect(brief.metric(SIP_METRICS.registerExpires)).to.deep.equal([600]);
    brief.run.stop();
  });

  it('uses domain and authUser when given', () => {
    const { run, registrar } = start({ register: { domain: 'voip.example', authUser: 'acct-42' } });
    run.advance(100);
    const [first, second] = registrar.registers.map((s) => s.init);
    expect(first).to.deep.include({ requestUri: 'sip:voip.example', toUri: 'sip:alice@voip.example' });
    expect(second.headers![1]).to.match(/username="acct-42"/);
    run.stop();
  });

  it('never puts the password in an observation or a log line', () => {
    for (const setup of [(f: FakeRegistrar) => (f.password = 'other'), () => undefined, (f: FakeRegistrar) => (f.silent = true)]) {
      const { run, logLines, events } = start({ setup });
      run.advance(3 * INTERVAL);
      expect(events().length).to.be.at.least(1);
      expect(logLines.length).to.be.at.least(1);
      expect(JSON.stringify(run.observations)).to.not.include(PASSWORD);
      for (const line of logLines) expect(line).to.not.include(PASSWORD);
      run.stop();
    }
  });

  it('stops on unsubscribe, leaving nothing scheduled', () => {
    const { run, registrar } = start();
    run.advance(100);
    run.stop();
    const n = registrar.seen.length;
    run.advance(10 * INTERVAL);
    expect(registrar.seen.length).to.equal(n);
    expect(run.clock.actions).to.have.length(0);
  });
});
