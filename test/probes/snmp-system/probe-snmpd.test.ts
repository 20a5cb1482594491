/**
 * The `snmp-system` probe in real time, through the real SNMP client, against a real snmpd
 * (Debian `snmpd`): v2c and v3 authPriv, agent stopped and started again, agent restart
 * (reboot event), wrong community.
 */
import { expect } from 'chai';
import pino from 'pino';
import { asyncScheduler, type Subscription } from 'rxjs';
import plugin from '../../../probes/snmp-system/index.js';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type SnmpClient } from '../../../plugins/sdk/index.js';
import type { SnmpSystemTarget } from '../../../probes/snmp-system/schema.js';
import { startSnmpdOrSkip, type SnmpdHandle } from '../../setup/snmpd.js';

const kind = plugin.probes['snmp-system'];
const V3 = { user: 'probeuser', authKey: 'probe-auth-key', privKey: 'probe-priv-key' };
const INTERVAL_MS = 250;

/** A probe instance running in real time; `waitFor` polls its observations. */
interface LiveRun {
  observations: Observation[];
  errors: unknown[];
  waitFor(what: string, pred: (obs: Observation[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): void;
}

function runLive(target: SnmpSystemTarget, client: SnmpClient, name = 'snmpd'): LiveRun {
  const ctx: ProbeContext<SnmpSystemTarget> = {
    id: `snmp-system/${name}`,
    kind: 'snmp-system',
    name,
    config: target,
    intervalMs: INTERVAL_MS,
    log: pino({ level: 'silent' }),
    scheduler: asyncScheduler,
    clients: { snmp: client, poll: createPollRequests(), ports: createPortDirectory() },
  };
  const run: LiveRun = {
    observations: [],
    errors: [],
    async waitFor(what, pred, timeoutMs = 8000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(run.observations)) {
        if (run.errors.length) throw new Error(`probe failed while waiting for ${what}: ${String(run.errors[0])}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(run.observations.slice(-6))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => sub.unsubscribe(),
  };
  const sub: Subscription = kind.create(target, ctx).subscribe({
    next: (o) => run.observations.push(o),
    error: (e) => run.errors.push(e),
  });
  return run;
}

const states = (obs: Observation[], state: string) => obs.filter((o) => o.kind === 'state' && o.state === state);
const metric = (obs: Observation[], name: string) => obs.filter((o): o is Extract<Observation, { kind: 'metric' }> => o.kind === 'metric' && o.name === name);

describe('snmp-system probe against a real snmpd', function () {
  this.timeout(30_000);
  let agent: SnmpdHandle;
  let client: SnmpClient;
  let run: LiveRun | undefined;
  let v2: SnmpSystemTarget;
  let v3: SnmpSystemTarget;

  before(async function () {
    agent = await startSnmpdOrSkip(this, { sysName: 'probe-test', sysLocation: 'rack 4', v3: V3 });
    v2 = { host: '127.0.0.1', port: agent.port, version: '2c', community: 'public', timeoutMs: 150, retries: 0 };
    v3 = {
      host: '127.0.0.1',
      port: agent.port,
      version: '3',
      timeoutMs: 150,
      retries: 0,
      v3: { user: V3.user, level: 'authPriv', authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey },
    };
  });
  beforeEach(() => {
    client = createSnmpClient();
  });
  afterEach(() => {
    run?.stop();
    run = undefined;
    client.close();
  });
  after(async () => agent?.stop());

  for (const version of ['2c', '3'] as const) {
    it(`v${version}: the node is up under its sysName, with facts and metrics`, async () => {
      run = runLive(version === '2c' ? v2 : v3, client);
      await run.waitFor('two polls', (obs) => states(obs, 'up').length >= 2);
      const obs = run.observations;
      const topo = obs.find((o) => o.kind === 'topology');
      expect(topo).to.deep.include({ entity: 'node:probe-test', element: 'node' });
      if (topo?.kind !== 'topology' || topo.element !== 'node') throw new Error('no node');
      expect(topo.node).to.deep.include({ name: 'probe-test', kind: 'server', address: '127.0.0.1' });
      expect(topo.node.attrs).to.include({ sysLocation: 'rack 4' });
      expect(String(topo.node.attrs?.sysDescr)).to.match(/^Linux /);
      expect(states(obs, 'down')).to.deep.equal([]);
      const rtt = metric(obs, 'snmp.rtt_ms');
      expect(rtt.length).to.be.at.least(2);
      // A loopback round trip; generous, as the first v3 request includes engine discovery and
      // CI machines are busy (a timing bound here only catches a wrong unit or a stuck clock).
      rtt.forEach((m) => expect(m.value).to.be.within(0, 2000));
      const up = metric(obs, 'sys.uptime_s').map((m) => m.value);
      expect(up[1]).to.be.greaterThan(up[0]);
      expect(new Set(obs.map((o) => o.entity))).to.deep.equal(new Set(['node:probe-test']));
    });
  }

  it('goes down while snmpd is stopped, up again when it starts, and reports the restart', async () => {
    run = runLive(v3, client);
    await run.waitFor('uptime above 1 s', (obs) => metric(obs, 'sys.uptime_s').some((m) => m.value >= 1));
    await agent.stop();
    const downAt = run.observations.length;
    await run.waitFor('two down states', (obs) => states(obs.slice(downAt), 'down').length >= 2);
    const down = states(run.observations.slice(downAt), 'down')[0];
    expect(down).to.deep.include({ entity: 'node:probe-test' });
    if (down.kind !== 'state') throw new Error('not a state');
    expect(down.reason).to.match(/timeout/);
    await agent.start();
    await run.waitFor('up again', (obs) => states(obs.slice(downAt), 'up').length >= 1);
    await run.waitFor('a reboot event', (obs) => obs.some((o) => o.kind === 'event'));
    const events = run.observations.filter((o) => o.kind === 'event');
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ type: 'reboot', severity: 'warning', entity: 'node:probe-test' });
    expect(run.errors).to.deep.equal([]);
  });

  it('reports a quick restart (sysUpTime reset) as a reboot even without a down poll', async () => {
    run = runLive(v2, client);
    await run.waitFor('uptime above 1 s', (obs) => metric(obs, 'sys.uptime_s').some((m) => m.value >= 1));
    await agent.stop();
    await agent.start();
    await run.waitFor('a reboot event', (obs) => obs.some((o) => o.kind === 'event' && o.type === 'reboot'));
    expect(run.errors).to.deep.equal([]);
  });

  it('a wrong community gives down states, never a crash', async () => {
    run = runLive({ ...v2, community: 'wrong-community' }, client, 'wrong');
    await run.waitFor('two down states', (obs) => states(obs, 'down').length >= 2);
    expect(states(run.observations, 'up')).to.deep.equal([]);
    expect(run.observations.every((o) => o.entity === 'node:wrong')).to.equal(true);
    expect(JSON.stringify(run.observations)).not.to.include('wrong-community');
    expect(run.errors).to.deep.equal([]);
  });
});
