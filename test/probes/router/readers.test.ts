/**
 * The router MIB readers (BGP4-MIB / CISCO-BGP4-MIB, IP-FORWARD-MIB, HOST-RESOURCES-MIB,
 * UCD-SNMP-MIB) over real-device recordings, in virtual time. The expected counts come from the
 * corpus README's table (plugins/simulator/recordings/README.md), not from the readers.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Observable } from 'rxjs';
import { parseSnmprec, recordedSnmp, VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import type { SnmpSession } from '../../../plugins/sdk/index.js';
import { bgpLastError, bgpPeerId, readBgp } from '../../../plugins/sdk/snmp/device/bgp.js';
import { readRouteCount } from '../../../plugins/sdk/snmp/device/routes.js';
import { readProcessors, readStorage, storageClass } from '../../../plugins/sdk/snmp/device/resources.js';
import { readUcd } from '../../../plugins/sdk/snmp/device/router-ucd.js';
import { inetAddressFromArcs, ipv6Text } from '../../../plugins/sdk/snmp/device/router-table.js';
import { requireCorpus } from '../../setup/corpus.js';
import { EDGEOS_LOCAL, EDGEOS_PEER, IOSXE_LOCAL_V4, IOSXE_PEER_V4 } from './recorded-peers.js';

/** A session on one recording (optionally without the records under some OIDs). */
function sessionOn(path: string, clock: VirtualClock, without: string[] = []): SnmpSession {
  let text = readFileSync(path, 'utf8');
  if (without.length) text = text.split('\n').filter((l) => !without.some((p) => l.startsWith(`${p}.`) || l.startsWith(`${p}|`))).join('\n');
  const rec = parseSnmprec(text, 'device', path);
  return recordedSnmp({ '127.0.0.1': rec }, clock, { latencyMs: 5 }).session({ host: '127.0.0.1', version: '2c' });
}

/** Subscribes, runs virtual time, returns the single value (or throws the error). */
function once<T>(clock: VirtualClock, o: Observable<T>): T {
  const got: T[] = [];
  let err: unknown;
  o.subscribe({ next: (v) => got.push(v), error: (e) => (err = e) });
  clock.advance(60_000);
  if (err) throw err;
  expect(got, 'one emission').to.have.length(1);
  return got[0];
}

