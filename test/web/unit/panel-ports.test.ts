import { expect } from 'chai';
import type { TopoPort } from '../../../web/src/context.js';
import { nextSort, portRow, sortPortRows, type PortRow } from '../../../web/src/panel/ports.js';

function port(name: string, state: string, rates: Record<string, number>, attrs: Record<string, unknown> = {}): TopoPort {
  return { id: `port:sw/${name}`, node: 'node:sw', name, state: state as TopoPort['state'], rates, attrs };
}

describe('web panel: ports table data', () => {
  it('reads rates, utilisation, errors, speed and alias from a port', () => {
    const r = portRow(port('eth1', 'up', {
      'if.in.bps': 34e6, 'if.out.bps': 83e6, 'if.in.util_pct': 3.4, 'if.out.util_pct': 8.3, 'if.in.errors': 0.5, 'if.out.errors': 0.25,
    }, { speed: 1e9, alias: 'to sw-02 eth1' }));
    expect(r).to.include({ name: 'eth1', alias: 'to sw-02 eth1', state: 'up', speed: 1e9, inBps: 34e6, outBps: 83e6, util: 8.3, errors: 0.75 });
  });

  it('computes utilisation from rates and speed when no util metric exists, and leaves unknowns undefined', () => {
    expect(portRow(port('eth2', 'up', { 'if.in.bps': 5e6, 'if.out.bps': 2e7 }, { speed: 1e8 })).util).to.equal(20);
    const bare = portRow(port('eth3', 'down', {}, { alias: 'eth3' }));
    expect(bare.util).to.equal(undefined);
    expect(bare.errors).to.equal(undefined);
    expect(bare.speed).to.equal(undefined);
    expect(bare.alias, 'an alias equal to the name is not repeated').to.equal(undefined);
  });

  const rows: PortRow[] = [
    { id: 'a', name: 'eth10', state: 'up', inBps: 10, util: 5 },
    { id: 'b', name: 'eth2', state: 'down', inBps: 300, util: undefined },
    { id: 'c', name: 'eth1', state: 'up', inBps: 200, util: 50 },
    { id: 'd', name: 'eth3', state: 'degraded', inBps: undefined, util: 1 },
  ];

  it('sorts names naturally and states worst first', () => {
    expect(sortPortRows(rows, { column: 'name', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['eth1', 'eth2', 'eth3', 'eth10']);
    expect(sortPortRows(rows, { column: 'name', dir: 'desc' }).map((r) => r.name)).to.deep.equal(['eth10', 'eth3', 'eth2', 'eth1']);
    expect(sortPortRows(rows, { column: 'state', dir: 'asc' }).map((r) => r.name)).to.deep.equal(['eth2', 'eth3', 'eth1', 'eth10']);
  });

  it('sorts numbers either way with unknown values last, and does not mutate its input', () => {
    const before = rows.map((r) => r.id);
    expect(sortPortRows(rows, { column: 'in', dir: 'desc' }).map((r) => r.id)).to.deep.equal(['b', 'c', 'a', 'd']);
    expect(sortPortRows(rows, { column: 'in', dir: 'asc' }).map((r) => r.id)).to.deep.equal(['a', 'c', 'b', 'd']);
    expect(sortPortRows(rows, { column: 'util', dir: 'asc' }).map((r) => r.id)).to.deep.equal(['d', 'a', 'c', 'b']);
    expect(rows.map((r) => r.id)).to.deep.equal(before);
  });

  it('flips the direction on the same column and starts numbers descending', () => {
    expect(nextSort({ column: 'name', dir: 'asc' }, 'name')).to.deep.equal({ column: 'name', dir: 'desc' });
    expect(nextSort({ column: 'name', dir: 'asc' }, 'util')).to.deep.equal({ column: 'util', dir: 'desc' });
    expect(nextSort({ column: 'util', dir: 'desc' }, 'state')).to.deep.equal({ column: 'state', dir: 'asc' });
  });
});
