import { expect } from 'chai';
import type { TopoLink, TopoNode, TopoPort } from '../../../web/src/context.js';
import { identityFields } from '../../../web/src/panel/identity.js';
import { neighboursOf } from '../../../web/src/panel/neighbours.js';
import { latestUptime, uptimeNow } from '../../../web/src/panel/uptime.js';

function node(id: string, attrs: Record<string, unknown> = {}, extra: Partial<TopoNode> = {}): TopoNode {
  return { id, name: id.slice(5), kind: 'switch', state: 'up', attrs, ...extra };
}

describe('web panel: identity, neighbours, uptime', () => {
  it('lists identity and inventory fields, inventory first then its components then attrs', () => {
    const n = node('node:r1', {
      sysDescr: 'EdgeOS v1.2', inventory: { model: 'ER-4', software: '1.2.0', components: [{ index: 1, class: 'chassis', serial: 'F09FC2' }] }, firmware: 'fw-9',
    }, { address: '127.0.0.1', site: 'hq' });
    const byKey = Object.fromEntries(identityFields(n).map((f) => [f.key, f.value]));
    expect(byKey).to.include({ address: '127.0.0.1', site: 'hq', sysDescr: 'EdgeOS v1.2', model: 'ER-4', serial: 'F09FC2', firmware: 'fw-9', software: '1.2.0' });
    expect(identityFields(node('node:x', { serial: '  ' })).map((f) => f.key), 'blank values are left out').to.deep.equal([]);
  });

  it('finds the node at the other end of each link, with port names', () => {
    const nodes = new Map([['node:a', node('node:a')], ['node:b', node('node:b')]]);
    const ports = new Map<string, TopoPort>([['port:a/eth1', { id: 'port:a/eth1', node: 'node:a', name: 'eth1', state: 'up', rates: {}, attrs: {} }]]);
    const links: TopoLink[] = [
      { id: 'l1', a: { node: 'node:a', port: 'port:a/eth1' }, b: { node: 'node:b', port: 'port:b/ge-0/0/1' }, state: 'up', rates: {}, attrs: { protocol: 'lldp' } },
      { id: 'l2', a: { node: 'node:c' }, b: { node: 'node:a' }, state: 'down', origin: 'config', rates: {}, attrs: {} },
      { id: 'l3', a: { node: 'node:b' }, b: { node: 'node:c' }, state: 'up', rates: {}, attrs: {} },
    ];
    const nb = neighboursOf('node:a', links, nodes, ports);
    expect(nb.map((n) => [n.node, n.name, n.localPort, n.remotePort, n.state, n.origin])).to.deep.equal([
      ['node:b', 'b', 'eth1', 'ge-0/0/1', 'up', 'lldp'],
      ['node:c', 'c', undefined, undefined, 'down', 'config'],
    ]);
  });

  it('takes the latest uptime sample and extrapolates it', () => {
    const pts = [{ t: 0, avg: 100, max: 101 }, { t: 5000, avg: 105, max: 106 }, { t: 10_000, avg: NaN }];
    const s = latestUptime(pts, 5000, 60_000);
    expect(s).to.deep.equal({ seconds: 106, at: 10_000 });
    expect(uptimeNow(s, 20_000)).to.equal(116);
    expect(latestUptime([], 5000, 1)).to.equal(undefined);
    expect(uptimeNow(undefined, 1)).to.equal(undefined);
  });
});

describe('web panel: identity placeholders', () => {
  it('leaves out placeholder values such as <private>', () => {
    const n: TopoNode = { id: 'node:r', name: 'r', kind: 'router', state: 'up', attrs: { sysLocation: '<private>', sysContact: ' noc@x ' } };
    expect(identityFields(n).map((f) => [f.key, f.value])).to.deep.equal([['sysContact', 'noc@x']]);
  });
});
