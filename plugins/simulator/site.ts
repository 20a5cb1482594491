/**
 * A generated site: `switches` switches `sim-sw-01`, `sim-sw-02`, … with `portsPerSwitch` ports
 * (`eth1`…) each, cabled as a connected graph that is deterministic from `seed`: a random tree
 * (each switch uplinks to an earlier one with a free port) plus about one cross link per five
 * switches, so there are at least N−1 links and some redundant paths. Then `routers` routers
 * `sim-rtr-01`, … (site-router.ts), each with eth1 cabled to a switch (router k to switch k, or
 * the next one with a free port) and eth2 to a seeded other one, when free ports allow.
 *
 * Each device is a `Recording` with the SNMPv2-MIB system group, IF-MIB ifTable/ifXTable (traffic
 * counters start from seeded values; the live model advances them), and LLDP-MIB local system,
 * local port table and remote table, the remote rows agreeing with the far end of every link
 * (site-records.ts). A router adds BGP, routes and resources, some following time (`dynamic`).
 * The switches' cabling and records do not depend on `routers` beyond the ports routers use.
 */
import type { Varbind } from '../sdk/index.js';
import { Recording } from '../sdk/snmp/snmprec.js';
import { prng } from '../sdk/testkit/live.js';
import type { DynamicValues } from './router-live.js';
import { addInventory, addLldpLocal, addLldpRemote, addPort, addSystem, LLDP_CAP, rowSink, simSerial, type LldpSelf } from './site-records.js';
import { ROUTER_UPLINKS, routerDescr, routerName, routerRecords } from './site-router.js';

export interface SiteSpec {
  switches: number;
  portsPerSwitch: number;
  seed: number;
  /** Generated routers after the switches (default 0). */
  routers?: number;
}

/** One end of a link, as seen from a switch. */
export interface SiteLink {
  localPort: string;
  remote: string;
  remotePort: string;
}

/** A generated device (switch or router; the name is historical). */
export interface SiteSwitch {
  name: string;
  kind: 'switch' | 'router';
  recording: Recording;
  links: SiteLink[];
  /** Values that follow time beyond the traffic counters (routers: BGP, CPU, memory, routes). */
  dynamic?: DynamicValues;
}
export type SiteDevice = SiteSwitch;

/** A cable between devices `a` and `b` (switches 0…switches−1, then routers), on their ports `pa`, `pb`. */
interface Cable {
  a: number;
  pa: number;
  b: number;
  pb: number;
}

const SYS_OBJECT_ID = '1.3.6.1.4.1.8072.3.2.255';
const SPEED_BPS = 1_000_000_000;

export function switchName(i: number, total: number): string {
  return `sim-sw-${String(i + 1).padStart(Math.max(2, String(total).length), '0')}`;
}

/**
 * Chassis MAC of device `i` (0-based; locally administered `02:76:69:…` for switches, `02:76:72:…`
 * for routers), or of its port `p` when given.
 */
function mac(spec: SiteSpec, i: number, p = 0): Buffer {
  const router = i >= spec.switches;
  const n = (router ? i - spec.switches : i) + 1;
  return Buffer.from([0x02, 0x76, router ? 0x72 : 0x69, (n >> 8) & 0xff, n & 0xff, p & 0xff]);
}

/** The cabling: a seeded random tree plus cross links, each end on the switch's next free port; then the routers' uplinks. */
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
  const rrnd = prng(spec.seed ^ 0x707e);
  for (let r = 0; r < (spec.routers ?? 0); r++) {
    const chosen = new Set<number>();
    for (let port = 1; port <= ROUTER_UPLINKS; port++) {
      const start = port === 1 ? r % spec.switches : Math.floor(rrnd() * spec.switches);
      for (let k = 0; k < spec.switches; k++) {
        const s = (start + k) % spec.switches;
        if (chosen.has(s) || used[s] >= spec.portsPerSwitch) continue;
        chosen.add(s);
        cables.push({ a: s, pa: ++used[s], b: spec.switches + r, pb: port });
        break;
      }
    }
  }
  return cables;
}


/** Builds every device of the site: the switches, then the routers. */
export function generateSite(spec: SiteSpec): SiteSwitch[] {
  const n = spec.switches;
  const routers = spec.routers ?? 0;
  const names = [...Array(n).keys()].map((i) => switchName(i, n));
  for (let r = 0; r < routers; r++) names.push(routerName(r));
  const selves: LldpSelf[] = names.map((name, i) =>
    i < n ? { chassis: mac(spec, i), sysName: name, sysDescr: sysDescr(spec), caps: LLDP_CAP.bridge } : { chassis: mac(spec, i), sysName: name, sysDescr: routerDescr(), caps: LLDP_CAP.router },
  );
  /** peer[i][port] = [remote device, remote port] */
  const peer = names.map(() => new Map<number, [number, number]>());
  for (const c of siteCables(spec)) {
    peer[c.a].set(c.pa, [c.b, c.pb]);
    peer[c.b].set(c.pb, [c.a, c.pa]);
  }
  return names.map((name, i) => {
    const links = [...peer[i].entries()]
      .sort(([x], [y]) => x - y)
      .map(([p, [r, rp]]) => ({ localPort: `eth${p}`, remote: names[r], remotePort: `eth${rp}` }));
    const far = new Map([...peer[i]].map(([p, [r, rp]]) => [p, [selves[r], `eth${rp}`] as [LldpSelf, string]]));
    if (i < n) return { name, kind: 'switch' as const, links, recording: new Recording(name, switchRecords(spec, i, selves[i], far)) };
    const rnd = prng((spec.seed * 7919 + i * 104729) >>> 0);
    const { vbs, dynamic } = routerRecords({ name, self: selves[i], peers: far, portMac: (p) => mac(spec, i, p), rnd });
    return { name, kind: 'router' as const, links, recording: new Recording(name, vbs), dynamic };
  });
}

function sysDescr(spec: SiteSpec): string {
  return `Vigie simulated switch, ${spec.portsPerSwitch} x 1G ports`;
}

function switchRecords(spec: SiteSpec, i: number, self: LldpSelf, far: ReadonlyMap<number, [LldpSelf, string]>): Varbind[] {
  const rnd = prng((spec.seed * 7919 + i * 104729) >>> 0);
  const sink = rowSink();
  const uptime = Math.floor((1 + rnd() * 99) * 86_400 * 100);
  addSystem(sink, {
    descr: sysDescr(spec), objectId: SYS_OBJECT_ID, uptime, name: self.sysName,
    location: `Simulated site, rack ${Math.floor(i / 4) + 1}`, services: 2, ifNumber: spec.portsPerSwitch,
  });
  addLldpLocal(sink, self);
  for (let p = 1; p <= spec.portsPerSwitch; p++) {
    const link = far.get(p);
    const up = link !== undefined || rnd() < 0.5;
    const alias = link ? `to ${link[0].sysName} ${link[1]}` : '';
    addPort(sink, rnd, { index: p, ifName: `eth${p}`, up, speedBps: SPEED_BPS, mac: mac(spec, i, p), alias, uptime });
    if (link) addLldpRemote(sink, p, link[0], link[1]);
  }
  addInventory(sink, {
    descr: sysDescr(spec), model: `VSIM-SW-${spec.portsPerSwitch}G`, serial: simSerial('switch', self.chassis),
    hardware: 'A1', firmware: '1.4.2', software: '4.2.0',
  });
  return sink.vbs;
}
