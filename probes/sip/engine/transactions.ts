/**
 * Non-INVITE client transactions (RFC 3261 §17.1.2): matching of responses and, over UDP, the
 * retransmission schedule, all timed on an RxJS SchedulerLike so tests run in virtual time.
 *
 * Timer E: the request is sent at 0, retransmitted after T1, then after 2·T1, 4·T1, ... capped at
 * T2 (with T1 = 500 ms, T2 = 4 s: at 0.5, 1.5, 3.5, 7.5, 11.5, ... s). A provisional (1xx)
 * response moves the transaction to Proceeding, where it retransmits every T2. Timer F
 * (64·T1 = 32 s) ends it with `E_SIP_TIMEOUT`; so does the optional per-request deadline, when
 * shorter. Over a reliable transport nothing is retransmitted (Timer E is not used) but F holds.
 */
import { Observable, asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import type { OutgoingRequest, SipResponse } from './message.js';

/** RFC 3261 timer values, in milliseconds. */
export interface SipTimers {
  /** RTT estimate (default 500). */
  t1Ms: number;
  /** Maximum retransmit interval for non-INVITE requests (default 4000). */
  t2Ms: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1Ms: 500, t2Ms: 4000 };

/** A final response and the time from the first send to its arrival (scheduler time). */
export interface TransactionResult {
  response: SipResponse;
  rttMs: number;
  /** Times the request was sent again (Timer E). */
  retransmits: number;
}

/** How a transaction meets the wire: the engine gives it a send function. */
export interface ClientTransactionOptions {
  /** Sends the request text once; a failure is reported through `fail` of the table entry. */
  send: (text: string) => void;
  /** True over TCP/TLS: no retransmission. */
  reliable?: boolean;
  timers?: Partial<SipTimers>;
  /** Ends the transaction with E_SIP_TIMEOUT after this many ms, if before Timer F. */
  deadlineMs?: number;
  scheduler?: SchedulerLike;
  /** Called on each provisional response (1xx). */
  onProvisional?: (response: SipResponse) => void;
}

/** The key a response is matched by: top Via branch, Call-ID and CSeq method. */
export function transactionKey(branch: string, callId: string, method: string): string {
  return `${branch}\u0000${callId}\u0000${method.toUpperCase()}`;
}

interface Entry {
  onResponse: (response: SipResponse) => void;
  fail: (error: VigieError) => void;
}

/**
 * The live client transactions of one engine. Contract: `dispatch` hands a response to the one
 * transaction with the same branch, Call-ID and CSeq method and returns true, or returns false
 * (the caller counts it as unmatched); `failAll` ends every live transaction with an error.
 */
export class TransactionTable {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Registers a transaction; returns the function that removes it. Throws on a duplicate key. */
  register(key: string, entry: Entry): () => void {
    if (this.entries.has(key)) throw new TypeError(`a SIP transaction with this branch is already live: ${key}`);
    this.entries.set(key, entry);
    return () => this.unregister(key, entry);
  }

  /** Removes a transaction (if `entry` is still the one registered under `key`). */
  unregister(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  dispatch(response: SipResponse): boolean {
    const entry = this.entries.get(transactionKey(response.branch, response.callId, response.method));
    if (!entry) return false;
    entry.onResponse(response);
    return true;
  }

  fail(key: string, error: VigieError): void {
    this.entries.get(key)?.fail(error);
  }

  failAll(error: VigieError): void {
    for (const entry of [...this.entries.values()]) entry.fail(error);
  }
}

/**
 * Runs one non-INVITE client transaction when subscribed: registers it in `table`, sends,
 * retransmits per Timer E, emits the first final response with its RTT and completes, or errors
 * with E_SIP_TIMEOUT (details: `timer: 'F' | 'deadline'`). Unsubscribing ends it silently.
 */
export function clientTransaction(
  request: OutgoingRequest,
  table: TransactionTable,
  opts: ClientTransactionOptions,
): Observable<TransactionResult> {
  return new Observable<TransactionResult>((subscriber) => startClientTransaction(request, table, opts, subscriber));
}

/**
 * What `clientTransaction` does on subscribe, for an engine that already holds the subscriber
 * (one Observable layer fewer per keepalive): starts the transaction, returns its teardown.
 */
export function startClientTransaction(
  request: OutgoingRequest,
  table: TransactionTable,
  opts: ClientTransactionOptions,
  subscriber: Subscriber<TransactionResult>,
): () => void {
  return new NonInviteClient(request, table, opts, subscriber).start();
}

/**
 * One running transaction. A class and a single timer on purpose: this runs for every keepalive
 * of every trunk (thousands per second in the raw-rate benchmark), so it keeps to one scheduled
 * action at a time — due at the next retransmission or at the end (Timer F or the deadline),
 * whichever comes first — and creates no closures per transaction.
 */
class NonInviteClient {
  private readonly scheduler: SchedulerLike;
  private readonly t1Ms: number;
  private readonly t2Ms: number;
  private readonly started: number;
  /** When the transaction ends with E_SIP_TIMEOUT, and which timer that is. */
  private readonly endAt: number;
  private readonly endTimer: 'F' | 'deadline';
  private readonly afterMs: number;
  private readonly key: string;
  private retransmits = 0;
  private interval: number;
  private nextSendAt = Infinity;
  private proceeding = false;
  private timer?: Subscription;
  private registered = false;

  constructor(
    private readonly request: OutgoingRequest,
    private readonly table: TransactionTable,
    private readonly opts: ClientTransactionOptions,
    private readonly subscriber: Subscriber<TransactionResult>,
  ) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
    this.t1Ms = opts.timers?.t1Ms ?? DEFAULT_TIMERS.t1Ms;
    this.t2Ms = opts.timers?.t2Ms ?? DEFAULT_TIMERS.t2Ms;
    this.interval = this.t1Ms;
    this.started = this.now();
    const timerF = 64 * this.t1Ms;
    const deadline = opts.deadlineMs !== undefined && opts.deadlineMs < timerF;
    this.endTimer = deadline ? 'deadline' : 'F';
    this.afterMs = deadline ? Math.max(0, opts.deadlineMs!) : timerF;
    this.endAt = this.scheduler.now() + this.afterMs;
    this.key = transactionKey(request.branch, request.callId, request.method);
  }

  /** Subscribes: registers, sends, arms the timer; returns the teardown. */
  start(): () => void {
    this.table.register(this.key, this);
    this.registered = true;
    this.opts.send(this.request.text);
    if (!this.subscriber.closed) {
      if (!this.opts.reliable) this.nextSendAt = this.scheduler.now() + this.t1Ms;
      this.arm();
    }
    return () => this.cleanup();
  }

  /** RTT in sub-millisecond steps on the real clock (Date.now() would give 0 or 1 ms on a LAN); the scheduler's clock otherwise (virtual time in tests). */
  private now(): number {
    return this.scheduler === asyncScheduler ? performance.now() : this.scheduler.now();
  }

  onResponse(response: SipResponse): void {
    if (response.statusCode < 200) {
      this.opts.onProvisional?.(response);
      if (!this.proceeding && !this.opts.reliable) {
        // Proceeding: from now on every T2
        this.proceeding = true;
        this.nextSendAt = this.scheduler.now() + this.t2Ms;
        this.arm();
      }
      return;
    }
    const rttMs = this.now() - this.started;
    this.cleanup();
    this.subscriber.next({ response, rttMs, retransmits: this.retransmits });
    this.subscriber.complete();
  }

  fail(error: VigieError): void {
    this.cleanup();
    this.subscriber.error(error);
  }

  /** (Re)schedules the one timer for the next retransmission or the end, whichever is first. */
  private arm(): void {
    this.timer?.unsubscribe();
    const due = Math.min(this.nextSendAt, this.endAt);
    this.timer = this.scheduler.schedule(fire, Math.max(0, due - this.scheduler.now()), this);
  }

  /** The timer: ends the transaction at its end, else retransmits and re-arms. */
  onTimer(): void {
    this.timer = undefined;
    const now = this.scheduler.now();
    if (now >= this.endAt) {
      const { method, callId } = this.request;
      this.fail(new VigieError('E_SIP_TIMEOUT', `no final response to ${method} within ${this.afterMs} ms (${this.endTimer === 'F' ? 'Timer F' : 'deadline'})`, {
        method, callId, timer: this.endTimer, afterMs: this.afterMs, retransmits: this.retransmits,
      }));
      return;
    }
    if (now >= this.nextSendAt) {
      this.retransmits++;
      this.opts.send(this.request.text);
      if (this.subscriber.closed) return;
      if (!this.proceeding) this.interval = Math.min(this.interval * 2, this.t2Ms);
      this.nextSendAt = now + (this.proceeding ? this.t2Ms : this.interval);
    }
    this.arm();
  }

  private cleanup(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    if (this.registered) {
      this.registered = false;
      this.table.unregister(this.key, this);
    }
  }
}

function fire(this: SchedulerAction<NonInviteClient>, tx?: NonInviteClient): void {
  tx!.onTimer();
}
