/**
 * GET /api/search: names, sysName, IP, serials (inventory and its components), port MACs and
 * MACs learnt behind ports, with any separator; ranking and limits.
 */
import { expect } from 'chai';
import { formatMac, macDigits } from '../../../core/server/search.js';
import { startHarness, type Harness } from './helpers.js';

async function search(h: Harness, q: string, extra = ''): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.server.url}/api/search?q=${encodeURIComponent(q)}${extra}`);
  return { status: res.status, body: await res.json() };
}

/** Two access switches and a core; a laptop's MAC is learnt on sw-01's access port and on both uplinks. */
function seed(h: Harness): void {
  const m = h.model;
  m.upsertNode('node:sw-01', {
    name: 'sw-01', kind: 'switch', address: '198.18.1.11',
    attrs: { sysName: 'sw-01.paris.example', inventory: { model: 'WS-C2960', serial: 'FOC1234X0AB', components: [{ serial: 'PSU-SER-77' }] } },
  });
  m.upsertNode('node:sw-02', { name: 'sw-02', kind: 'switch', address: '198.18.1.12', attrs: { serial: 'SN-0002' } });
  m.upsertNode('node:core', { name: 'core', kind: 'router', address: '198.18.1.1', attrs: { sysName: 'core-rtr' } });
  m.upsertPort('port:sw-01/Gi1/0/5', { node: 'node:sw-01', name: 'Gi1/0/5', attrs: { mac: '00:11:22:33:44:05', fdb: ['a4:5e:60:d1:22:33'], macs: 1 } });
  m.upsertPort('port:sw-01/Gi1/0/48', { node: 'node:sw-01', name: 'Gi1/0/48', attrs: { mac: '00:11:22:33:44:30', fdb: ['a4:5e:60:d1:22:33', '00:00:5e:00:01:01'], macs: 40 } });
  m.upsertPort('port:core/Gi0/1', { node: 'node:core', name: 'Gi0/1', attrs: { fdb: Array.from({ length: 100 }, (_, i) => `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`).concat('A4-5E-60-D1-22-33'), macs: 300 } });
}

describe('server search API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    seed(h);
  });
  afterEach(async () => h.close());

  it('finds a node by name, sysName and IP, best match first', async () => {
    const byName = await search(h, 'SW-0');
    expect(byName.status).to.equal(200);
    expect(byName.body.map((r: any) => r.node)).to.deep.equal(['node:sw-01', 'node:sw-02']);
    expect(byName.body[0]).to.deep.equal({ entity: 'node:sw-01', node: 'node:sw-01', label: 'sw-01', match: 'name', value: 'sw-01' });
    const exact = await search(h, 'core');
    expect(exact.body[0]).to.include({ node: 'node:core', match: 'name', value: 'core' });
    expect((await search(h, 'paris.example')).body).to.deep.equal([{ entity: 'node:sw-01', node: 'node:sw-01', label: 'sw-01', match: 'sysName', value: 'sw-01.paris.example' }]);
    const ip = await search(h, '198.18.1.1');
    expect(ip.body.map((r: any) => [r.node, r.match])).to.deep.equal([['node:core', 'ip'], ['node:sw-01', 'ip'], ['node:sw-02', 'ip']]);
    expect(ip.body.every((r: any) => r.match !== 'mac'), 'an address prefix is not taken for a MAC').to.equal(true);
  });

  it('finds a node by serial: the inventory\'s, a component\'s, or attrs.serial', async () => {
    expect((await search(h, 'foc1234')).body).to.deep.equal([{ entity: 'node:sw-01', node: 'node:sw-01', label: 'sw-01', match: 'serial', value: 'FOC1234X0AB' }]);
    expect((await search(h, 'psu-ser')).body[0]).to.include({ node: 'node:sw-01', match: 'serial', value: 'PSU-SER-77' });
    expect((await search(h, 'SN-0002')).body[0]).to.include({ node: 'node:sw-02', match: 'serial' });
  });

  it('finds a MAC whatever its separators, access port before uplinks', async () => {
    for (const q of ['a4:5e:60:d1:22:33', 'A45E.60D1.2233', 'a4-5e-60', 'A45E60D12233']) {
      const r = await search(h, q);
      expect(r.body.map((x: any) => x.entity), q).to.deep.equal(['port:sw-01/Gi1/0/5', 'port:sw-01/Gi1/0/48', 'port:core/Gi0/1']);
      expect(r.body[0]).to.deep.equal({ entity: 'port:sw-01/Gi1/0/5', node: 'node:sw-01', label: 'sw-01 Gi1/0/5', match: 'mac', value: 'a4:5e:60:d1:22:33' });
    }
    // the port's own MAC ranks before a learnt one
    const own = await search(h, '0011.2233.4405');
    expect(own.body).to.deep.equal([{ entity: 'port:sw-01/Gi1/0/5', node: 'node:sw-01', label: 'sw-01 Gi1/0/5', match: 'mac', value: '00:11:22:33:44:05' }]);
    expect((await search(h, 'a4:5')).body, 'fewer than 4 hex digits is not a MAC query').to.deep.equal([]);
  });

  it('honours limit, answers [] for no match, and 400 for a missing q or a bad limit', async () => {
    expect((await search(h, '02:00:00:00', '&limit=7')).body).to.have.length(7);
    expect((await search(h, '02:00:00:00')).body).to.have.length(20);
    expect((await search(h, 'nothing-like-this')).body).to.deep.equal([]);
    for (const [path, param] of [['/api/search', 'q'], ['/api/search?q=', 'q'], ['/api/search?q=sw&limit=0', 'limit'], ['/api/search?q=sw&limit=x', 'limit'], [`/api/search?q=${'x'.repeat(201)}`, 'q']]) {
      const res = await fetch(h.server.url + path);
      expect(res.status, path).to.equal(400);
      expect(((await res.json()) as any).error.param, path).to.equal(param);
    }
  });

  it('follows the live model: a node added or removed is found or not at once', async () => {
    h.model.upsertNode('node:ap-9', { name: 'ap-9', kind: 'unknown' });
    expect((await search(h, 'ap-9')).body.map((r: any) => r.node)).to.deep.equal(['node:ap-9']);
    h.model.remove('node:sw-01');
    expect((await search(h, 'a4:5e:60:d1:22:33')).body.map((r: any) => r.entity)).to.deep.equal(['port:core/Gi0/1']);
  });

  it('normalises MACs: digits of any separator, formatted in pairs', () => {
    expect(macDigits('AA:BB:CC:DD:EE:FF')).to.equal('aabbccddeeff');
    expect(macDigits('aabb.ccdd.eeff')).to.equal('aabbccddeeff');
    expect(macDigits('aa-bb-cc')).to.equal('aabbcc');
    expect(macDigits('sw-01')).to.equal(undefined);
    expect(macDigits('aa::bb')).to.equal(undefined);
    expect(formatMac('aabbccddeeff')).to.equal('aa:bb:cc:dd:ee:ff');
  });
});
