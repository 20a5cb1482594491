/**
 * The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of RFC 6026), timed on
 * an RxJS SchedulerLike so tests run in virtual time.
 *
 * Calling: the INVITE is sent at 0 and, over UDP, retransmitted by Timer A after T1, then after
 * 2·T1, 4·T1, ... (doubling, no T2 cap: at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s with T1 = 500 ms)
 * until Timer B (64·T1 = 32 s) ends it with `E_SIP_TIMEOUT` (details `timer: 'B'`).
 * Proceeding (after a 1xx): no retransmission and no Timer B; every 1xx is reported. Ending a
 * ringing INVITE is the caller's job (CANCEL, see udp-engine.ts).
 * Completed (after a 300–699): the transaction itself ACKs the final response with the INVITE's
 * branch (§17.1.1.3, {@link buildNon2xxAck}) and, for Timer D (32 s over UDP, 0 over a reliable
 * transport), re-sends that ACK for each retransmission of the final response.
 * Accepted (after a 2xx): the 2xx goes to the caller (the TU), which ACKs it in a new transaction
 * (a new branch, in the dialog); for Timer M (64·T1) later 2xx responses (retransmissions, or other
 * forks) are handed to `onLate2xx` so the TU re-sends its ACK, instead of being dropped as unmatched.
 *
 * Completed and Accepted outlive the subscription: the observable completes with the final
 * response while the transaction keeps absorbing retransmissions on its own timer (an engine
 * closing ends that too, through the table's `fail`).
 */
import { Observable, Subscription, asyncScheduler, type SchedulerLike } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import type { OutgoingRequest, SipResponse } from './message.js';
import { DEFAULT_TIMERS, transactionKey, type SipTimers, type TransactionTable } from './transactions.js';

/** What the INVITE transaction reports: each provisional response, then the one final response. */
export type InviteTransactionEvent =
  | { type: 'provisional'; response: SipResponse; elapsedMs: number }
  | { type: 'final'; response: SipResponse; elapsedMs: number; retransmits: number };

export interface InviteTransactionOptions {
  /** Sends a text (the INVITE, or its ACK) once to where the INVITE goes; failures go to the table's `fail`. */
  send: (text: string) => void;
  /** True over TCP/TLS: no Timer A, Timer D is 0. */
  reliable?: boolean;
  timers?: Partial<SipTimers>;
  scheduler?: SchedulerLike;
  /** In Accepted state, each 2xx after the first (retransmission or another fork): the TU re-sends its ACK. */
  onLate2xx?: (response: SipResponse) => void;
}

/** Timer D over an unreliable transport (RFC 3261: at least 32 s). */
export const TIMER_D_MS = 32_000;

function header(request: OutgoingRequest, name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return request.text.split('\r\n\r\n', 1)[0].split('\r\n').filter((l) => l.toLowerCase().startsWith(prefix));
}

/**
 * The ACK of a non-2xx final response (RFC 3261 §17.1.1.3): same Request-URI, the INVITE's top Via
 * (same branch), From, Call-ID and Route headers, the response's To (with its tag), CSeq number of
 * the INVITE with method ACK, no body. `request` is an INVITE built by ./message.ts.
 */
