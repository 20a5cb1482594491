/**
 * The Debian net-snmp command-line tools (`snmpget`, `snmpwalk`, `snmpbulkwalk`, package `snmp`)
 * as a real peer for tests. `requireSnmpTools` fails the suite in CI when they are missing and
 * skips it loudly elsewhere.
 */
import { execFile, execFileSync } from 'node:child_process';

export type SnmpTool = 'snmpget' | 'snmpwalk' | 'snmpbulkwalk' | 'snmpset';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function snmpToolsAvailable(): boolean {
  try {
    execFileSync('snmpget', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Call from a `before` hook (with `this`): throws in CI, skips with a warning elsewhere. */
export function requireSnmpTools(ctx: Mocha.Context): void {
  if (snmpToolsAvailable()) return;
  const why = 'the Debian net-snmp tools (snmpget, snmpbulkwalk) are missing: install them with `apt-get install snmp`';
  if (process.env.CI) throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
  ctx.skip();
}

/** Runs one tool against 127.0.0.1:port (v2c unless `args` says otherwise, numeric OIDs); never rejects. */
export function snmp(tool: SnmpTool, port: number, args: string[], opts: { community?: string; version?: '1' | '2c'; timeoutS?: number; retries?: number } = {}): Promise<ToolResult> {
  const base = [`-v${opts.version ?? '2c'}`, '-c', opts.community ?? 'public', '-On', '-t', String(opts.timeoutS ?? 2), '-r', String(opts.retries ?? 1)];
  return new Promise((resolve) => {
    execFile(tool, [...base, `127.0.0.1:${port}`, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, MIBS: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The OIDs of a walk's output (`-On`), without the end-of-MIB marker line. */
export function walkedOids(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^\.\d+(\.\d+)* = /.test(l) && !l.includes('No more variables left in this MIB View'))
    .map((l) => l.slice(1, l.indexOf(' = ')));
}

/** `oid → value text` of a walk run with `-Oq` (`.oid value`, strings unquoted). */
export function walkedValues(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of stdout.split('\n')) {
    const m = /^\.(\d+(?:\.\d+)*) (.*)$/.exec(l);
    if (m) out.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  }
  return out;
}
