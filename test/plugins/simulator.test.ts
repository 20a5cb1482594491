/**
 * The SNMP simulator answered by the real Debian net-snmp tools (snmpget, snmpwalk, snmpbulkwalk).
 * In CI a missing tool fails the suite; elsewhere it is skipped with a warning.
 */
import { SNMPREC_DIR } from '../setup/corpus.js';
import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import pino from 'pino';
import { firstValueFrom, asyncScheduler } from 'rxjs';
import { createPollRequests, createPortDirectory, isVigieError, type Observation, type ProbeContext, type SnmpClient } from '../../plugins/sdk/index.js';
import { loadSnmprec } from '../../plugins/sdk/snmp/snmprec.js';
import plugin, { siteLinks, startSimulator, type RunningSimulator, type SimulatorConfig } from '../../plugins/simulator/index.js';
import { requireSnmpTools, snmp, walkedOids, walkedValues } from './support/snmp-tools.js';

const DIR = SNMPREC_DIR;
const log = pino({ level: 'silent' });
const RECORDINGS = ['ios_2960x', 'arubaos-cx', 'junos_qfx5100', 'acano'];
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const IF_HC_IN = '1.3.6.1.2.1.31.1.1.1.6';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';

/** True when a UDP socket can bind 127.0.0.1:port right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('simulator (real snmpget / snmpbulkwalk)', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  const dev = (name: string) => sim.devices.find((d) => d.name === name)!;

  before(async function () {
    requireSnmpTools(this);
    sim = await startSimulator({ basePort: 0, site: { switches: 6, portsPerSwitch: 5, seed: 7 }, recordings: RECORDINGS.map((file) => ({ file })) }, log);
  });
  after(async () => {
    await sim?.stop();
  });

  it('serves one port per device, generated switches first', () => {
    expect(sim.devices.map((d) => d.name)).to.deep.equal([...['01', '02', '03', '04', '05', '06'].map((n) => `sim-sw-${n}`), ...RECORDINGS]);
    expect(new Set(sim.devices.map((d) => d.port)).size).to.equal(sim.devices.length);
    expect(sim.devices.every((d) => d.host === '127.0.0.1' && d.port > 0)).to.equal(true);
  });

  for (const name of RECORDINGS) {
    it(`${name}: a full snmpbulkwalk returns exactly the recording, in its order`, async () => {
      const rec = loadSnmprec(`${DIR}/${name}.snmprec`);
      const t0 = Date.now();
      const r = await snmp('snmpbulkwalk', dev(name).port, ['-Cr50', '.1']);
      const ms = Date.now() - t0;
      expect(r.code, r.stderr).to.equal(0);
      expect(walkedOids(r.stdout)).to.deep.equal(rec.records.map((v) => v.oid));
      if (rec.size > 5000) console.log(`      (${rec.size} varbinds walked in ${ms} ms)`);
    });
  }

  it('a subtree walk counts what the recording holds under it, with GETBULK and GETNEXT alike', async () => {
    const rec = loadSnmprec(`${DIR}/ios_2960x.snmprec`);
    for (const root of ['1.3.6.1.2.1.31.1.1.1', '1.3.6.1.2.1.2.2.1.8', '1.3.6.1.2.1.1']) {
      const bulk = await snmp('snmpbulkwalk', dev('ios_2960x').port, [root]);
      const next = await snmp('snmpwalk', dev('ios_2960x').port, [root]);
      expect(walkedOids(bulk.stdout), root).to.have.length(rec.walk(root).length);
      expect(walkedOids(next.stdout), root).to.deep.equal(walkedOids(bulk.stdout));
    }
  });

  it('GET answers values, and noSuchObject / noSuchInstance for what is missing', async () => {
    const r = await snmp('snmpget', dev('ios_2960x').port, ['1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.1.99.0', `${IF_HC_IN}.424242`]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.equal(`.1.3.6.1.2.1.1.2.0 = OID: .${loadSnmprec(`${DIR}/ios_2960x.snmprec`).get('1.3.6.1.2.1.1.2.0')!.value}`);
    expect(lines[1]).to.match(/No Such Object/);
    expect(lines[2]).to.match(/No Such Instance/);
  });

  it('SNMPv1 works too (without Counter64), and SET is refused', async () => {
    const v1 = await snmp('snmpget', dev('sim-sw-01').port, [SYS_NAME], { version: '1' });
    expect(v1.stdout).to.contain('"sim-sw-01"');
    const set = await snmp('snmpset', dev('sim-sw-01').port, [SYS_NAME, 's', 'x']);
    expect(set.code).to.not.equal(0);
    expect(set.stderr).to.match(/notWritable/);
  });

  it('generated switches answer their sysName', async () => {
    for (const d of sim.devices.filter((x) => x.name.startsWith('sim-sw-'))) {
      const r = await snmp('snmpget', d.port, ['-Oqv', SYS_NAME]);
      expect(r.stdout.trim().replace(/"/g, '')).to.equal(d.sysName).and.equal(d.name);
    }
  });

  it('LLDP neighbours agree on both ends and with the declared links, forming a connected site', async () => {
    const switches = sim.devices.filter((x) => x.name.startsWith('sim-sw-'));
    const seen = new Map<string, { ifName: Map<string, string>; rows: { localPort: string; remote: string; remotePort: string }[] }>();
    for (const d of switches) {
      const names = walkedValues((await snmp('snmpbulkwalk', d.port, ['-Oq', IF_NAME])).stdout);
      const ifName = new Map([...names].map(([oid, v]) => [oid.split('.').pop()!, v]));
      const rem = walkedValues((await snmp('snmpbulkwalk', d.port, ['-Oq', LLDP_REM])).stdout);
      const rows = [...rem.keys()].filter((oid) => oid.startsWith(`${LLDP_REM}.9.`)).map((oid) => {
        const idx = oid.slice(`${LLDP_REM}.9.`.length);
        return { localPort: ifName.get(idx.split('.')[1])!, remote: rem.get(oid)!, remotePort: rem.get(`${LLDP_REM}.7.${idx}`)! };
      });
      seen.set(d.sysName, { ifName, rows });
      expect(rows, d.name).to.have.deep.members(d.links);
    }
    for (const [name, { rows }] of seen) {
      for (const row of rows) {
        expect(seen.get(row.remote)!.rows, `${name} ${row.localPort} → ${row.remote}`).to.deep.include({ localPort: row.remotePort, remote: name, remotePort: row.localPort });
      }
    }
    const links = siteLinks(sim);
    expect(links.length).to.equal([...seen.values()].reduce((n, s) => n + s.rows.length, 0) / 2);
    expect(links.length).to.be.at.least(switches.length - 1);
    const reached = new Set([switches[0].sysName]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const l of links) {
        if (reached.has(l.a.node) !== reached.has(l.b.node)) {
          reached.add(l.a.node).add(l.b.node);
          grew = true;
        }
      }
    }
    expect(reached.size, 'every switch reachable').to.equal(switches.length);
  });

  it('traffic counters and sysUpTime advance between two reads (generated and recorded)', async () => {
    const sw = dev('sim-sw-01');
    const port = sw.links[0].localPort.slice(3);
    const rec = loadSnmprec(`${DIR}/ios_2960x.snmprec`);
    const upIndex = rec.walk(IF_OPER).find((v) => v.value === 1 && rec.get(`${IF_HC_IN}.${v.oid.split('.').pop()}`))!.oid.split('.').pop();
    const read = async (p: number, oids: string[]) => (await snmp('snmpget', p, ['-Oqv', '-Ot', ...oids])).stdout.trim().split('\n').map((s) => BigInt(s));
    const a = [await read(sw.port, [`${IF_HC_IN}.${port}`, '1.3.6.1.2.1.1.3.0']), await read(dev('ios_2960x').port, [`${IF_HC_IN}.${upIndex}`, '1.3.6.1.2.1.1.3.0'])];
    await new Promise((r) => setTimeout(r, 300));
    const b = [await read(sw.port, [`${IF_HC_IN}.${port}`, '1.3.6.1.2.1.1.3.0']), await read(dev('ios_2960x').port, [`${IF_HC_IN}.${upIndex}`, '1.3.6.1.2.1.1.3.0'])];
    for (const i of [0, 1]) {
      expect(b[i][0] > a[i][0], `counter ${a[i][0]} → ${b[i][0]}`).to.equal(true);
      expect(Number(b[i][1] - a[i][1])).to.be.within(25, 200); // hundredths: ~0.3 s passed
    }
    expect(a[1][0] >= BigInt(rec.get(`${IF_HC_IN}.${upIndex}`)!.value as bigint)).to.equal(true);
  });

  it('setDown makes snmpget time out, and setDown(false) brings the device back', async () => {
    const d = dev('sim-sw-02');
    sim.setDown(d.name, true);
    const down = await snmp('snmpget', d.port, [SYS_NAME], { timeoutS: 0.3, retries: 0 });
    expect(down.code).to.not.equal(0);
    expect(down.stderr).to.match(/Timeout/);
    sim.setDown(d.name, false);
    const up = await snmp('snmpget', d.port, [SYS_NAME]);
    expect(up.stdout).to.contain('sim-sw-02');
    expect(() => sim.setDown('no-such-device', true)).to.throw(/no device/);
  });

  it('a wrong community gets no answer', async () => {
    const r = await snmp('snmpget', dev('sim-sw-03').port, [SYS_NAME], { community: 'not-the-community', timeoutS: 0.3, retries: 0 });
    expect(r.stderr).to.match(/Timeout/);
  });

  it('the plugin service starts on subscribe (sim-started, no community) and frees its ports on unsubscribe', async () => {
    const service = plugin.services!.simulator;
    const config = { host: '127.0.0.1', basePort: 0, community: 'secret-community', site: { switches: 2, portsPerSwitch: 2, seed: 1 } };
    const ctx: ProbeContext<unknown> = {
      id: 'simulator/t', kind: 'simulator', name: 't', config, intervalMs: 0, log, scheduler: asyncScheduler, clients: { snmp: {} as SnmpClient, poll: createPollRequests(), ports: createPortDirectory() },
    };
    expect(plugin).to.deep.include({ name: 'simulator', version: '1.0.0', sdk: '^1', probes: {} });
    const obs = service.create(config, ctx as never);
    const events: Observation[] = [];
    const started = firstValueFrom(obs);
    const sub = obs.subscribe((o) => events.push(o));
    const first = await started; // a second subscription: a second simulator, stopped by firstValueFrom
    while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
    const ev = events[0];
    expect(ev).to.deep.include({ kind: 'event', type: 'sim-started', entity: 'node:vigie', severity: 'info' });
    expect(first).to.deep.include({ type: 'sim-started' });
    expect(JSON.stringify(ev)).to.not.contain('secret-community');
    const devices = (ev as Extract<Observation, { kind: 'event' }>).data!.devices as { sysName: string; port: number }[];
    expect(devices.map((d) => d.sysName)).to.deep.equal(['sim-sw-01', 'sim-sw-02']);
    const r = await snmp('snmpget', devices[1].port, ['-Oqv', SYS_NAME], { community: 'secret-community' });
    expect(r.stdout).to.contain('sim-sw-02');
    sub.unsubscribe();
    await new Promise((res) => setTimeout(res, 50));
    expect(await Promise.all(devices.map((d) => portFree(d.port)))).to.deep.equal([true, true]);
  });
});

describe('simulator sockets (no SNMP tools needed)', function () {
  this.timeout(15_000);

  it('stop() frees every port', async () => {
    const other = await startSimulator({ basePort: 0, site: { switches: 3, portsPerSwitch: 2, seed: 1 } }, log);
    const ports = other.devices.map((d) => d.port);
    expect(await Promise.all(ports.map(portFree))).to.deep.equal([false, false, false]);
    await other.stop();
    await other.stop(); // idempotent
    expect(await Promise.all(ports.map(portFree))).to.deep.equal([true, true, true]);
  });

  it('a fixed basePort puts device k on basePort + k, and a taken port fails with E_SIMULATOR', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    const taken = holder.address().port;
    try {
      const err = await startSimulator({ basePort: taken, recordings: [{ file: 'acano' }] }, log).then(() => undefined, (e: unknown) => e);
      expect(isVigieError(err, 'E_SIMULATOR'), String(err)).to.equal(true);
      expect((err as Error).message).to.contain(`127.0.0.1:${taken}`);
    } finally {
      holder.close();
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const base = 20000 + Math.floor(Math.random() * 30000);
      const s = await startSimulator({ basePort: base, site: { switches: 2, portsPerSwitch: 2, seed: 1 } }, log).catch(() => undefined);
      if (!s) continue; // a port of the range was busy: try another
      expect(s.devices.map((d) => d.port)).to.deep.equal([base, base + 1]);
      await s.stop();
      return;
    }
    expect.fail('no free pair of ports found');
  });

  it('refuses a non-loopback host before binding anything', async () => {
    for (const host of ['0.0.0.0', '192.0.2.1']) {
      const err = await startSimulator({ host } as Partial<SimulatorConfig>, log).then(() => undefined, (e: unknown) => e);
      expect(isVigieError(err, 'E_CONFIG'), `${host}: ${String(err)}`).to.equal(true);
    }
  });
});
