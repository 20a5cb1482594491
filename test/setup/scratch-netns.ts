/**
 * A scratch network namespace for one test (`vigie-<what>-<random>`, loopback up), and a TypeScript
 * child run inside it: for tests that need an address or a lossy path no other test shares. The
 * multi-namespace LLDP lab has its own (test/lab/).
 *
 * Contract: `scratchNetnsOrSkip(ctx, what)` (call it in `before`) gives the namespace, or — not
 * root, no `ip`, creation refused — fails in CI with the reason and skips loudly elsewhere.
 * `remove()` kills whatever still runs inside, then deletes the namespace; it also runs at process
 * exit, and is idempotent. `runChild(script, arg)` runs `node --import tsx script arg` inside (cwd
 * the repository), tracked so that it dies with the test run, and resolves to the last line of its
 * stdout parsed as JSON, or rejects with its exit code and stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trackChild } from './peer-process.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ScratchNetns {
  readonly name: string;
  /** `ip -n <name> …`, synchronously; throws with ip's message. */
  ip(...args: string[]): void;
  /** Any command inside (`ip netns exec`), synchronously, with optional stdin; throws on failure. */
  exec(command: string, args: string[], input?: string): void;
  /** Runs a tsx script inside; resolves to its last stdout line as JSON. */
  runChild<T>(script: string, arg: unknown, timeoutMs?: number): Promise<T>;
  remove(): void;
}

function ip(args: string[], input?: string): void {
  execFileSync('ip', args, { stdio: ['pipe', 'pipe', 'pipe'], input, timeout: 10_000 });
}

/** Fails in CI with `why`, else warns and skips the suite. */
export function unavailableHere(ctx: Mocha.Context, what: string, why: string): never {
  if (process.env.CI) throw new Error(`${what} is needed in CI: ${why}`);
  console.warn(`SKIPPED (${what}): ${why}`);
  return ctx.skip();
}

export function scratchNetnsOrSkip(ctx: Mocha.Context, what: string): ScratchNetns {
  if (process.getuid?.() !== 0) {
    unavailableHere(ctx, what, 'network namespaces need root');
  }
  if (!['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].some((p) => existsSync(p))) unavailableHere(ctx, what, 'iproute2 (ip) is not installed');
  const name = `vigie-${what.replace(/[^a-z0-9]+/gi, '').slice(0, 6).toLowerCase()}-${randomBytes(3).toString('hex')}`;
  let created = false;
  const remove = (): void => {
    if (!created) return;
    created = false;
    process.off('exit', remove);
    try {
      // anything still running inside (a child that hung) goes first
      const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', timeout: 5000 }).split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    } catch {
      // no such namespace any more
    }
    try {
      ip(['netns', 'del', name]);
    } catch {
      // already deleted
    }
  };
  try {
    ip(['netns', 'add', name]);
    created = true;
    process.on('exit', remove);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    remove();
    unavailableHere(ctx, what, `cannot create a network namespace: ${(e as Error).message.split('\n')[0]}`);
  }

  const runChild = <T>(script: string, arg: unknown, timeoutMs = 60_000): Promise<T> => new Promise<T>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', name, process.execPath, '--import', 'tsx', script, JSON.stringify(arg)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} in ${name} exited ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`${script} in ${name} printed no JSON line:\n${stdout.slice(-2000)}`));
      }
    });
  });

  return {
    name,
    ip: (...args: string[]) => ip(['-n', name, ...args]),
    exec: (command: string, args: string[], input?: string) => ip(['netns', 'exec', name, command, ...args], input),
    runChild,
    remove,
  };
}
