/**
 * Process plumbing for the network-namespace lab: running `ip` (and friends) with clear errors,
 * daemons started inside a namespace and tracked by pid, and a last-resort cleanup when the
 * test process exits (daemons killed by pid, the lab's namespaces and root-side links deleted).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const IP = '/usr/sbin/ip';

/** Runs a command; rejects with its stderr in the message. */
export async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { timeout: 15_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

export const ip = (...args: string[]) => run(IP, args);

/** Things to undo at exit, newest first: daemons (by pid), namespaces, root-side links. */
const cleanupSync = new Map<string, () => void>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', () => {
    for (const undo of [...cleanupSync.values()].reverse()) {
      try {
        undo();
      } catch {
        // best effort at exit
      }
    }
  });
}

/** Registers a synchronous undo step for process exit; returns a function that drops it. */
export function onExit(key: string, undo: () => void): () => void {
  installExitHook();
  cleanupSync.set(key, undo);
  return () => cleanupSync.delete(key);
}

export function ipSync(...args: string[]): void {
  execFileSync(IP, args, { stdio: 'ignore', timeout: 10_000 });
}

export interface Daemon {
  name: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 2 s; resolves when it has exited. */
  stop(): Promise<void>;
  exited(): boolean;
}

/** Starts `cmd args` inside namespace `ns` (via `ip netns exec`, which execs: the pid is the daemon's), output to `logFile`. */
export function spawnInNamespace(name: string, ns: string, cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = {}): Daemon {
  const fd = openSync(logFile, 'a');
  const child = spawn(IP, ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  let gone = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())));
  const drop = onExit(`daemon:${child.pid}`, () => {
    if (!gone && child.pid) process.kill(child.pid, 'SIGKILL');
  });
  return {
    name,
    child,
    exited: () => gone,
    async stop() {
      if (!gone && child.pid) {
        child.kill('SIGTERM');
        const force = setTimeout(() => !gone && child.kill('SIGKILL'), 2000);
        await exitedP;
        clearTimeout(force);
      }
      drop();
    },
  };
}

/** True when a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
