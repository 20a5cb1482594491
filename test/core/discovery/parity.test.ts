/**
 * Discovery and the switch kind read devices with the same SDK readers and name what they find
 * by the same rules: for the same device data they must give the same node, port and link ids.
 * Both run on the same recordings (the simulator's generated site, and fake devices with LLDP
 * and CDP neighbours) in virtual time; no socket.
 */
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { linkId, portId, type Observation } from '../../../plugins/sdk/index.js';
import { VirtualClock, recordedSnmp, type Recording } from '../../../plugins/sdk/testkit/index.js';
import { generateSite } from '../../../plugins/simulator/site.js';
import { AllowList } from '../../../core/discovery/cidr.js';
import { crawlTopology } from '../../../core/discovery/crawl.js';
import { DiscoveryRounds } from '../../../core/discovery/observations.js';
import { runSwitch } from '../../probes/switch/helpers.js';
import { fakeDevice } from './fixtures.js';

type Device = { name: string; recording: Recording };

/** Link and node ids the switch kind announces when every device has its own probe instance. */
function switchIds(devices: Device[]): { links: string[]; nodes: string[] } {
  const clock = new VirtualClock();
  const snmp = recordedSnmp(Object.fromEntries(devices.map((d, i) => [`127.0.0.${i + 10}`, d.recording])), clock, { latencyMs: 5 });
  const runs = devices.map((d, i) => runSwitch({}, { host: `127.0.0.${i + 10}` }, { clock, snmp, name: `probe-${i}` }));
  clock.advance(5000);
  const obs = runs.flatMap((r) => r.observations);
  runs.forEach((r) => r.stop());
  const ids = (element: string) => [...new Set(obs.filter((o): o is Extract<Observation, { kind: 'topology' }> => o.kind === 'topology' && o.element === element).map((o) => o.entity))].sort();
  return { links: ids('link'), nodes: ids('node') };
}

/** Link and node ids discovery announces for a crawl of the same devices (reached through `map`). */
async function discoveryIds(devices: Device[]): Promise<{ links: string[]; nodes: string[] }> {
  const clock = new VirtualClock();
  const snmp = recordedSnmp(Object.fromEntries(devices.map((d, i) => [`127.0.0.${i + 10}`, d.recording])), clock, { latencyMs: 5 });
  const map = Object.fromEntries(devices.map((d, i) => [d.name, { host: `127.0.0.${i + 10}`, port: 161 }]));
  const done = firstValueFrom(
    crawlTopology(snmp, {
      seeds: [map[devices[0].name]], allow: new AllowList(['127.0.0.0/8']), agent: { version: '2c', community: 'public' }, map, scheduler: clock,
    }),
  );
  for (let i = 0; i < 200; i++) clock.advance(50);
  const topo = await done;
  const obs = new DiscoveryRounds('parity').round(topo, clock.now());
  const ids = (element: string) => obs.filter((o): o is Extract<Observation, { kind: 'topology' }> => o.kind === 'topology' && o.element === element).map((o) => o.entity).sort();
  return { links: ids('link'), nodes: ids('node') };
}

describe('discovery and the switch kind give the same ids for the same devices', () => {
  it('a generated site: every cable has one link id, the same from discovery and from the switch kind', async () => {
    const site = generateSite({ switches: 6, portsPerSwitch: 6, seed: 5 });
    const devices = site.map((s) => ({ name: s.name, recording: s.recording }));
    const fromSwitch = switchIds(devices);
    const fromDiscovery = await discoveryIds(devices);
    const cables = site.flatMap((s) => s.links.map((l) => linkId({ node: `node:${s.name}`, port: portId(`node:${s.name}`, l.localPort) }, { node: `node:${l.remote}`, port: portId(`node:${l.remote}`, l.remotePort) })));
    expect(fromSwitch.links).to.deep.equal([...new Set(cables)].sort());
    expect(fromDiscovery.links).to.deep.equal(fromSwitch.links);
    expect(fromDiscovery.nodes).to.deep.equal(fromSwitch.nodes);
  });

  it('fake devices with LLDP (MAC chassis, interfaceName and MAC port ids) and CDP neighbours, some not polled', async () => {
    const devices = [
      fakeDevice({
        sysName: 'core-1', chassis: '02:00:00:00:00:01',
        ports: [
          { ifIndex: 11, name: 'Gi1/0/1', lldp: [{ chassis: '02:00:00:00:00:02', sysName: 'acc-1', port: 'Gi0/48' }] },
          { ifIndex: 12, name: 'Gi1/0/2', lldp: [{ chassis: '02:00:00:00:00:03', port: '02:00:00:00:03:07', portSubtype: 3, portDesc: 'eth7', caps: 0x08 }] },
          { ifIndex: 13, name: 'Gi1/0/3', cdp: [{ deviceId: 'phone-9', port: 'Port 1', caps: 0x90 }] },
        ],
      }),
      fakeDevice({
        sysName: 'acc-1', chassis: '02:00:00:00:00:02',
        ports: [{ ifIndex: 48, name: 'Gi0/48', lldp: [{ chassis: '02:00:00:00:00:01', sysName: 'core-1', port: 'Gi1/0/1' }] }],
      }),
    ].map((recording) => ({ name: recording.name, recording }));
    const fromSwitch = switchIds(devices);
    const fromDiscovery = await discoveryIds(devices);
    expect(fromSwitch.links).to.have.length(3);
    expect(fromDiscovery.links).to.deep.equal(fromSwitch.links);
    expect(fromDiscovery.nodes).to.deep.equal(fromSwitch.nodes);
  });
});
