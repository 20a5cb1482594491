/**
 * Every benchmark in turn (`npm run bench`, i.e. `npx tsx bench/run.ts`): `bench/snmp-poll`, then
 * `bench/traps`, then `bench/web`, each in its own process with its default settings, output passed through.
 * Not a test: it prints tables, a few minutes in all. Exits non-zero when one of them failed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCHES = ['bench/snmp-poll/run.ts', 'bench/traps/run.ts', 'bench/web/run.ts', 'bench/sip/run.ts'];

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: 'inherit' });
    // Ctrl-C reaches the child too (same process group); SIGTERM to us is passed on.
    const pass = (): void => void child.kill('SIGTERM');
    process.once('SIGTERM', pass);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', pass);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

let failed = 0;
for (const file of BENCHES) {
  console.log(`\n#### ${file}`);
  if ((await runOne(file)) !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
