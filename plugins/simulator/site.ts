/**
 * A generated site: `switches` switches `sim-sw-01`, `sim-sw-02`, … with `portsPerSwitch` ports
 * (`eth1`…) each, cabled as a connected graph that is deterministic from `seed`: a random tree
 * (each switch uplinks to an earlier one with a free port) plus about one cross link per five
 * switches, so there are at least N−1 links and some redundant paths.
 *
 * Each switch is a `Recording` with the SNMPv2-MIB system group, IF-MIB ifTable/ifXTable (traffic
 * counters start from seeded values; the live model advances them), and LLDP-MIB local system,
 * local port table and remote table, the remote rows agreeing with the far end of every link.
 */
import type { Varbind } from '../sdk/index.js';
import { Recording } from '../sdk/snmp/snmprec.js';
import { prng } from '../sdk/testkit/live.js';

export interface SiteSpec {
  switches: number;
  portsPerSwitch: number;
  seed: number;
}

/** One end of a link, as seen from a switch. */
export interface SiteLink {
  localPort: string;
  remote: string;
  remotePort: string;
}

export interface SiteSwitch {
  name: string;
  recording: Recording;
  links: SiteLink[];
}

interface Cable {
  a: number;
  pa: number;
  b: number;
  pb: number;
}

const SYS = '1.3.6.1.2.1.1';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
const LLDP_LOC = '1.0.8802.1.1.2.1.3';
const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';
/** LLDP chassis id subtype macAddress(4), port id subtype interfaceName(5), capability bridge (bit 2). */
const CHASSIS_MAC = 4;
const PORT_IFNAME = 5;
const CAP_BRIDGE = Buffer.from([0x20]);
const SYS_OBJECT_ID = '1.3.6.1.4.1.8072.3.2.255';
const SPEED_BPS = 1_000_000_000;

export function switchName(i: number, total: number): string {
  return `sim-sw-${String(i + 1).padStart(Math.max(2, String(total).length), '0')}`;
}

/** Chassis MAC of switch `i` (0-based; locally administered `02:76:69:…`), or of its port `p` when given. */
function mac(i: number, p = 0): Buffer {
  const n = i + 1;
  return Buffer.from([0x02, 0x76, 0x69, (n >> 8) & 0xff, n & 0xff, p & 0xff]);
}

/** The cabling: a seeded random tree plus cross links, each end on the switch's next free port. */
export function siteCables(spec: SiteSpec): Cable[] {
  const rnd = prng(spec.seed ^ 0x5eed);
  const used = new Array<number>(spec.switches).fill(0);
  const cables: Cable[] = [];
  const adjacent = new Set<string>();
  const connect = (a: number, b: number) => {
    cables.push({ a, pa: ++used[a], b, pb: ++used[b] });
    adjacent.add(`${a}-${b}`).add(`${b}-${a}`);
  };
  for (let i = 1; i < spec.switches; i++) {
    const free = [...Array(i).keys()].filter((j) => used[j] < spec.portsPerSwitch);
    connect(free[Math.floor(rnd() * free.length)], i);
  }
  const wanted = spec.switches >= 3 ? Math.max(1, Math.round(spec.switches / 5)) : 0;
  for (let tries = 0, added = 0; added < wanted && tries < 50 * wanted; tries++) {
    const a = Math.floor(rnd() * spec.switches);
    const b = Math.floor(rnd() * spec.switches);
    if (a === b || adjacent.has(`${a}-${b}`) || used[a] >= spec.portsPerSwitch || used[b] >= spec.portsPerSwitch) continue;
    connect(Math.min(a, b), Math.max(a, b));
    added++;
  }
  return cables;
}

/** Builds every switch of the site. */
export function generateSite(spec: SiteSpec): SiteSwitch[] {
  const n = spec.switches;
  const names = [...Array(n).keys()].map((i) => switchName(i, n));
  const cables = siteCables(spec);
  /** peer[i][port] = [remote switch, remote port] */
  const peer = names.map(() => new Map<number, [number, number]>());
  for (const c of cables) {
    peer[c.a].set(c.pa, [c.b, c.pb]);
    peer[c.b].set(c.pb, [c.a, c.pa]);
  }
  return names.map((name, i) => {
    const links = [...peer[i].entries()]
      .sort(([x], [y]) => x - y)
      .map(([p, [r, rp]]) => ({ localPort: `eth${p}`, remote: names[r], remotePort: `eth${rp}` }));
    return { name, links, recording: new Recording(name, switchRecords(spec, i, names, peer[i])) };
  });
}

function sysDescr(spec: SiteSpec): string {
  return `Vigie simulated switch, ${spec.portsPerSwitch} x 1G ports`;
}

