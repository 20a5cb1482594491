/**
 * Processes of `bench/sip`: a Vigie worker in its own Node process (pinned to one core, driven by
 * one-line commands on stdin, one JSON line answered on stdout per command), the CPU of a set of
 * processes from /proc (Kamailio forks several), and core pinning with `taskset`.
 *
 * Contract of `startWorker(file, config, cpu)`: spawns `node --import tsx <file> <config JSON>`
 * (under `taskset -c <cpu>` when there are two cores or more), resolves once the worker printed
 * `ready`; `ask(cmd)` writes one line and resolves with the next JSON line (rejects on `{error}`); `stop()` sends `quit`,
 * waits for the exit (SIGKILL after 10 s) and is idempotent. Workers are also killed when this
 * process exits or is interrupted (test/setup/peer-process.ts `trackChild`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../../test/setup/peer-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Kernel clock ticks per second (/proc/<pid>/stat utime/stime); 100 on Linux x86-64. */
const CLK_TCK = 100;

/** True when the machine has a core for the client and one for the responder. */
export const CAN_PIN = availableParallelism() >= 2;

/** `taskset -c <cpu>` in front of a command, or nothing on a single core. */
export function pinnedCommand(cpu: number, command: string, args: string[]): { command: string; args: string[] } {
  return CAN_PIN ? { command: 'taskset', args: ['-c', String(cpu), command, ...args] } : { command, args };
}

/** Pins running processes (all their threads) to `cpu`. */
export function pin(pids: number[], cpu: number): void {
  if (!CAN_PIN) return;
  for (const pid of pids) spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** Pids whose command line contains `needle` (e.g. a Kamailio's config path: its main process and its forks). */
export function pidsByCommandLine(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const cleanups = new Set<() => void>();
let hooked = false;

function runCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

/**
 * Runs `fn` (synchronous, best effort) when this process exits, and on SIGINT/SIGTERM then exits
 * (130/143), which also runs test/setup/peer-process.ts's exit hook (its peers, its temp folders).
 */
export function cleanupOnExit(fn: () => void): void {
  cleanups.add(fn);
  if (hooked) return;
  hooked = true;
  process.on('exit', runCleanups);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: stopping everything bench/sip started\n`);
      runCleanups();
      process.exit(code);
    });
  }
}

/**
 * Kills (SIGKILL) every process whose command line contains `needle` when this process exits or
 * is interrupted. For Kamailio: on Ctrl-C test/setup/peer-process.ts kills only its main
 * process, and its forks outlive a SIGKILL of it.
 */
export function killOnExitByCommandLine(needle: string): void {
  cleanupOnExit(() => {
    for (const pid of pidsByCommandLine(needle)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
}

/** User + system CPU µs of these processes so far (a process gone meanwhile counts 0). */
export function cpuUsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1e6) / CLK_TCK;
}

/**
 * The kernel's count of UDP datagrams dropped for a full receive buffer (`Udp: RcvbufErrors` of
 * /proc/net/snmp), machine-wide: a difference across a run says whether a socket (the client's,
 * usually) could not keep up.
 */
export function udpRcvbufErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.trim().split(/\s+/));
    const i = names.indexOf('RcvbufErrors');
    return i > 0 ? Number(values[i]) : NaN;
  } catch {
    return NaN;
  }
}

export interface Worker {
  pid: number;
  ask<T>(command: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startWorker(file: string, config: unknown, cpu: number): Promise<Worker> {
  const { command, args } = pinnedCommand(cpu, process.execPath, ['--import', 'tsx', file, JSON.stringify(config)]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string | undefined) => void)[] = [];
  const backlog: string[] = [];
  lines.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else backlog.push(l);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.splice(0)) w(undefined);
  });
  const next = (): Promise<string | undefined> =>
    backlog.length > 0 ? Promise.resolve(backlog.shift()) : new Promise((resolve) => waiting.push(resolve));
  const dead = (): Error => new Error(`bench worker ${file} exited (${child.exitCode ?? child.signalCode}): ${stderr}`);

  const ready = await Promise.race([next(), new Promise<string>((r) => setTimeout(() => r('timeout'), 30_000))]);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`bench worker ${file} did not start (${ready ?? 'it exited'}): ${stderr}`);
  }
  let stopped = false;
  return {
    pid: child.pid!,
    async ask<T>(cmd: string): Promise<T> {
      const pending = next();
      child.stdin!.write(`${cmd}\n`);
      const line = await pending;
      if (line === undefined) throw dead();
      const answer = JSON.parse(line) as T | { error: string };
      if (answer && typeof answer === 'object' && 'error' in answer) throw new Error(`bench worker ${file}: ${cmd}: ${answer.error}`);
      return answer as T;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end('quit\n');
        const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(late);
      }
    },
  };
}
