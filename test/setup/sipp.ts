/**
 * SIPp (Debian `sip-tester`, `/usr/bin/sipp`) for tests, on loopback only.
 *
 * - `startSippServer(opts)`: a long-running SIPp (a UAS, e.g. `-sn uas` or a scenario file, with
 *   `-rtp_echo` when asked) on `127.0.0.1:<port>`; resolves once its SIP socket is bound (read
 *   from /proc/net/udp, since a UAS answers nothing but its scenario); `stop()`/`start()` as for
 *   Kamailio (test/setup/peer-process.ts).
 * - `runSippClient(opts)`: a SIPp run to completion (a UAC placing `-m` calls); resolves with its
 *   exit code, its output and, with `-trace_stat`, nothing more: callers read the counters they need
 *   from the `-trace_counts`/`-trace_stat` files in `dir` or from stdout.
 * Scenario XML given as text is written into the peer's temp folder. Every SIPp started here is
 * killed when the test process exits. A missing binary rejects with `PeerUnavailableError`; use
 * `sippOrSkip` in a mocha hook to fail in CI and skip loudly elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeUdpPort } from './free-port.js';
import { peerProcess, peerTempDir, trackChild } from './peer-process.js';
import { PeerUnavailableError } from './snmpd.js';

export const SIPP_PATH = '/usr/bin/sipp';

export interface SippServerOptions {
  /** UDP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** A built-in scenario (`-sn uas`) or scenario XML text; default `uas`. */
  scenario?: { builtin: string } | { xml: string };
  /** Extra arguments (e.g. `['-rtp_echo', '-mp', '40000']`). */
  args?: string[];
}

export interface SippServer {
  port: number;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface SippClientOptions {
  /** `host:port` the calls go to. */
  target: string;
  scenario: { builtin: string } | { xml: string };
  /** Arguments besides the scenario, target, `-i 127.0.0.1`, `-nostdin` (e.g. `-m 20 -r 10 -l 5`). */
  args: string[];
  /** Kill it after this many ms (default 60 s). */
  timeoutMs?: number;
}

export interface SippClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
}

function requireSipp(): void {
  if (!existsSync(SIPP_PATH)) throw new PeerUnavailableError(`${SIPP_PATH} not found: install Debian package sip-tester (apt-get install sip-tester)`);
}

function scenarioArgs(dir: string, scenario: SippServerOptions['scenario']): string[] {
  if (!scenario || 'builtin' in scenario) return ['-sn', scenario?.builtin ?? 'uas'];
  const file = join(dir, 'scenario.xml');
  writeFileSync(file, scenario.xml);
  return ['-sf', file];
}

/** True when a UDP socket is bound to 127.0.0.1:`port` (per /proc/net/udp). */
export function udpPortBound(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  try {
    return readFileSync('/proc/net/udp', 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`));
  } catch {
    return false;
  }
}

export async function startSippServer(opts: SippServerOptions = {}): Promise<SippServer> {
  requireSipp();
  const port = opts.port ?? (await freeUdpPort());
  const dir = peerTempDir('vigie-sipp-');
  const args = [...scenarioArgs(dir, opts.scenario), '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-trace_err', '-error_file', join(dir, 'errors.log'), ...(opts.args ?? [])];
  const { start, stop } = peerProcess({
    what: `sipp ${args.slice(0, 2).join(' ')} on udp:127.0.0.1:${port}`,
    command: SIPP_PATH,
    args,
    answers: async () => udpPortBound(port),
    killGraceMs: 2000,
  });
  await start();
  return { port, dir, stop, start };
}

export async function runSippClient(opts: SippClientOptions): Promise<SippClientResult> {
  requireSipp();
  const dir = peerTempDir('vigie-sipp-uac-');
  const args = [opts.target, ...scenarioArgs(dir, opts.scenario), '-i', '127.0.0.1', '-nostdin', ...opts.args];
  return new Promise((resolve, reject) => {
    const child = spawn(SIPP_PATH, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout = (stdout + b.toString()).slice(-200_000)));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, dir });
    });
  });
}

/**
 * For a mocha `before` hook: throws `PeerUnavailableError` handling — in CI a missing SIPp fails
 * the suite with the reason; elsewhere the suite is skipped loudly.
 */
export function sippOrSkip(ctx: Mocha.Context): void {
  try {
    requireSipp();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`SIPp is needed for this test in CI: ${why}`);
    console.warn(`SKIPPED (SIPp unavailable): ${why}`);
    ctx.skip();
  }
}
