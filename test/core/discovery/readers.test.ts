/**
 * The LLDP-MIB and CISCO-CDP-MIB readers, against synthetic agents (exact expectations) and
 * against recordings of real devices (expectations computed from the recording's own rows).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { firstValueFrom, type Observable } from 'rxjs';
import { VirtualClock, recordedSnmp } from '../../../plugins/sdk/testkit/index.js';
import type { SnmpClient } from '../../../plugins/sdk/index.js';
import { readDevice } from '../../../core/discovery/device.js';
import { linkId, portId } from '../../../plugins/sdk/index.js';
import { cdpCapabilityBits, decodeLldpCapabilities, kindFromCdp, kindFromLldpCapabilities } from '../../../plugins/sdk/snmp/device/classify.js';
import { formatChassisId } from '../../../plugins/sdk/snmp/device/identity.js';
import type { DeviceReport } from '../../../core/discovery/types.js';
import { requireCorpus } from '../../setup/corpus.js';
import { fakeDevice } from './fixtures.js';

/** Runs a recorded read to completion in virtual time. */
function read(snmp: SnmpClient, clock: VirtualClock, host: string): Promise<DeviceReport> {
  const out: Observable<DeviceReport> = readDevice(snmp.session({ host, version: '2c', community: 'x' }), host);
  const p = firstValueFrom(out);
  for (let i = 0; i < 50; i++) clock.advance(10);
  return p;
}

