/**
 * Issue 3, `snmp-trap`: "a trap triggers an immediate re-poll of the entity it concerns, so trap
 * and poll agree" — end to end, in the real daemon.
 *
 * The daemon (started in this process, from a temp config) polls two simulated switches with the
 * `switch` kind every 60 s, hysteresis down 2 / up 1, and runs an `snmp-trap` receiver on a free
 * loopback port that maps 127.0.0.1 to sim-sw-01. The simulator runs here too, so the test can
 * pull a port (`setPortOper`) and then send the trap a switch would (`sendTrap`). With a 60 s
 * interval only a trap-driven re-poll can explain a change seen within seconds. Checked through
 * the HTTP API:
 * - linkDown on eth3 (really down): the port is `down` within 3 s, confirmed after 2 observations
 *   (the trap's down and the re-poll's down), the linkDown event is on the port, and sim-sw-01 has
 *   an `snmp.poll_ms` sample after the trap — sim-sw-02 none (the re-poll is for that node only);
 * - linkUp on eth3 (really up again): `up` within 3 s, and a poll after it;
 * - linkDown on eth2, which is really up: the re-poll contradicts the trap and the port stays `up`
 *   (observed: the trap's single down does not meet `down: 2`, the re-poll's up resets the run, so
 *   no transient `down` is confirmed either); the linkDown event is still recorded.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { startSimulator, type RunningSimulator } from '../../plugins/simulator/index.js';
import { sendTrap } from '../../plugins/simulator/traps.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';
import { freeUdpPort } from '../setup/free-port.js';
import { waitFor } from '../setup/wait-for.js';

interface EventRow { at: number; entity: string; type: string; message: string; source?: string; data?: Record<string, unknown> }
interface EntityAnswer { entity: { state: string } | null; events: EventRow[] }
interface SeriesAnswer { points: { t: number; count: number }[] }

const NODE = 'node:sim-sw-01';
const OTHER = 'node:sim-sw-02';
const ETH3 = 'port:sim-sw-01/eth3';
const ETH2 = 'port:sim-sw-01/eth2';
const TRAP_COMMUNITY = 'trap-secret-7';
/** Well under the 60 s poll interval: only a re-poll explains a change this fast. */
const FAST_MS = 3000;


