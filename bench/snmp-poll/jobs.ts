/**
 * What the SNMP polling benchmark walks, shared by its two engines: one job is one table (or
 * subtree) walk of one agent. Both engines run the same list with the same GETBULK
 * max-repetitions and the same number of walks in flight.
 */

/** One walk: a subtree of one agent (SNMPv2c, loopback only). */
export interface WalkJob {
  /** Agent label for the report, e.g. `snmpsim:ios_2960x` or `snmpd#1`. */
  agent: string;
  host: string;
  port: number;
  community: string;
  root: string;
}

/** How the walks are run: the same for `snmpbulkwalk` and for Vigie's engine. */
export interface WalkSettings {
  /** Walks in flight at once (`xargs -P`). */
  concurrency: number;
  /** GETBULK max-repetitions (`snmpbulkwalk -Cr`). */
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
}

/** One engine's measurement of a list of walks. */
export interface EngineResult {
  /** Varbinds received (rows under the walked roots). */
  varbinds: number;
  /** Wall-clock seconds for the whole list. */
  wallS: number;
  /** CPU seconds (user + system) the engine spent. */
  cpuS: number;
  /** Walks that failed (timeout, SNMP error). */
  failures: number;
}

/** IF-MIB tables: ifTable and ifXTable. */
export const IF_TABLES = ['1.3.6.1.2.1.2.2', '1.3.6.1.2.1.31.1.1'];
/** "Everything": LLDP-MIB, mib-2, and the enterprises (vendor MIBs). */
export const WHOLE_AGENT = ['1.0.8802', '1.3.6.1.2.1', '1.3.6.1.4.1'];

/** The list of walks: every root of every agent, `rounds` times over. */
export function buildJobs(agents: Omit<WalkJob, 'root'>[], roots: string[], rounds: number): WalkJob[] {
  const one = agents.flatMap((a) => roots.map((root) => ({ ...a, root })));
  return Array.from({ length: rounds }, () => one).flat();
}
