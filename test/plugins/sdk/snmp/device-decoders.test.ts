/**
 * The device readers' pure parts: identity rules, LLDP/CDP value decoding, port state and
 * selection, and the port rates (32/64-bit wrap, reboot, discontinuity, width change).
 */
import { expect } from 'chai';
import { cdpDeviceName, deviceIdentity, formatChassisId, formatPortId, neighbourIdentity, usableChassisId, usableName } from '../../../../plugins/sdk/snmp/device/identity.js';
import { cdpCapabilityBits, decodeLldpCapabilities, kindFromCdp, kindFromLldpCapabilities } from '../../../../plugins/sdk/snmp/device/classify.js';
import { iosShortName } from '../../../../plugins/sdk/snmp/device/cdp.js';
import { portSelector, portState } from '../../../../plugins/sdk/snmp/device/port-view.js';
import { PortRates } from '../../../../plugins/sdk/snmp/device/port-rates.js';
import { formatMac } from '../../../../plugins/sdk/snmp/device/table.js';
import type { PortCounters } from '../../../../plugins/sdk/snmp/device/interfaces.js';

describe('device identity', () => {
  it('takes the configured identity, else sysName, else the LLDP chassis id, else the instance name', () => {
    const base = { sysObjectID: '1.3.6.1.4.1.9.1.1208', chassisId: 'aa:bb:cc:00:00:01', fallback: 'probe-a' };
    expect(deviceIdentity({ ...base, configured: 'Core-1', sysName: 'sw1' })).to.deep.include({ node: 'node:core-1', source: 'configured' });
    expect(deviceIdentity({ ...base, sysName: 'sw1.example.net' })).to.deep.equal({
      node: 'node:sw1.example.net',
      name: 'sw1.example.net',
      source: 'sysName',
      key: 'chassis:aa:bb:cc:00:00:01',
    });
    for (const bad of ['', '  ', '<private>', '192.0.2.7', '2001:db8::1', '---']) {
      expect(deviceIdentity({ ...base, sysName: bad }), JSON.stringify(bad)).to.deep.include({ node: 'node:aa:bb:cc:00:00:01', source: 'chassisId' });
    }
    expect(deviceIdentity({ ...base, sysName: '<private>', chassisId: '00:00:00:00:00:00' })).to.deep.equal({ node: 'node:probe-a', name: 'probe-a', source: 'instance' });
    expect(deviceIdentity({ sysName: 'sw1', sysObjectID: '1.3.6.1.4.1.9', fallback: 'x' }).key).to.equal('sys:sw1|1.3.6.1.4.1.9');
  });

  it('names neighbours by the same rule, so both ends of a link agree', () => {
    expect(neighbourIdentity({ sysName: 'sw1.example.net', chassisId: 'aa:bb:cc:00:00:01' })?.node).to.equal(deviceIdentity({ sysName: 'sw1.example.net', fallback: 'p' }).node);
    expect(neighbourIdentity({ sysName: '', chassisId: 'aa:bb:cc:00:00:01' })?.node).to.equal(deviceIdentity({ sysName: '', chassisId: 'aa:bb:cc:00:00:01', fallback: 'p' }).node);
    expect(neighbourIdentity({ sysName: '<private>', chassisId: '00:00:00:00:00:00' })).to.equal(undefined);
    expect(cdpDeviceName('n3k-a(FOC1234X0AB)')).to.equal('n3k-a');
    expect(cdpDeviceName('sw2.example.net')).to.equal('sw2.example.net');
    expect(usableName('SEP001122334455')).to.equal('SEP001122334455');
    expect(usableChassisId('198.18.0.1')).to.equal(undefined);
  });

  it('decodes LLDP chassis and port ids by subtype', () => {
    expect(formatChassisId(4, Buffer.from('18E728922878', 'hex'))).to.equal('18:e7:28:92:28:78');
    expect(formatChassisId(4, Buffer.from('00:50:d7:12:68:68'))).to.equal('00:50:d7:12:68:68');
    expect(formatChassisId(4, Buffer.from('E8:28:C1:3C:1C:D8'))).to.equal('e8:28:c1:3c:1c:d8');
    expect(formatChassisId(5, Buffer.from([1, 192, 0, 2, 1]))).to.equal('192.0.2.1');
    expect(formatChassisId(6, Buffer.from('vmnic5'))).to.equal('vmnic5');
    expect(formatChassisId(7, Buffer.from([0x01, 0xff, 0x00]))).to.equal('01ff');
    expect(formatPortId(5, Buffer.from('Ethernet1/49'))).to.equal('Ethernet1/49');
    expect(formatPortId(7, Buffer.from('312F323500', 'hex'))).to.equal('1/25');
    expect(formatPortId(3, Buffer.from('409BCDDB2E99', 'hex'))).to.equal('40:9b:cd:db:2e:99');
    expect(formatPortId(4, Buffer.from([2, 0xfd, 0xfd, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))).to.equal('fdfd:0:2:1::1');
    expect(formatMac(Buffer.from('vmnic5'))).to.equal('76:6d:6e:69:63:35', 'six raw bytes are a MAC');
    expect(formatMac('not a mac')).to.equal(undefined);
  });

  it('decodes capabilities (raw bits, and the text form some recordings hold) into node kinds', () => {
    expect(decodeLldpCapabilities(Buffer.from([0x28]))).to.deep.equal(['bridge', 'router']);
    expect(decodeLldpCapabilities(Buffer.from('28 00 00 00 2 4'))).to.deep.equal(['bridge', 'router']);
    expect(decodeLldpCapabilities(Buffer.from([0x01]))).to.deep.equal(['stationOnly']);
    expect(kindFromLldpCapabilities(['bridge', 'router'])).to.equal('switch');
    expect(kindFromLldpCapabilities(['router'])).to.equal('router');
    expect(kindFromLldpCapabilities(['wlanAccessPoint'])).to.equal('unknown');
    expect(kindFromLldpCapabilities([], 'Linux host 6.1')).to.equal('server');
    expect(cdpCapabilityBits(Buffer.from('00000029', 'hex'))).to.equal(0x29);
    expect(kindFromCdp(0x29, 'WS-C3850-12S')).to.equal('switch');
    expect(kindFromCdp(0x26, 'AIR-AP2702I-UXK9')).to.equal('unknown');
    expect(kindFromCdp(0x01, '')).to.equal('router');
    expect(kindFromCdp(0x90, 'IP Phone 8845')).to.equal('unknown');
  });

  it('shortens IOS port names as IOS ifName does, and only those', () => {
    expect(iosShortName('GigabitEthernet1/0/3')).to.equal('Gi1/0/3');
    expect(iosShortName('TenGigabitEthernet1/1/1')).to.equal('Te1/1/1');
    expect(iosShortName('FastEthernet0')).to.equal('Fa0');
    expect(iosShortName('Ethernet1/49')).to.equal('Ethernet1/49');
    expect(iosShortName('GigabitEthernet0/0/0/1')).to.equal('GigabitEthernet0/0/0/1');
    expect(iosShortName('mgmt0')).to.equal('mgmt0');
  });
});

describe('port state and selection', () => {
  it('maps admin/oper status to raw states (admin down is unknown, never down)', () => {
    expect(portState(1, 1)).to.deep.equal({ state: 'up' });
    expect(portState(1, 2)).to.deep.equal({ state: 'down', reason: 'oper status down' });
    expect(portState(undefined, 7)).to.deep.equal({ state: 'down', reason: 'oper status lowerLayerDown' });
    expect(portState(2, 2)).to.deep.equal({ state: 'unknown', reason: 'administratively down' });
    expect(portState(1, 5)).to.deep.equal({ state: 'unknown', reason: 'oper status dormant' });
    expect(portState(1, undefined)).to.equal(undefined);
  });

  it('selects ports by glob, case-insensitive, with exclusions', () => {
    expect(portSelector(undefined)).to.equal(undefined);
    const sel = portSelector(['Gi1/0/*', 'te*', '!Gi1/0/4?'])!;
    expect(['Gi1/0/1', 'gi1/0/12', 'Te1/1/1', 'Gi1/0/48', 'Gi2/0/1', 'Vl1'].filter(sel)).to.deep.equal(['Gi1/0/1', 'gi1/0/12', 'Te1/1/1']);
    expect(['a.b', 'axb'].filter(portSelector(['a.b'])!)).to.deep.equal(['a.b']);
    expect(['x', 'y'].filter(portSelector(['!x'])!)).to.deep.equal(['y']);
  });
});

describe('port rates', () => {
  const sample = (ifIndex: number, counters: PortCounters['counters'], discontinuity?: number): PortCounters => ({ ifIndex, counters, ...(discontinuity === undefined ? {} : { discontinuity }) });
  const c64 = (v: bigint) => ({ value: v, bits: 64 as const });
  const c32 = (v: number) => ({ value: BigInt(v), bits: 32 as const });

  it('gives bps, pps, errors and utilisation from the second sample on', () => {
    const r = new PortRates();
    const speed = 1e9;
    expect(r.update(sample(1, { inOctets: c64(1000n), inUcast: c64(10n), inMcast: c64(0n), inBcast: c64(0n), inErrors: c32(0) }), 0, { uptimeTicks: 100, speedBps: speed })).to.deep.equal({});
    const m = r.update(sample(1, { inOctets: c64(1000n + 125_000_000n * 60n), inUcast: c64(10n + 600n), inMcast: c64(60n), inBcast: c64(0n), inErrors: c32(6) }), 60_000, { uptimeTicks: 6100, speedBps: speed });
    expect(m['if.in.bps']).to.equal(1e9);
    expect(m['if.in.util_pct']).to.equal(100);
    expect(m['if.in.pps']).to.equal(11);
    expect(m['if.in.errors']).to.equal(0.1);
    expect(m['if.out.bps']).to.equal(undefined);
  });

  it('handles 32-bit and 64-bit wraps, and never spikes after a reboot or a discontinuity', () => {
    const r = new PortRates();
    const t = (s: number) => s * 1000;
    r.update(sample(1, { inOctets: c32(2 ** 32 - 1000) }), t(0), { uptimeTicks: 100 });
    expect(r.update(sample(1, { inOctets: c32(3000) }), t(10), { uptimeTicks: 1100 })['if.in.bps']).to.equal((4000 * 8) / 10);
    r.update(sample(2, { inOctets: c64(2n ** 64n - 10n) }), t(0), { uptimeTicks: 100 });
    expect(r.update(sample(2, { inOctets: c64(90n) }), t(10), { uptimeTicks: 1100 })['if.in.bps']).to.equal(80);
    // Reboot: uptime went back, counters restarted low: no rate (not a 2^32 "wrap").
    expect(r.update(sample(1, { inOctets: c32(50) }), t(20), { uptimeTicks: 500 })).to.deep.equal({});
    expect(r.update(sample(1, { inOctets: c32(850) }), t(30), { uptimeTicks: 1500 })['if.in.bps']).to.equal(640);
    // ifCounterDiscontinuityTime changed: no rate; same again: rates resume.
    r.update(sample(3, { inOctets: c64(100n) }, 7), t(0), {});
    expect(r.update(sample(3, { inOctets: c64(50n) }, 9), t(10), {})).to.deep.equal({});
    expect(r.update(sample(3, { inOctets: c64(150n) }, 9), t(20), {})['if.in.bps']).to.equal(80);
    // HC appeared: a new series, no rate across widths.
    r.update(sample(4, { inOctets: c32(100) }), t(0), {});
    expect(r.update(sample(4, { inOctets: c64(5_000_000_000n) }), t(10), {})).to.deep.equal({});
  });

  it('rejects a backwards step that would mean more than 1.5 × line rate (a counter reset, not a wrap)', () => {
    const r = new PortRates();
    r.update(sample(1, { inOctets: c32(4_000_000_000) }), 0, { speedBps: 10e6 });
    expect(r.update(sample(1, { inOctets: c32(10) }), 10_000, { speedBps: 10e6 })).to.deep.equal({});
  });
});