function switchRecords(spec: SiteSpec, i: number, names: string[], peers: Map<number, [number, number]>): Varbind[] {
  const rnd = prng((spec.seed * 7919 + i * 104729) >>> 0);
  const vbs: Varbind[] = [];
  const add = (oid: string, type: Varbind['type'], value: Varbind['value']) => vbs.push({ oid, type, value });
  const str = (s: string) => Buffer.from(s, 'utf8');
  const uptime = Math.floor((1 + rnd() * 99) * 86_400 * 100);

  add(`${SYS}.1.0`, 'OctetString', str(sysDescr(spec)));
  add(`${SYS}.2.0`, 'OID', SYS_OBJECT_ID);
  add(`${SYS}.3.0`, 'TimeTicks', uptime);
  add(`${SYS}.4.0`, 'OctetString', str('noc@example.net'));
  add(`${SYS}.5.0`, 'OctetString', str(names[i]));
  add(`${SYS}.6.0`, 'OctetString', str(`Simulated site, rack ${Math.floor(i / 4) + 1}`));
  add(`${SYS}.7.0`, 'Integer', 2);
  add('1.3.6.1.2.1.2.1.0', 'Integer', spec.portsPerSwitch);

  add(`${LLDP_LOC}.1.0`, 'Integer', CHASSIS_MAC);
  add(`${LLDP_LOC}.2.0`, 'OctetString', mac(i));
  add(`${LLDP_LOC}.3.0`, 'OctetString', str(names[i]));
  add(`${LLDP_LOC}.4.0`, 'OctetString', str(sysDescr(spec)));
  add(`${LLDP_LOC}.5.0`, 'OctetString', CAP_BRIDGE);
  add(`${LLDP_LOC}.6.0`, 'OctetString', CAP_BRIDGE);

  for (let p = 1; p <= spec.portsPerSwitch; p++) {
    const ifName = `eth${p}`;
    const link = peers.get(p);
    const up = link !== undefined || rnd() < 0.5;
    const hcIn = BigInt(Math.floor(rnd() * 2 ** 40));
    const hcOut = BigInt(Math.floor(rnd() * 2 ** 40));
    const low = (v: bigint) => Number(v % (1n << 32n));
    const pkts = (v: bigint) => v / 700n;
    const errors = Math.floor(rnd() * 20);
    const alias = link ? `to ${names[link[0]]} eth${link[1]}` : '';

    add(`${IF_ENTRY}.1.${p}`, 'Integer', p);
    add(`${IF_ENTRY}.2.${p}`, 'OctetString', str(ifName));
    add(`${IF_ENTRY}.3.${p}`, 'Integer', 6);
    add(`${IF_ENTRY}.4.${p}`, 'Integer', 1500);
    add(`${IF_ENTRY}.5.${p}`, 'Gauge32', SPEED_BPS);
    add(`${IF_ENTRY}.6.${p}`, 'OctetString', mac(i, p));
    add(`${IF_ENTRY}.7.${p}`, 'Integer', 1);
    add(`${IF_ENTRY}.8.${p}`, 'Integer', up ? 1 : 2);
    add(`${IF_ENTRY}.9.${p}`, 'TimeTicks', Math.floor(uptime * rnd()));
    add(`${IF_ENTRY}.10.${p}`, 'Counter32', low(hcIn));
    add(`${IF_ENTRY}.11.${p}`, 'Counter32', low(pkts(hcIn)));
    add(`${IF_ENTRY}.13.${p}`, 'Counter32', 0);
    add(`${IF_ENTRY}.14.${p}`, 'Counter32', errors);
    add(`${IF_ENTRY}.16.${p}`, 'Counter32', low(hcOut));
    add(`${IF_ENTRY}.17.${p}`, 'Counter32', low(pkts(hcOut)));
    add(`${IF_ENTRY}.19.${p}`, 'Counter32', 0);
    add(`${IF_ENTRY}.20.${p}`, 'Counter32', 0);

    add(`${IFX_ENTRY}.1.${p}`, 'OctetString', str(ifName));
    for (const c of [2, 3, 4, 5]) add(`${IFX_ENTRY}.${c}.${p}`, 'Counter32', 0);
    add(`${IFX_ENTRY}.6.${p}`, 'Counter64', hcIn);
    add(`${IFX_ENTRY}.7.${p}`, 'Counter64', pkts(hcIn));
    add(`${IFX_ENTRY}.8.${p}`, 'Counter64', 0n);
    add(`${IFX_ENTRY}.9.${p}`, 'Counter64', 0n);
    add(`${IFX_ENTRY}.10.${p}`, 'Counter64', hcOut);
    add(`${IFX_ENTRY}.11.${p}`, 'Counter64', pkts(hcOut));
    add(`${IFX_ENTRY}.12.${p}`, 'Counter64', 0n);
    add(`${IFX_ENTRY}.13.${p}`, 'Counter64', 0n);
    add(`${IFX_ENTRY}.14.${p}`, 'Integer', 1);
    add(`${IFX_ENTRY}.15.${p}`, 'Gauge32', SPEED_BPS / 1e6);
    add(`${IFX_ENTRY}.16.${p}`, 'Integer', 2);
    add(`${IFX_ENTRY}.17.${p}`, 'Integer', 1);
    add(`${IFX_ENTRY}.18.${p}`, 'OctetString', str(alias));
    add(`${IFX_ENTRY}.19.${p}`, 'TimeTicks', 0);

    add(`${LLDP_LOC}.7.1.2.${p}`, 'Integer', PORT_IFNAME);
    add(`${LLDP_LOC}.7.1.3.${p}`, 'OctetString', str(ifName));
    add(`${LLDP_LOC}.7.1.4.${p}`, 'OctetString', str(ifName));

    if (link) {
      const [r, rp] = link;
      const idx = `0.${p}.1`; // lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
      add(`${LLDP_REM}.4.${idx}`, 'Integer', CHASSIS_MAC);
      add(`${LLDP_REM}.5.${idx}`, 'OctetString', mac(r));
      add(`${LLDP_REM}.6.${idx}`, 'Integer', PORT_IFNAME);
      add(`${LLDP_REM}.7.${idx}`, 'OctetString', str(`eth${rp}`));
      add(`${LLDP_REM}.8.${idx}`, 'OctetString', str(`eth${rp}`));
      add(`${LLDP_REM}.9.${idx}`, 'OctetString', str(names[r]));
      add(`${LLDP_REM}.10.${idx}`, 'OctetString', str(sysDescr(spec)));
      add(`${LLDP_REM}.11.${idx}`, 'OctetString', CAP_BRIDGE);
      add(`${LLDP_REM}.12.${idx}`, 'OctetString', CAP_BRIDGE);
    }
  }
  return vbs;
}
