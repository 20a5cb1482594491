/**
 * The SNMP polling benchmark's printout: both engines side by side per scenario, the ratios
 * against the goals, and the "10,000 ports every 60 s" estimate.
 *
 * Estimate: a poll of a port walks its ifTable + ifXTable rows (`ifVarbinds / ports` varbinds
 * per port, as measured on the scenario's agents); the CPU of 10,000 such ports every 60 s is
 * `CPU per varbind x varbinds per port x 10,000 / 60 s`, as a fraction of one core. When the
 * switch kind was measured on devices of at least `MIN_PORTS_PER_DEVICE` ports on average, its
 * own CPU per port per poll gives a second, direct estimate (on smaller devices the per-device
 * reads, system group, neighbours, inventory, dominate and a per-port figure means nothing).
 */
import type { EngineResult, WalkSettings } from './jobs.js';

/** The switch kind's polls (`pollSwitch`) against the same agents. */
export interface SwitchPollResult {
  polls: number;
  /** Ports of all agents (one poll covers each once). */
  ports: number;
  varbinds: number;
  wallS: number;
  cpuS: number;
}

export interface ScenarioResult {
  name: string;
  walks: number;
  agents: number;
  bulk: EngineResult;
  vigie: EngineResult;
  /** The bare net-snmp library (the floor under Vigie's engine). */
  raw: EngineResult;
  /** Ports of all agents, and their ifTable + ifXTable varbinds (one walk of each). */
  ports: number;
  ifVarbinds: number;
  switchPoll?: SwitchPollResult;
}

const GOAL_THROUGHPUT = 1.0;
const GOAL_CPU_RATIO = 2.0;
const GOAL_CORE_FRACTION = 0.25;
const PORTS = 10_000;
const PERIOD_S = 60;
const MIN_PORTS_PER_DEVICE = 24;

const rate = (r: EngineResult): number => (r.wallS > 0 ? r.varbinds / r.wallS : 0);
const cpuPer10k = (r: EngineResult): number => (r.varbinds > 0 ? (r.cpuS / r.varbinds) * 10_000 : NaN);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const verdict = (ok: boolean): string => (ok ? 'meets the goal' : 'MISSES the goal');

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

/** Fraction of one core to poll `PORTS` ports every `PERIOD_S`, from CPU per varbind and varbinds per port. */
export function coreFraction(cpuSPerVarbind: number, varbindsPerPort: number): number {
  return (cpuSPerVarbind * varbindsPerPort * PORTS) / PERIOD_S;
}

export function printResults(results: ScenarioResult[], s: WalkSettings): void {
  const widths = [28, 7, 10, 8, 12, 8, 14, 9];
  console.log(`\nSNMP polling: ${s.concurrency} walks in flight, max-repetitions ${s.maxRepetitions}, loopback, ${new Date().toISOString()}`);
  console.log(row(['scenario / engine', 'walks', 'varbinds', 'wall s', 'varbinds/s', 'CPU s', 'CPU s/10k vb', 'failures'], widths));
  for (const r of results) {
    for (const [label, e] of [['snmpbulkwalk', r.bulk], ['vigie', r.vigie], ['net-snmp (bare)', r.raw]] as const) {
      console.log(
        row(
          [`${r.name} / ${label}`, r.walks, e.varbinds, e.wallS.toFixed(2), rate(e).toFixed(0), e.cpuS.toFixed(3), cpuPer10k(e).toFixed(3), e.failures],
          widths,
        ),
      );
    }
  }
  console.log('');
  for (const r of results) {
    const through = rate(r.vigie) / rate(r.bulk);
    const cpu = cpuPer10k(r.vigie) / cpuPer10k(r.bulk);
    console.log(`${r.name}: vigie / snmpbulkwalk throughput ${through.toFixed(2)}x (goal >= ${GOAL_THROUGHPUT}x: ${verdict(through >= GOAL_THROUGHPUT)}), ` +
      `CPU per varbind ${cpu.toFixed(2)}x (goal <= ${GOAL_CPU_RATIO}x: ${verdict(cpu <= GOAL_CPU_RATIO)}); ` +
      `the bare net-snmp library: CPU per varbind ${(cpuPer10k(r.raw) / cpuPer10k(r.bulk)).toFixed(2)}x`);
    if (r.bulk.varbinds !== r.vigie.varbinds) {
      console.log(`  note: the engines counted different varbinds (${r.bulk.varbinds} vs ${r.vigie.varbinds}); see failures, or a table that changes between walks`);
    }
  }
  console.log(`\n${PORTS.toLocaleString('en')} ports every ${PERIOD_S} s (one core = 100%; goal <= ${pct(GOAL_CORE_FRACTION)}):`);
  for (const r of results) {
    if (r.ports === 0) continue;
    const perPort = r.ifVarbinds / r.ports;
    const ours = coreFraction(r.vigie.cpuS / r.vigie.varbinds, perPort);
    const theirs = coreFraction(r.bulk.cpuS / r.bulk.varbinds, perPort);
    console.log(`  ${r.name}: ifTable + ifXTable = ${perPort.toFixed(1)} varbinds/port (${r.ports} ports): ` +
      `vigie walks ${pct(ours)} (${verdict(ours <= GOAL_CORE_FRACTION)}), snmpbulkwalk ${pct(theirs)}`);
    const sp = r.switchPoll;
    if (!sp || sp.polls === 0 || sp.ports === 0) continue;
    const perDevicePoll = (sp.cpuS / (sp.polls * r.agents)) * 1000;
    const head = `  ${r.name}: switch kind (pollSwitch, ${sp.polls} polls of ${r.agents} devices, ${perDevicePoll.toFixed(1)} ms CPU per device per poll, ` +
      `${(sp.varbinds / (sp.polls * sp.ports)).toFixed(1)} varbinds/port/poll)`;
    if (sp.ports / r.agents < MIN_PORTS_PER_DEVICE) {
      console.log(`${head}: no per-port estimate (${(sp.ports / r.agents).toFixed(0)} ports per device: per-device reads dominate)`);
      continue;
    }
    const frac = ((sp.cpuS / (sp.polls * sp.ports)) * PORTS) / PERIOD_S;
    console.log(`${head}: ${pct(frac)} (${verdict(frac <= GOAL_CORE_FRACTION)})`);
  }
}
