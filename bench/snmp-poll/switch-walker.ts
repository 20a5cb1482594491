/**
 * Child process of the SNMP polling benchmark: the switch kind's poller (`pollSwitch`) on every
 * agent at once, one instance each as in the daemon, `polls` polls back to back (the first one
 * reads names, neighbours, FDB and inventory too, as every `discoveryEvery`-th poll does). A
 * warm-up run of two polls comes first, untimed. Varbinds are counted by a wrapper around the
 * SNMP client. Prints one JSON line: a `SwitchPollResult`, or `{unavailable: reason}`.
 *
 * Input: argv[2], JSON `{ agents: AgentRef[], polls: number, settings: WalkSettings }`.
 */
import { map, type Observable } from 'rxjs';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import { pollSwitch, type SwitchTarget } from '../../plugins/sdk/snmp/device/switch-poll.js';
import type { Observation, ProbeKind, SnmpClient, SnmpSession, SnmpTarget, Varbind } from '../../plugins/sdk/index.js';
import { runPolls } from '../../test/snmpsim/live-run.js';
import type { AgentRef } from './agents.js';
import type { WalkSettings } from './jobs.js';
import type { SwitchPollResult } from './report.js';

interface Input {
  agents: AgentRef[];
  polls: number;
  settings: WalkSettings;
}

type Columns = { walkColumns?(roots: string[], opts?: { maxRepetitions?: number }): Observable<Varbind[][]> };

/** The client with every varbind received counted (multi-column walks kept as they are). */
function counting(inner: SnmpClient, count: (n: number) => void): SnmpClient {
  const wrap = (s: SnmpSession & Columns): SnmpSession & Columns => {
    const w: SnmpSession & Columns = {
      get: (oids) => s.get(oids).pipe(map((vbs) => (count(vbs.length), vbs))),
      walk: (root, opts) => s.walk(root, opts).pipe(map((vbs) => (count(vbs.length), vbs))),
    };
    const cols = s.walkColumns?.bind(s);
    if (cols) w.walkColumns = (roots, opts) => cols(roots, opts).pipe(map((c) => (count(c.reduce((n, r) => n + r.length, 0)), c)));
    return w;
  };
  return { session: (t: SnmpTarget) => wrap(inner.session(t) as SnmpSession & Columns), close: () => inner.close() };
}

const switchKind = { create: (t: SwitchTarget, ctx: never) => pollSwitch(t, ctx) } as unknown as ProbeKind;

async function pollAll(client: SnmpClient, agents: AgentRef[], polls: number, s: WalkSettings): Promise<Observation[][]> {
  return Promise.all(
    agents.map((a) =>
      runPolls(
        switchKind,
        {
          host: a.host,
          port: a.port,
          version: '2c',
          community: a.community,
          timeoutMs: s.timeoutMs,
          retries: s.retries,
          maxRepetitions: s.maxRepetitions,
          deadlineMs: 120_000,
        } satisfies SwitchTarget,
        { name: a.agent.replace(/[^a-z0-9-]/gi, '-'), kind: 'switch', client, intervalMs: 100, polls, timeoutMs: 600_000 },
      ),
    ),
  );
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const s = input.settings;
  let varbinds = 0;
  const client = counting(createSnmpClient({ concurrency: s.concurrency, perTargetConcurrency: s.concurrency }), (n) => (varbinds += n));
  try {
    await pollAll(client, input.agents, 2, s);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ unavailable: e instanceof Error ? e.message : String(e) })}\n`);
    client.close();
    return;
  }
  varbinds = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const runs = await pollAll(client, input.agents, input.polls, s);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  client.close();
  const ports = runs.reduce((n, obs) => n + new Set(obs.filter((o) => o.kind === 'topology' && o.element === 'port').map((o) => o.entity)).size, 0);
  const result: SwitchPollResult = { polls: input.polls, ports, varbinds, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
