/**
 * Child process of the SNMP polling benchmark: runs a list of walks with Vigie's SNMP engine
 * (the SDK's `createSnmpClient`), or with the bare net-snmp library as a reference floor
 * (`engine: 'net-snmp'`, see raw-walk.ts), and prints one JSON line: its `EngineResult`. Running
 * in its own process makes `process.cpuUsage()` count only the engine's work (not the agents,
 * not the benchmark driver). A warm-up list is walked first, untimed (JIT, sockets opened).
 *
 * Input: argv[2], JSON `{ engine?: 'vigie' | 'net-snmp', jobs: WalkJob[], warmup: WalkJob[], settings: WalkSettings }`.
 */
import { catchError, from, lastValueFrom, map, mergeMap, of, reduce } from 'rxjs';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import type { SnmpClient } from '../../plugins/sdk/index.js';
import type { EngineResult, WalkJob, WalkSettings } from './jobs.js';
import { rawWalkAll } from './raw-walk.js';
import type snmp from 'net-snmp';

interface Input {
  engine?: 'vigie' | 'net-snmp';
  jobs: WalkJob[];
  warmup: WalkJob[];
  settings: WalkSettings;
}

function walkAll(client: SnmpClient, jobs: WalkJob[], s: WalkSettings): Promise<{ varbinds: number; failures: number }> {
  const walks = from(jobs).pipe(
      mergeMap(
        (j) =>
          client
            .session({ host: j.host, port: j.port, version: '2c', community: j.community, timeoutMs: s.timeoutMs, retries: s.retries })
            .walk(j.root, { maxRepetitions: s.maxRepetitions })
            .pipe(
              map((rows) => ({ varbinds: rows.length, failures: 0 })),
              catchError(() => of({ varbinds: 0, failures: 1 })),
            ),
        s.concurrency,
      ),
      reduce((acc, r) => ({ varbinds: acc.varbinds + r.varbinds, failures: acc.failures + r.failures }), { varbinds: 0, failures: 0 }),
    );
  return lastValueFrom(walks);
}

/** The bare library: same measurement, sessions kept across both passes. */
async function measure(input: Input, sessions: Map<string, snmp.Session>): Promise<void> {
  await rawWalkAll(input.warmup, input.settings, sessions);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await rawWalkAll(input.jobs, input.settings, sessions);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  for (const ses of sessions.values()) ses.close();
  const result: EngineResult = { ...r, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const s = input.settings;
  if (input.engine === 'net-snmp') return measure(input, new Map());
  // One client for both passes, as in the daemon: sockets stay open between polls.
  const client = createSnmpClient({ concurrency: s.concurrency, perTargetConcurrency: s.concurrency });
  await walkAll(client, input.warmup, s);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await walkAll(client, input.jobs, s);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const result: EngineResult = { ...r, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
  client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
