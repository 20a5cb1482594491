/**
 * The sip-trunk probe over TCP against a real Kamailio listening on tcp:127.0.0.1 (and as a
 * registrar): OPTIONS and REGISTER both go over one TCP connection (`;transport=tcp` in the
 * URI), the trunk is up and registered; once Kamailio is stopped, each keepalive is a refused
 * connection, counted as a failure (not a crash) until the trunk is down after exactly
 * failureThreshold of them; once restarted, the engine reconnects and the trunk is up again.
 */
import { expect } from 'chai';
import pino from 'pino';
import { asyncScheduler, type Subscription } from 'rxjs';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type StateObservation } from '../../../../plugins/sdk/index.js';
import { recordedSnmp, VirtualClock } from '../../../../plugins/sdk/testkit/index.js';
import { SIP_METRICS } from '../../../../probes/sip/call-report.js';
import { SipTcpEngine } from '../../../../probes/sip/engine/tcp-engine.js';
import { sipTrunkProbe } from '../../../../probes/sip/trunk-probe.js';
import type { SipTrunkTarget } from '../../../../probes/sip/trunk-schema.js';
import { startKamailioOrSkip, type KamailioHandle } from '../../../setup/kamailio.js';
import { registrarOptions } from '../register/registrar.js';

const INTERVAL_MS = 300;
const PASSWORD = 'tcp-Pass-1';

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sip-trunk probe over TCP against a real Kamailio', function () {
  this.timeout(40_000);
  let kamailio: KamailioHandle | undefined;
  let engine: SipTcpEngine;
  let sub: Subscription | undefined;

  before(async function () {
    kamailio = await startKamailioOrSkip(this, registrarOptions({ password: PASSWORD, maxExpires: 60, tcp: true }));
    engine = new SipTcpEngine({ timers: { t1Ms: 50, t2Ms: 200 } });
  });
  after(async () => {
    sub?.unsubscribe();
    await engine?.close();
    await kamailio?.stop();
  });

  it('keeps OPTIONS and REGISTER on one TCP connection; down after failureThreshold refused connections; up again after restart', async () => {
    const k = kamailio!;
    const target: SipTrunkTarget = {
      uri: `sip:127.0.0.1:${k.port};transport=tcp`, timeoutMs: 250, failureThreshold: 3, successThreshold: 1, aliveCodes: 'class=2', rttWindow: 10,
      register: { user: 'carol', password: PASSWORD, expires: 300 },
    };
    const ctx: ProbeContext<SipTrunkTarget> = {
      id: 'sip-trunk/tcp', kind: 'sip-trunk', name: 'tcp', config: target, intervalMs: INTERVAL_MS, log: pino({ level: 'silent' }),
      scheduler: asyncScheduler, clients: { snmp: recordedSnmp({}, new VirtualClock()), poll: createPollRequests(), ports: createPortDirectory() },
    };
    const seen: Observation[] = [];
    sub = sipTrunkProbe(target, ctx, engine).subscribe({ next: (o) => seen.push(o), error: (e) => seen.push({ kind: 'event', at: 0, entity: 'x', type: 'error', severity: 'critical', message: String(e) }) });
    const states = () => seen.filter((o): o is StateObservation => o.kind === 'state');
    const registered = () => seen.flatMap((o) => (o.kind === 'metric' && o.name === SIP_METRICS.registered ? [o.value] : []));

    await until('the trunk up and registered', () => states().some((s) => s.state === 'up') && registered().includes(1));
    expect(seen.find((o) => o.kind === 'metric' && o.name === SIP_METRICS.registerExpires)).to.deep.include({ value: 60 });
    const rtt = seen.find((o) => o.kind === 'metric' && o.name === 'sip.options.rtt_ms');
    expect(rtt && rtt.kind === 'metric' && rtt.value).to.be.a('number').within(0, 250);
    expect(engine.counters.connects).to.equal(1); // every OPTIONS and both REGISTERs on one connection
    expect(engine.counters.sent).to.be.at.least(3);
    expect(engine.counters).to.include({ malformed: 0, dropped: 0, unmatched: 0 });

    await k.stop();
    const before = states().length;
    await until('the trunk down', () => states().slice(before).some((s) => s.state === 'down'));
    const afterStop = states().slice(before);
    const firstFail = afterStop.findIndex((s) => /1\/3 failures/.test(s.reason ?? ''));
    const downAt = afterStop.findIndex((s) => s.state === 'down');
    expect(downAt - firstFail, afterStop.map((s) => `${s.state}: ${s.reason}`).join('\n')).to.equal(2);
    expect(afterStop[downAt].reason).to.match(/ECONNREFUSED|closed/);
    expect(engine.counters.connectFailures).to.be.at.least(1);
    expect(seen.some((o) => o.kind === 'event' && o.type === 'error')).to.equal(false);

    const beforeStart = states().length;
    await k.start();
    await until('the trunk up again', () => states().slice(beforeStart).some((s) => s.state === 'up'));
    expect(engine.counters.connects).to.equal(2);
    const events = seen.filter((o) => o.kind === 'event' && o.type === 'sip-trunk-state').map((e) => e.kind === 'event' && `${String(e.data?.from)}>${String(e.data?.to)}`);
    expect(events).to.deep.equal(['unknown>up', 'up>down', 'down>up']);
  });
});