describe('integration: a trap makes the daemon re-poll the switch at once (trap and poll agree)', function () {
  this.timeout(60_000);
  let sim: RunningSimulator | undefined;
  let daemon: Daemon | undefined;
  let cfg: TempConfig | undefined;
  let trapPort = 0;
  let logs = '';
  let startedAt = 0;
  const logSink = new Writable({
    write: (chunk, _e, cb) => {
      logs = (logs + String(chunk)).slice(-20_000);
      cb();
    },
  });

  const get = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${daemon!.url}${p}`);
    if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const entity = (id: string) => get<EntityAnswer>(`/api/entities/${encodeURIComponent(id)}`);
  const stateOf = async (id: string) => (await entity(id)).entity?.state;
  /** snmp.poll_ms samples of a node at or after `from` (the store writes them within a second). */
  const pollsSince = async (node: string, from: number): Promise<number> => {
    const q = new URLSearchParams({ entity: node, metric: 'snmp.poll_ms', from: String(from), to: String(Date.now() + 1000), step: '1000' });
    const { points } = await get<SeriesAnswer>(`/api/series?${q}`);
    return points.reduce((n, p) => n + p.count, 0);
  };
  const eventsOf = async (id: string, from: number) => (await get<{ events: EventRow[] }>(`/api/events?entity=${encodeURIComponent(id)}&from=${from}`)).events;
  /** A linkDown/linkUp as agents send it: IF-MIB's ifIndex, ifAdminStatus, ifOperStatus; with `named`, ifName too. */
  const trap = (type: 'linkDown' | 'linkUp', ifIndex: number, named = false) =>
    sendTrap({ host: '127.0.0.1', port: trapPort, version: '2c', community: TRAP_COMMUNITY, type, ifIndex, ...(named ? { ifName: `eth${ifIndex}` } : {}) });
  /** Waits until sim-sw-01 has a poll stored after `from`: the re-poll ended, and the next trap will not find a poll in flight. */
  const repolled = (from: number, what: string) => waitFor(async () => ((await pollsSince(NODE, from)) > 0 ? true : undefined), FAST_MS + 1500, what);

  before(async () => {
    sim = await startSimulator({ basePort: 0, site: { switches: 2, portsPerSwitch: 4, seed: 1 } }, pino({ level: 'silent' }));
    // eth1 is the cable between the two switches; eth2 and eth3 of sim-sw-01 start up whatever the seed says.
    sim.setPortOper('sim-sw-01', 2, 'up');
    sim.setPortOper('sim-sw-01', 3, 'up');
    trapPort = await freeUdpPort();
    const sw = (name: string) => {
      const d = sim!.devices.find((x) => x.name === name)!;
      return {
        kind: 'switch', name, interval: '60s', hysteresis: { down: 2, up: 1 },
        target: { host: d.host, port: d.port, community: d.community, timeoutMs: 1000, retries: 1 },
      };
    };
    cfg = writeTempConfig({
      correlation: { hysteresis: { down: 2, up: 1 } },
      probes: [
        sw('sim-sw-01'),
        sw('sim-sw-02'),
        {
          kind: 'snmp-trap', name: 'traps', interval: '60s', hysteresis: { down: 2, up: 1 },
          target: { host: '127.0.0.1', port: trapPort, communities: [TRAP_COMMUNITY], sources: [{ address: '127.0.0.1', identity: 'sim-sw-01' }] },
        },
      ],
      log: { level: 'info' },
    });
    startedAt = Date.now();
    daemon = await startDaemon({ configFile: cfg.file, logDestination: logSink });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`--- daemon log (tail) ---\n${logs.slice(-6000)}`);
  });

  after(async () => {
    await daemon?.stop();
    await sim?.stop();
    cfg?.cleanup();
  });

  it('first poll: both switches up, eth2 and eth3 of sim-sw-01 up, one poll each stored', async () => {
    await waitFor(async () => {
      const [a, b, p2, p3] = await Promise.all([stateOf(NODE), stateOf(OTHER), stateOf(ETH2), stateOf(ETH3)].map((p) => p.catch(() => undefined)));
      return a === 'up' && b === 'up' && p2 === 'up' && p3 === 'up' ? true : undefined;
    }, 15_000, 'both switches and eth2/eth3 up');
    await waitFor(async () => ((await pollsSince(NODE, startedAt)) > 0 && (await pollsSince(OTHER, startedAt)) > 0 ? true : undefined), 5000, 'the first polls stored');
    expect(await pollsSince(NODE, startedAt), 'one poll so far (60 s interval)').to.equal(1);
  });

  it('linkDown (ifIndex only) on a port that went down: the polled port, down within 3 s, confirmed by the trap and the re-poll', async () => {
    const t = Date.now();
    sim!.setPortOper('sim-sw-01', 3, 'down');
    await trap('linkDown', 3);
    await waitFor(async () => ((await stateOf(ETH3)) === 'down' ? true : undefined), FAST_MS, `${ETH3} down`);
    expect(Date.now() - t, 'down well before the next periodic poll').to.be.below(FAST_MS);
    await repolled(t, 'the re-poll after linkDown');

    const events = await waitFor(async () => {
      const ev = await eventsOf(ETH3, t);
      return ev.some((e) => e.type === 'linkDown') && ev.some((e) => e.type === 'state-change') ? ev : undefined;
    }, 3000, `linkDown and state-change events on ${ETH3}`);
    const linkDown = events.find((e) => e.type === 'linkDown')!;
    expect(linkDown.data?.ifIndex).to.equal(3);
    expect(linkDown.data?.ifName, 'named from the port directory the switch poll published').to.equal('eth3');
    expect(linkDown.source).to.equal('snmp-trap/traps');
    const change = events.find((e) => e.type === 'state-change')!;
    expect(change.data, 'two down observations in a row: the trap and the re-poll').to.deep.include({ from: 'up', to: 'down', confirmedAfter: 2 });
    expect(change.source, 'the second down came from the switch poll').to.equal('switch/sim-sw-01');
    expect(JSON.stringify(events), 'the trap community never shows').not.to.include(TRAP_COMMUNITY);

    expect(await pollsSince(NODE, t), 'sim-sw-01 re-polled once').to.equal(1);
    expect(await pollsSince(OTHER, t), 'sim-sw-02 not re-polled: the trap is not about it').to.equal(0);
    expect(Date.now() - startedAt, 'still inside the first 60 s interval').to.be.below(55_000);
  });

  it('linkUp on the port back up: up within 3 s, and a re-poll after it', async () => {
    const t = Date.now();
    sim!.setPortOper('sim-sw-01', 3, 'up');
    await trap('linkUp', 3);
    await waitFor(async () => ((await stateOf(ETH3)) === 'up' ? true : undefined), FAST_MS, `${ETH3} up`);
    expect(Date.now() - t).to.be.below(FAST_MS);
    await repolled(t, 'the re-poll after linkUp');
    const events = await waitFor(async () => {
      const ev = await eventsOf(ETH3, t);
      return ev.some((e) => e.type === 'linkUp') && ev.some((e) => e.type === 'state-change') ? ev : undefined;
    }, 3000, `linkUp and state-change events on ${ETH3}`);
    expect(events.find((e) => e.type === 'state-change')!.data).to.deep.include({ from: 'down', to: 'up' });
    expect(await stateOf(ETH3), 'the re-poll agrees').to.equal('up');
    expect(await pollsSince(OTHER, t)).to.equal(0);
  });

  it('linkDown on a port that is really up: the re-poll contradicts it and the port stays up', async () => {
    const t = Date.now();
    await trap('linkDown', 2, true);
    await repolled(t, 'the re-poll after the false linkDown');
    const events = await waitFor(async () => {
      const ev = await eventsOf(ETH2, t);
      return ev.some((e) => e.type === 'linkDown') ? ev : undefined;
    }, 3000, `the linkDown event on ${ETH2}`);
    expect(await stateOf(ETH2), "the poll's truth").to.equal('up');
    // One down (the trap) then up (the re-poll): down 2 is never met, so no transient down either.
    expect(events.filter((e) => e.type === 'state-change'), 'no state change confirmed').to.deep.equal([]);
    expect(await pollsSince(NODE, t)).to.equal(1);
    expect(Date.now() - startedAt, 'still inside the first 60 s interval').to.be.below(55_000);
  });
});