describe('discovery: neighbour table readers', () => {
  describe('value decoding', () => {
    it('names chassis ids the way the devices mean them (the SDK decoders discovery uses)', () => {
      expect(formatChassisId(4, Buffer.from([0x02, 0x76, 0x69, 0, 1, 0]))).to.equal('02:76:69:00:01:00');
      expect(formatChassisId(4, Buffer.from('00-50-D7-12-68-68'))).to.equal('00:50:d7:12:68:68');
      expect(formatChassisId(5, Buffer.from([1, 192, 0, 2, 1]))).to.equal('192.0.2.1');
      expect(formatChassisId(7, Buffer.from('FOC1234X'))).to.equal('FOC1234X');
    });

    it('maps capabilities to node kinds (bridge → switch before router)', () => {
      const lldp = (b: number) => kindFromLldpCapabilities(decodeLldpCapabilities(Buffer.from([b])));
      expect([0x20, 0x28, 0x08, 0x01, 0x10].map(lldp), 'stationOnly → server; an access point has no kind').to.deep.equal(['switch', 'switch', 'router', 'server', 'unknown']);
      expect(kindFromCdp(cdpCapabilityBits(Buffer.from([0, 0, 0, 0x29])))).to.equal('switch');
      expect(kindFromCdp(cdpCapabilityBits(Buffer.from([0, 0, 0, 0x01])))).to.equal('router');
    });
  });

  it('joins lldpRemTable, lldpLocPortTable and lldpRemManAddrTable, and reads CDP next to it', async () => {
    const clock = new VirtualClock();
    const dev = fakeDevice({
      sysName: 'core-1', chassis: '02:00:00:00:00:01',
      ports: [
        { ifIndex: 11, name: 'Gi1/0/1', lldp: [{ chassis: '02:00:00:00:00:02', sysName: 'acc-1', port: 'Gi0/48', addresses: ['192.0.2.2', '2001:db8::2'] }] },
        { ifIndex: 12, name: 'Gi1/0/2', lldp: [{ chassis: '02:00:00:00:00:03', port: '02:00:00:00:03:07', portSubtype: 3, portDesc: 'eth7', addresses: ['192.0.2.3'], implied: true, caps: 0x08 }] },
        { ifIndex: 13, name: 'Gi1/0/3', cdp: [{ deviceId: 'phone-9', port: 'Port 1', address: '192.0.2.9', caps: 0x90 }] },
      ],
    });
    const snmp = recordedSnmp({ '192.0.2.1': dev }, clock);
    const r = await read(snmp, clock, '192.0.2.1');
    expect(r).to.include({ sysName: 'core-1', chassisId: '02:00:00:00:00:01', kind: 'switch', complete: true });
    expect(r.identity.node).to.equal('node:core-1');
    expect(r.neighbours.map((n) => [n.protocol, n.node, n.addresses.join(' '), n.kind])).to.deep.equal([
      ['lldp', 'node:acc-1', '192.0.2.2 2001:db8::2', 'switch'],
      ['lldp', 'node:02:00:00:00:00:03', '192.0.2.3', 'router'],
      ['cdp', 'node:phone-9', '192.0.2.9', 'unknown'],
    ]);
    // The switch kind's link ids: local ports by ifName, remote by LLDP port id (interfaceName or MAC) or CDP port.
    const end = (node: string, port: string) => ({ node: `node:${node}`, port: portId(`node:${node}`, port) });
    expect(r.links.map((l) => l.id).sort()).to.deep.equal(
      [
        linkId(end('core-1', 'Gi1/0/1'), end('acc-1', 'Gi0/48')),
        linkId(end('core-1', 'Gi1/0/2'), end('02:00:00:00:00:03', '02:00:00:00:03:07')),
        linkId(end('core-1', 'Gi1/0/3'), end('phone-9', 'Port 1')),
      ].sort(),
    );
  });

  it('a device without LLDP or CDP is a report with no neighbours; one that does not answer is an error', async () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp({ '192.0.2.1': fakeDevice({ sysName: 'plain', ports: [{ ifIndex: 1, name: 'eth0' }] }) }, clock);
    const r = await read(snmp, clock, '192.0.2.1');
    expect(r).to.include({ sysName: 'plain', complete: true });
    expect(r.neighbours).to.deep.equal([]);
    expect(r.chassisId).to.equal(undefined);
    const before = snmp.requests;
    const dead = firstValueFrom(readDevice(snmp.session({ host: '192.0.2.99', version: '2c', timeoutMs: 100, retries: 0 }), '192.0.2.99'));
    clock.advance(200);
    let caught: unknown;
    await dead.catch((e) => (caught = e));
    expect((caught as { code?: string }).code).to.equal('E_SNMP_TIMEOUT');
    expect(snmp.requests - before, 'one request to an agent that does not answer').to.equal(1);
  });

  /** The rows of one column in a .snmprec file. */
  const rowsIn = (file: string, column: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${column}.`));

  it('reads the CDP cache of a recorded Catalyst 2960-X (ios_2960x)', async function () {
    const file = requireCorpus(this, 'ios_2960x');
    const clock = new VirtualClock();
    const r = await read(recordedSnmp({ '127.0.0.1': file }, clock), clock, '127.0.0.1');
    const ids = rowsIn(file, '1.3.6.1.4.1.9.9.23.1.2.1.1.6').map((l) => l.split('|')[2]);
    expect(ids.length).to.be.greaterThan(0);
    const cdp = r.neighbours.filter((n) => n.protocol === 'cdp');
    expect(cdp.map((n) => n.sysName).sort()).to.deep.equal([...ids].sort());
    // Local ports are named from IF-MIB: every CDP link has its local port.
    const cdpLinks = r.links.filter((l) => l.protocol === 'cdp');
    expect(cdpLinks.length).to.be.greaterThan(0);
    expect(cdpLinks.every((l) => l.facts.a.port?.startsWith(`port:${r.identity.node.slice(5)}/`))).to.equal(true);
    expect(cdp.every((n) => n.addresses.length === 1)).to.equal(true);
  });

  for (const name of ['nxos_n3k-3064pq', 'dlink_dgs-3627g', 'arubaos-cx', 'junos_qfx5100', 'procurve_e2910']) {
    it(`reads the LLDP neighbours of a recorded ${name}`, async function () {
      const file = requireCorpus(this, name);
      const clock = new VirtualClock();
      const r = await read(recordedSnmp({ '127.0.0.1': file }, clock), clock, '127.0.0.1');
      const rows = new Set(
        ['5', '7', '9'].flatMap((c) => rowsIn(file, `1.0.8802.1.1.2.1.4.1.1.${c}`)).map((l) => l.split('|')[0].split('.').slice(-3).join('.')),
      );
      const lldp = r.neighbours.filter((n) => n.protocol === 'lldp');
      expect(lldp).to.have.length(rows.size);
      const links = r.links.filter((l) => l.protocol === 'lldp');
      expect(links.length).to.be.greaterThan(0);
      expect(links.every((l) => l.facts.a.node === r.identity.node)).to.equal(true);
      const ipRows = rowsIn(file, '1.0.8802.1.1.2.1.4.2.1.3').filter((l) => /^(\d+\.){14}[12]\./.test(l));
      expect(lldp.filter((n) => n.addresses.length > 0).length, 'neighbours with an IPv4/IPv6 management address').to.equal(
        new Set(ipRows.map((l) => l.split('|')[0].split('.').slice(11, 14).join('.'))).size,
      );
    });
  }
});
