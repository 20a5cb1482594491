/**
 * The SIP UDP engine: one UDP socket per local address, shared by every request (every trunk),
 * bound lazily on the first request. Requests are built by ./message.ts, matched and retransmitted
 * by ./transactions.ts; the Via carries `rport` (RFC 3581) so answers come back to this socket
 * through NAT. Datagrams that do not parse are counted and dropped; responses that match no live
 * transaction are counted and dropped; neither ever ends the engine.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import { buildRequest, parseResponse, type SipRequestInit } from './message.js';
import { TransactionTable, clientTransaction, transactionKey, type SipTimers, type TransactionResult } from './transactions.js';

export interface SipUdpEngineOptions {
  /** Address the socket binds to (default `127.0.0.1`; `0.0.0.0` or `::` for all). */
  localAddress?: string;
  /** Port (default 0: any free one). */
  localPort?: number;
  /** Host written in Via/Contact (default the bound address, `127.0.0.1`/`::1` for a wildcard bind). */
  advertisedHost?: string;
  timers?: Partial<SipTimers>;
  scheduler?: SchedulerLike;
  userAgent?: string;
}

/** Where a request goes. */
export interface SipTarget {
  host: string;
  port: number;
}

/** Per-request options. */
export interface SipRequestOptions {
  /** Ends the request with E_SIP_TIMEOUT after this many ms (if before Timer F). */
  deadlineMs?: number;
}

/** Counters since the engine was created (never reset). */
export interface SipEngineCounters {
  /** Requests sent (first transmissions). */
  sent: number;
  retransmits: number;
  /** Datagrams received. */
  received: number;
  /** Datagrams that are not a SIP response sip.js can parse (or lack Via/Call-ID/CSeq). */
  malformed: number;
  /** Requests received (the engine is a client only; they are dropped). */
  requests: number;
  /** Responses matching no live transaction (late, duplicate, or foreign). */
  unmatched: number;
}

/**
 * Contract: `request(target, init)` returns a cold Observable that, when subscribed, sends one
 * non-INVITE request and emits `{ response, rttMs }` for its final response then completes, or
 * errors with E_SIP_TIMEOUT / E_SIP_TRANSPORT. Unsubscribing abandons the transaction. `close()`
 * ends live transactions with E_SIP_TRANSPORT and releases the socket.
 */
export class SipUdpEngine {
  readonly counters: SipEngineCounters = { sent: 0, retransmits: 0, received: 0, malformed: 0, requests: 0, unmatched: 0 };
  private readonly table = new TransactionTable();
  private readonly scheduler: SchedulerLike;
  private socket?: Socket;
  private bound?: Promise<Socket>;
  private closed = false;

  constructor(private readonly opts: SipUdpEngineOptions = {}) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
  }

  /** The bound local address and port (undefined before the first request). */
  address(): { address: string; port: number } | undefined {
    if (!this.socket) return undefined;
    try {
      const a = this.socket.address();
      return { address: a.address, port: a.port };
    } catch {
      return undefined;
    }
  }

  /** Live client transactions. */
  get liveTransactions(): number {
    return this.table.size;
  }

  request(target: SipTarget, init: SipRequestInit, reqOpts: SipRequestOptions = {}): Observable<TransactionResult> {
    return new Observable<TransactionResult>((subscriber) => {
      let inner: { unsubscribe(): void } | undefined;
      let cancelled = false;
      this.bind().then(
        (socket) => {
          if (cancelled) return;
          const local = socket.address();
          const host = this.opts.advertisedHost ?? advertised(local.address);
          const request = buildRequest({ userAgent: this.opts.userAgent, ...init }, { host, port: local.port });
          const key = transactionKey(request.branch, request.callId, request.method);
          let first = true;
          const send = (text: string): void => {
            if (first) this.counters.sent++;
            else this.counters.retransmits++;
            first = false;
            socket.send(text, target.port, target.host, (err) => {
              if (err) this.table.fail(key, new VigieError('E_SIP_TRANSPORT', `SIP send to ${target.host}:${target.port} failed: ${err.message}`, { target }, { cause: err }));
            });
          };
          inner = clientTransaction(request, this.table, {
            send,
            timers: this.opts.timers,
            scheduler: this.scheduler,
            deadlineMs: reqOpts.deadlineMs,
          }).subscribe(subscriber);
        },
        (err: unknown) => subscriber.error(err),
      );
      return () => {
        cancelled = true;
        inner?.unsubscribe();
      };
    });
  }

  /** Ends live transactions with E_SIP_TRANSPORT and closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.table.failAll(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed'));
    const socket = this.socket ?? (await this.bound?.catch(() => undefined));
    if (!socket) return;
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private bind(): Promise<Socket> {
    if (this.closed) return Promise.reject(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed'));
    this.bound ??= new Promise<Socket>((resolve, reject) => {
      const localAddress = this.opts.localAddress ?? '127.0.0.1';
      const socket = createSocket({ type: isIP(localAddress) === 6 ? 'udp6' : 'udp4' });
      const onBindError = (err: Error): void =>
        reject(new VigieError('E_SIP_TRANSPORT', `cannot bind the SIP UDP socket to ${localAddress}:${this.opts.localPort ?? 0}: ${err.message}`, { localAddress }, { cause: err }));
      socket.once('error', onBindError);
      socket.bind(this.opts.localPort ?? 0, localAddress, () => {
        socket.off('error', onBindError);
        // After bind, socket errors (e.g. ICMP-induced) must not crash the process; sends report their own.
        socket.on('error', () => undefined);
        socket.on('message', (msg) => this.onDatagram(msg));
        this.socket = socket;
        resolve(socket);
      });
    });
    return this.bound;
  }

  private onDatagram(msg: Buffer): void {
    this.counters.received++;
    const parsed = parseResponse(msg);
    if (!parsed.ok) {
      if (parsed.reason === 'request') this.counters.requests++;
      else this.counters.malformed++;
      return;
    }
    if (!this.table.dispatch(parsed.response)) this.counters.unmatched++;
  }
}

function advertised(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

/** One engine per local address (and port), shared by all trunks that use it. */
const shared = new Map<string, SipUdpEngine>();

/** The shared engine for a local address, created on first use (options apply only then). */
export function sharedUdpEngine(opts: SipUdpEngineOptions = {}): SipUdpEngine {
  const key = `${opts.localAddress ?? '127.0.0.1'}|${opts.localPort ?? 0}`;
  let engine = shared.get(key);
  if (!engine) {
    engine = new SipUdpEngine(opts);
    shared.set(key, engine);
  }
  return engine;
}

/** Closes and forgets every shared engine (daemon shutdown, tests). */
export async function closeSharedUdpEngines(): Promise<void> {
  const engines = [...shared.values()];
  shared.clear();
  await Promise.all(engines.map((e) => e.close()));
}
