/** `--write-config`: merging discovered probes and links into a YAML config, keeping the rest. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadDaemonConfig } from '../../../core/daemon.js';
import { mergeDiscoveryIntoConfig, probeName } from '../../../core/discovery/write-config.js';
import type { DiscoveredTopology } from '../../../core/discovery/types.js';

const topo: DiscoveredTopology = {
  nodes: [
    { id: 'node:sw-01', name: 'sw-01', kind: 'switch', address: '127.0.0.1', port: 16100, polled: true, addresses: ['127.0.0.1'] },
    { id: 'node:sw 02', name: 'SW 02', kind: 'switch', address: '127.0.0.2', port: 161, polled: true, addresses: ['127.0.0.2'] },
    { id: 'node:phone', name: 'phone', kind: 'unknown', address: '192.0.2.9', polled: false, reason: 'outside the allow-list', addresses: ['192.0.2.9'] },
  ],
  links: [
    { a: { node: 'node:sw-01', port: 'eth1' }, b: { node: 'node:sw 02', port: 'eth2' }, protocols: ['lldp'] },
    { a: { node: 'node:phone', port: 'Port 1' }, b: { node: 'node:sw-01', port: 'eth3' }, protocols: ['cdp'] },
  ],
  contacted: [],
  failures: [],
};

const existing = `# my site
server:
  port: 9090   # keep me
probes:
  - kind: snmp-system
    name: sw-01          # watched already, on another address: updated
    target: { host: 127.0.0.9, port: 16100, community: old }
topology:
  links:
    - a: { node: SW-01, port: eth1 }   # declared by hand, the other way round
      b: { node: sw 02, port: eth2 }
`;

describe('discovery: --write-config', () => {
  it('adds a probe per polled node and the links, keeping keys, comments and hand-made entries', () => {
    const r = mergeDiscoveryIntoConfig(existing, topo, { kind: 'snmp-system', agent: { version: '2c', community: 'c0mmunity' } });
    expect(r.text).to.include('# my site').and.match(/port: 9090 +# keep me/).and.include('# declared by hand');
    const doc = parse(r.text);
    expect(doc.server).to.deep.equal({ port: 9090 });
    expect(doc.probes).to.deep.equal([
      { kind: 'snmp-system', name: 'sw-01', target: { host: '127.0.0.1', port: 16100, community: 'old' } },
      { kind: 'snmp-system', name: 'sw-02', target: { host: '127.0.0.2', community: 'c0mmunity' } },
    ]);
    expect(r.probesAdded).to.deep.equal(['sw-02']);
    expect(r.probesUpdated).to.deep.equal(['sw-01']);
    expect(doc.topology.links).to.have.length(2);
    expect(doc.topology.links[1]).to.deep.equal({ a: { node: 'phone', port: 'Port 1' }, b: { node: 'sw-01', port: 'eth3' } });
    expect(r.linksAdded).to.equal(1);
    expect(JSON.stringify(r), 'the summary never carries the community... except in the file text').to.include('c0mmunity');
    expect(JSON.stringify({ ...r, text: '' })).to.not.include('c0mmunity');
  });

  it('is idempotent: merging the same discovery twice adds nothing', () => {
    const once = mergeDiscoveryIntoConfig(undefined, topo, { kind: 'switch', agent: { version: '2c', community: 'c' } });
    const twice = mergeDiscoveryIntoConfig(once.text, topo, { kind: 'switch', agent: { version: '2c', community: 'c' } });
    expect(twice.probesAdded).to.deep.equal([]);
    expect(twice.linksAdded).to.equal(0);
    expect(parse(twice.text)).to.deep.equal(parse(once.text));
  });

  it('writes SNMPv3 credentials instead of a community', () => {
    const v3 = { user: 'mon', level: 'authPriv' as const, authProtocol: 'sha256' as const, authKey: 'auth-key-1', privProtocol: 'aes' as const, privKey: 'priv-key-1' };
    const r = mergeDiscoveryIntoConfig('', topo, { kind: 'snmp-system', agent: { version: '3', v3 } });
    const doc = parse(r.text);
    expect(doc.probes[0].target).to.deep.equal({ host: '127.0.0.1', port: 16100, version: '3', v3 });
  });

  it('produces a config the daemon loads (probes validated against their kind)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-wc-'));
    try {
      const file = path.join(dir, 'vigie.yaml');
      writeFileSync(file, mergeDiscoveryIntoConfig(existing, topo, { kind: 'snmp-system', agent: { version: '2c', community: 'c0mmunity' } }).text);
      const { config } = await loadDaemonConfig(file, { env: {} });
      expect(config.probes.map((p) => p.name)).to.deep.equal(['sw-01', 'sw-02']);
      expect(config.topology.links).to.have.length(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes valid probe names from any identity', () => {
    expect(probeName('sw-01.example.net')).to.equal('sw-01.example.net');
    expect(probeName('SW 02/1')).to.equal('SW-02-1');
    expect(probeName('02:76:69:00:01:00')).to.equal('02-76-69-00-01-00');
    expect(probeName('--')).to.equal('device');
  });

  it('refuses a file that is not a mapping', () => {
    expect(() => mergeDiscoveryIntoConfig('- a\n- b\n', topo, { kind: 'snmp-system', agent: {} as never })).to.throw(/not a YAML mapping/);
  });
});