describe('router readers', () => {
  describe('BGP (readBgp)', () => {
    it('vrp_ne: 50 BGP4-MIB peers, 1 established, 1 active, 48 idle', function () {
      const clock = new VirtualClock();
      const r = once(clock, readBgp(sessionOn(requireCorpus(this, 'vrp_ne'), clock)));
      expect(r.mib).to.equal('BGP4-MIB');
      expect(r.peers).to.have.length(50);
      const count = (s: string) => r.peers.filter((p) => p.state === s).length;
      expect([count('established'), count('active'), count('idle')]).to.deep.equal([1, 1, 48]);
      const est = r.peers.find((p) => p.state === 'established')!;
      expect(est.peer).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      expect(est.fsmEstablishedTimeS).to.be.a('number').and.greaterThan(0);
      expect(est.inUpdates).to.be.a('number');
      expect(est.lastError, 'bgpPeerLastError 0000 is no error').to.equal(undefined);
      expect(r.localAs).to.be.a('number');
    });

    it('edgeos: one established peer with remote AS and local address', function () {
      const clock = new VirtualClock();
      const r = once(clock, readBgp(sessionOn(requireCorpus(this, 'edgeos'), clock)));
      expect(r.peers).to.have.length(1);
      const [p] = r.peers;
      expect(p).to.include({ peer: EDGEOS_PEER, state: 'established', adminStatus: 'start', remoteAs: 65000, localAddress: EDGEOS_LOCAL });
      expect(r.localAs).to.equal(65200);
    });

    it('iosxe: no BGP4-MIB table, 4 established peers from cbgpPeer2Table (IPv4 and IPv6)', function () {
      const clock = new VirtualClock();
      const r = once(clock, readBgp(sessionOn(requireCorpus(this, 'iosxe'), clock)));
      expect(r.mib).to.equal('CISCO-BGP4-MIB');
      expect(r.peers).to.have.length(4);
      expect(r.peers.every((p) => p.state === 'established' && p.remoteAs === 65083)).to.equal(true);
      expect(r.peers.map((p) => p.peer)).to.include('2001:db8:85a3:0:341a:8a2e:3e1:d');
      expect(r.peers.filter((p) => p.peer.includes(':'))).to.have.length(2);
      expect(r.peers.find((p) => p.peer === IOSXE_PEER_V4)?.localAddress).to.equal(IOSXE_LOCAL_V4);
    });

    it('bison (a server): no peers, no table', function () {
      const clock = new VirtualClock();
      const r = once(clock, readBgp(sessionOn(requireCorpus(this, 'bison'), clock)));
      expect(r).to.deep.equal({ peers: [] });
    });
  });

  describe('routes (readRouteCount)', () => {
    it('prefers the agent scalar: ipCidrRouteNumber on routeros, inetCidrRouteNumber on vrp_route', function () {
      const clock = new VirtualClock();
      const ros = once(clock, readRouteCount(sessionOn(requireCorpus(this, 'routeros_rb750gr3'), clock)));
      expect(ros?.source).to.equal('ipCidrRouteNumber');
      const vrp = once(clock, readRouteCount(sessionOn(requireCorpus(this, 'vrp_route'), clock)));
      expect(vrp?.source).to.equal('inetCidrRouteNumber');
    });

    it('without the scalars, counts the table rows: 8 ipCidrRouteTable (routeros), 13 inetCidrRouteTable (vrp_route)', function () {
      const clock = new VirtualClock();
      const scalars = ['1.3.6.1.2.1.4.24.3.0', '1.3.6.1.2.1.4.24.6.0'];
      const ros = once(clock, readRouteCount(sessionOn(requireCorpus(this, 'routeros_rb750gr3'), clock, scalars)));
      expect(ros).to.deep.equal({ count: 8, source: 'ipCidrRouteTable' });
      const vrp = once(clock, readRouteCount(sessionOn(requireCorpus(this, 'vrp_route'), clock, scalars)));
      expect(vrp).to.deep.equal({ count: 13, source: 'inetCidrRouteTable' });
    });

    it('undefined when the device has no IP-FORWARD-MIB', function () {
      const clock = new VirtualClock();
      expect(once(clock, readRouteCount(sessionOn(requireCorpus(this, 'bison'), clock)))).to.equal(undefined);
    });
  });

  describe('HOST-RESOURCES (readProcessors, readStorage)', () => {
    it('edgeos: 2 processors, 16 storage rows of which 10 fixed disks', function () {
      const clock = new VirtualClock();
      const s = sessionOn(requireCorpus(this, 'edgeos'), clock);
      expect(once(clock, readProcessors(s)).map((p) => p.loadPct)).to.have.length(2);
      const st = once(clock, readStorage(s));
      expect(st).to.have.length(16);
      expect(st.filter((r) => r.class === 'fixed-disk')).to.have.length(10);
      const ram = st.find((r) => r.class === 'ram')!;
      expect(ram.descr).to.equal('Physical memory');
      expect(ram.totalBytes).to.equal(2036504 * 1024);
      expect(ram.usedPct).to.be.within(0, 100);
    });

    it('routeros: 4 processors, 3 storage rows (RAM, system disk, tmpfs)', function () {
      const clock = new VirtualClock();
      const s = sessionOn(requireCorpus(this, 'routeros_rb750gr3'), clock);
      expect(once(clock, readProcessors(s))).to.have.length(4);
      expect(once(clock, readStorage(s)).map((r) => r.class)).to.deep.equal(['ram', 'fixed-disk', 'virtual-memory']);
    });

    it('bison: 8 processors; a negative Integer32 size reads back as unsigned', function () {
      const clock = new VirtualClock();
      const path = requireCorpus(this, 'bison');
      expect(once(clock, readProcessors(sessionOn(path, clock)))).to.have.length(8);
      const rec = parseSnmprec(readFileSync(path, 'utf8'), 'bison').withValues([{ oid: '1.3.6.1.2.1.25.2.3.1.5.36', type: 'Integer', value: -2 }]);
      const s = recordedSnmp({ '127.0.0.1': rec }, clock).session({ host: '127.0.0.1', version: '2c' });
      const root = once(clock, readStorage(s)).find((r) => r.descr === '/')!;
      expect(root.totalBytes).to.equal((2 ** 32 - 2) * root.allocationUnit);
    });

    it('classifies hrStorageType OIDs', () => {
      expect(storageClass('1.3.6.1.2.1.25.2.1.2')).to.equal('ram');
      expect(storageClass('.1.3.6.1.2.1.25.2.1.4')).to.equal('fixed-disk');
      expect(storageClass('1.3.6.1.2.1.25.2.1.3')).to.equal('virtual-memory');
      expect(storageClass('1.3.6.1.4.1.9.9.1')).to.equal('other');
    });
  });

  describe('UCD-SNMP (readUcd)', () => {
    it('edgeos: load from laLoadInt, memory, raw CPU counters', function () {
      const clock = new VirtualClock();
      const u = once(clock, readUcd(sessionOn(requireCorpus(this, 'edgeos'), clock)));
      expect(u.load).to.deep.equal({ load1: 0.14, load5: 0.04, load15: 0.01 });
      expect(u.memory).to.include({ totalRealKb: 2036504, availRealKb: 1658576, bufferKb: 33680, cachedKb: 204600 });
      expect(u.cpuRaw?.idle).to.equal(32273876);
    });

    it('routeros: no UCD at all', function () {
      const clock = new VirtualClock();
      expect(once(clock, readUcd(sessionOn(requireCorpus(this, 'routeros_rb750gr3'), clock)))).to.deep.equal({});
    });
  });

  describe('helpers', () => {
    it('IPv6 text is RFC 5952', () => {
      const b = (hex: string) => hex.match(/../g)!.map((h) => parseInt(h, 16));
      expect(ipv6Text(b('20010db8000000000000000000000001'))).to.equal('2001:db8::1');
      expect(ipv6Text(b('00000000000000000000000000000000'))).to.equal('::');
      expect(ipv6Text(b('20010db8000100000001000000000001'))).to.equal('2001:db8:1:0:1::1');
      expect(inetAddressFromArcs([1, 4, 198, 18, 0, 1, 99])).to.deep.equal({ address: '198.18.0.1', used: 6 });
      expect(inetAddressFromArcs([1, 4, 10, 0])).to.equal(undefined);
    });

    it('bgpPeerId and bgpLastError', () => {
      expect(bgpPeerId('node:edge-1', '203.0.113.1')).to.equal('bgp:edge-1/203.0.113.1');
      expect(bgpPeerId('Edge 1', '2001:DB8::1')).to.equal('bgp:edge-1/2001:db8::1');
      expect(bgpLastError({ oid: '1', type: 'OctetString', value: Buffer.from([6, 2]) })?.text).to.equal('Cease (6/2)');
      expect(bgpLastError({ oid: '1', type: 'OctetString', value: Buffer.from([0, 0]) })).to.equal(undefined);
    });
  });
});
