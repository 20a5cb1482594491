import { expect } from 'chai';
import { Observable } from 'rxjs';
import { definePlugin, defineProbe, entityType, isVigieError, linkId, nodeId, nodeOfPort, portId, Type } from '../../../plugins/sdk/index.js';

describe('sdk: entity ids', () => {
  it('derives node ids from identity, normalised', () => {
    expect(nodeId('  Core-SW1 ')).to.equal('node:core-sw1');
    expect(nodeId('Main Office/Rack 2')).to.equal('node:main-office_rack-2');
  });

  it('keeps port names and finds the node of a port', () => {
    const p = portId(nodeId('sw1'), 'GigabitEthernet1/0/1');
    expect(p).to.equal('port:sw1/GigabitEthernet1/0/1');
    expect(nodeOfPort(p)).to.equal('node:sw1');
    expect(entityType(p)).to.equal('port');
  });

  it('gives the same link id from both sides', () => {
    const a = { node: 'node:a', port: 'port:a/eth1' };
    const b = { node: 'node:b', port: 'port:b/eth9' };
    expect(linkId(a, b)).to.equal(linkId(b, a)).and.equal('link:port:a/eth1--port:b/eth9');
  });

  it('refuses an empty identity with a coded error', () => {
    try {
      nodeId('   ');
      expect.fail('should throw');
    } catch (e) {
      expect(isVigieError(e, 'E_ENTITY_ID')).to.equal(true);
    }
  });
});

describe('sdk: definePlugin', () => {
  it('accepts a well-formed plugin and infers the config type', () => {
    const p = definePlugin({
      name: 'x', version: '1.0.0', sdk: '^1',
      probes: {
        ping: defineProbe({
          description: 'test', defaultIntervalMs: 1000,
          configSchema: Type.Object({ host: Type.String() }),
          create: (target) => new Observable((s) => s.next({ kind: 'metric', at: 0, entity: nodeId(target.host), name: 'x', value: 1 })),
        }),
      },
    });
    expect(Object.keys(p.probes)).to.deep.equal(['ping']);
  });

  it('refuses a bad kind name or a probe without create()', () => {
    expect(() => definePlugin({ name: 'x', version: '1', sdk: '^1', probes: { 'Bad Kind': { create: () => new Observable(), configSchema: Type.Object({}), description: '', defaultIntervalMs: 1 } } }))
      .to.throw(/bad kind name/);
    expect(() => definePlugin({ name: 'x', version: '1', sdk: '^1', probes: { ok: { configSchema: Type.Object({}) } as never } }))
      .to.throw(/needs configSchema and create/);
  });
});
