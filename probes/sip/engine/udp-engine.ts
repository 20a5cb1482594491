/**
 * The SIP UDP engine: one UDP socket per local address, shared by every request (every trunk),
 * bound lazily on the first request. Requests are built by ./message.ts, matched and retransmitted
 * by ./transactions.ts; the Via carries `rport` (RFC 3581) so answers come back to this socket
 * through NAT. Datagrams that do not parse are counted and dropped; responses that match no live
 * transaction are counted and dropped; neither ever ends the engine.
 *
 * It is also the UAC core of test calls: `invite()` runs an INVITE client transaction
 * (./invite-transaction.ts: Timer A/B, the ACK of a non-2xx), ACKs a 2xx in the dialog it creates
 * (./dialog.ts: route set, remote target from Contact, to-tag; a 2xx retransmission gets the ACK
 * again), and CANCELs a ringing INVITE at its deadline. A dialog's handle sends BYE. Requests that
 * arrive in a dialog are answered (./uas.ts): a BYE gets 200 OK and ends the call, anything else
 * 405 (481 once the dialog is over, or with the wrong tags). Requests outside every dialog are
 * counted and dropped: the engine answers no stranger, so it cannot be used as a reflector.
 *
 * Bound to a wildcard (`0.0.0.0`/`::`), it writes in Via and Contact the address the kernel routes
 * from towards each target host (./route-source.ts: looked up once per host, then cached; a
 * dialog's in-dialog requests keep the INVITE's), so a registrar or a far end can reach it.
 */
import { RetainCounted, SharedEngines } from './shared-engines.js';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { Observable, asyncScheduler, type SchedulerLike, type Subscriber, type Subscription, type TeardownLogic } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import { DialogTable, type DialogIo, type SipDialog } from './dialog.js';
import type { InviteProgress, SipInviteInit, SipInviteOptions, SipRequestOptions, SipTarget, SipUdpEngineCounters } from './engine-types.js';
import { inviteClientTransaction } from './invite-transaction.js';
import { buildRequest, hostPort, parseResponse, type OutgoingRequest, type SentBy, type SipRequestInit } from './message.js';
import { advertised, isWildcard, RouteSourceCache, startWhen, type RouteProbe } from './route-source.js';
import { DEFAULT_TIMERS, TransactionTable, startClientTransaction, transactionKey, type SipTimers, type TransactionResult } from './transactions.js';
import { literalFirstLookup, UdpTransactionIo } from './udp-io.js';
import { buildResponse, parseRequest, responseDestination } from './uas.js';

export interface SipUdpEngineOptions {
  /** Address the socket binds to (default `127.0.0.1`; `0.0.0.0` or `::` for all). */
  localAddress?: string;
  /** Port (default 0: any free one). */
  localPort?: number;
  /** Host written in Via/Contact (default the bound address; for a wildcard bind, the source address routed towards the target, else `127.0.0.1`/`::1`). */
  advertisedHost?: string;
  /** How a wildcard-bound engine finds that source address (tests; default a connected UDP socket). */
  routeProbe?: RouteProbe;
  timers?: Partial<SipTimers>;
  scheduler?: SchedulerLike;
  userAgent?: string;
}

export type {
  InviteProgress, SipEngineCounters, SipInviteInit, SipInviteOptions, SipRequestOptions, SipTarget, SipUdpEngineCounters,
} from './engine-types.js';
export type { SipDialog } from './dialog.js';

function transportError(to: SipTarget, err: Error): VigieError {
  return new VigieError('E_SIP_TRANSPORT', `SIP send to ${to.host}:${to.port} failed: ${err.message}`, { target: to }, { cause: err });
}

/**
 * Contract: `request(target, init)` returns a cold Observable that, when subscribed, sends one
 * non-INVITE request and emits `{ response, rttMs }` for its final response then completes, or
 * errors with E_SIP_TIMEOUT / E_SIP_TRANSPORT. Unsubscribing abandons the transaction.
 * `invite(target, init, opts)` returns a cold Observable of {@link InviteProgress} (errors:
 * E_SIP_TIMEOUT at Timer B or the deadline, E_SIP_TRANSPORT, E_SIP_PROTOCOL for a 2xx without a
 * To tag); unsubscribing while it rings CANCELs it. `close()` ends live transactions with
 * E_SIP_TRANSPORT, forgets every dialog and releases the socket.
 */
export class SipUdpEngine extends RetainCounted {
  readonly counters: SipUdpEngineCounters = { sent: 0, retransmits: 0, received: 0, malformed: 0, requests: 0, unmatched: 0, acks: 0, responses: 0 };
  private readonly table = new TransactionTable();
  /** The scheduler and timers its transactions run on. */
  readonly scheduler: SchedulerLike;
  readonly timers?: Partial<SipTimers>;
  private readonly t1Ms: number;
  private readonly dialogs: DialogTable;
  private socket?: Socket;
  private bound?: Promise<Socket>;
  private closed = false;

