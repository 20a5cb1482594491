/**
 * The reference engine of the SNMP polling benchmark: Net-SNMP's `snmpbulkwalk`, one process
 * per walk, `concurrency` at a time through `xargs -P`, with the same max-repetitions, timeout
 * and retries as Vigie's engine.
 *
 * Contract of `runBulkwalk(jobs, settings)`: resolves with the varbinds received (the sum of each
 * walk's `Variables found:` line, `-Cp`), the wall time of the whole list, and the CPU seconds
 * of every `snmpbulkwalk` (and of `xargs`), read from bash's `times` (getrusage of the reaped
 * children, so no `/usr/bin/time` is needed). Output goes to a temporary file (removed), as a
 * poller would keep it. Rejects when `snmpbulkwalk` is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from './children.js';
import type { EngineResult, WalkJob, WalkSettings } from './jobs.js';

export const SNMPBULKWALK = '/usr/bin/snmpbulkwalk';

/** Seconds from bash `times` output (`0m1.234s`). */
function seconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text.trim());
  if (!m) throw new Error(`cannot read a time from "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Children's user + system CPU from the two lines bash's `times` prints. */
export function childrenCpuFromTimes(out: string): number {
  const lines = out.trim().split('\n');
  const children = lines[lines.length - 1]?.trim().split(/\s+/) ?? [];
  if (children.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(out)}`);
  return seconds(children[0]) + seconds(children[1]);
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runBulkwalk(jobs: WalkJob[], s: WalkSettings): Promise<EngineResult> {
  if (!existsSync(SNMPBULKWALK)) throw new Error(`${SNMPBULKWALK} not found: apt-get install snmp`);
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-bulkwalk-'));
  try {
    const list = join(dir, 'jobs');
    const out = join(dir, 'out');
    writeFileSync(list, jobs.map((j) => `-c ${j.community} ${j.host}:${j.port} ${j.root}\n`).join(''));
    const cmd = [
      'xargs', '-P', String(s.concurrency), '-L', '1',
      SNMPBULKWALK, '-v2c', `-Cr${s.maxRepetitions}`, '-Cp', '-On',
      '-t', String(s.timeoutMs / 1000), '-r', String(s.retries),
    ].join(' ');
    // bash reaps xargs, which reaps every snmpbulkwalk: `times` then holds their CPU.
    const script = `${cmd} < '${list}' > '${out}' 2>> '${out}.err'; status=$?; times; exit $status`;
    const t0 = process.hrtime.bigint();
    const r = await run('bash', ['-c', script]);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const text = readFileSync(out, 'utf8');
    const varbinds = [...text.matchAll(/^Variables found: (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const errors = existsSync(`${out}.err`) ? readFileSync(`${out}.err`, 'utf8') : '';
    const failures = r.code === 0 ? 0 : Math.max(1, (errors.match(/Timeout|error/gi) ?? []).length);
    return { varbinds, wallS, cpuS: childrenCpuFromTimes(r.stdout), failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