export function buildNon2xxAck(request: OutgoingRequest, response: SipResponse): string {
  const startLine = request.text.slice(0, request.text.indexOf('\r\n'));
  const requestUri = startLine.split(' ')[1];
  const to = response.message.getHeader('to') ?? header(request, 'To')[0]?.slice(3).trim() ?? '';
  const lines = [
    `ACK ${requestUri} SIP/2.0`,
    header(request, 'Via')[0],
    ...header(request, 'Max-Forwards'),
    ...header(request, 'From'),
    `To: ${to.replace(/[\r\n]/g, '')}`,
    ...header(request, 'Call-ID'),
    `CSeq: ${request.cseq} ACK`,
    ...header(request, 'Route'),
    ...header(request, 'User-Agent'),
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Runs one INVITE client transaction when subscribed: registers it in `table` under the INVITE's
 * branch, Call-ID and method, sends, retransmits per Timer A, emits each 1xx, emits the final
 * response (with elapsed time and the number of retransmissions) and completes; or errors with
 * E_SIP_TIMEOUT at Timer B (only while no 1xx arrived). Unsubscribing before the final response
 * abandons it (nothing more is sent); after it, Completed/Accepted run to their timer.
 */
export function inviteClientTransaction(request: OutgoingRequest, table: TransactionTable, opts: InviteTransactionOptions): Observable<InviteTransactionEvent> {
  return new Observable<InviteTransactionEvent>((subscriber) => {
    const scheduler = opts.scheduler ?? asyncScheduler;
    const timers = { ...DEFAULT_TIMERS, ...opts.timers };
    const key = transactionKey(request.branch, request.callId, request.method);
    const started = scheduler.now();
    let state: 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated' = 'calling';
    let retransmits = 0;
    let timerA: Subscription | undefined;
    const timerB = new Subscription();
    let linger: Subscription | undefined;
    let ack: string | undefined;
    let unregister: () => void = () => undefined;

    const terminate = (): void => {
      state = 'terminated';
      timerA?.unsubscribe();
      timerB.unsubscribe();
      linger?.unsubscribe();
      unregister();
    };
    const scheduleTimerA = (interval: number): void => {
      timerA = scheduler.schedule(() => {
        if (state !== 'calling') return;
        retransmits++;
        opts.send(request.text);
        scheduleTimerA(interval * 2);
      }, interval);
    };
    const enter = (next: 'completed' | 'accepted', response: SipResponse): void => {
      state = next;
      timerA?.unsubscribe();
      timerB.unsubscribe();
      const lingerMs = next === 'accepted' ? 64 * timers.t1Ms : opts.reliable ? 0 : TIMER_D_MS;
      linger = scheduler.schedule(terminate, lingerMs);
      subscriber.next({ type: 'final', response, elapsedMs: scheduler.now() - started, retransmits });
      subscriber.complete();
    };

    unregister = table.register(key, {
      onResponse: (response) => {
        const code = response.statusCode;
        if (state === 'completed') {
          if (code >= 300 && ack) opts.send(ack);
          return;
        }
        if (state === 'accepted') {
          if (code >= 200 && code < 300) opts.onLate2xx?.(response);
          return;
        }
        if (state === 'terminated') return;
        if (code < 200) {
          if (state === 'calling') {
            state = 'proceeding';
            timerA?.unsubscribe();
            timerB.unsubscribe();
          }
          subscriber.next({ type: 'provisional', response, elapsedMs: scheduler.now() - started });
          return;
        }
        if (code < 300) {
          enter('accepted', response);
          return;
        }
        ack = buildNon2xxAck(request, response);
        opts.send(ack);
        enter('completed', response);
      },
      fail: (error) => {
        const live = state === 'calling' || state === 'proceeding';
        terminate();
        if (live) subscriber.error(error);
      },
    });

    const timerBMs = 64 * timers.t1Ms;
    timerB.add(scheduler.schedule(() => {
      if (state !== 'calling') return;
      terminate();
      subscriber.error(
        new VigieError('E_SIP_TIMEOUT', `no response to INVITE within ${timerBMs} ms (Timer B)`, {
          method: 'INVITE', callId: request.callId, timer: 'B', afterMs: timerBMs, retransmits,
        }),
      );
    }, timerBMs));
    opts.send(request.text);
    if (!opts.reliable && state === 'calling') scheduleTimerA(timers.t1Ms);
    return () => {
      // Before the final response, unsubscribing abandons the transaction; after it, Completed /
      // Accepted keep absorbing retransmissions until their own timer.
      if (state === 'calling' || state === 'proceeding') terminate();
    };
  });
}
