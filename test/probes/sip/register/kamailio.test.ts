/**
 * The REGISTER check against a real Kamailio registrar (Debian package, started by the test on a
 * free loopback port; auth module challenge with qop=auth, `pv_www_authenticate` against the
 * password in its config, `registrar`/`usrloc` in memory with `max_expires 4`): the right
 * password registers with the expiry Kamailio grants (4 s, not the 300 asked) and refreshes it;
 * a wrong password is a 401 failure with `sip.register.ok` 0; once Kamailio is stopped the next
 * refresh fails by timeout. The password appears in no observation and no log line.
 */
import { expect } from 'chai';
import pino from 'pino';
import { asyncScheduler, type Subscription } from 'rxjs';
import { createPollRequests, createPortDirectory, type EventObservation, type Observation, type ProbeContext } from '../../../../plugins/sdk/index.js';
import { recordedSnmp, VirtualClock } from '../../../../plugins/sdk/testkit/index.js';
import { SIP_METRICS } from '../../../../probes/sip/call-report.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';
import { sipTrunkProbe } from '../../../../probes/sip/trunk-probe.js';
import type { SipTrunkTarget } from '../../../../probes/sip/trunk-schema.js';
import { startKamailioOrSkip, type KamailioHandle } from '../../../setup/kamailio.js';
import { registrarOptions } from './registrar.js';

const PASSWORD = 'kam-Secret-77';
const INTERVAL_MS = 500;

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sip-trunk REGISTER check against a real Kamailio registrar', function () {
  this.timeout(40_000);
  let kamailio: KamailioHandle | undefined;
  let engine: SipUdpEngine;
  const subs: Subscription[] = [];
  const logLines: string[] = [];

  before(async function () {
    kamailio = await startKamailioOrSkip(this, registrarOptions({ password: PASSWORD, maxExpires: 4 }));
    engine = new SipUdpEngine({ timers: { t1Ms: 50, t2Ms: 200 } });
  });
  after(async () => {
    for (const s of subs) s.unsubscribe();
    await engine?.close();
    await kamailio?.stop();
  });

  function run(name: string, password: string): Observation[] {
    const target: SipTrunkTarget = {
      uri: `sip:127.0.0.1:${kamailio!.port}`, timeoutMs: 500, failureThreshold: 3, successThreshold: 1, aliveCodes: 'class=2', rttWindow: 10,
      register: { user: name, password, expires: 300 },
    };
    const log = pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) });
    const ctx: ProbeContext<SipTrunkTarget> = {
      id: `sip-trunk/${name}`, kind: 'sip-trunk', name, config: target, intervalMs: INTERVAL_MS, log,
      scheduler: asyncScheduler, clients: { snmp: recordedSnmp({}, new VirtualClock()), poll: createPollRequests(), ports: createPortDirectory() },
    };
    const seen: Observation[] = [];
    subs.push(sipTrunkProbe(target, ctx, engine).subscribe({
      next: (o) => seen.push(o),
      error: (e) => seen.push({ kind: 'event', at: 0, entity: 'x', type: 'error', severity: 'critical', message: String(e) }),
    }));
    return seen;
  }
  const registerEvents = (seen: Observation[]) => seen.filter((o): o is EventObservation => o.kind === 'event' && o.type === 'sip-register');
  const metric = (seen: Observation[], name: string) => seen.flatMap((o) => (o.kind === 'metric' && o.name === name ? [o.value] : []));

  it('registers with the expiry Kamailio grants, fails on a wrong password, and times out once Kamailio is stopped', async () => {
    const good = run('alice', PASSWORD);
    const bad = run('bob', 'not-' + PASSWORD);

    await until('alice registered', () => registerEvents(good).length > 0);
    expect(registerEvents(good)[0].data).to.deep.include({ from: 'unknown', to: 'registered', code: 200, expiresS: 4, aor: `sip:alice@127.0.0.1` });
    expect(metric(good, SIP_METRICS.registered)[0]).to.equal(1);
    expect(metric(good, SIP_METRICS.registerExpires)[0]).to.equal(4); // asked 300, max_expires 4

    await until('bob failed', () => registerEvents(bad).length > 0);
    const failed = registerEvents(bad)[0];
    expect(failed.severity).to.equal('major');
    expect(failed.data).to.deep.include({ to: 'failed', code: 401, cause: 'wrong-credentials' });
    expect(metric(bad, SIP_METRICS.registered)).to.not.include(1);
    expect(metric(bad, SIP_METRICS.registered)[0]).to.equal(0);

    // the refresh comes at half the granted 4 s
    await until('alice refreshed', () => metric(good, SIP_METRICS.registered).length >= 2, 5000);
    expect(metric(good, SIP_METRICS.registered).slice(0, 2)).to.deep.equal([1, 1]);
    expect(registerEvents(good)).to.have.length(1);
    // the trunk itself is up: OPTIONS is answered
    expect(good.some((o) => o.kind === 'state' && o.state === 'up')).to.equal(true);

    await kamailio!.stop();
    await until('alice failed by timeout', () => registerEvents(good).length >= 2, 8000);
    expect(registerEvents(good)[1].data).to.deep.include({ from: 'registered', to: 'failed', cause: 'timeout', code: undefined });
    expect(metric(good, SIP_METRICS.registered).at(-1)).to.equal(0);

    for (const seen of [good, bad]) expect(JSON.stringify(seen)).to.not.include(PASSWORD);
    expect(logLines.length).to.be.at.least(3);
    for (const line of logLines) expect(line).to.not.include(PASSWORD);
    expect(engine.counters.malformed).to.equal(0);
  });
});
