/**
 * SNMP polling benchmark (not a test): the same agents on loopback, walked by Vigie's engine and
 * by Net-SNMP's `snmpbulkwalk` with the same max-repetitions and the same concurrency
 * (`xargs -P`), several rounds; varbinds/s and CPU seconds per 10,000 varbinds for each, their
 * ratios, and what polling 10,000 ports every 60 s would cost.
 *
 *   npx tsx bench/snmp-poll/run.ts [--scenario snmpsim|snmpd|all] [--rounds N] [--concurrency N]
 *     [--max-repetitions N] [--recordings a,b,c] [--snmpd N] [--roots if|all|OID,OID] [--switch-polls N]
 *
 * Scenarios: `snmpsim` walks ifTable + ifXTable of big real-device recordings (one simulator
 * process each; the Python simulator is the slowest party, so throughput is the agents');
 * `snmpd` walks mib-2 of several Debian snmpd instances (a fast C agent: the clients set the
 * pace). Vigie's engine runs in a child process (`vigie-walker.ts`) so its CPU is its own.
 * Goals (issue 3): throughput >= 1.0x snmpbulkwalk at <= 2x its CPU per varbind; 10,000 ports
 * every 60 s within 25% of one core.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './children.js';
import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { startSnmpdAgents, startSnmpsimAgents, type AgentRef, type Agents } from './agents.js';
import { runBulkwalk } from './bulkwalk.js';
import { IF_TABLES, WHOLE_AGENT, buildJobs, type EngineResult, type WalkJob, type WalkSettings } from './jobs.js';
import { printResults, type ScenarioResult } from './report.js';
import { runSwitchPolls } from './switch-bench.js';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    rounds: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'max-repetitions': { type: 'string', default: '25' },
    recordings: { type: 'string', default: 'ios_2960x,nxos_n3k-3064pq,arubaos-cx' },
    snmpd: { type: 'string', default: '2' },
    roots: { type: 'string' },
    'switch-polls': { type: 'string', default: '10' },
  },
});

const settings: WalkSettings = {
  concurrency: Number(args.concurrency),
  maxRepetitions: Number(args['max-repetitions']),
  timeoutMs: 5000,
  retries: 1,
};

function rootsOf(spec: string | undefined, fallback: string[]): string[] {
  if (!spec) return fallback;
  if (spec === 'if') return IF_TABLES;
  if (spec === 'all') return WHOLE_AGENT;
  return spec.split(',').map((o) => o.trim().replace(/^\./, ''));
}

/** Runs Vigie's engine (or the bare net-snmp library) in a child process; resolves with its measurement. */
function runEngine(engine: 'vigie' | 'net-snmp', jobs: WalkJob[], warmup: WalkJob[], s: WalkSettings): Promise<EngineResult> {
  const walker = fileURLToPath(new URL('./vigie-walker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, ['--import', 'tsx', walker, JSON.stringify({ engine, jobs, warmup, settings: s })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`vigie-walker exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as EngineResult);
      } catch {
        reject(new Error(`vigie-walker printed no result: ${out} ${err}`));
      }
    });
  });
}

/** Ports of an agent (rows of ifDescr or ifName, whichever has more) and its ifTable + ifXTable size. */
async function ifShape(a: AgentRef): Promise<{ ports: number; ifVarbinds: number }> {
  const client = createSnmpClient();
  try {
    const s = client.session({ host: a.host, port: a.port, version: '2c', community: a.community, timeoutMs: 5000, retries: 1 });
    const count = async (root: string) => (await firstValueFrom(s.walk(root))).length;
    const ports = Math.max(await count('1.3.6.1.2.1.2.2.1.2'), await count('1.3.6.1.2.1.31.1.1.1.1'));
    const ifVarbinds = (await count(IF_TABLES[0])) + (await count(IF_TABLES[1]));
    return { ports, ifVarbinds };
  } finally {
    client.close();
  }
}

async function scenario(name: string, start: () => Promise<Agents>, roots: string[], rounds: number): Promise<ScenarioResult> {
  console.log(`\n== ${name}: starting agents`);
  const agents = await start();
  try {
    const jobs = buildJobs(agents.agents, roots, rounds);
    const warmup = buildJobs(agents.agents, roots, 1);
    const shapes = await Promise.all(agents.agents.map(ifShape));
    console.log(`   ${agents.agents.map((a) => a.agent).join(', ')}; roots ${roots.join(' ')}; ${jobs.length} walks, ${settings.concurrency} in flight, max-repetitions ${settings.maxRepetitions}`);
    await runBulkwalk(warmup, settings);
    const bulk = await runBulkwalk(jobs, settings);
    console.log(`   snmpbulkwalk: ${bulk.varbinds} varbinds in ${bulk.wallS.toFixed(2)} s`);
    const vigie = await runEngine('vigie', jobs, warmup, settings);
    console.log(`   vigie:        ${vigie.varbinds} varbinds in ${vigie.wallS.toFixed(2)} s`);
    const raw = await runEngine('net-snmp', jobs, warmup, settings);
    console.log(`   net-snmp:     ${raw.varbinds} varbinds in ${raw.wallS.toFixed(2)} s`);
    const ports = shapes.reduce((n, s) => n + s.ports, 0);
    const ifVarbinds = shapes.reduce((n, s) => n + s.ifVarbinds, 0);
    let switchPoll: ScenarioResult['switchPoll'];
    const polls = Number(args['switch-polls']);
    if (polls > 0) switchPoll = await runSwitchPolls(agents.agents, polls, settings);
    if (switchPoll) {
      console.log(`   switch kind:  ${switchPoll.polls} polls of ${switchPoll.ports} ports, ${switchPoll.varbinds} varbinds in ${switchPoll.wallS.toFixed(2)} s`);
    }
    return { name, walks: jobs.length, agents: agents.agents.length, bulk, vigie, raw, ports, ifVarbinds, switchPoll };
  } finally {
    await agents.stop();
  }
}

async function main(): Promise<void> {
  const which = args.scenario ?? 'all';
  const results: ScenarioResult[] = [];
  if (which === 'all' || which === 'snmpsim') {
    const recordings = (args.recordings ?? '').split(',').filter(Boolean);
    results.push(await scenario('snmpsim', () => startSnmpsimAgents(recordings), rootsOf(args.roots, IF_TABLES), Number(args.rounds ?? 5)));
  }
  if (which === 'all' || which === 'snmpd') {
    const n = Number(args.snmpd);
    results.push(await scenario('snmpd', () => startSnmpdAgents(n), rootsOf(args.roots, ['1.3.6.1.2.1']), Number(args.rounds ?? 10)));
  }
  printResults(results, settings);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
