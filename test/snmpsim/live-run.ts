/**
 * Runs one probe kind LIVE (real time, `asyncScheduler`, the real net-snmp client) against an
 * agent until it has completed a number of polls, and hands back what it emitted.
 *
 * Contract of `runPolls(kind, target, opts)`:
 * - builds the `ProbeContext` the daemon would (`<kind>/<name>` id, silent logger,
 *   `asyncScheduler`, `opts.intervalMs`, the given SNMP client, a poll-request hub), subscribes;
 * - a poll ends with the observation `opts.endsWith` names: `poll_ms` (default), the node's
 *   metric `snmp.poll_ms` that closes every answered poll of the switch and router kinds, or a
 *   node `state` down (a poll without answer); `state`, any node `state` (snmp-system, whose
 *   poll is one GET);
 * - resolves with every observation up to the end of poll `opts.polls`, then unsubscribes;
 *   rejects with the probe's error, or on `timeoutMs` naming how far it got. It always
 *   unsubscribes.
 */
import pino from 'pino';
import { Subscription, asyncScheduler } from 'rxjs';
import { createPollRequests, createPortDirectory, type Observation, type ProbeContext, type ProbeKind, type SnmpClient } from '../../plugins/sdk/index.js';

export interface RunPollsOptions {
  /** Instance name (gives the node id when the device offers no identity). */
  name: string;
  kind: string;
  client: SnmpClient;
  intervalMs: number;
  polls: number;
  endsWith?: 'poll_ms' | 'state';
  timeoutMs: number;
}

const isNodeState = (o: Observation): boolean => o.kind === 'state' && o.entity.startsWith('node:');
const isPollMs = (o: Observation): boolean => o.kind === 'metric' && o.name === 'snmp.poll_ms' && o.entity.startsWith('node:');

export function runPolls(kind: ProbeKind, target: unknown, opts: RunPollsOptions): Promise<Observation[]> {
  const isEnd =
    opts.endsWith === 'state' ? isNodeState : (o: Observation) => isPollMs(o) || (isNodeState(o) && o.kind === 'state' && o.state === 'down');
  const ctx: ProbeContext<unknown> = {
    id: `${opts.kind}/${opts.name}`,
    kind: opts.kind,
    name: opts.name,
    config: target,
    intervalMs: opts.intervalMs,
    log: pino({ level: 'silent' }),
    scheduler: asyncScheduler,
    clients: { snmp: opts.client, poll: createPollRequests(), ports: createPortDirectory() },
  };
  return new Promise<Observation[]>((resolve, reject) => {
    const seen: Observation[] = [];
    let polls = 0;
    let settled = false;
    // Closed by finish(); a subscription added after that is closed at once.
    const sub = new Subscription();
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(tick);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve(seen);
    };
    const tick = setTimeout(() => {
      finish(new Error(`${opts.kind} ${opts.name}: ${polls} of ${opts.polls} polls in ${opts.timeoutMs} ms (${seen.length} observations)`));
    }, opts.timeoutMs);
    sub.add(
      kind.create(target as never, ctx as never).subscribe({
        next: (o) => {
          if (settled) return;
          seen.push(o);
          if (isEnd(o) && ++polls >= opts.polls) finish();
        },
        error: (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
        complete: () => finish(new Error(`the ${opts.kind} probe completed on its own after ${polls} polls`)),
      }),
    );
  });
}
