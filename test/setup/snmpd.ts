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
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { freeUdpPort } from './free-port.js';

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

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const child of running) child.kill('SIGKILL');
      process.kill(process.pid, sig);
    });
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
  installExitHook();
  const port = opts.port ?? (await freeUdpPort());
  const dir = mkdtempSync(join(tmpdir(), 'vigie-snmpd-'));
  tempDirs.add(dir);
  const persist = join(dir, 'persist');
  mkdirSync(persist);
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, configText(opts), { mode: 0o600 });
  const community = opts.community ?? 'public';

  let child: ChildProcess | undefined;
  let output = '';

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) {
      if (c) running.delete(c);
      return;
    }
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => c.kill('SIGKILL'), 2000);
      c.once('exit', () => {
        clearTimeout(force);
        running.delete(c);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error(`snmpd on port ${port} is already running`);
    output = '';
    const c = spawn(SNMPD_PATH, ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'snmpd.pid'), `udp:127.0.0.1:${port}`], {
      env: { ...process.env, SNMP_PERSISTENT_DIR: persist, SNMPCONFPATH: dir, MIBS: '', MIBDIRS: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    running.add(c);
    const keep = (b: Buffer): void => {
      output = (output + b.toString()).slice(-4000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    let exited = false;
    c.once('exit', () => {
      exited = true;
      running.delete(c);
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exited) break;
      if (await answers(port, community)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`snmpd did not start on udp:127.0.0.1:${port} (${exited ? 'it exited' : 'no answer in 10 s'}); its output:\n${output}`);
  };

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
