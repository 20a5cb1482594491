/**
 * An `SnmpClient` that answers from recordings, in virtual time: what a probe sees from a
 * recorded device, without any socket.
 *
 * Contract:
 * - Devices are keyed `host` (any port) or `host:port`; `host:port` wins. A target's port
 *   defaults to 161.
 * - GET and walk answers are computed from the recording and delivered on the clock after
 *   `latencyMs` (default 0: due at the current virtual time, so they arrive at the next
 *   `advance`, never inside `subscribe`). Values are read at delivery time.
 * - Missing OIDs in a GET come back as `NoSuchInstance` (the column has other instances) or
 *   `NoSuchObject`; a walk of an empty subtree gives `[]`.
 * - An unknown device, or one set down, never answers: after `timeoutMs × (retries + 1)`
 *   virtual ms (defaults 2000 and 1) the request fails with `VigieError('E_SNMP_TIMEOUT')`.
 * - Time passes on the device: sysUpTime grows with the clock and, unless `liveCounters` is
 *   false, interface traffic counters grow smoothly (see `live.ts`). `setValue` pins an OID
 *   to a fixed value (adding it if the recording lacks it).
 * - `requests` counts GET and walk requests (each subscription is one request).
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { VigieError } from '../errors.js';
import { loadSnmprec, Recording } from '../snmp/snmprec.js';
import type { SnmpClient, SnmpSession, SnmpTarget, Varbind } from '../snmp/types.js';
import { liveModel, type LiveModel } from './live.js';

export interface RecordedSnmpClient extends SnmpClient {
  /** Makes a device (by its key, or any `host`/`host:port`) stop or resume answering. */
  setDown(key: string, down: boolean): void;
  /** Pins one OID of a device to a value from now on (it stops advancing). */
  setValue(key: string, oid: string, vb: Omit<Varbind, 'oid'>): void;
  /** GET and walk requests made so far. */
  readonly requests: number;
}

export interface RecordedSnmpOptions {
  /** Virtual delay of every answer, ms (default 0). */
  latencyMs?: number;
  /** Interface counters advance with time (default true). */
  liveCounters?: boolean;
  /** Varies the generated traffic (default 0). */
  seed?: string | number;
}

interface Device {
  rec: Recording;
  live: LiveModel;
  pinned: Set<string>;
}

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 1;

export function recordedSnmp(
  devices: Record<string, string | Recording>,
  clock: SchedulerLike,
  opts: RecordedSnmpOptions = {},
): RecordedSnmpClient {
  const latencyMs = opts.latencyMs ?? 0;
  const startedAt = clock.now();
  const table = new Map<string, Device>();
  for (const [key, src] of Object.entries(devices)) {
    const rec = typeof src === 'string' ? loadSnmprec(src) : src;
    table.set(key, { rec, live: liveModel(rec, opts.seed), pinned: new Set() });
  }
  const down = new Set<string>();
  const sessions = new Map<string, SnmpSession>();
  let requests = 0;
  let closed = false;

  const keysOf = (t: SnmpTarget): [string, string] => [`${t.host}:${t.port ?? 161}`, t.host];
  const deviceOf = (t: SnmpTarget): Device | undefined => {
    const [full, host] = keysOf(t);
    return table.get(full) ?? table.get(host);
  };
  const isDown = (t: SnmpTarget): boolean => keysOf(t).some((k) => down.has(k));
  const read = (dev: Device, vb: Varbind): Varbind => {
    if (dev.pinned.has(vb.oid)) return vb;
    if (opts.liveCounters === false && vb.oid !== SYS_UPTIME) return vb;
    return dev.live.valueOf(vb, clock.now() - startedAt);
  };

  /** One request: answers `compute(device)` after the latency, or times out. */
  const request = (t: SnmpTarget, what: string, compute: (dev: Device) => Varbind[]): Observable<Varbind[]> =>
    new Observable<Varbind[]>((sub) => {
      requests++;
      if (closed) {
        sub.error(new VigieError('E_SNMP', `${what} ${t.host}: the SNMP client is closed`));
        return;
      }
      const dev = deviceOf(t);
      if (!dev || isDown(t)) {
        const waitMs = (t.timeoutMs ?? DEFAULT_TIMEOUT_MS) * ((t.retries ?? DEFAULT_RETRIES) + 1);
        const port = t.port ?? 161;
        return clock.schedule(() => {
          sub.error(new VigieError('E_SNMP_TIMEOUT', `${what} ${t.host}:${port}: no answer after ${waitMs} ms`, { host: t.host, port }));
        }, waitMs) as Subscription;
      }
      return clock.schedule(() => {
        sub.next(compute(dev));
        sub.complete();
      }, latencyMs) as Subscription;
    });

  const makeSession = (t: SnmpTarget): SnmpSession => ({
    get: (oids) =>
      request(t, 'GET', (dev) =>
        oids.map((oid) => {
          const vb = dev.rec.get(oid);
          return vb ? read(dev, vb) : { oid, type: dev.rec.missingType(oid), value: null };
        }),
      ),
    walk: (root) => request(t, 'walk', (dev) => dev.rec.walk(root).map((vb) => read(dev, vb))),
  });

  const deviceByKey = (key: string): Device => {
    const dev = table.get(key);
    if (!dev) throw new VigieError('E_RECORDING', `recordedSnmp: no recorded device "${key}" (known: ${[...table.keys()].join(', ')})`);
    return dev;
  };

  return {
    session(t) {
      const k = `${t.host}|${t.port ?? 161}|${t.version}|${t.timeoutMs ?? ''}|${t.retries ?? ''}`;
      let s = sessions.get(k);
      if (!s) sessions.set(k, (s = makeSession(t)));
      return s;
    },
    close() {
      closed = true;
      sessions.clear();
    },
    setDown(key, isNowDown) {
      if (isNowDown) down.add(key);
      else down.delete(key);
    },
    setValue(key, oid, vb) {
      const dev = deviceByKey(key);
      dev.rec = dev.rec.withValues([{ oid, type: vb.type, value: vb.value }]);
      dev.pinned.add(oid);
    },
    get requests() {
      return requests;
    },
  };
}
