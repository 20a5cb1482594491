/**
 * The floor under Vigie's engine in the SNMP polling benchmark: the bare `net-snmp` library
 * (the one `createSnmpClient` wraps) walking the same list with a plain GETBULK loop, without
 * RxJS, the limiter, the adaptive max-repetitions or the walk's OID checks beyond "still under
 * the root". What Vigie's engine costs above this is the cost of its own layers.
 *
 * Contract of `rawWalkAll(jobs, settings)`: `concurrency` walks in flight, one session per
 * agent; resolves with the varbinds received and the walks that failed.
 */
import snmp from 'net-snmp';
import type { WalkJob, WalkSettings } from './jobs.js';

interface RawVarbind {
  oid: string;
  type: number;
}

function walkOne(session: snmp.Session, root: string, reps: number): Promise<number> {
  const prefix = `${root}.`;
  return new Promise((resolve, reject) => {
    let rows = 0;
    const step = (cursor: string): void => {
      session.getBulk([cursor], 0, reps, (err: Error | null, vbs?: unknown[]) => {
        if (err) return reject(err);
        const col = ((vbs ?? [])[0] ?? []) as RawVarbind[];
        let last = cursor;
        for (const vb of col) {
          if (vb.type === snmp.ObjectType.EndOfMibView || !vb.oid.startsWith(prefix)) return resolve(rows);
          rows++;
          last = vb.oid;
        }
        if (col.length === 0 || last === cursor) return resolve(rows);
        step(last);
      });
    };
    step(root);
  });
}

export async function rawWalkAll(jobs: WalkJob[], s: WalkSettings, sessions: Map<string, snmp.Session>): Promise<{ varbinds: number; failures: number }> {
  const sessionOf = (j: WalkJob): snmp.Session => {
    const key = `${j.host}:${j.port}/${j.community}`;
    let ses = sessions.get(key);
    if (!ses) {
      ses = snmp.createSession(j.host, j.community, { port: j.port, version: snmp.Version2c, timeout: s.timeoutMs, retries: s.retries });
      ses.on('error', () => undefined);
      sessions.set(key, ses);
    }
    return ses;
  };
  const queue = [...jobs];
  let varbinds = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (let j = queue.shift(); j; j = queue.shift()) {
      try {
        const n = await walkOne(sessionOf(j), j.root, s.maxRepetitions);
        varbinds += n;
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: s.concurrency }, worker));
  return { varbinds, failures };
}
