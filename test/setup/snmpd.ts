/**
 * A real Net-SNMP agent for tests: Debian's `/usr/sbin/snmpd`, run in the foreground as the
 * current user on `udp:127.0.0.1:<port>`, with a generated config and a temporary persistent
 * directory (nothing under /etc/snmp or /var/lib/snmp is read or written).
 *
 * Contract of `startSnmpd(opts)`:
 * - resolves once the agent answers a real SNMPv2c GET (sysUpTime.0), with its port, its
 *   directory, `stop()` (SIGTERM, then SIGKILL after 2 s; resolves when the process is gone)
 *   and `start()` (runs it again on the same port and directory: sysUpTime starts over,
 *   snmpEngineBoots goes up, like a reboot);
 * - the agent serves the community (default `public`, read-only, from 127.0.0.1 only) and,
 *   when `v3` is given, one SNMPv3 authPriv user with SHA authentication and AES privacy (or
 *   the protocols it names; `v3Users` adds more users, e.g. SHA-256 + AES);
 * - every agent started here is killed when the test process exits, whatever the outcome;
 * - when `/usr/sbin/snmpd` is missing it rejects with `PeerUnavailableError`; use
 *   `startSnmpdOrSkip` in a mocha hook to fail in CI and skip loudly elsewhere.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { freeUdpPort } from './free-port.js';
import { peerProcess, peerTempDir } from './peer-process.js';

export { freeUdpPort };

export const SNMPD_PATH = '/usr/sbin/snmpd';

export interface SnmpdOptions {
  /** UDP port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Read-only community (default `public`). */
  community?: string;
  /** One authPriv user (SHA + AES unless told). Keys need at least 8 characters. */
  v3?: SnmpdV3User;
  /** More authPriv users (e.g. one per authentication protocol). */
  v3Users?: SnmpdV3User[];
  sysName?: string;
  sysLocation?: string;
  sysContact?: string;
}

/** An SNMPv3 user as snmpd's `createUser` takes it. */
export interface SnmpdV3User {
  user: string;
  authKey: string;
  privKey: string;
  /** snmpd's name: `SHA` (default), `SHA-224`, `SHA-256`, `SHA-384`, `SHA-512`, `MD5`. */
  authProtocol?: 'MD5' | 'SHA' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** snmpd's name: `AES` (default, AES-128), `DES`, `AES-192`, `AES-256` (Blumenthal key extension). */
  privProtocol?: 'AES' | 'DES' | 'AES-192' | 'AES-256';
}

export interface SnmpdHandle {
  port: number;
  /** The temporary directory (config, persistent state); removed when the test process exits. */
  dir: string;
  /** Stops the agent; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts the agent again on the same port and directory (a "reboot"). */
  start(): Promise<void>;
}

/** The peer cannot run on this machine (binary missing). */
export class PeerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerUnavailableError';
  }
}


function quote(s: string): string {
  if (/["\n\r]/.test(s)) throw new Error(`snmpd config value cannot contain quotes or newlines: ${JSON.stringify(s)}`);
  return `"${s}"`;
}

function configText(opts: SnmpdOptions): string {
  const lines = [
    `rocommunity ${opts.community ?? 'public'} 127.0.0.1`,
    `sysName ${opts.sysName ?? 'vigie-snmpd'}`,
    `sysLocation ${opts.sysLocation ?? 'test lab'}`,
    `sysContact ${opts.sysContact ?? 'noc@example.invalid'}`,
    'sysServices 72',
    'dontLogTCPWrappersConnects yes',
  ];
  for (const u of [...(opts.v3 ? [opts.v3] : []), ...(opts.v3Users ?? [])]) {
    lines.push(`createUser ${u.user} ${u.authProtocol ?? 'SHA'} ${quote(u.authKey)} ${u.privProtocol ?? 'AES'} ${quote(u.privKey)}`);
    lines.push(`rouser ${u.user} priv`);
  }
  return `${lines.join('\n')}\n`;
}

/** True once a SNMPv2c GET of sysUpTime.0 is answered. */
function answers(port: number, community: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 250, retries: 0 });
    session.on('error', () => undefined);
    session.get(['1.3.6.1.2.1.1.3.0'], (err) => {
      session.close();
      resolve(!err);
    });
  });
}

export async function startSnmpd(opts: SnmpdOptions = {}): Promise<SnmpdHandle> {
  if (!existsSync(SNMPD_PATH)) {
    throw new PeerUnavailableError(`${SNMPD_PATH} not found: install Debian package snmpd (apt-get install snmpd snmp)`);
  }
  const port = opts.port ?? (await freeUdpPort());
  const dir = peerTempDir('vigie-snmpd-');
  const persist = join(dir, 'persist');
  mkdirSync(persist);
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, configText(opts), { mode: 0o600 });
  const community = opts.community ?? 'public';

  const { start, stop } = peerProcess({
    what: `snmpd on udp:127.0.0.1:${port}`,
    command: SNMPD_PATH,
    args: ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'snmpd.pid'), `udp:127.0.0.1:${port}`],
    env: { ...process.env, SNMP_PERSISTENT_DIR: persist, SNMPCONFPATH: dir, MIBS: '', MIBDIRS: dir },
    answers: () => answers(port, community),
    killGraceMs: 2000,
  });

  await start();
  return { port, dir, stop, start };
}

/**
 * For a mocha `before` hook: starts snmpd, or, when it is not installed, fails in CI
 * (`process.env.CI`) and skips the suite loudly elsewhere.
 */
export async function startSnmpdOrSkip(ctx: Mocha.Context, opts?: SnmpdOptions): Promise<SnmpdHandle> {
  try {
    return await startSnmpd(opts);
  } catch (e) {
    if (e instanceof PeerUnavailableError && !process.env.CI) {
      console.warn(`SKIPPED: ${e.message}`);
      ctx.skip();
    }
    throw e;
  }
}
