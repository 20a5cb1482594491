/** Identity merging and link matching, on hand-made device reports (no I/O). */
import { expect } from 'chai';
import { buildTopology, type PolledRecord } from '../../../core/discovery/graph.js';
import type { DeviceReport, Neighbour } from '../../../core/discovery/types.js';

const port = (name: string, ...aliases: string[]) => ({ name, aliases: [name, ...aliases] });

function nb(local: string, remote: Partial<Omit<Neighbour, 'port'>> & { port: string; portAliases?: string[] }): Neighbour {
  return {
    protocol: remote.protocol ?? 'lldp',
    localPort: port(local),
    chassisId: remote.chassisId,
    sysName: remote.sysName,
    port: port(remote.port, ...(remote.portAliases ?? [])),
    addresses: remote.addresses ?? [],
    kind: remote.kind ?? 'switch',
  };
}

function dev(host: string, sysName: string, chassisId: string | undefined, neighbours: Neighbour[], port = 161): PolledRecord {
  const report: DeviceReport = { sysName, sysObjectID: '1.3.6.1.4.1.9', sysDescr: '', chassisId, kind: 'switch', neighbours, complete: true };
  return { endpoint: { host, port }, report };
}

const keys = (t: ReturnType<typeof buildTopology>) => t.links.map((l) => `${l.a.node}/${l.a.port}|${l.b.node}/${l.b.port}`);

describe('discovery: topology assembly', () => {
  it('a link seen from both ends is one link, each end named by its own device', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', 'a', 'c:a', [nb('Gi1/0/1', { chassisId: 'c:b', sysName: 'b', port: 'GigabitEthernet0/1', portAliases: ['Gi0/1'] })]),
        // b names its port Gi0/1 (ifName) and advertises a's port by its long name.
        dev('192.0.2.2', 'b', 'c:b', [nb('Gi0/1', { chassisId: 'c:a', sysName: 'a', port: 'GigabitEthernet1/0/1', portAliases: ['Gi1/0/1'] })]),
      ],
      reasons: new Map(), contacted: [], failures: [],
    });
    expect(keys(t)).to.deep.equal(['node:a/Gi1/0/1|node:b/Gi0/1']);
    expect(t.nodes.map((n) => [n.id, n.polled])).to.deep.equal([['node:a', true], ['node:b', true]]);
  });

  it('parallel links between two devices stay two links', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', 'a', 'c:a', [nb('p1', { chassisId: 'c:b', port: 'q1' }), nb('p2', { chassisId: 'c:b', port: 'q2' })]),
        dev('192.0.2.2', 'b', 'c:b', [nb('q1', { chassisId: 'c:a', port: 'p1' }), nb('q2', { chassisId: 'c:a', port: 'p2' })]),
      ],
      reasons: new Map(), contacted: [], failures: [],
    });
    expect(keys(t)).to.deep.equal(['node:a/p1|node:b/q1', 'node:a/p2|node:b/q2']);
  });

  it('a device polled through two addresses is one node (same chassis id), with both addresses', () => {
    const t = buildTopology({
      polled: [dev('192.0.2.1', 'core', 'c:core', []), dev('198.51.100.1', 'core.example', 'c:core', [])],
      reasons: new Map(), contacted: [], failures: [],
    });
    expect(t.nodes).to.have.length(1);
    expect(t.nodes[0].addresses).to.deep.equal(['192.0.2.1', '198.51.100.1']);
  });

  it('a neighbour seen by two polled devices is one unpolled node, with the reason it was not polled', () => {
    const leaf = { chassisId: 'c:leaf', sysName: 'Leaf-7', port: 'eth0', addresses: ['203.0.113.7'], kind: 'unknown' as const };
    const t = buildTopology({
      polled: [dev('192.0.2.1', 'a', 'c:a', [nb('p9', leaf)]), dev('192.0.2.2', 'b', 'c:b', [nb('q9', { ...leaf, port: 'eth1' })])],
      reasons: new Map([['c:c:leaf', 'outside the allow-list (203.0.113.7)']]),
      contacted: [], failures: [],
    });
    const leafNode = t.nodes.find((n) => n.id === 'node:leaf-7')!;
    expect(leafNode).to.include({ polled: false, reason: 'outside the allow-list (203.0.113.7)', address: '203.0.113.7', name: 'Leaf-7' });
    expect(keys(t)).to.deep.equal(['node:a/p9|node:leaf-7/eth0', 'node:b/q9|node:leaf-7/eth1']);
  });

  it('names a node by sysName, else chassis id; a neighbour known only by chassis joins the node polled under its sysName', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', '', 'c:anon', [nb('p1', { chassisId: 'c:b', port: 'x1' })]),
        dev('192.0.2.2', 'b', 'c:b', [nb('x1', { chassisId: 'c:anon', port: 'p1' })]),
      ],
      reasons: new Map(), contacted: [], failures: [],
    });
    expect(t.nodes.map((n) => n.id)).to.deep.equal(['node:b', 'node:c:anon']);
    expect(keys(t)).to.deep.equal(['node:b/x1|node:c:anon/p1']);
  });

  it('merges LLDP and CDP reports of the same link, and ignores a device hearing its own frames on the same port', () => {
    const t = buildTopology({
      polled: [
        dev('192.0.2.1', 'a', 'c:a', [
          nb('p1', { sysName: 'b', port: 'q1' }),
          nb('p1', { protocol: 'cdp', sysName: 'b', port: 'q1' }),
          nb('p5', { chassisId: 'c:a', sysName: 'a', port: 'p5' }),
        ]),
      ],
      reasons: new Map(), contacted: [], failures: [],
    });
    expect(t.links).to.have.length(1);
    expect(t.links[0].protocols).to.deep.equal(['lldp', 'cdp']);
  });
});
