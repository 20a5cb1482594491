/**
 * The SIP TCP engine: the same `request(target, init, opts)` contract as the UDP engine
 * (./udp-engine.ts), over one TCP connection per target, opened on the first request, reused by
 * every later one (every trunk to that host:port), and opened again on demand once it is gone.
 *
 * Requests are built by ./message.ts (Via `SIP/2.0/TCP`, Contact `;transport=tcp`), matched by
 * ./transactions.ts with `reliable: true`: TCP delivers, so nothing is retransmitted (no Timer E),
 * but Timer F and the per-request deadline still end a transaction that gets no final response.
 * The deadline covers the connection set-up too. Responses are cut out of the stream by
 * ./stream-framer.ts (Content-Length framing, bounded buffer) and parsed with sip.js (see
 * ./message.ts for why sip.js is used only for parsing).
 *
 * Bad input never ends the engine: a stream that is not SIP or carries an oversized message gets
 * its connection dropped (counted in `dropped`; its live transactions fail with E_SIP_TRANSPORT;
 * the next request reconnects); a message that is not a parsable response, or matches no live
 * transaction, is counted and ignored. A refused or failed connection fails the requests waiting
 * on it with E_SIP_TRANSPORT (for a trunk probe: a failed keepalive, never a crash).
 */
import { RetainCounted, SharedEngines } from './shared-engines.js';
import net from 'node:net';
import { Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import { buildRequest, hostPort, parseResponse, type SipRequestInit } from './message.js';
import { DEFAULT_MAX_SIP_MESSAGE, SipStreamFramer, type FramingError } from './stream-framer.js';
import { DEFAULT_TIMERS, TransactionTable, clientTransaction, transactionKey, type SipTimers, type TransactionResult } from './transactions.js';
import type { SipEngineCounters, SipRequestOptions, SipTarget } from './udp-engine.js';

export interface SipTcpEngineOptions {
  /** Local address outgoing connections bind to (default `127.0.0.1`; `0.0.0.0`/`::` lets the OS choose). */
  localAddress?: string;
  /** Host written in Via/Contact (default the connection's local address). */
  advertisedHost?: string;
  timers?: Partial<SipTimers>;
  scheduler?: SchedulerLike;
  userAgent?: string;
  /** Largest message accepted from a peer (default 65 535 bytes); bigger drops the connection. */
  maxMessageBytes?: number;
  /** Gives up a connection attempt after this long (default Timer F, 64·T1). */
  connectTimeoutMs?: number;
}

/** The UDP engine's counters, plus what only a connection has. */
export interface SipTcpEngineCounters extends SipEngineCounters {
  /** Connections established. */
  connects: number;
  /** Connection attempts that failed (refused, unreachable, timed out). */
  connectFailures: number;
  /** Connections dropped by the engine because the peer sent garbage or an oversized message. */
  dropped: number;
  /** Established connections that the peer closed or that failed. */
  lost: number;
}

/** One connection to one target, with its own live transactions. */
interface Connection {
  key: string;
  socket: net.Socket;
  table: TransactionTable;
  framer: SipStreamFramer;
  /** Resolves once connected; rejects with E_SIP_TRANSPORT when the attempt fails. */
  ready: Promise<void>;
  open: boolean;
  gone: boolean;
}

/**
 * Contract: `request(target, init, opts)` returns a cold Observable that, when subscribed, sends one
 * non-INVITE request over the target's connection (connecting first when needed) and emits
 * `{ response, rttMs, retransmits: 0 }` for its final response then completes, or errors with
 * E_SIP_TIMEOUT (deadline or Timer F; `rttMs` is from the send, the deadline from the subscription)
 * or E_SIP_TRANSPORT (cannot connect, connection lost or dropped, engine closed). Unsubscribing
 * abandons the transaction (the connection stays for others). `close()` ends live transactions
 * with E_SIP_TRANSPORT and closes every connection.
 */
export class SipTcpEngine extends RetainCounted {
  readonly counters: SipTcpEngineCounters = {
    sent: 0, retransmits: 0, received: 0, malformed: 0, requests: 0, unmatched: 0, connects: 0, connectFailures: 0, dropped: 0, lost: 0,
  };
  private readonly scheduler: SchedulerLike;
  private readonly connections = new Map<string, Connection>();
  private closed = false;

  constructor(private readonly opts: SipTcpEngineOptions = {}) {
    super();
    this.scheduler = opts.scheduler ?? asyncScheduler;
  }

  /** Open (or opening) connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Live client transactions over all connections. */
  get liveTransactions(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.table.size;
    return n;
  }

  /** Local address and port of the connection to `target`, once connected. */
  localAddressFor(target: SipTarget): { address: string; port: number } | undefined {
    const c = this.connections.get(targetKey(target));
    if (!c?.open || c.socket.localAddress === undefined || c.socket.localPort === undefined) return undefined;
    return { address: c.socket.localAddress, port: c.socket.localPort };
  }

  request(target: SipTarget, init: SipRequestInit, reqOpts: SipRequestOptions = {}): Observable<TransactionResult> {
    return new Observable<TransactionResult>((subscriber) => {
      const started = this.scheduler.now();
      let inner: Subscription | undefined;
      let connectDeadline: Subscription | undefined;
      let cancelled = false;
      let conn: Connection;
      try {
        conn = this.connectionFor(target);
      } catch (e) {
        subscriber.error(e);
        return;
      }
      if (reqOpts.deadlineMs !== undefined && !conn.open) {
        const d = Math.max(0, reqOpts.deadlineMs);
        connectDeadline = this.scheduler.schedule(() => {
          cancelled = true;
          subscriber.error(new VigieError('E_SIP_TIMEOUT', `no connection to ${hostPort(target.host, target.port)} within ${d} ms (deadline)`, {
            method: init.method, timer: 'deadline', afterMs: d, retransmits: 0,
          }));
        }, d);
      }
      conn.ready.then(
        () => {
          connectDeadline?.unsubscribe();
          if (cancelled || subscriber.closed) return;
          if (conn.gone) {
            subscriber.error(new VigieError('E_SIP_TRANSPORT', `the SIP TCP connection to ${hostPort(target.host, target.port)} closed`, { target }));
            return;
          }
          const host = this.opts.advertisedHost ?? conn.socket.localAddress ?? '127.0.0.1';
          const request = buildRequest({ userAgent: this.opts.userAgent, ...init }, { host, port: conn.socket.localPort ?? 0, transport: 'TCP' });
          const key = transactionKey(request.branch, request.callId, request.method);
          const send = (text: string): void => {
            this.counters.sent++;
            conn.socket.write(text, (err) => {
              if (err) conn.table.fail(key, new VigieError('E_SIP_TRANSPORT', `SIP send to ${hostPort(target.host, target.port)} failed: ${err.message}`, { target }, { cause: err }));
            });
          };
          const elapsed = this.scheduler.now() - started;
          inner = clientTransaction(request, conn.table, {
            send,
            reliable: true,
            timers: this.opts.timers,
            scheduler: this.scheduler,
            deadlineMs: reqOpts.deadlineMs === undefined ? undefined : Math.max(0, reqOpts.deadlineMs - elapsed),
          }).subscribe(subscriber);
        },
        (err: unknown) => {
          connectDeadline?.unsubscribe();
          if (!cancelled) subscriber.error(err);
        },
      );
      return () => {
        cancelled = true;
        connectDeadline?.unsubscribe();
        inner?.unsubscribe();
      };
    });
  }

  /** Ends live transactions with E_SIP_TRANSPORT and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => new Promise<void>((resolve) => {
      c.gone = true;
      c.table.failAll(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed'));
      if (c.socket.destroyed) return resolve();
      c.socket.once('close', () => resolve());
      c.socket.destroy();
    })));
  }

  /** The live connection to `target`, or a new one being opened. */
  private connectionFor(target: SipTarget): Connection {
    if (this.closed) throw new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed');
    const key = targetKey(target);
    const existing = this.connections.get(key);
    if (existing && !existing.gone) return existing;
    const localAddress = this.opts.localAddress ?? '127.0.0.1';
    // The family of the local address decides how a name (e.g. `localhost`) resolves.
    const family = net.isIP(localAddress) === 6 ? 6 : 4;
    const socket = net.connect({ host: target.host, port: target.port, localAddress, family, noDelay: true });
    // An idle connection must not keep the process alive (a CLI run, a test, a daemon stopping):
    // while a request is pending, its Timer F / connect timer (on the scheduler) does.
    socket.unref();
    const conn: Connection = {
      key, socket, table: new TransactionTable(), framer: new SipStreamFramer(this.opts.maxMessageBytes ?? DEFAULT_MAX_SIP_MESSAGE),
      ready: Promise.resolve(), open: false, gone: false,
    };
    this.connections.set(key, conn);
    const where = hostPort(target.host, target.port);
    conn.ready = new Promise<void>((resolve, reject) => {
      const timerF = this.opts.connectTimeoutMs ?? 64 * (this.opts.timers?.t1Ms ?? DEFAULT_TIMERS.t1Ms);
      const giveUp = this.scheduler.schedule(() => socket.destroy(new Error(`no connection within ${timerF} ms`)), timerF);
      socket.once('connect', () => {
        giveUp.unsubscribe();
        conn.open = true;
        this.counters.connects++;
        resolve();
      });
      socket.on('error', (err) => {
        giveUp.unsubscribe();
        const error = new VigieError('E_SIP_TRANSPORT', `SIP TCP connection to ${where} failed: ${err.message}`, { target, localAddress }, { cause: err });
        if (!conn.open) {
          this.counters.connectFailures++;
          reject(error);
        }
        this.forget(conn, error, conn.open);
      });
      // Destroyed before connecting without an error (the engine closed): the waiting requests still get an answer.
      socket.once('close', () => reject(new VigieError('E_SIP_TRANSPORT', `the SIP TCP connection to ${where} closed before it was established`, { target })));
    });
    // A failed attempt is reported to each request through `ready`; never an unhandled rejection.
    conn.ready.catch(() => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('close', () => {
      this.forget(conn, new VigieError('E_SIP_TRANSPORT', `the SIP TCP connection to ${where} closed`, { target }), conn.open);
    });
    return conn;
  }

  private onData(conn: Connection, chunk: Buffer): void {
    const { messages, error } = conn.framer.push(chunk);
    for (const m of messages) {
      this.counters.received++;
      const parsed = parseResponse(m);
      if (!parsed.ok) {
        if (parsed.reason === 'request') this.counters.requests++;
        else this.counters.malformed++;
        continue;
      }
      if (!conn.table.dispatch(parsed.response)) this.counters.unmatched++;
    }
    if (error) this.drop(conn, error);
  }

  /** Drops a connection whose stream cannot be trusted any more. */
  private drop(conn: Connection, why: FramingError): void {
    if (conn.gone) return;
    this.counters.dropped++;
    const what = why === 'oversize' ? `a message over ${conn.framer.maxMessageBytes} bytes` : 'data that is not SIP';
    this.forget(conn, new VigieError('E_SIP_TRANSPORT', `dropped the SIP TCP connection ${conn.key}: the peer sent ${what}`, { reason: why }), false);
    conn.socket.destroy();
  }

  /** Removes a connection (once) and fails its live transactions. */
  private forget(conn: Connection, error: VigieError, countAsLost: boolean): void {
    if (conn.gone) return;
    conn.gone = true;
    if (countAsLost) this.counters.lost++;
    if (this.connections.get(conn.key) === conn) this.connections.delete(conn.key);
    conn.table.failAll(error);
    if (!conn.socket.destroyed) conn.socket.destroy();
  }
}

function targetKey(target: SipTarget): string {
  return hostPort(target.host, target.port);
}

/** One engine per local address, shared by every probe that uses it (see ./shared-engines.ts). */
const shared = new SharedEngines<SipTcpEngine>();

/**
 * The shared TCP engine for a local address, created on first use (options apply only then).
 * A probe `retain()`s it while it runs; the last release closes it.
 */
export function sharedTcpEngine(opts: SipTcpEngineOptions = {}): SipTcpEngine {
  return shared.get(opts.localAddress ?? '127.0.0.1', () => new SipTcpEngine(opts));
}

/** Closes and forgets every shared TCP engine (daemon shutdown, tests). */
export function closeSharedTcpEngines(): Promise<void> {
  return shared.closeAll();
}
