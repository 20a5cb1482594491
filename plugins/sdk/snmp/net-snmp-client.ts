/**
 * `createSnmpClient`: the daemon's pooled SNMP client (contract in `types.ts`), built on the
 * `net-snmp` package.
 *
 * - One session (one UDP socket) per target, keyed by host, port, version, credentials,
 *   timeout and retries; `session(target)` returns the same session for the same key.
 * - v1 and v2c (community) and v3 (USM: noAuthNoPriv/authNoPriv/authPriv; md5, sha, sha224,
 *   sha256, sha384, sha512; des, aes, aes256b, aes256r).
 * - `get`: exceptions (noSuchObject/noSuchInstance/endOfMibView, and v1's noSuchName) come back
 *   as varbinds with value null, never as errors.
 * - `walk`: GETBULK on v2c/v3, GETNEXT on v1, ends as `walkSubtree` says (no hang on a looping
 *   agent). `walkColumns` (see `ColumnWalker` in `walk.ts`) walks several table columns with one
 *   multi-OID GETBULK per round (v1: one GETNEXT walk per column, in turn).
 * - Adaptive max-repetitions, remembered per session (that is, per target): a GETBULK answered
 *   `tooBig` is retried at once with half the repetitions, one that times out is retried with
 *   half (twice at most); the smaller size sticks for later walks and grows back after successes
 *   (`AdaptiveRepetitions` in `walk.ts`).
 * - Failures arrive through the observable: `E_SNMP_TIMEOUT` when the agent did not answer
 *   within the timeout and retries, `E_SNMP` otherwise. Messages never carry a community or key.
 * - At most `concurrency` requests in flight across all targets, and at most
 *   `perTargetConcurrency` for one target, targets served in turn; a target whose request timed
 *   out is held to one request at a time until it answers again, so a dead agent holds one slot,
 *   each time for at most its own timeout.
 * - `close()` closes every socket; requests in flight fail with `E_SNMP`, later ones too.
 *
 * Cost: a request is a limiter ticket and a net-snmp callback (no RxJS operator chain), and a
 * v2c/v3 walk is one observable with a callback loop inside (`bulk-walk.ts`), so what the engine
 * adds per varbind to net-snmp's own decoding is its checks (subtree, order) and the rows it keeps.
 */
import { createHash } from 'node:crypto';
import snmp from 'net-snmp';
import type { Logger } from 'pino';
import { Observable, catchError, concatMap, defer, from, map, of, throwError, toArray } from 'rxjs';
import { VigieError } from '../errors.js';
import type { SnmpClient, SnmpSession, SnmpTarget, Varbind } from './types.js';
import { ConcurrencyLimiter, type Ticket } from './limiter.js';
import { fromNetSnmp, type RawVarbind } from './net-snmp-varbind.js';
import { AdaptiveRepetitions, walkSubtree, type ColumnWalker, type RequestFailure } from './walk.js';
import { bulkWalkColumns, bulkWalkSubtree, type BulkSend, type BulkWalkOptions, type RawBulkAnswer } from './bulk-walk.js';

