/**
 * A real peer the tests run as a child process (snmpd, kamailio): its temp folder, a start that
 * waits until the peer answers, a stop (SIGTERM, then SIGKILL after a grace period) that can be
 * followed by a start again (tests stop a peer to see what the daemon makes of it), and an exit
 * hook that kills every peer still running and removes the temp folders, so a test run leaves
 * nothing behind even when it is interrupted. Peers run in a process group of their own, and a
 * kill reaches the whole group: Kamailio's worker processes die with it even when its main
 * process gets no chance to stop them (SIGKILL on Ctrl-C).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

/** Signals a peer's whole process group (it was spawned detached), else the process alone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) return void process.kill(-child.pid, signal);
  } catch {
    // no such group (not spawned detached, or already gone)
  }
  child.kill(signal);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      process.kill(process.pid, sig);
    });
  }
}

/** A fresh temp folder, removed when the test process exits. */
export function peerTempDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills `child` when the test process exits (for one-shot peers run to completion, e.g. a SIPp client). */
export function trackChild(child: ChildProcess): void {
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export interface PeerSpec {
  /** For messages: `snmpd on udp:127.0.0.1:16161`. */
  what: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** True once the peer answers (tried every 100 ms for 10 s). */
  answers: () => Promise<boolean>;
  /** Time between SIGTERM and SIGKILL on stop. */
  killGraceMs: number;
}

export interface PeerProcess {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function peerProcess(spec: PeerSpec): PeerProcess {
  installExitHook();
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
      const force = setTimeout(() => killGroup(c, 'SIGKILL'), spec.killGraceMs);
      c.once('exit', () => {
        clearTimeout(force);
        running.delete(c);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error(`${spec.what} is already running`);
    output = '';
    // detached: a process group of its own, so that killGroup reaches its children too
    const c = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
      if (await spec.answers()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`${spec.what} did not start (${exited ? 'it exited' : 'no answer in 10 s'}); its output:\n${output}`);
  };

  return { start, stop };
}
