/**
 * The reference side of the raw-rate run of `bench/sip`: SIPp (Debian `sip-tester`) as an
 * OPTIONS UAC (`bench/sip/options.xml`: one OPTIONS per call, distinct Request-URI, expects 200),
 * `-m <count> -l <window> -r 1000000`: at most `window` calls outstanding and a rate cap far
 * above what answers allow, so like Vigie's engine it sends as fast as answers come back. Pinned
 * to the client's core with `taskset`, under bash so that `times` gives its CPU (getrusage of the
 * reaped child), in a process group of its own that is killed if this process exits or is
 * interrupted first.
 *
 * Its counts and rate come from its own statistics file (`-trace_stat`, one line per second and a
 * last one at the end): successful and failed calls, retransmissions, and the time from its start
 * to the first line where every call has ended.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerTempDir } from '../../test/setup/peer-process.js';
import { freeUdpPort } from '../../test/setup/free-port.js';
import { SIPP_PATH } from '../../test/setup/sipp.js';
import { cleanupOnExit, pinnedCommand } from './procs.js';

export const SCENARIO = fileURLToPath(new URL('./options.xml', import.meta.url));

export interface SippRawResult {
  count: number;
  window: number;
  ok: number;
  failed: number;
  /** Calls never ended (neither successful nor failed) when SIPp stopped. */
  unfinished: number;
  retransmits: number;
  wallMs: number;
  cpuUs: number;
}

export function sippInstalled(): boolean {
  return existsSync(SIPP_PATH);
}

/** Epoch seconds of a SIPp stat time field (`date<TAB>time<TAB>epoch.micro`). */
function epoch(field: string): number {
  return Number(field.split('\t').pop());
}

/** The first statistics line where all calls have ended (else the last line), as a record. */
export function parseSippStats(csv: string, count: number): Record<string, string> {
  const rows = csv.trim().split('\n').map((l) => l.split(';'));
  const head = rows[0];
  const records = rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
  const ended = (r: Record<string, string>): number => Number(r['SuccessfulCall(C)']) + Number(r['FailedCall(C)']);
  const done = records.find((r) => ended(r) >= count) ?? records[records.length - 1];
  if (!done) throw new Error('SIPp wrote no statistics');
  return done;
}

/** "0m1.004s 0m0.390s" (bash `times`, children's line) → µs. */
function timesUs(line: string): number {
  let us = 0;
  for (const m of line.matchAll(/(\d+)m([\d.]+)s/g)) us += (Number(m[1]) * 60 + Number(m[2])) * 1e6;
  return us;
}

export async function runSippRaw(port: number, count: number, window: number, cpu: number, timeoutMs: number): Promise<SippRawResult> {
  const dir = peerTempDir('vigie-bench-sipp-');
  const stat = join(dir, 'stat.csv');
  const local = await freeUdpPort();
  const sippArgs = [
    `127.0.0.1:${port}`, '-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(local), '-nostdin',
    '-m', String(count), '-l', String(window), '-r', '1000000', '-rp', '1000',
    '-trace_stat', '-stf', stat, '-fd', '1', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`,
  ];
  const pinned = pinnedCommand(cpu, SIPP_PATH, sippArgs);
  const script = `"$@" > ${JSON.stringify(join(dir, 'sipp.out'))} 2>&1; rc=$?; times; exit $rc`;
  // its own process group, so that bash and SIPp under it are killed together
  const child = spawn('bash', ['-c', script, 'bench-sipp', pinned.command, ...pinned.args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid!;
  let ended = false;
  cleanupOnExit(() => {
    if (!ended) process.kill(-pgid, 'SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  ended = true;
  clearTimeout(killer);
  // exit 0: every call succeeded; 1: some failed (counted below); anything else: SIPp itself failed
  if (code !== 0 && code !== 1) {
    const log = existsSync(join(dir, 'sipp.out')) ? readFileSync(join(dir, 'sipp.out'), 'utf8').slice(-2000) : '';
    throw new Error(`sipp exited with ${code}: ${log}`);
  }
  const r = parseSippStats(readFileSync(stat, 'utf8'), count);
  const ok = Number(r['SuccessfulCall(C)']);
  const failed = Number(r['FailedCall(C)']);
  const timesLines = out.trim().split('\n');
  return {
    count, window, ok, failed,
    unfinished: count - ok - failed,
    retransmits: Number(r['Retransmissions(C)']),
    wallMs: (epoch(r.CurrentTime) - epoch(r.StartTime)) * 1000,
    cpuUs: timesUs(timesLines[timesLines.length - 1] ?? ''),
  };
}
