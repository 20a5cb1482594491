/**
 * The switch kind's own cost in the SNMP polling benchmark: `pollSwitch` (the `switch` probe's
 * periodic behaviour) polling every agent, in a child process (`switch-walker.ts`) so that
 * `process.cpuUsage()` counts only its work. Resolves with undefined when the kind cannot poll
 * yet (not implemented), so the walk benchmark still reports.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './children.js';
import type { AgentRef } from './agents.js';
import type { WalkSettings } from './jobs.js';
import type { SwitchPollResult } from './report.js';

export function runSwitchPolls(agents: AgentRef[], polls: number, s: WalkSettings): Promise<SwitchPollResult | undefined> {
  const walker = fileURLToPath(new URL('./switch-walker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, ['--import', 'tsx', walker, JSON.stringify({ agents, polls, settings: s })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`switch-walker exited with ${code}: ${err}`));
      const last = JSON.parse(out.trim().split('\n').pop() ?? 'null') as (SwitchPollResult & { unavailable?: string }) | null;
      if (!last || last.unavailable) {
        console.log(`   switch kind:  not measured (${last?.unavailable ?? 'no result'})`);
        return resolve(undefined);
      }
      resolve(last);
    });
  });
}
