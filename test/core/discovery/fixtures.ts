/**
 * Synthetic agents for discovery unit tests: a device's system group, IF-MIB names, LLDP-MIB
 * (local chassis and ports, remote table, management addresses) and CISCO-CDP-MIB rows, built
 * from a short description. Served by the test kit's recorded SNMP client (no socket), so the
 * documentation addresses used here (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32) are never sent
 * a packet.
 */
import type { Varbind } from '../../../plugins/sdk/index.js';
import { Recording } from '../../../plugins/sdk/testkit/index.js';

export interface FakeNeighbour {
  chassis?: string;
  sysName?: string;
  /** Remote port id and its subtype (5 interfaceName by default; 3 = MAC, with `portDesc` the name). */
  port: string;
  portSubtype?: number;
  portDesc?: string;
  addresses?: string[];
  /** Encode management addresses without the length byte (agents that treat the index as IMPLIED). */
  implied?: boolean;
  /** LLDP capability byte (0x20 bridge, 0x08 router). */
  caps?: number;
}

export interface FakePort {
  ifIndex: number;
  name: string;
  lldp?: FakeNeighbour[];
  cdp?: { deviceId: string; port: string; address?: string; caps?: number }[];
}

export interface FakeDevice {
  sysName: string;
  chassis?: string;
  caps?: number;
  ports: FakePort[];
}

const str = (s: string) => Buffer.from(s, 'utf8');
const mac = (m: string) => Buffer.from(m.split(':').map((x) => parseInt(x, 16)));

function addressArcs(a: string): { family: number; bytes: number[] } {
  if (a.includes(':')) {
    const [head, tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
    return { family: 2, bytes: groups.flatMap((g) => [g >> 8, g & 0xff]) };
  }
  return { family: 1, bytes: a.split('.').map(Number) };
}

export function fakeDevice(d: FakeDevice): Recording {
  const vbs: Varbind[] = [];
  const add = (oid: string, type: Varbind['type'], value: Varbind['value']) => vbs.push({ oid, type, value });
  add('1.3.6.1.2.1.1.1.0', 'OctetString', str(`fake ${d.sysName}`));
  add('1.3.6.1.2.1.1.2.0', 'OID', '1.3.6.1.4.1.8072.3.2.10');
  add('1.3.6.1.2.1.1.3.0', 'TimeTicks', 12345);
  add('1.3.6.1.2.1.1.5.0', 'OctetString', str(d.sysName));
  if (d.chassis) {
    add('1.0.8802.1.1.2.1.3.1.0', 'Integer', 4);
    add('1.0.8802.1.1.2.1.3.2.0', 'OctetString', mac(d.chassis));
    add('1.0.8802.1.1.2.1.3.6.0', 'OctetString', Buffer.from([d.caps ?? 0x20]));
  }
  let remIndex = 0;
  for (const p of d.ports) {
    add(`1.3.6.1.2.1.2.2.1.2.${p.ifIndex}`, 'OctetString', str(`Interface ${p.name}`));
    add(`1.3.6.1.2.1.31.1.1.1.1.${p.ifIndex}`, 'OctetString', str(p.name));
    if (d.chassis) {
      add(`1.0.8802.1.1.2.1.3.7.1.2.${p.ifIndex}`, 'Integer', 5);
      add(`1.0.8802.1.1.2.1.3.7.1.3.${p.ifIndex}`, 'OctetString', str(p.name));
      add(`1.0.8802.1.1.2.1.3.7.1.4.${p.ifIndex}`, 'OctetString', str(p.name));
    }
    for (const n of p.lldp ?? []) {
      const idx = `300.${p.ifIndex}.${++remIndex}`;
      const rem = '1.0.8802.1.1.2.1.4.1.1';
      if (n.chassis) {
        add(`${rem}.4.${idx}`, 'Integer', 4);
        add(`${rem}.5.${idx}`, 'OctetString', mac(n.chassis));
      }
      add(`${rem}.6.${idx}`, 'Integer', n.portSubtype ?? 5);
      add(`${rem}.7.${idx}`, 'OctetString', n.portSubtype === 3 ? mac(n.port) : str(n.port));
      add(`${rem}.8.${idx}`, 'OctetString', str(n.portDesc ?? ''));
      if (n.sysName) add(`${rem}.9.${idx}`, 'OctetString', str(n.sysName));
      add(`${rem}.12.${idx}`, 'OctetString', Buffer.from([n.caps ?? 0x20]));
      for (const a of n.addresses ?? []) {
        const { family, bytes } = addressArcs(a);
        const tail = n.implied ? bytes : [bytes.length, ...bytes];
        add(`1.0.8802.1.1.2.1.4.2.1.3.${idx}.${family}.${tail.join('.')}`, 'Integer', 2);
      }
    }
    for (const [k, c] of (p.cdp ?? []).entries()) {
      const idx = `${p.ifIndex}.${k + 1}`;
      const cdp = '1.3.6.1.4.1.9.9.23.1.2.1.1';
      add(`${cdp}.3.${idx}`, 'Integer', 1);
      add(`${cdp}.4.${idx}`, 'OctetString', c.address ? Buffer.from(c.address.split('.').map(Number)) : Buffer.alloc(0));
      add(`${cdp}.6.${idx}`, 'OctetString', str(c.deviceId));
      add(`${cdp}.7.${idx}`, 'OctetString', str(c.port));
      add(`${cdp}.9.${idx}`, 'OctetString', Buffer.from([0, 0, 0, c.caps ?? 0x08]));
    }
  }
  return new Recording(d.sysName, vbs);
}
