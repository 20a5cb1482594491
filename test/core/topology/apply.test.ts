/**
 * A node's site: the probe's configured site, else the one the probe reported, else its sysLocation
 * (trimmed; placeholders such as `<private>` ignored), else none.
 */
import { expect } from 'chai';
import type { NodeFacts, TopologyObservation } from '../../../plugins/sdk/index.js';
import { applyTopologyObservation, siteFromLocation, SITE_MAX_LENGTH } from '../../../core/topology/apply.js';
import { TopologyModel } from '../../../core/topology/model.js';

function nodeObs(id: string, node: NodeFacts): TopologyObservation {
  return { kind: 'topology', at: 1, entity: id, element: 'node', node, source: 'snmp-switch/x' } as TopologyObservation;
}

describe('topology apply: node site', () => {
  it('takes the configured site first, then the reported one, then sysLocation, else none', () => {
    const m = new TopologyModel();
    applyTopologyObservation(m, nodeObs('node:a', { name: 'a', kind: 'switch', site: 'reported', attrs: { sysLocation: 'Lyon' } }), { site: 'configured' });
    applyTopologyObservation(m, nodeObs('node:b', { name: 'b', kind: 'switch', site: 'reported', attrs: { sysLocation: 'Lyon' } }));
    applyTopologyObservation(m, nodeObs('node:c', { name: 'c', kind: 'switch', attrs: { sysLocation: '  Paris  DC2 \n' } }));
    applyTopologyObservation(m, nodeObs('node:d', { name: 'd', kind: 'switch', attrs: { sysLocation: '<private>' } }));
    applyTopologyObservation(m, nodeObs('node:e', { name: 'e', kind: 'switch' }));
    expect(['node:a', 'node:b', 'node:c', 'node:d', 'node:e'].map((id) => m.node(id)?.site)).to.deep.equal(['configured', 'reported', 'Paris DC2', undefined, undefined]);
    expect(m.node('node:d')).to.not.have.property('site');
  });

  it('does not change the observation it is given', () => {
    const facts: NodeFacts = { name: 'a', kind: 'switch', attrs: { sysLocation: 'Paris' } };
    applyTopologyObservation(new TopologyModel(), nodeObs('node:a', facts), { site: 'x' });
    expect(facts).to.not.have.property('site');
  });

  it('ignores placeholder sysLocations and keeps real ones', () => {
    for (const p of ['', '   ', '<private>', '<redacted>', 'Unknown', 'unknown (edit /etc/snmp/snmpd.conf)', 'Sitting on the Dock of the Bay', 'not set', 'N/A', '-', '?', '(none)', 42, undefined, null]) {
      expect(siteFromLocation(p), JSON.stringify(p)).to.equal(undefined);
    }
    expect(siteFromLocation('Bâtiment A, étage 2')).to.equal('Bâtiment A, étage 2');
    expect(siteFromLocation('vigie netns lab')).to.equal('vigie netns lab');
    expect(siteFromLocation('Unknown street 4')).to.equal('Unknown street 4');
    expect(siteFromLocation('a\tb\u0000c')).to.equal('a b c');
    expect(siteFromLocation('x'.repeat(300))).to.have.length(SITE_MAX_LENGTH);
  });
});
