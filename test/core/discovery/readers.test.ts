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
import { manAddrFromIndex, chassisIdText, portNameOf, kindFromLldpCapabilities, kindFromCdpCapabilities } from '../../../core/discovery/octets.js';
import type { DeviceReport } from '../../../core/discovery/types.js';
import { requireCorpus } from '../../setup/corpus.js';
import { fakeDevice } from './fixtures.js';

/** Runs a recorded read to completion in virtual time. */
function read(snmp: SnmpClient, clock: VirtualClock, host: string): Promise<DeviceReport> {
  const out: Observable<DeviceReport> = readDevice(snmp.session({ host, version: '2c', community: 'x' }));
  const p = firstValueFrom(out);
  for (let i = 0; i < 50; i++) clock.advance(10);
  return p;
}

describe('discovery: neighbour table readers', () => {
  describe('value decoding', () => {
    it('reads management addresses from the index, length-prefixed or implied, IPv4 and IPv6', () => {
      expect(manAddrFromIndex([1, 4, 192, 0, 2, 9])).to.equal('192.0.2.9');
      expect(manAddrFromIndex([1, 192, 0, 2, 9])).to.equal('192.0.2.9');
      expect(manAddrFromIndex([2, 16, 32, 1, 13, 184, ...new Array(11).fill(0), 1])).to.equal('2001:db8::1');
      expect(manAddrFromIndex([6, 6, 1, 2, 3, 4, 5, 6]), 'an 802 (MAC) address is not contactable').to.equal(undefined);
      expect(manAddrFromIndex([1, 4, 192, 0, 2, 9, 9]), 'wrong length').to.equal(undefined);
      expect(manAddrFromIndex([1, 4, 192, 0, 300, 9]), 'not bytes').to.equal(undefined);
    });

    it('names chassis ids and ports the way the devices mean them', () => {
      expect(chassisIdText(4, Buffer.from([0x02, 0x76, 0x69, 0, 1, 0]))).to.equal('02:76:69:00:01:00');
      expect(chassisIdText(4, Buffer.from('00-50-D7-12-68-68'))).to.equal('00:50:d7:12:68:68');
      expect(chassisIdText(5, Buffer.from([1, 192, 0, 2, 1]))).to.equal('192.0.2.1');
      expect(chassisIdText(7, Buffer.from('FOC1234X'))).to.equal('FOC1234X');
      expect(portNameOf(5, Buffer.from('Gi1/0/1'), 'uplink to core')).to.equal('Gi1/0/1');
      expect(portNameOf(3, Buffer.from([2, 0, 0, 0, 0, 1]), 'swp4'), 'MAC id: the description names it').to.equal('swp4');
      expect(portNameOf(7, Buffer.from('523'), 'ge-0/0/1'), 'a numeric local id is an ifIndex').to.equal('ge-0/0/1');
      expect(portNameOf(3, Buffer.from([2, 0, 0, 0, 0, 1]), '')).to.equal('02:00:00:00:00:01');
    });

    it('maps capabilities to node kinds (bridge → switch before router)', () => {
      expect(kindFromLldpCapabilities(Buffer.from([0x20]))).to.equal('switch');
      expect(kindFromLldpCapabilities(Buffer.from([0x28]))).to.equal('switch');
      expect(kindFromLldpCapabilities(Buffer.from([0x08]))).to.equal('router');
      expect(kindFromLldpCapabilities(Buffer.from([0x01]))).to.equal('unknown');
      expect(kindFromCdpCapabilities(Buffer.from([0, 0, 0, 0x29]))).to.equal('switch');
      expect(kindFromCdpCapabilities(Buffer.from([0, 0, 0, 0x01]))).to.equal('router');
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
    expect(r.neighbours.map((n) => [n.protocol, n.localPort.name, n.sysName ?? n.chassisId, n.port.name, n.addresses.join(' '), n.kind])).to.deep.equal([
      ['lldp', 'Gi1/0/1', 'acc-1', 'Gi0/48', '192.0.2.2 2001:db8::2', 'switch'],
      ['lldp', 'Gi1/0/2', '02:00:00:00:00:03', 'eth7', '192.0.2.3', 'router'],
      ['cdp', 'Gi1/0/3', 'phone-9', 'Port 1', '192.0.2.9', 'unknown'],
    ]);
    expect(r.neighbours[2].localPort.aliases, 'ifName and ifDescr').to.deep.equal(['Gi1/0/3', 'Interface Gi1/0/3']);
  });

  it('a device without LLDP or CDP is a report with no neighbours; one that does not answer is an error', async () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp({ '192.0.2.1': fakeDevice({ sysName: 'plain', ports: [{ ifIndex: 1, name: 'eth0' }] }) }, clock);
    const r = await read(snmp, clock, '192.0.2.1');
    expect(r).to.include({ sysName: 'plain', complete: true });
    expect(r.neighbours).to.deep.equal([]);
    expect(r.chassisId).to.equal(undefined);
    const before = snmp.requests;
    const dead = firstValueFrom(readDevice(snmp.session({ host: '192.0.2.99', version: '2c', timeoutMs: 100, retries: 0 })));
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
    // Local ports are named from IF-MIB, not left as ifIndex numbers.
    expect(cdp.every((n) => !n.localPort.name.startsWith('ifIndex'))).to.equal(true);
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
      expect(lldp.every((n) => n.localPort.name.length > 0 && n.port.name.length > 0)).to.equal(true);
      const ipRows = rowsIn(file, '1.0.8802.1.1.2.1.4.2.1.3').filter((l) => /^(\d+\.){14}[12]\./.test(l));
      expect(lldp.filter((n) => n.addresses.length > 0).length, 'neighbours with an IPv4/IPv6 management address').to.equal(
        new Set(ipRows.map((l) => l.split('|')[0].split('.').slice(11, 14).join('.'))).size,
      );
    });
  }
});
