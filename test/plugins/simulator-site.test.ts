/**
 * The simulator's generated site and config, without sockets: the cabling is a connected graph,
 * deterministic from the seed, and each switch's recording agrees with it.
 */
import { expect } from 'chai';
import { isVigieError, vbString } from '../../plugins/sdk/index.js';
import { generateSite, resolveConfig, siteCables, switchName } from '../../plugins/simulator/index.js';

const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';

function connected(n: number, edges: [number, number][]): boolean {
  const adj = Array.from({ length: n }, () => [] as number[]);
  for (const [a, b] of edges) {
    adj[a].push(b);
    adj[b].push(a);
  }
  const seen = new Set([0]);
  const stack = [0];
  while (stack.length) {
    for (const m of adj[stack.pop()!]) {
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return seen.size === n;
}

describe('simulator: generated site', () => {
  for (const spec of [
    { switches: 10, portsPerSwitch: 8, seed: 1 },
    { switches: 2, portsPerSwitch: 2, seed: 5 },
    { switches: 40, portsPerSwitch: 2, seed: 9 },
    { switches: 60, portsPerSwitch: 4, seed: 123 },
  ]) {
    it(`cables ${spec.switches} switches of ${spec.portsPerSwitch} ports as a connected graph (seed ${spec.seed})`, () => {
      const cables = siteCables(spec);
      expect(cables.length).to.be.at.least(spec.switches - 1);
      expect(connected(spec.switches, cables.map((c) => [c.a, c.b]))).to.equal(true);
      const used = new Set<string>();
      for (const c of cables) {
        expect(c.a).to.not.equal(c.b);
        for (const end of [`${c.a}/${c.pa}`, `${c.b}/${c.pb}`]) {
          expect(used.has(end), `port ${end} cabled twice`).to.equal(false);
          used.add(end);
        }
        expect(Math.max(c.pa, c.pb)).to.be.at.most(spec.portsPerSwitch);
      }
      if (spec.switches >= 10 && spec.portsPerSwitch > 2) expect(cables.length, 'some cross links').to.be.greaterThan(spec.switches - 1);
    });
  }

  it('is deterministic from the seed, and the seed matters', () => {
    const a = generateSite({ switches: 12, portsPerSwitch: 6, seed: 42 });
    const b = generateSite({ switches: 12, portsPerSwitch: 6, seed: 42 });
    const c = siteCables({ switches: 12, portsPerSwitch: 6, seed: 43 });
    expect(a.map((s) => s.links)).to.deep.equal(b.map((s) => s.links));
    expect(a.map((s) => s.recording.records.map((r) => [r.oid, String(r.value)]))).to.deep.equal(b.map((s) => s.recording.records.map((r) => [r.oid, String(r.value)])));
    expect(siteCables({ switches: 12, portsPerSwitch: 6, seed: 42 })).to.not.deep.equal(c);
  });

  it('names switches sim-sw-01… and gives each the system group, ports and LLDP rows of its links', () => {
    const site = generateSite({ switches: 10, portsPerSwitch: 8, seed: 1 });
    expect(site.map((s) => s.name)).to.deep.equal([...Array(10).keys()].map((i) => `sim-sw-${String(i + 1).padStart(2, '0')}`));
    expect(switchName(99, 100)).to.equal('sim-sw-100');
    const byName = new Map(site.map((s) => [s.name, s]));
    for (const sw of site) {
      const rec = sw.recording;
      expect(vbString(rec.get('1.3.6.1.2.1.1.5.0'))).to.equal(sw.name);
      expect(rec.walk('1.3.6.1.2.1.31.1.1.1.1').map(vbString)).to.deep.equal([...Array(8).keys()].map((i) => `eth${i + 1}`));
      expect(rec.walk('1.3.6.1.2.1.31.1.1.1.6').every((v) => v.type === 'Counter64')).to.equal(true);
      const remNames = rec.walk(`${LLDP_REM}.9`);
      expect(remNames).to.have.length(sw.links.length);
      for (const link of sw.links) {
        const local = Number(link.localPort.slice(3));
        expect(vbString(rec.get(`${LLDP_REM}.9.0.${local}.1`))).to.equal(link.remote);
        expect(vbString(rec.get(`${LLDP_REM}.7.0.${local}.1`))).to.equal(link.remotePort);
        expect(rec.get(`1.3.6.1.2.1.2.2.1.8.${local}`)!.value, 'a cabled port is up').to.equal(1);
        const far = byName.get(link.remote)!;
        expect(far.links).to.deep.include({ localPort: link.remotePort, remote: sw.name, remotePort: link.localPort });
        const farChassis = far.recording.get('1.0.8802.1.1.2.1.3.2.0')!.value as Buffer;
        expect((rec.get(`${LLDP_REM}.5.0.${local}.1`)!.value as Buffer).equals(farChassis)).to.equal(true);
      }
    }
  });

  it('config: defaults, a default site when nothing else is served, loopback only', () => {
    const cfg = resolveConfig({});
    expect(cfg).to.deep.include({ host: '127.0.0.1', basePort: 16100, community: 'public', recordings: [] });
    expect(cfg.site).to.deep.equal({ switches: 10, portsPerSwitch: 8, seed: 1 });
    expect(resolveConfig({ site: { switches: 3 } as never }).site).to.deep.equal({ switches: 3, portsPerSwitch: 8, seed: 1 });
    const withRec = resolveConfig({ recordings: [{ file: 'acano' }] });
    expect(withRec.site).to.equal(undefined);
    expect(withRec.recordings[0].name).to.equal('acano');
    expect(withRec.recordings[0].path).to.match(/\/acano\.snmprec$/);
    for (const host of ['0.0.0.0', '198.18.0.1', '203.0.113.7', '::', 'example.com']) {
      expect(() => resolveConfig({ host }), host).to.throw(/host/);
    }
    expect(resolveConfig({ host: '127.0.0.2' }).host).to.equal('127.0.0.2');
    expect(resolveConfig({ host: '::1' }).host).to.equal('::1');
    try {
      resolveConfig({ community: '' });
      expect.fail('an empty community must be refused');
    } catch (e) {
      expect(isVigieError(e, 'E_CONFIG')).to.equal(true);
      expect((e as Error).message).to.contain('/community').and.contain('(hidden)');
    }
    expect(() => resolveConfig({ recordings: [{ file: 'no-such-device' }] })).to.throw(/does not exist/);
  });
});
