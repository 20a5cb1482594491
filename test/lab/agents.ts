/**
 * The agents of one lab namespace: Debian `snmpd` as AgentX master, listening on the
 * namespace's management address, and `lldpd` as its AgentX subagent (so snmpd serves LLDP-MIB),
 * sending LLDP on the namespace's switch ports. Everything lives in the device's temp directory.
 */
import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { spawnInNamespace, type Daemon } from './commands.js';

export const SNMPD = '/usr/sbin/snmpd';
export const LLDPD = '/usr/sbin/lldpd';

export interface AgentSpec {
  /** sysName and LLDP system name. */
  name: string;
  ns: string;
  dir: string;
  /** Management address (snmpd listens there; lldpd advertises it). */
  mgmt: string;
  port: number;
  community: string;
  /** Source addresses snmpd answers (CIDR). */
  clients: string;
  /** Interface patterns lldpd runs on (`swp*`). */
  interfaces: string;
  /** Port id = interface name (else lldpd's default: MAC as id, name as description). */
  portIdIfName: boolean;
  capabilities?: string;
}

/** A GET of snmpInPkts.0 (also proves the agent answers). */
export function snmpGet(host: string, port: number, community: string, oids: string[], timeoutMs = 500): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    const s = snmp.createSession(host, community, { port, version: snmp.Version2c, timeout: timeoutMs, retries: 0 });
    s.on('error', () => undefined);
    s.get(oids, (err, vbs) => {
      s.close();
      if (err) reject(err);
      else resolve(vbs as snmp.Varbind[]);
    });
  });
}

/** Walks one subtree (GETNEXT is plenty for a lab). */
export function snmpWalk(host: string, port: number, community: string, oid: string): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    const s = snmp.createSession(host, community, { port, version: snmp.Version2c, timeout: 1000, retries: 0 });
    s.on('error', () => undefined);
    const out: snmp.Varbind[] = [];
    s.subtree(
      oid,
      20,
      (vbs: snmp.Varbind[]) => void out.push(...vbs),
      (err: Error | null) => {
        s.close();
        if (err) reject(err);
        else resolve(out);
      },
    );
  });
}

async function until(what: string, ms: number, check: () => Promise<boolean>, diagnose: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} (waited ${ms} ms)\n${diagnose()}`);
}

const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '(no log)');

export async function startSnmpdIn(a: AgentSpec): Promise<Daemon> {
  const persist = join(a.dir, 'persist');
  mkdirSync(persist, { recursive: true });
  const conf = join(a.dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `rocommunity ${a.community} ${a.clients}`,
      'master agentx',
      `agentXSocket ${join(a.dir, 'agentx.sock')}`,
      `sysName ${a.name}`,
      'sysLocation vigie netns lab',
      'sysContact noc@example.invalid',
      'sysServices 6',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const log = join(a.dir, 'snmpd.log');
  const d = spawnInNamespace(`snmpd ${a.name}`, a.ns, SNMPD, ['-f', '-Lf', log, '-C', '-c', conf, '-p', join(a.dir, 'snmpd.pid'), `udp:${a.mgmt}:${a.port}`], join(a.dir, 'snmpd.out'), {
    SNMP_PERSISTENT_DIR: persist, SNMPCONFPATH: a.dir, MIBS: '', MIBDIRS: a.dir,
  });
  try {
    await until(`snmpd of ${a.name} does not answer on ${a.mgmt}:${a.port}`, 10_000, async () => {
      if (d.exited()) throw new Error('exited');
      await snmpGet(a.mgmt, a.port, a.community, ['1.3.6.1.2.1.1.3.0'], 300);
      return true;
    }, () => `${tail(log)}\n${tail(join(a.dir, 'snmpd.out'))}`);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

export async function startLldpdIn(a: AgentSpec): Promise<Daemon> {
  const conf = join(a.dir, 'lldpd.conf');
  writeFileSync(
    conf,
    [
      `configure system hostname ${a.name}`,
      `configure system description "Vigie lab ${a.name}"`,
      ...(a.capabilities ? [`configure system capabilities enabled ${a.capabilities}`] : []),
      'configure lldp tx-interval 1',
      'configure lldp tx-hold 3',
      ...(a.portIdIfName ? ['configure lldp portidsubtype ifname'] : []),
      '',
    ].join('\n'),
  );
  const args = ['-d', '-x', '-X', join(a.dir, 'agentx.sock'), '-u', join(a.dir, 'lldpd.sock'), '-p', join(a.dir, 'lldpd.pid'), '-O', conf, '-I', a.interfaces, '-m', a.mgmt];
  return spawnInNamespace(`lldpd ${a.name}`, a.ns, LLDPD, args, join(a.dir, 'lldpd.log'));
}

/** LLDP-MIB lldpRemSysName rows the agent serves now. */
export async function lldpNeighbourNames(a: Pick<AgentSpec, 'mgmt' | 'port' | 'community'>): Promise<string[]> {
  const vbs = await snmpWalk(a.mgmt, a.port, a.community, '1.0.8802.1.1.2.1.4.1.1.9');
  return vbs.map((vb) => String(vb.value)).sort();
}

export { until as waitUntil, tail as logTail };
