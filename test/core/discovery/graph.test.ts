/** Identity merging and link matching, on hand-made device reports (no I/O). */
import { expect } from 'chai';
import { linkId, nodeId, portId, type LinkEnd } from '../../../plugins/sdk/index.js';
import { deviceIdentity } from '../../../plugins/sdk/snmp/device/identity.js';
import { buildTopology, type PolledRecord } from '../../../core/discovery/graph.js';
import type { DeviceReport, Neighbour, NeighbourProtocol } from '../../../core/discovery/types.js';

/** A neighbour row: the local port, the remote node's name and the remote port as this side names it. */
interface Row {
  local: string;
  remote: string;
  port: string;
  protocol?: NeighbourProtocol;
  chassisId?: string;
  addresses?: string[];
}

function dev(host: string, sysName: string, chassisId: string | undefined, rows: Row[], ports: { name: string; mac?: string }[] = []): PolledRecord {
  const identity = deviceIdentity({ sysName, sysObjectID: '1.3.6.1.4.1.9', chassisId, fallback: host });
  const self = identity.node;
  const neighbours: Neighbour[] = rows.map((r) => ({
    protocol: r.protocol ?? 'lldp', node: nodeId(r.remote), name: r.remote, addresses: r.addresses ?? [], kind: 'switch',
    ...(r.chassisId ? { chassisId: r.chassisId } : {}),
  }));
  const links = rows.map((r) => {
    const a: LinkEnd = { node: self, port: portId(self, r.local) };
    const b: LinkEnd = { node: nodeId(r.remote), port: portId(nodeId(r.remote), r.port) };
    return { id: linkId(a, b), protocol: r.protocol ?? 'lldp', remote: b.node, facts: { a, b } };
  });
  const report: DeviceReport = { sysName, sysObjectID: '1.3.6.1.4.1.9', sysDescr: '', chassisId, identity, kind: 'switch', neighbours, links, ports, complete: true };
  return { endpoint: { host, port: 161 }, report };
}

const none = { reasons: new Map<string, string>(), contacted: [], failures: [] };
const keys = (t: ReturnType<typeof buildTopology>) => t.links.map((l) => `${l.a.node}/${l.a.port}|${l.b.node}/${l.b.port}`);

describe('discovery: topology assembly', () => {
  it('a link seen from both ends is one link', () => {
    const t = buildTopology({
      polled: [dev('192.0.2.1', 'a', undefined, [{ local: 'Gi1/0/1', remote: 'b', port: 'Gi0/1' }]), dev('192.0.2.2', 'b', undefined, [{ local: 'Gi0/1', remote: 'a', port: 'Gi1/0/1' }])],
      ...none,
    });
    expect(keys(t)).to.deep.equal(['node:a/Gi1/0/1|node:b/Gi0/1']);
    expect(t.nodes.map((n) => [n.id, n.polled])).to.deep.equal([['node:a', true], ['node:b', true]]);
  });

  it('each end named by its own device: a port LLDP names by its MAC is the polled port with that MAC, or the one link back', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', 'a', undefined, [{ local: 'swp1', remote: 'b', port: '02:00:00:00:0b:01' }, { local: 'swp2', remote: 'b', port: 'port two' }], [{ name: 'swp1', mac: '02:00:00:00:0a:01' }]),
        dev('192.0.2.2', 'b', undefined, [{ local: 'swp1', remote: 'a', port: '02:00:00:00:0a:01' }, { local: 'swp2', remote: 'a', port: 'swp2' }], [{ name: 'swp1', mac: '02:00:00:00:0b:01' }]),
      ],
      ...none,
    });
    expect(keys(t)).to.deep.equal(['node:a/swp1|node:b/swp1', 'node:a/swp2|node:b/swp2']);
  });

  it('parallel links between two devices stay two links', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', 'a', undefined, [{ local: 'p1', remote: 'b', port: 'q1' }, { local: 'p2', remote: 'b', port: 'q2' }]),
        dev('192.0.2.2', 'b', undefined, [{ local: 'q1', remote: 'a', port: 'p1' }, { local: 'q2', remote: 'a', port: 'p2' }]),
      ],
      ...none,
    });
    expect(keys(t)).to.deep.equal(['node:a/p1|node:b/q1', 'node:a/p2|node:b/q2']);
  });

  it('a device polled through two addresses is one node (same chassis id), with both addresses', () => {
    const t = buildTopology({ polled: [dev('192.0.2.1', 'core', '02:00:00:00:00:01', []), dev('198.51.100.1', 'core.example', '02:00:00:00:00:01', [])], ...none });
    expect(t.nodes.map((n) => n.id)).to.deep.equal(['node:core']);
    expect(t.nodes[0].addresses).to.deep.equal(['192.0.2.1', '198.51.100.1']);
  });

  it('a neighbour seen by two polled devices is one unpolled node, with the reason it was not polled', () => {
    const leaf = { remote: 'Leaf-7', addresses: ['203.0.113.7'] };
    const t = buildTopology({
      ...none,
      polled: [dev('192.0.2.1', 'a', undefined, [{ local: 'p9', port: 'eth0', ...leaf }]), dev('192.0.2.2', 'b', undefined, [{ local: 'q9', port: 'eth1', ...leaf }])],
      reasons: new Map([['node:leaf-7', 'outside the allow-list (203.0.113.7)']]),
    });
    const leafNode = t.nodes.find((n) => n.id === 'node:leaf-7')!;
    expect(leafNode).to.include({ polled: false, reason: 'outside the allow-list (203.0.113.7)', address: '203.0.113.7', name: 'Leaf-7' });
    expect(keys(t)).to.deep.equal(['node:a/p9|node:leaf-7/eth0', 'node:b/q9|node:leaf-7/eth1']);
  });

  it('a neighbour known by its chassis id is the node polled under its sysName', () => {
    const t = buildTopology({
      polled: [dev('192.0.2.1', 'a', undefined, [{ local: 'p1', remote: '02:00:00:00:00:0b', port: 'x1' }]), dev('192.0.2.2', 'b', '02:00:00:00:00:0b', [{ local: 'x1', remote: 'a', port: 'p1' }])],
      ...none,
    });
    expect(t.nodes.map((n) => n.id)).to.deep.equal(['node:a', 'node:b']);
    expect(keys(t)).to.deep.equal(['node:a/p1|node:b/x1']);
  });

  it('merges LLDP and CDP reports of the same link (LLDP first)', () => {
    const t = buildTopology({
      polled: [dev('192.0.2.1', 'a', undefined, [{ local: 'p1', remote: 'b', port: 'q1', protocol: 'cdp' }, { local: 'p1', remote: 'b', port: 'q1' }])],
      ...none,
    });
    expect(t.links).to.have.length(1);
    expect(t.links[0].protocols).to.deep.equal(['lldp', 'cdp']);
  });
});
