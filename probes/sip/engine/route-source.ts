/**
 * The local address a wildcard-bound socket (`0.0.0.0`/`::`) really sends from to a given host:
 * what the UDP engine writes in Via and Contact, so a registrar stores a reachable Contact and a
 * far end's in-dialog requests (BYE) can come back. The kernel picks the source address by route;
 * a UDP socket `connect()`ed to the host learns it without sending anything (`connectProbe`).
 *
 * `RouteSourceCache` keeps the answer per host (expiring, so a route change is picked up; bounded)
 * and reads synchronously on a hit; a miss is looked up once however many requests wait for it.
 * A failed lookup (no route, unresolvable name, no answer within the guard time) gives the
 * fallback (`make(undefined)`), kept for a shorter time: the request goes on, and its send reports
 * the transport error if there is one.
 */
import { createSocket } from 'node:dgram';
import type { SchedulerLike, Subscriber, TeardownLogic } from 'rxjs';

/** Resolves to the source address the kernel would use towards `host:port`, or rejects (no route…). Sends no packet. */
export type RouteProbe = (host: string, port: number, type: 'udp4' | 'udp6') => Promise<string>;

/** The real probe: a throwaway UDP socket connected to the target (connect on UDP sends nothing), then closed. */
export const connectProbe: RouteProbe = (host, port, type) => new Promise<string>((resolve, reject) => {
  const socket = createSocket(type);
  const done = (err?: Error | null): void => {
    let address = '';
    if (!err) {
      try {
        address = socket.address().address;
      } catch (e) {
        err = e as Error;
      }
    }
    try {
      socket.close();
    } catch {
      // already closed
    }
    if (err) reject(err);
    else resolve(address);
  };
  socket.once('error', done);
  try {
    // The callback gets the error (ENETUNREACH, a failed name lookup) despite its declared type.
    socket.connect(port > 0 ? port : 5060, host, done as () => void);
  } catch (e) {
    done(e as Error);
  }
});

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** What a socket bound to `address` says it is when nothing better is known: loopback for a wildcard. */
export function advertised(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

export interface RouteSourceOptions<V> {
  /** The value kept for a host: from its source address, or from undefined when the lookup failed. */
  make: (source: string | undefined) => V;
  /** Socket type of the probe (the engine socket's). */
  type: 'udp4' | 'udp6';
  /** Clock of the expiry and of the guard. */
  scheduler: SchedulerLike;
  /** Default `connectProbe`. */
  probe?: RouteProbe;
  /** Lifetime of a found source (default 60 s). */
  ttlMs?: number;
  /** Lifetime of a fallback after a failed lookup (default 5 s). */
  failureTtlMs?: number;
  /** Hosts kept at most; the oldest entry goes first (default 4096). */
  maxEntries?: number;
  /** A lookup not answered within this time fails (default 2 s: a name the resolver hangs on). */
  guardMs?: number;
}

/**
 * Contract: `get(host)` is the kept value while fresh, else undefined (synchronous: a Map lookup
 * and a clock read). `resolve(host, port)` gives the fresh value, looking the source up on a miss
 * (one lookup per host at a time); it never rejects: a failed lookup gives `make(undefined)`.
 */
export class RouteSourceCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<V>>();
  private readonly probe: RouteProbe;

  constructor(private readonly opts: RouteSourceOptions<V>) {
    this.probe = opts.probe ?? connectProbe;
  }

  get size(): number {
    return this.entries.size;
  }

  get(host: string): V | undefined {
    const entry = this.entries.get(host);
    return entry !== undefined && entry.expiresAt > this.opts.scheduler.now() ? entry.value : undefined;
  }

  resolve(host: string, port: number): Promise<V> {
    const hit = this.get(host);
    if (hit !== undefined) return Promise.resolve(hit);
    let pending = this.pending.get(host);
    if (!pending) {
      pending = this.lookUp(host, port).finally(() => this.pending.delete(host));
      this.pending.set(host, pending);
    }
    return pending;
  }

  private async lookUp(host: string, port: number): Promise<V> {
    const source = await this.guarded(host, port);
    const value = this.opts.make(source);
    const ttl = source === undefined ? (this.opts.failureTtlMs ?? 5000) : (this.opts.ttlMs ?? 60_000);
    this.entries.delete(host);
    if (this.entries.size >= (this.opts.maxEntries ?? 4096)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(host, { value, expiresAt: this.opts.scheduler.now() + ttl });
    return value;
  }

  /** The probe's answer as a usable unicast address (a v4-mapped one unwrapped), undefined on failure or after the guard time. */
  private guarded(host: string, port: number): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve) => {
      const guard = this.opts.scheduler.schedule(() => resolve(undefined), this.opts.guardMs ?? 2000);
      const settle = (address: string | undefined): void => {
        guard.unsubscribe();
        const unwrapped = address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
        resolve(unwrapped === undefined || unwrapped === '' || isWildcard(unwrapped) ? undefined : unwrapped);
      };
      let probing: Promise<string>;
      try {
        probing = this.probe(host, port, this.opts.type);
      } catch {
        probing = Promise.reject(new Error('route probe threw'));
      }
      probing.then(settle, () => settle(undefined));
    });
  }
}

/**
 * Starts `start` with what `ready` resolves to, for `subscriber`, unless it unsubscribed meanwhile;
 * a throw from `start` is the subscriber's error. Returns the teardown (which also tears down what
 * `start` returned).
 */
export function startWhen<A, T>(ready: Promise<A>, subscriber: Subscriber<T>, start: (value: A) => TeardownLogic): TeardownLogic {
  let teardown: TeardownLogic;
  let cancelled = false;
  ready.then(
    (value) => {
      if (cancelled) return;
      try {
        teardown = start(value);
      } catch (e) {
        subscriber.error(e);
      }
    },
    (err: unknown) => subscriber.error(err),
  );
  return () => {
    cancelled = true;
    if (typeof teardown === 'function') teardown();
    else teardown?.unsubscribe();
  };
}