export interface SnmpClientOptions {
  /** Max requests in flight across every target (default 64). */
  concurrency?: number;
  /** Max requests in flight to one target (default a quarter of `concurrency`, at least 1). */
  perTargetConcurrency?: number;
  log?: Logger;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 1;
const DEFAULT_MAX_REPETITIONS = 25;
const TOO_BIG = 1;
const NO_SUCH_NAME = 2;

type Callback<R> = (err: Error | null, res?: R) => void;

/** A target with its defaults applied. */
interface ResolvedTarget extends SnmpTarget {
  port: number;
  timeoutMs: number;
  retries: number;
}

function resolve(t: SnmpTarget): ResolvedTarget {
  return { ...t, port: t.port ?? 161, timeoutMs: t.timeoutMs ?? DEFAULT_TIMEOUT_MS, retries: t.retries ?? DEFAULT_RETRIES };
}

/** Pool key; credentials enter it only hashed, so no secret sits in a map key or a log line. */
function sessionKey(t: ResolvedTarget): string {
  const creds = createHash('sha256').update(JSON.stringify([t.community ?? 'public', t.v3 ?? null])).digest('hex').slice(0, 16);
  return [t.version, t.host, t.port, t.timeoutMs, t.retries, creds].join('|');
}

function secretsOf(t: SnmpTarget): string[] {
  return [t.community, t.v3?.authKey, t.v3?.privKey].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function openRaw(t: ResolvedTarget): snmp.Session {
  const common = {
    port: t.port,
    timeout: t.timeoutMs,
    retries: t.retries,
    backoff: 1,
    transport: (t.host.includes(':') ? 'udp6' : 'udp4') as 'udp4' | 'udp6',
  };
  if (t.version !== '3') {
    const version = t.version === '1' ? snmp.Version1 : snmp.Version2c;
    return snmp.createSession(t.host, t.community ?? 'public', { ...common, version });
  }
  const v3 = t.v3;
  if (!v3?.user) throw new VigieError('E_SNMP', `SNMPv3 target ${t.host}:${t.port} needs v3.user`);
  const level = snmp.SecurityLevel[v3.level];
  if (!level) throw new VigieError('E_SNMP', `SNMPv3 user ${v3.user}: unknown level "${v3.level}"`);
  const user: snmp.User = { name: v3.user, level };
  if (v3.level !== 'noAuthNoPriv') {
    if (!v3.authKey) throw new VigieError('E_SNMP', `SNMPv3 user ${v3.user}: level ${v3.level} needs authKey`);
    user.authProtocol = snmp.AuthProtocols[v3.authProtocol ?? 'sha'];
    user.authKey = v3.authKey;
  }
  if (v3.level === 'authPriv') {
    if (!v3.privKey) throw new VigieError('E_SNMP', `SNMPv3 user ${v3.user}: level authPriv needs privKey`);
    user.privProtocol = snmp.PrivProtocols[v3.privProtocol ?? 'aes'];
    user.privKey = v3.privKey;
  }
  return snmp.createV3Session(t.host, user, { ...common, version: snmp.Version3 });
}

/** What went wrong with a request, for the adaptive max-repetitions. */
function failureKind(e: unknown): RequestFailure {
  if (!(e instanceof VigieError)) return 'other';
  if (e.code === 'E_SNMP_TIMEOUT') return 'timeout';
  return e.details?.status === TOO_BIG ? 'tooBig' : 'other';
}

class NetSnmpSession implements SnmpSession, ColumnWalker {
  private raw?: snmp.Session;
  private readonly where: string;
  private readonly secrets: string[];
  /** The max-repetitions this agent copes with, learnt across walks. */
  readonly repetitions = new AdaptiveRepetitions({ initial: DEFAULT_MAX_REPETITIONS });

  constructor(
    private readonly target: ResolvedTarget,
    private readonly key: string,
    private readonly limiter: ConcurrencyLimiter,
    private readonly isClosed: () => boolean,
    private readonly log?: Logger,
  ) {
    this.where = `${target.host}:${target.port}`;
    this.secrets = secretsOf(target);
  }

  get(oids: string[]): Observable<Varbind[]> {
    return defer(() => {
      if (oids.length === 0) return of([]);
      return this.target.version === '1' ? this.getV1(oids, new Set()) : this.getOnce(oids);
    });
  }

  walk(root: string, opts?: { maxRepetitions?: number }): Observable<Varbind[]> {
    const onLoop = this.loopLogger(root);
    if (this.target.version === '1') return walkSubtree(root, (cursor) => this.getNextV1(cursor), onLoop);
    return bulkWalkSubtree(root, this.sendBulk, this.bulkOptions(opts?.maxRepetitions, onLoop));
  }

  walkColumns(roots: string[], opts?: { maxRepetitions?: number }): Observable<Varbind[][]> {
    if (this.target.version === '1') {
      return from(roots).pipe(
        concatMap((root) => this.walk(root)),
        toArray(),
      );
    }
    return bulkWalkColumns(roots, this.sendBulk, this.bulkOptions(opts?.maxRepetitions, this.loopLogger(roots.join(','))));
  }

  private bulkOptions(wanted: number | undefined, onLoop: (cursor: string, next: string) => void): BulkWalkOptions {
    return { repetitions: this.repetitions, wanted, kindOf: failureKind, onLoop };
  }

  /** One GETBULK of `cursors` (no non-repeaters) through the limiter, callback style (see `bulk-walk.ts`). */
  private readonly sendBulk: BulkSend = (cursors, reps, done) =>
    this.request<RawBulkAnswer>((raw, cb) => raw.getBulk(cursors, 0, reps, cb as Callback<unknown[]>), done);

  /** v1 GETNEXT step; v1 signals the end of the MIB view with noSuchName. */
  private getNextV1(cursor: string): Observable<Varbind[]> {
    return this.call<RawVarbind[]>((raw, cb) => raw.getNext([cursor], cb)).pipe(
      map((vbs) => vbs.map(fromNetSnmp)),
      catchError((e) => (e instanceof VigieError && e.details?.status === NO_SUCH_NAME ? of([]) : throwError(() => e))),
    );
  }

  private loopLogger(root: string): (cursor: string, next: string) => void {
    return (cursor, next) => this.log?.warn({ agent: this.where, root, cursor, next }, 'SNMP agent returned a non-increasing OID; walk stopped');
  }

  /** Closes the socket; the next request opens a new one unless the client is closed. */
  close(): void {
    const raw = this.raw;
    this.raw = undefined;
    raw?.close();
  }

  private getOnce(oids: string[]): Observable<Varbind[]> {
    return this.call<RawVarbind[]>((raw, cb) => raw.get(oids, cb)).pipe(map((vbs) => vbs.map(fromNetSnmp)));
  }

  /** v1 answers a missing object with noSuchName for the whole request: ask again without it. */
  private getV1(oids: string[], missing: Set<string>): Observable<Varbind[]> {
    const ask = oids.filter((o) => !missing.has(o));
    const merge = (got: Varbind[]): Varbind[] => {
      const byOid = new Map(ask.map((o, i) => [o, got[i]]));
      return oids.map((o) => byOid.get(o) ?? { oid: o, type: 'NoSuchObject', value: null });
    };
    if (ask.length === 0) return of(merge([]));
    return this.getOnce(ask).pipe(
      map(merge),
      catchError((e) => {
        const bad = e instanceof VigieError && e.details?.status === NO_SUCH_NAME ? String(e.details.oid ?? '') : '';
        const norm = bad.replace(/^\./, '');
        if (!norm || !ask.includes(norm)) return throwError(() => e);
        return this.getV1(oids, new Set([...missing, norm]));
      }),
    );
  }

  /** One request through the limiter, as an observable: the outcome goes to the subscriber, once. */
  private call<R>(invoke: (raw: snmp.Session, cb: Callback<R>) => void): Observable<R> {
    return new Observable<R>((subscriber) =>
      this.request<R>(invoke, (err, res) => {
        if (err) subscriber.error(err);
        else {
          subscriber.next(res as R);
          subscriber.complete();
        }
      }),
    );
  }

  /**
   * One request through the limiter, callback style: `invoke` runs once a slot is free; `done`
   * is called once, with a `VigieError` or the answer, after the slot is freed. A target that
   * times out is held to one request at a time until it answers again. Returns a function that
   * abandons the request (net-snmp cannot withdraw one: it is ignored and ends at its timeout).
   */
  private request<R>(invoke: (raw: snmp.Session, cb: Callback<R>) => void, done: (err: VigieError | null, res?: R) => void): () => void {
    const exchange = new Exchange<R>(this, invoke, done);
    // Inline arrows: tsx (esbuild keepNames) would name, at a cost, a closure bound to a name.
    exchange.ticket = this.limiter.acquire(this.key, (t) => exchange.start(t));
    return () => exchange.abandon();
  }

  /** Sends `invoke` on the open socket; errors (a closed client, a bad OID) come back through `cb`. */
  sendNow<R>(invoke: (raw: snmp.Session, cb: Callback<R>) => void, cb: Callback<R>): void {
    try {
      if (this.isClosed()) throw new VigieError('E_SNMP', `the SNMP client is closed (request to ${this.where})`);
      invoke(this.open(), cb);
    } catch (e) {
      cb(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** The limiter's verdict on an answer (see `request`). */
  answered(err: VigieError | null): void {
    this.limiter.restrict(this.key, err && failureKind(err) === 'timeout' ? 1 : undefined);
  }

  private open(): snmp.Session {
    if (this.raw) return this.raw;
    const raw = openRaw(this.target);
    raw.on('error', (err: Error) => this.log?.warn({ agent: this.where, err: this.redact(err.message) }, 'SNMP socket error'));
    raw.on('close', () => {
      if (this.raw === raw) this.raw = undefined;
    });
    this.log?.debug({ agent: this.where, version: this.target.version, user: this.target.v3?.user }, 'SNMP session opened');
    this.raw = raw;
    return raw;
  }

  private redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('<redacted>');
    return out;
  }

  toVigieError(err: Error): VigieError {
    if (err instanceof VigieError) return err;
    const { timeoutMs, retries } = this.target;
    if (err.name === 'RequestTimedOutError') {
      return new VigieError('E_SNMP_TIMEOUT', `timeout after ${timeoutMs} ms (${retries} retries) from ${this.where}`, {
        host: this.target.host,
        port: this.target.port,
        timeoutMs,
        retries,
      });
    }
    const status = (err as { status?: unknown }).status;
    const code = (err as { code?: unknown }).code;
    const details: Record<string, unknown> = { host: this.target.host, port: this.target.port };
    if (typeof status === 'number') details.status = status;
    if (typeof code === 'number' || typeof code === 'string') details.code = code;
    const oid = /:\s*(\.?\d+(?:\.\d+)+)\s*$/.exec(err.message)?.[1];
    if (oid) details.oid = oid;
    return new VigieError('E_SNMP', `SNMP request to ${this.where} failed: ${this.redact(err.message)}`, details);
  }
}

/** One request of `NetSnmpSession.request`: its slot, its callback, and whether it still counts. */
class Exchange<R> {
  ticket?: Ticket;
  private live = true;

  constructor(
    private readonly session: NetSnmpSession,
    private readonly invoke: (raw: snmp.Session, cb: Callback<R>) => void,
    private readonly done: (err: VigieError | null, res?: R) => void,
  ) {}

  /** The limiter granted the slot. */
  start(t: Ticket): void {
    this.ticket = t;
    this.session.sendNow<R>(this.invoke, (err, res) => this.answer(err, res));
  }

  private answer(err: Error | null, res?: R): void {
    if (!this.live) return;
    this.live = false;
    const e = err ? this.session.toVigieError(err) : null;
    this.session.answered(e);
    this.ticket?.release();
    this.done(e, res);
  }

  abandon(): void {
    this.live = false;
    this.ticket?.release();
  }
}

/** The daemon's shared SNMP client (see the module comment for the contract). */
export function createSnmpClient(opts: SnmpClientOptions = {}): SnmpClient {
  const total = Math.max(1, Math.floor(opts.concurrency ?? 64));
  const perTarget = Math.max(1, Math.floor(opts.perTargetConcurrency ?? Math.max(1, Math.floor(total / 4))));
  const limiter = new ConcurrencyLimiter(total, Math.min(perTarget, total));
  const sessions = new Map<string, NetSnmpSession>();
  let closed = false;
  return {
    session(target: SnmpTarget): SnmpSession {
      const t = resolve(target);
      const key = sessionKey(t);
      let s = sessions.get(key);
      if (!s) {
        s = new NetSnmpSession(t, key, limiter, () => closed, opts.log);
        if (!closed) sessions.set(key, s);
      }
      return s;
    },
    close(): void {
      closed = true;
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}
