/**
 * A network lab in Linux network namespaces, for discovery tests against real LLDP:
 *
 *            s1 ─────── s2          three "switches" in a triangle (ports swp1, swp2, …)
 *            │  ╲      ╱            and one leaf host l1 on s1 (port eth1), wired by veth pairs
 *            l1   ╲  ╱              carrying real LLDP frames between lldpd instances.
 *                  s3
 *
 * Each namespace (`vigie-<pid>-<device>`) runs snmpd (AgentX master) on its management address
 * and lldpd (AgentX subagent), so LLDP-MIB shows its neighbours with their management address.
 * Addresses are from 198.18.0.0/15 (RFC 2544 benchmarking), never private ranges: cables
 * 198.18.<n>.0/24 (/31 each), management 198.19.<n>.<i>/32 on each namespace's loopback. The
 * test (in the root namespace) reaches each management address through a veth of its own
 * (198.19.<n>.64/26 as /30s) and a host route: traffic only to the lab's own hosts.
 *
 * Contract: `startLab()` resolves once every agent answers and every LLDP neighbour is seen;
 * `destroy()` kills the daemons (by pid), deletes the namespaces and the root-side links and
 * routes; the same happens at process exit whatever the outcome, and namespaces left by a lab
 * whose process died are removed at the next start. Not root, or no netns/lldpd/snmpd:
 * `LabUnavailableError` (use `startLabOrSkip`: fails in CI, skips loudly elsewhere).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLDPD, SNMPD, lldpNeighbourNames, logTail, snmpGet, startLldpdIn, startSnmpdIn, waitUntil, type AgentSpec } from './agents.js';
import { IP, ip, ipSync, onExit, pidAlive, run, type Daemon } from './commands.js';

export class LabUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabUnavailableError';
  }
}

export interface LabDevice {
  name: string;
  ns: string;
  /** Management address (snmpd, LLDP management address). */
  mgmt: string;
  /** snmpd's UDP port. */
  port: number;
  /** Root-namespace interface that leads to it. */
  uplink: string;
}

export interface LabCable {
  a: { node: string; port: string };
  b: { node: string; port: string };
}

export interface Lab {
  prefix: string;
  community: string;
  devices: LabDevice[];
  cables: LabCable[];
  /** A CIDR covering every management address. */
  managementCidr: string;
  device(name: string): LabDevice;
  /** `ip link set <port> up|down` in the device's namespace. */
  setPort(device: string, port: string, up: boolean): Promise<void>;
  /** snmpInPkts.0 of a device's snmpd (SNMP packets it received, this GET included). */
  snmpInPkts(device: string): Promise<number>;
  destroy(): Promise<void>;
}

const PREFIX_RE = /^vigie-(\d+)-/;
const SNMP_PORT = 16161;
/** Cables in order; ports are numbered per device in this order (leaf ports are eth*). */
const WIRING: [string, string][] = [['s1', 's2'], ['s2', 's3'], ['s3', 's1'], ['s1', 'l1']];
const DEVICES = ['s1', 's2', 's3', 'l1'];

/** Why the lab cannot run here, or undefined. */
export function labUnavailableReason(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the netns lab needs root (network namespaces, veth pairs)';
  for (const [file, pkg] of [[IP, 'iproute2'], [LLDPD, 'lldpd'], [SNMPD, 'snmpd']]) {
    if (!existsSync(file)) return `${file} not found: install Debian package ${pkg}`;
  }
  return undefined;
}

/** Deletes namespaces (and their root-side links) left by a lab whose process is gone. */
async function removeStaleLabs(): Promise<void> {
  const list = await ip('netns', 'list').catch(() => '');
  for (const line of list.split('\n')) {
    const ns = line.split(' ')[0];
    const m = PREFIX_RE.exec(ns);
    if (!m || pidAlive(Number(m[1]))) continue;
    const pids = (await ip('netns', 'pids', ns).catch(() => '')).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) process.kill(pid, 'SIGKILL'); // daemons a dead lab of ours started in its own namespace
    await ip('netns', 'del', ns).catch(() => undefined);
  }
  const links = JSON.parse((await ip('-j', 'link', 'show').catch(() => '[]')) || '[]') as { ifname: string }[];
  for (const l of links) {
    const m = /^vg(\d+)m\d$/.exec(l.ifname);
    if (m && !pidAlive(Number(m[1]))) await ip('link', 'del', l.ifname).catch(() => undefined);
  }
}