  constructor(private readonly opts: SipUdpEngineOptions = {}) {
    super();
    this.scheduler = opts.scheduler ?? asyncScheduler;
    this.timers = opts.timers;
    this.t1Ms = opts.timers?.t1Ms ?? DEFAULT_TIMERS.t1Ms;
    this.dialogs = new DialogTable(this.scheduler, 64 * this.t1Ms);
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

  /** Live client transactions (INVITEs still absorbing retransmissions included). */
  get liveTransactions(): number {
    return this.table.size;
  }

  /** Dialogs known: live ones and those released less than 64·T1 ago. */
  get dialogCount(): number {
    return this.dialogs.size;
  }

  request(target: SipTarget, init: SipRequestInit, reqOpts: SipRequestOptions = {}): Observable<TransactionResult> {
    return this.withSocket<TransactionResult>((socket, subscriber) => {
      const sentBy = this.sentBy(socket, target);
      if (sentBy) return this.startTransaction(socket, target, buildRequest({ userAgent: this.opts.userAgent, ...init }, sentBy), reqOpts, subscriber);
      return this.afterRoute(target, subscriber, (s) => this.startTransaction(socket, target, buildRequest({ userAgent: this.opts.userAgent, ...init }, s), reqOpts, subscriber));
    });
  }

  invite(target: SipTarget, init: SipInviteInit, opts: SipInviteOptions = {}): Observable<InviteProgress> {
    return this.withSocket<InviteProgress>((socket, subscriber) => {
      const sentBy = this.sentBy(socket, target);
      if (sentBy) return this.runInvite(socket, target, init, opts, sentBy).subscribe(subscriber);
      return this.afterRoute(target, subscriber, (s) => this.runInvite(socket, target, init, opts, s).subscribe(subscriber));
    });
  }

  /** Ends live transactions with E_SIP_TRANSPORT, forgets dialogs and closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.table.failAll(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed'));
    this.dialogs.clear();
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

  /**
   * Binds (once), then starts `start` with the socket and the subscriber; a throw from `start` (a
   * programming error) is the observable's error. Once bound (every request but the first) it
   * starts at once: no promise turn, no inner observable.
   */
  private withSocket<T>(start: (socket: Socket, subscriber: Subscriber<T>) => TeardownLogic): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.socket && !this.closed) return start(this.socket, subscriber);
      return startWhen(this.bind(), subscriber, (socket) => start(socket, subscriber));
    });
  }

  /** Where requests say they come from when that is one host for all (read once after bind: `socket.address()` is a syscall). */
  private sentByCache?: SentBy;
  /** Else (wildcard bind, no advertisedHost): per target host, the routed source address. */
  private routes?: RouteSourceCache<SentBy>;

  /** Where a request to `target` says it comes from; undefined when its route must be looked up first ({@link afterRoute}). */
  private sentBy(socket: Socket, target: SipTarget): SentBy | undefined {
    if (this.sentByCache) return this.sentByCache;
    if (this.routes) return this.routes.get(target.host);
    const local = socket.address();
    if (this.opts.advertisedHost === undefined && isWildcard(local.address)) {
      this.routes = new RouteSourceCache<SentBy>({
        make: (source) => ({ host: source ?? advertised(local.address), port: local.port }),
        type: local.address === '::' ? 'udp6' : 'udp4', scheduler: this.scheduler, probe: this.opts.routeProbe,
      });
      return this.routes.get(target.host);
    }
    this.sentByCache = { host: this.opts.advertisedHost ?? local.address, port: local.port };
    return this.sentByCache;
  }

  /** The slow path of a first request to a host (or after its entry expired): look its route up, then `start`. */
  private afterRoute<T>(target: SipTarget, subscriber: Subscriber<T>, start: (sentBy: SentBy) => TeardownLogic): TeardownLogic {
    return startWhen(this.routes!.resolve(target.host, target.port), subscriber, (sentBy) =>
      this.closed ? subscriber.error(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed')) : start(sentBy));
  }

  sendText(socket: Socket, to: SipTarget, text: string, onError?: (err: Error) => void): void {
    try {
      socket.send(text, to.port, to.host, (err) => {
        if (err) onError?.(err);
      });
    } catch (e) {
      // The socket closed under us (engine closed): the transactions were failed by close().
      onError?.(e as Error);
    }
  }

  /** One non-INVITE client transaction over the socket (counted in sent/retransmits), as an observable. */
  private transact(socket: Socket, target: SipTarget, request: OutgoingRequest, reqOpts: SipRequestOptions): Observable<TransactionResult> {
    return new Observable<TransactionResult>((subscriber) => this.startTransaction(socket, target, request, reqOpts, subscriber));
  }

  /** Starts one non-INVITE client transaction for `subscriber`; returns its teardown. */
  private startTransaction(socket: Socket, target: SipTarget, request: OutgoingRequest, reqOpts: SipRequestOptions, subscriber: Subscriber<TransactionResult>): () => void {
    return startClientTransaction(request, this.table, new UdpTransactionIo(this, socket, target, request, reqOpts.deadlineMs), subscriber);
  }

  /** Sends a transaction's request (counted in sent, or retransmits after the first); a send error fails it. */
  sendForTransaction(io: UdpTransactionIo, text: string): void {
    if (io.sends++ === 0) this.counters.sent++;
    else this.counters.retransmits++;
    this.sendText(io.socket, io.target, text, (err) => this.table.fail(io.key, transportError(io.target, err)));
  }

  private runInvite(socket: Socket, target: SipTarget, init: SipInviteInit, opts: SipInviteOptions, sentBy: SentBy): Observable<InviteProgress> {
    return new Observable<InviteProgress>((subscriber) => {
      const fromUri = init.fromUri ?? `sip:vigie@${hostPort(sentBy.host)}`;
      const toUri = init.toUri ?? init.requestUri;
      const invite = buildRequest({ ...init, method: 'INVITE', fromUri, toUri, userAgent: this.opts.userAgent }, sentBy);
      const key = transactionKey(invite.branch, invite.callId, invite.method);
      const uris = { localUri: fromUri, remoteUri: toUri, fallbackTarget: init.requestUri };
      const io = this.dialogIo(socket, sentBy);
      const timers: Subscription[] = [];
      let lastProvisional: number | undefined;
      let final = false;
      let cancelled = false;
      let inviteSent = false;

      const stopTimers = (): void => timers.forEach((t) => t.unsubscribe());
      const timeout = (finalCode?: number): VigieError =>
        new VigieError('E_SIP_TIMEOUT', `no final response to INVITE within ${opts.deadlineMs} ms (deadline${cancelled ? '; cancelled' : ''})`, {
          method: 'INVITE', callId: invite.callId, timer: 'deadline', afterMs: opts.deadlineMs, cancelled, lastProvisional, finalCode,
        });
      const send = (text: string): void => {
        if (text !== invite.text) this.counters.acks++;
        else if (inviteSent) this.counters.retransmits++;
        else this.counters.sent++;
        inviteSent = true;
        this.sendText(socket, target, text, (err) => this.table.fail(key, transportError(target, err)));
      };

      const transaction = inviteClientTransaction(invite, this.table, {
        send, timers: this.opts.timers, scheduler: this.scheduler, onLate2xx: (r) => this.dialogs.onLate2xx(invite, r, uris, io),
      }).subscribe({
        next: (ev) => {
          if (ev.type === 'provisional') {
            lastProvisional = ev.response.statusCode;
            if (!cancelled) subscriber.next(ev);
            return;
          }
          final = true;
          stopTimers();
          const r = ev.response;
          if (r.statusCode >= 300) {
            if (cancelled) subscriber.error(timeout(r.statusCode));
            else {
              subscriber.next({ type: 'rejected', response: r, elapsedMs: ev.elapsedMs });
              subscriber.complete();
            }
            return;
          }
          const dialog: SipDialog | undefined = this.dialogs.open(invite, r, uris, io);
          if (!dialog) {
            subscriber.error(new VigieError('E_SIP_PROTOCOL', `a ${r.statusCode} to INVITE without a To tag or a usable Contact: no dialog`, { callId: invite.callId, code: r.statusCode }));
          } else if (cancelled) {
            // Answered while being cancelled: the call was not wanted any more (RFC 3261 §9.1).
            dialog.bye().subscribe({ error: () => undefined });
            subscriber.error(timeout(r.statusCode));
          } else {
            subscriber.next({ type: 'answered', response: r, elapsedMs: ev.elapsedMs, dialog });
            subscriber.complete();
          }
        },
        error: (e: unknown) => {
          stopTimers();
          subscriber.error(e);
        },
      });

      const cancel = (): void => {
        if (cancelled) return;
        cancelled = true;
        const routes = (init.headers ?? []).filter((h) => /^route\s*:/i.test(h));
        const request = buildRequest({
          method: 'CANCEL', requestUri: init.requestUri, fromUri, toUri, callId: invite.callId, cseq: invite.cseq, fromTag: invite.fromTag,
          branch: invite.branch, headers: routes, userAgent: this.opts.userAgent,
        }, sentBy);
        this.transact(socket, target, request, {}).subscribe({ error: () => undefined });
        // §9.1: with no final response 64·T1 after the CANCEL, the INVITE transaction is over.
        timers.push(this.scheduler.schedule(() => {
          transaction.unsubscribe();
          subscriber.error(timeout());
        }, 64 * this.t1Ms));
      };
      if (opts.deadlineMs !== undefined) {
        timers.push(this.scheduler.schedule(() => {
          if (lastProvisional !== undefined) return cancel();
          transaction.unsubscribe();
          subscriber.error(timeout());
        }, Math.max(0, opts.deadlineMs)));
      }

      return () => {
        if (final || transaction.closed) return stopTimers();
        // Hung up while ringing: CANCEL, and let the transaction take (and ACK) the 487 on its own.
        if (lastProvisional !== undefined) return cancel();
        // Waiting for the 487 of a CANCEL: the 64·T1 guard ends the transaction.
        if (cancelled) return;
        stopTimers();
        transaction.unsubscribe();
      };
    });
  }

  /** How the dialogs of this socket send (ACKs counted); their requests say they come from the INVITE's `sentBy`. */
  private dialogIo(socket: Socket, sentBy: SentBy): DialogIo {
    return {
      sentBy,
      userAgent: this.opts.userAgent,
      send: (text, to) => {
        this.counters.acks++;
        this.sendText(socket, to, text);
      },
      transact: (request, to, reqOpts) => this.transact(socket, to, request, reqOpts),
    };
  }

  private bind(): Promise<Socket> {
    if (this.closed) return Promise.reject(new VigieError('E_SIP_TRANSPORT', 'the SIP engine is closed'));
    this.bound ??= new Promise<Socket>((resolve, reject) => {
      const localAddress = this.opts.localAddress ?? '127.0.0.1';
      // Thousands of trunks answer within milliseconds of each other: a small receive buffer would
      // drop answers (then retransmit) under a burst. The OS may cap it.
      const socket = createSocket({ type: isIP(localAddress) === 6 ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER_BYTES, lookup: literalFirstLookup });
      const onBindError = (err: Error): void =>
        reject(new VigieError('E_SIP_TRANSPORT', `cannot bind the SIP UDP socket to ${localAddress}:${this.opts.localPort ?? 0}: ${err.message}`, { localAddress }, { cause: err }));
      socket.once('error', onBindError);
      socket.bind(this.opts.localPort ?? 0, localAddress, () => {
        socket.off('error', onBindError);
        // After bind, socket errors (e.g. ICMP-induced) must not crash the process; sends report their own.
        socket.on('error', () => undefined);
        socket.on('message', (msg, from) => this.onDatagram(socket, msg, from));
        this.socket = socket;
        resolve(socket);
      });
    });
    return this.bound;
  }

  private onDatagram(socket: Socket, msg: Buffer, from: RemoteInfo): void {
    this.counters.received++;
    const parsed = parseResponse(msg);
    if (!parsed.ok) {
      if (parsed.reason === 'request') this.onRequest(socket, msg, from);
      else this.counters.malformed++;
      return;
    }
    if (!this.table.dispatch(parsed.response)) this.counters.unmatched++;
  }

  /** A request: answered when it belongs to a dialog of ours, else dropped. */
  private onRequest(socket: Socket, msg: Buffer, from: RemoteInfo): void {
    this.counters.requests++;
    const parsed = parseRequest(msg);
    if (!parsed.ok) return;
    const req = parsed.request;
    const answer = this.dialogs.answer(req);
    if (!answer) return;
    const source = { address: from.address, port: from.port };
    const to = responseDestination(req, source);
    this.counters.responses++;
    this.sendText(socket, { host: to.address, port: to.port }, buildResponse(req, answer.status, { source, headers: answer.headers }));
  }
}

/** Receive buffer asked for the engine's socket (as the trap receiver does). */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** One engine per local address, shared by every probe that uses it (see ./shared-engines.ts). */
const shared = new SharedEngines<SipUdpEngine>();

/**
 * The shared UDP engine for a local address, created on first use (options apply only then).
 * A probe `retain()`s it while it runs; the last release closes it.
 */
export function sharedUdpEngine(opts: SipUdpEngineOptions = {}): SipUdpEngine {
  return shared.get(`${opts.localAddress ?? '127.0.0.1'}|${opts.localPort ?? 0}`, () => new SipUdpEngine(opts));
}

/** Closes and forgets every shared UDP engine (daemon shutdown, tests). */
export function closeSharedUdpEngines(): Promise<void> {
  return shared.closeAll();
}
