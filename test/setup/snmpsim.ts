/**
 * Recorded real devices for tests and benchmarks: PyPI `snmpsim` (command responder) serving
 * `.snmprec` recordings on `udp:127.0.0.1:<port>`, each under the community that is its file
 * name without `.snmprec`.
 *
 * Contract of `startSnmpsim(recordings, opts)`:
 * - `recordings` are names in the corpus (`ios_2960x`, see `corpus.ts`) or absolute paths of
 *   `.snmprec` files; they are copied into a temporary data directory readable by everyone
 *   (as root, snmpsim refuses to run without dropping privileges to `nobody`);
 * - resolves once every recording answers a real SNMPv2c GET under its community, with the
 *   port, `community(name)` and `stop()` (SIGTERM, then SIGKILL after 2 s; resolves when the
 *   process is gone and its temporary directories are removed; idempotent);
 * - every simulator started here is killed, and its directories removed, when the process exits;
 * - rejects with `PeerUnavailableError` when snmpsim is not installed (see `SNMPSIM_INSTALL`) or
 *   a recording is missing, with `Error` (its output attached) when it does not come up.
 * In a mocha hook use `startSnmpsimOrSkip`: any failure fails in CI (`process.env.CI`) and skips
 * loudly elsewhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import snmp from 'net-snmp';
import { corpusFile } from './corpus.js';
import { PeerUnavailableError, freeUdpPort } from './snmpd.js';

/** The virtualenv snmpsim runs from (`$VIGIE_SNMPSIM_VENV`, default `/opt/vigie-snmpsim`). */
export const SNMPSIM_VENV = process.env.VIGIE_SNMPSIM_VENV ?? '/opt/vigie-snmpsim';
export const SNMPSIM_BIN = join(SNMPSIM_VENV, 'bin', 'snmpsim-command-responder');
/** How to install it (what `.ci/run` and `test/setup/ensure-deps.mjs` do, as root). */
export const SNMPSIM_INSTALL =
  `apt-get install -y python3-venv && /usr/bin/python3 -m venv ${SNMPSIM_VENV} && ` +
  `${SNMPSIM_VENV}/bin/pip install snmpsim==1.2.2 pysnmp==7.1.30 pysmi==2.0.0 && chmod -R a+rX ${SNMPSIM_VENV}`;

export interface SnmpsimOptions {
  /** UDP port on 127.0.0.1; default: a free one. */
  port?: number;
  /** How long to wait for every recording to answer (default 60 s: the first start indexes them). */
  startTimeoutMs?: number;
}

export interface SnmpsimHandle {
  port: number;
  /** The community that serves a recording (its file name without `.snmprec`). */
  community(recording: string): string;
  /** Stops the simulator and removes its directories; resolves when the process is gone. */
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  dirs: string[];
}

const running = new Set<Running>();
let exitHookInstalled = false;

function cleanup(r: Running): void {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  for (const dir of r.dirs) rmSync(dir, { recursive: true, force: true });
  running.delete(r);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => [...running].forEach(cleanup));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      [...running].forEach(cleanup);
      process.kill(process.pid, sig);
    });
  }
}

/** The community of a recording name or path. */
export function communityOf(recording: string): string {
  return basename(recording).replace(/\.snmprec$/, '');
}

function recordingPath(recording: string): string {
  return isAbsolute(recording) ? recording : corpusFile(recording);
}

/** True once a SNMPv2c GET under `community` is answered (snmpsim ignores unknown communities). */
function answers(port: number, community: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 300, retries: 0 });
    session.on('error', () => undefined);
    session.get(['1.3.6.1.2.1.1.2.0'], (err) => {
      session.close();
      resolve(!err);
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export async function startSnmpsim(recordings: string[], opts: SnmpsimOptions = {}): Promise<SnmpsimHandle> {
  if (!existsSync(SNMPSIM_BIN)) {
    throw new PeerUnavailableError(`${SNMPSIM_BIN} not found: install snmpsim (as root: ${SNMPSIM_INSTALL})`);
  }
  if (recordings.length === 0) throw new Error('startSnmpsim: give at least one recording');
  const communities = recordings.map(communityOf);
  const dupe = communities.find((c, i) => communities.indexOf(c) !== i);
  if (dupe) throw new Error(`startSnmpsim: two recordings would share the community "${dupe}"`);
  const missing = recordings.map(recordingPath).filter((p) => !existsSync(p));
  if (missing.length) throw new PeerUnavailableError(`recording(s) not found: ${missing.join(', ')} (set VIGIE_SNMPREC_DIR to the snmprec corpus)`);

  installExitHook();
  const port = opts.port ?? (await freeUdpPort());
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-snmpsim-data-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'vigie-snmpsim-cache-'));
  // snmpsim drops to nobody: it must read the data and write its index.
  chmodSync(dataDir, 0o755);
  chmodSync(cacheDir, 0o777);
  for (const rec of recordings) {
    const dest = join(dataDir, `${communityOf(rec)}.snmprec`);
    copyFileSync(recordingPath(rec), dest);
    chmodSync(dest, 0o644);
  }

  const args = [`--data-dir=${dataDir}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`, `--cache-dir=${cacheDir}`];
  if (isRoot()) args.push('--process-user=nobody', '--process-group=nogroup');
  const child = spawn(SNMPSIM_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const entry: Running = { child, dirs: [dataDir, cacheDir] };
  running.add(entry);
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
    exited = true;
  });
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!exited) {
        const force = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.kill('SIGTERM');
        await gone;
        clearTimeout(force);
      }
      cleanup(entry);
    })());

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  let pending = [...communities];
  while (pending.length && !exited && Date.now() < deadline) {
    const ok = await Promise.all(pending.map((c) => answers(port, c)));
    pending = pending.filter((_, i) => !ok[i]);
    if (pending.length) await new Promise((r) => setTimeout(r, 200));
  }
  if (pending.length) {
    await stop();
    const why = spawnError ? `it could not be run: ${spawnError.message}` : exited ? 'it exited' : `${pending.join(', ')} did not answer in time`;
    throw new Error(`snmpsim did not start on udp:127.0.0.1:${port} (${why}); its output:\n${output}`);
  }
  return {
    port,
    community: (recording) => {
      const c = communityOf(recording);
      if (!communities.includes(c)) throw new Error(`snmpsim on port ${port} does not serve the recording "${recording}"`);
      return c;
    },
    stop,
  };
}

/**
 * For a mocha `before` hook: starts snmpsim, or, when it cannot start, fails in CI
 * (`process.env.CI`) and skips the suite loudly elsewhere.
 */
export async function startSnmpsimOrSkip(ctx: Mocha.Context, recordings: string[], opts?: SnmpsimOptions): Promise<SnmpsimHandle> {
  try {
    return await startSnmpsim(recordings, opts);
  } catch (e) {
    if (process.env.CI) throw e;
    console.warn(`SKIPPED: snmpsim could not start: ${e instanceof Error ? e.message : String(e)}`);
    ctx.skip();
  }
}
