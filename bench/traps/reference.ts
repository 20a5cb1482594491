/**
 * The reference receiver of `bench/traps`: Debian's `snmptrapd` (package `snmptrapd`, net-snmp
 * 5.9), run in the foreground on a loopback port with `disableAuthorization yes`, logging one
 * line per trap (`format2 TRAP …`) to a file, pinned to the same core as Vigie's receiver and
 * given the same kernel receive buffer (`serverRecvBuf`). Its count is the number of `TRAP`
 * lines; its CPU is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReceiverHandle } from './run.js';

export const SNMPTRAPD = '/usr/sbin/snmptrapd';
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** CPU µs (user + system) of a process, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'latin1');
  let n = 0;
  for (let i = text.indexOf('TRAP '); i >= 0; i = text.indexOf('TRAP ', i + 5)) n++;
  return n;
}

/** Starts snmptrapd on `port` pinned to `cpu`; undefined when it is not installed. */
export async function startSnmptrapd(port: number, cpu: number): Promise<ReceiverHandle | undefined> {
  if (!existsSync(SNMPTRAPD)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-snmptrapd-'));
  const conf = join(dir, 'snmptrapd.conf');
  const log = join(dir, 'traps.log');
  const lines = ['disableAuthorization yes', 'doNotRetainNotificationLogs yes', 'format1 TRAP %b\\n', 'format2 TRAP %b\\n', `[snmp] serverRecvBuf ${RECV_BUFFER_BYTES}`];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const args = ['-c', String(cpu), SNMPTRAPD, '-f', '-n', '-C', '-c', conf, '-Lf', log, '-p', join(dir, 'pid'), `udp:127.0.0.1:${port}`];
  const child: ChildProcess = spawn('taskset', args, {
    env: { ...process.env, SNMPCONFPATH: dir, SNMP_PERSISTENT_DIR: dir, MIBS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  // snmptrapd logs its start line once the socket is bound
  const deadline = Date.now() + 5000;
  while (!(existsSync(log) && /NET-SNMP version/.test(readFileSync(log, 'utf8')))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`snmptrapd did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name: 'snmptrapd',
    count: async () => ({ traps: countLines(log), cpuUs: procCpuUs(child.pid!) }),
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
