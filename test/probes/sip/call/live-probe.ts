/**
 * Runs a `sip-test-call` kind in real time (RxJS asyncScheduler) until its first `sip-call`
 * event, for tests against real peers: the target gets the schema's defaults as in the daemon;
 * resolves with that event and everything emitted with it, then unsubscribes (releasing the
 * RTP socket; the caller closes the engine it passed).
 */
import { Value } from '@sinclair/typebox/value';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
import type { EventObservation, Observation, ProbeContext, ProbeKind, SharedClients, Static, TSchema } from '../../../../plugins/sdk/index.js';

export interface LiveCall {
  event: EventObservation;
  observations: Observation[];
  /** The event's data (a CallReport plus the test call's extras). */
  data: Record<string, unknown> & { quality?: Record<string, number>; media?: Record<string, number> };
}

export function firstTestCall<S extends TSchema>(kind: ProbeKind<S>, target: Record<string, unknown>, timeoutMs = 20_000): Promise<LiveCall> {
  const config = Value.Default(kind.configSchema, structuredClone(target)) as Static<S>;
  if (!Value.Check(kind.configSchema, config)) throw new Error(`bad target: ${JSON.stringify(target)}`);
  const ctx: ProbeContext<Static<S>> = {
    id: 'sip-test-call/live', kind: 'sip-test-call', name: 'live', config, intervalMs: 3_600_000,
    log: pino({ level: 'silent' }), scheduler: asyncScheduler, clients: {} as SharedClients,
  };
  return new Promise((resolve, reject) => {
    const observations: Observation[] = [];
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`no sip-call event within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = kind.create(config, ctx).subscribe({
      next: (o) => {
        observations.push(o);
        if (o.kind === 'event' && o.type === 'sip-call') {
          // The metrics of the same call follow synchronously: collect them, then stop.
          setImmediate(() => {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve({ event: o, observations, data: o.data as LiveCall['data'] });
          });
        }
      },
      error: (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    });
  });
}
