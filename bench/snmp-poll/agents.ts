/**
 * The agents the SNMP polling benchmark walks, all on 127.0.0.1 with free ports: snmpsim
 * replaying real-device recordings (one simulator process per recording, so each is a separate
 * agent with its own CPU) and Debian snmpd instances (a fast C agent, so the clients, not the
 * agent, set the pace). Reuses the test helpers that start and always stop them.
 */
import { startSnmpsim } from '../../test/setup/snmpsim.js';
import { startSnmpd } from '../../test/setup/snmpd.js';
import type { WalkJob } from './jobs.js';

export type AgentRef = Omit<WalkJob, 'root'>;

export interface Agents {
  agents: AgentRef[];
  stop(): Promise<void>;
}

/** One snmpsim process per recording (names in the corpus). */
export async function startSnmpsimAgents(recordings: string[]): Promise<Agents> {
  const sims = await Promise.all(recordings.map((r) => startSnmpsim([r])));
  return {
    agents: sims.map((sim, i) => ({ agent: `snmpsim:${recordings[i]}`, host: '127.0.0.1', port: sim.port, community: sim.community(recordings[i]) })),
    stop: async () => {
      await Promise.all(sims.map((s) => s.stop()));
    },
  };
}

/** `count` Debian snmpd instances (community `public`). */
export async function startSnmpdAgents(count: number): Promise<Agents> {
  const agents = await Promise.all(Array.from({ length: count }, (_, i) => startSnmpd({ sysName: `bench-snmpd-${i + 1}` })));
  return {
    agents: agents.map((a, i) => ({ agent: `snmpd#${i + 1}`, host: '127.0.0.1', port: a.port, community: 'public' })),
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
