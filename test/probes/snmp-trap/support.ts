/**
 * Helpers for the `snmp-trap` tests: a receiver instance run with the SDK test kit (virtual
 * clock: the storm limiter's buckets do not refill and the stats interval runs only when the test
 * advances it, so counts are exact), waiting in real time for what the socket brings, the poll
 * requests it makes, and Debian's `snmptrap` / `snmpinform` (package `snmp`) as real senders.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createPollRequests, type EventObservation, type Observation, type StateObservation } from '../../../plugins/sdk/index.js';
import { runProbe, type ProbeRun } from '../../../plugins/sdk/testkit/index.js';
import plugin from '../../../probes/snmp-trap/index.js';
import type { SnmpTrapTarget } from '../../../probes/snmp-trap/schema.js';
import { freeUdpPort } from '../../setup/snmpd.js';

export const kind = plugin.probes['snmp-trap'];
export const INTERVAL_MS = 10_000;
export const V3 = { user: 'trapuser', authKey: 'trap-auth-key-1', privKey: 'trap-priv-key-1' };
export const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
export const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
export const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
export const LINK_UP = '1.3.6.1.6.3.1.1.5.4';

export interface TrapRun extends ProbeRun {
  port: number;
  polls: { entity: string; reason?: string }[];
  events(type?: string): EventObservation[];
  states(): StateObservation[];
  /** Waits (real time) until `pred` holds on the observations. */
  waitFor(what: string, pred: (obs: Observation[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Advances one stats interval and returns the counts it emitted. */
  stats(): Record<string, number>;
}

export async function startReceiver(target: Partial<SnmpTrapTarget> = {}, log?: Logger): Promise<TrapRun> {
  const port = target.port ?? (await freeUdpPort());
  const poll = createPollRequests();
  const polls: { entity: string; reason?: string }[] = [];
  const pollSub = poll.requests$.subscribe((r) => polls.push(r));
  const run = runProbe(kind, { host: '127.0.0.1', port, ...target }, { clients: { poll }, intervalMs: INTERVAL_MS, log });
  const stop = run.stop;
  const tr: TrapRun = Object.assign(run, {
    port,
    polls,
    stop: () => {
      stop();
      pollSub.unsubscribe();
    },
    events: (type?: string) => run.of('event').filter((e) => type === undefined || e.type === type),
    states: () => run.of('state'),
    async waitFor(what: string, pred: (obs: Observation[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(run.observations)) {
        if (run.errors.length) throw new Error(`receiver failed while waiting for ${what}: ${String(run.errors[0])}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(run.observations.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stats() {
      const before = run.observations.length;
      run.advance(INTERVAL_MS);
      const out: Record<string, number> = {};
      for (const o of run.observations.slice(before)) if (o.kind === 'metric') out[o.name] = o.value;
      return out;
    },
  });
  await waitListening(port);
  return tr;
}

/** Resolves once something is bound on 127.0.0.1:port (the receiver binds asynchronously). */
async function waitListening(port: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    if (!(await canBind(port))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the receiver did not bind udp 127.0.0.1:${port}`);
}

/** True when a UDP socket can bind 127.0.0.1:port right now. */
export async function canBind(port: number): Promise<boolean> {
  const { createSocket } = await import('node:dgram');
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export const NET_SNMP_TOOLS = ['/usr/bin/snmptrap', '/usr/bin/snmpinform'];

/** Call from a `before` hook: fails in CI when snmptrap/snmpinform are missing, skips loudly elsewhere. */
export function requireTrapTools(ctx: Mocha.Context): void {
  if (NET_SNMP_TOOLS.every((f) => existsSync(f))) return;
  const why = 'snmptrap/snmpinform are missing: install the Debian package `snmp` (apt-get install snmp)';
  if (process.env.CI) throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
  ctx.skip();
}

const persistDir = mkdtempSync(join(tmpdir(), 'vigie-snmptrap-'));
process.on('exit', () => rmSync(persistDir, { recursive: true, force: true }));

/**
 * Runs `snmptrap` or `snmpinform` (async: the receiver shares this event loop) with numeric OIDs,
 * no MIBs and a private persistent directory; resolves with its exit code, never rejects.
 */
export function netSnmp(tool: 'snmptrap' | 'snmpinform', args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: persistDir, SNMPCONFPATH: persistDir };
    execFile(`/usr/bin/${tool}`, args, { env, timeout: 10_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

/** A pino logger that keeps its lines (parsed) in `lines`, to check what is logged. */
export function memoryLog(): { log: Logger; lines: Record<string, unknown>[]; text(): string } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines, text: () => JSON.stringify(lines) };
}