/** A /24 index n such that nothing in the root namespace uses 198.18.n.0/24 or 198.19.n.0/24. */
async function freeSubnet(): Promise<number> {
  const used = `${await ip('-4', 'route', 'show', 'table', 'all')}\n${await ip('-4', 'addr', 'show')}`;
  for (let k = 0; k < 250; k++) {
    const n = ((process.pid + k) % 250) + 1;
    if (!used.includes(`198.18.${n}.`) && !used.includes(`198.19.${n}.`)) return n;
  }
  throw new LabUnavailableError('no free 198.18.n.0/24 + 198.19.n.0/24 pair in the root namespace');
}

export async function startLab(opts: { community?: string } = {}): Promise<Lab> {
  const why = labUnavailableReason();
  if (why) throw new LabUnavailableError(why);
  await removeStaleLabs();
  const prefix = `vigie-${process.pid}-`;
  const n = await freeSubnet();
  const community = opts.community ?? `lab-${process.pid}`;
  // lldpd runs lldpcli unprivileged (user _lldpd): it must reach the control socket in these folders.
  const tempDir = (parent: string, name: string) => {
    const d = mkdtempSync(join(parent, name));
    chmodSync(d, 0o755);
    return d;
  };
  const dir = tempDir(tmpdir(), 'vigie-lab-');
  const daemons: Daemon[] = [];
  const namespaces: string[] = [];
  const uplinks: string[] = [];
  const undoSync = () => {
    for (const d of daemons) if (!d.exited() && d.child.pid) process.kill(d.child.pid, 'SIGKILL');
    for (const ns of namespaces) {
      try {
        ipSync('netns', 'del', ns);
      } catch {
        /* already gone */
      }
    }
    for (const u of uplinks) {
      try {
        ipSync('link', 'del', u);
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const dropExitHook = onExit(`lab:${prefix}`, undoSync);

  let destroyed: Promise<void> | undefined;
  const destroy = () =>
    (destroyed ??= (async () => {
      await Promise.all(daemons.map((d) => d.stop()));
      for (const ns of namespaces) await ip('netns', 'del', ns).catch(() => undefined);
      for (const u of uplinks) await ip('link', 'del', u).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      dropExitHook();
    })());

  try {
    const devices: LabDevice[] = [];
    for (const [i, name] of DEVICES.entries()) {
      const ns = `${prefix}${name}`;
      try {
        await ip('netns', 'add', ns);
      } catch (e) {
        throw new LabUnavailableError(`cannot create network namespace ${ns}: ${(e as Error).message}`);
      }
      namespaces.push(ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      const mgmt = `198.19.${n}.${i + 1}`;
      await ip('-n', ns, 'addr', 'add', `${mgmt}/32`, 'dev', 'lo');
      // The test's way in: a veth from the root namespace, a /30 and a host route to the management address.
      const uplink = `vg${process.pid}m${i + 1}`;
      const base = 64 + 4 * i;
      await ip('link', 'add', uplink, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', ns);
      uplinks.push(uplink);
      await ip('addr', 'add', `198.19.${n}.${base + 1}/30`, 'dev', uplink);
      await ip('link', 'set', uplink, 'up');
      await ip('-n', ns, 'addr', 'add', `198.19.${n}.${base + 2}/30`, 'dev', 'mgmt0');
      await ip('-n', ns, 'link', 'set', 'mgmt0', 'up');
      await ip('route', 'add', `${mgmt}/32`, 'via', `198.19.${n}.${base + 2}`, 'dev', uplink);
      devices.push({ name, ns, mgmt, port: SNMP_PORT, uplink });
    }
    const byName = new Map(devices.map((d) => [d.name, d]));

    const used = new Map<string, number>();
    const nextPort = (dev: string) => {
      const k = (used.get(dev) ?? 0) + 1;
      used.set(dev, k);
      return `${dev.startsWith('l') ? 'eth' : 'swp'}${k}`;
    };
    const cables: LabCable[] = [];
    for (const [k, [x, y]] of WIRING.entries()) {
      const a = { node: x, port: nextPort(x) };
      const b = { node: y, port: nextPort(y) };
      await ip('link', 'add', a.port, 'netns', byName.get(x)!.ns, 'type', 'veth', 'peer', 'name', b.port, 'netns', byName.get(y)!.ns);
      await ip('-n', byName.get(x)!.ns, 'addr', 'add', `198.18.${n}.${2 * k}/31`, 'dev', a.port);
      await ip('-n', byName.get(y)!.ns, 'addr', 'add', `198.18.${n}.${2 * k + 1}/31`, 'dev', b.port);
      await ip('-n', byName.get(x)!.ns, 'link', 'set', a.port, 'up');
      await ip('-n', byName.get(y)!.ns, 'link', 'set', b.port, 'up');
      cables.push({ a, b });
    }

    const specs: AgentSpec[] = devices.map((d, i) => ({
      name: d.name, ns: d.ns, dir: tempDir(dir, `${d.name}-`), mgmt: d.mgmt, port: d.port, community,
      clients: `198.19.${n}.64/26`, interfaces: 'swp*,eth*',
      // s3, l1: port id = interface name, as switches send it (s3 unpolled is then named by its
      // ports' names); s1, s2: lldpd's default (MAC as id, name as description), named from the
      // polled device's own side (graph.ts), or by the MAC (the switch kind's rule) when unpolled.
      portIdIfName: i >= 2,
      capabilities: d.name.startsWith('s') ? 'bridge' : undefined,
    }));
    for (const s of specs) daemons.push(await startSnmpdIn(s));
    for (const s of specs) daemons.push(await startLldpdIn(s));

    const expected = (name: string) => cables.flatMap((c) => (c.a.node === name ? [c.b.node] : c.b.node === name ? [c.a.node] : [])).sort();
    for (const s of specs) {
      let seen: string[] = [];
      await waitUntil(
        `LLDP neighbours of ${s.name} not all seen (want ${expected(s.name).join(', ')})`,
        20_000,
        async () => JSON.stringify((seen = await lldpNeighbourNames(s))) === JSON.stringify(expected(s.name)),
        () => `seen: ${seen.join(', ') || 'none'}; lldpd log:\n${logTail(join(s.dir, 'lldpd.log'))}`,
      );
    }

    return {
      prefix, community, devices, cables,
      managementCidr: `198.19.${n}.0/26`,
      device: (name) => {
        const d = byName.get(name);
        if (!d) throw new Error(`no lab device ${name}`);
        return d;
      },
      setPort: async (device, port, up) => {
        await run(IP, ['-n', byName.get(device)!.ns, 'link', 'set', port, up ? 'up' : 'down']);
      },
      snmpInPkts: async (device) => {
        const d = byName.get(device)!;
        const [vb] = await snmpGet(d.mgmt, d.port, community, ['1.3.6.1.2.1.11.1.0'], 1000);
        return Number(vb.value);
      },
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}

/**
 * For a mocha `before` hook: the lab, or, when it cannot run here (not root, no netns, lldpd or
 * snmpd missing), a failure in CI (`process.env.CI`) and a loud skip elsewhere.
 */
export async function startLabOrSkip(ctx: Mocha.Context, opts?: { community?: string }): Promise<Lab> {
  try {
    return await startLab(opts);
  } catch (e) {
    if (e instanceof LabUnavailableError && !process.env.CI) {
      console.warn(`SKIPPED: ${e.message}`);
      ctx.skip();
    }
    if (e instanceof LabUnavailableError) throw new Error(`the netns lab is required in CI: ${e.message}`);
    throw e;
  }
}
