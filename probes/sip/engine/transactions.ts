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
import { Observable, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
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
    return () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
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
  return new Observable<TransactionResult>((subscriber) => {
    const scheduler = opts.scheduler ?? asyncScheduler;
    const timers = { ...DEFAULT_TIMERS, ...opts.timers };
    const key = transactionKey(request.branch, request.callId, request.method);
    // RTT in sub-millisecond steps on the real clock (Date.now() would give whole milliseconds,
    // i.e. 0 or 1 on a LAN); the scheduler's own clock otherwise (virtual time in tests).
    const now = scheduler === asyncScheduler ? () => performance.now() : () => scheduler.now();
    const started = now();
    const pending: Subscription[] = [];
    let retransmits = 0;
    let interval = timers.t1Ms;
    let proceeding = false;
    let retransmit: Subscription | undefined;

    const cleanup = (): void => {
      retransmit?.unsubscribe();
      for (const s of pending) s.unsubscribe();
      unregister();
    };
    const fail = (error: VigieError): void => {
      cleanup();
      subscriber.error(error);
    };
    const timeout = (timer: 'F' | 'deadline', afterMs: number): void => {
      fail(
        new VigieError('E_SIP_TIMEOUT', `no final response to ${request.method} within ${afterMs} ms (${timer === 'F' ? 'Timer F' : 'deadline'})`, {
          method: request.method,
          callId: request.callId,
          timer,
          afterMs,
          retransmits,
        }),
      );
    };
    const scheduleRetransmit = (): void => {
      retransmit?.unsubscribe();
      retransmit = scheduler.schedule(() => {
        retransmits++;
        opts.send(request.text);
        if (!proceeding) interval = Math.min(interval * 2, timers.t2Ms);
        scheduleRetransmit();
      }, proceeding ? timers.t2Ms : interval);
    };

    const unregister = table.register(key, {
      onResponse: (response) => {
        if (response.statusCode < 200) {
          opts.onProvisional?.(response);
          if (!proceeding && !opts.reliable) {
            proceeding = true;
            scheduleRetransmit();
          }
          return;
        }
        const rttMs = now() - started;
        cleanup();
        subscriber.next({ response, rttMs, retransmits });
        subscriber.complete();
      },
      fail,
    });

    // Timer F, or the deadline when it comes first: one timer, whichever ends the transaction.
    const timerF = 64 * timers.t1Ms;
    if (opts.deadlineMs !== undefined && opts.deadlineMs < timerF) {
      const d = Math.max(0, opts.deadlineMs);
      pending.push(scheduler.schedule(() => timeout('deadline', d), d));
    } else {
      pending.push(scheduler.schedule(() => timeout('F', timerF), timerF));
    }
    opts.send(request.text);
    if (!opts.reliable && !subscriber.closed) scheduleRetransmit();
    return cleanup;
  });
}
