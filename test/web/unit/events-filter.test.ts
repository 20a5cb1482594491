import { expect } from 'chai';
import type { LiveEvent, TopoLink, TopoPort } from '../../../web/src/context.js';
import { eventKey, filterEvents, mergeEvents, nodeOfEntity, parseTerms } from '../../../web/src/events/filter.js';

const ev = (id: string, at: number, entity: string, type: string, severity: string, message = ''): LiveEvent => ({ id, at, entity, type, severity, message });

const EVENTS = [
  ev('1', 5, 'port:sim-sw-01/eth7', 'state-change', 'major', 'port:sim-sw-01/eth7 is down'),
  ev('2', 4, 'node:sim-rtr-01', 'bgp-peer-down', 'critical', 'peer 203.0.113.10 down'),
  ev('3', 3, 'node:sim-sw-02', 'reboot', 'warning', 'uptime went back'),
  ev('4', 2, 'node:sim-sw-01', 'trap', 'info', 'linkDown eth3'),
];

describe('web events: filter, merge, entity → node', () => {
  it('keeps events at or above a minimum severity', () => {
    expect(filterEvents(EVENTS, { minSeverity: 'major' }).map((e) => e.id)).to.deep.equal(['1', '2']);
    expect(filterEvents(EVENTS, { minSeverity: 'warning' }).map((e) => e.id)).to.deep.equal(['1', '2', '3']);
    expect(filterEvents(EVENTS, {}).length).to.equal(4);
  });

  it('matches free text against entity, kind and message; every term must match', () => {
    expect(filterEvents(EVENTS, { text: 'sim-sw-01' }).map((e) => e.id)).to.deep.equal(['1', '4']);
    expect(filterEvents(EVENTS, { text: 'BGP' }).map((e) => e.id)).to.deep.equal(['2']);
    expect(filterEvents(EVENTS, { text: 'sim-sw-01 linkdown' }).map((e) => e.id)).to.deep.equal(['4']);
    expect(filterEvents(EVENTS, { text: 'nothing-like-this' })).to.deep.equal([]);
  });

  it('restricts prefixed terms to one field', () => {
    expect(parseTerms('entity:sw-01 kind:trap foo')).to.deep.equal([{ field: 'entity', value: 'sw-01' }, { field: 'kind', value: 'trap' }, { value: 'foo' }]);
    expect(filterEvents(EVENTS, { text: 'kind:state' }).map((e) => e.id)).to.deep.equal(['1']);
    expect(filterEvents(EVENTS, { text: 'entity:down' }), '"down" is in messages, not entities').to.deep.equal([]);
    expect(filterEvents(EVENTS, { text: 'type:reboot severity:warning' }).map((e) => e.id)).to.deep.equal(['3']);
  });

  it('merges newest first without duplicates, up to a limit', () => {
    const newer = [ev('9', 9, 'node:a', 't', 'info'), EVENTS[0]];
    expect(mergeEvents(newer, EVENTS, 10).map((e) => e.id)).to.deep.equal(['9', '1', '2', '3', '4']);
    expect(mergeEvents(newer, EVENTS, 2).map((e) => e.id)).to.deep.equal(['9', '1']);
    const noId: LiveEvent = { at: 1, entity: 'node:a', type: 't', severity: 'info', message: 'm' };
    expect(eventKey(noId)).to.equal(eventKey({ ...noId }));
    expect(mergeEvents([noId], [{ ...noId }], 10)).to.have.length(1);
  });

  it('finds the node of an entity: node, port, link, or from the id', () => {
    const ports = new Map<string, TopoPort>([['port:x/eth1', { id: 'port:x/eth1', node: 'node:real-x', name: 'eth1', state: 'up', rates: {}, attrs: {} }]]);
    const links = new Map<string, TopoLink>([['link:wan', { id: 'link:wan', a: { node: 'node:r1' }, b: { node: 'node:r2' }, state: 'up', rates: {}, attrs: {} }]]);
    expect(nodeOfEntity('node:sim-sw-01')).to.equal('node:sim-sw-01');
    expect(nodeOfEntity('port:x/eth1', ports, links)).to.equal('node:real-x');
    expect(nodeOfEntity('link:wan', ports, links)).to.equal('node:r1');
    expect(nodeOfEntity('port:sim-sw-01/eth7')).to.equal('node:sim-sw-01');
    expect(nodeOfEntity('link:port:sim-sw-01/eth1--port:sim-sw-02/eth1')).to.equal('node:sim-sw-01');
    expect(nodeOfEntity('probe:switch/sim-sw-01')).to.equal(undefined);
  });
});
