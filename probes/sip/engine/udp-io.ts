/**
 * The small per-datagram helpers of the SIP UDP engine (./udp-engine.ts), on its hot path: the
 * socket's name lookup, and the I/O object of one non-INVITE transaction.
 */
import { lookup, type LookupOneOptions } from 'node:dns';
import type { Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import type { SipTarget } from './engine-types.js';
import type { OutgoingRequest } from './message.js';
import { transactionKey, type ClientTransactionOptions, type SipTimers } from './transactions.js';

/** What a transaction's I/O needs of its engine. */
export interface UdpTransactionEngine {
  readonly scheduler: SchedulerLike;
  readonly timers?: Partial<SipTimers>;
  sendForTransaction(io: UdpTransactionIo, text: string): void;
}

/**
 * The socket's name lookup: an IP literal (every configured trunk address, and every answer's
 * rport/received) is used as is, synchronously; names go to `dns.lookup` as Node would. Node's
 * default resolves even a literal through `dns.lookup`, one deferred turn per datagram sent.
 */
export function literalFirstLookup(host: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const literal = isIP(host);
  if (literal !== 0) callback(null, host, literal);
  else lookup(host, options, callback);
}

/**
 * The options of one non-INVITE transaction over the engine's socket. A class, not an object of
 * closures: one is made per keepalive, and the transaction calls `send` as its method.
 */
export class UdpTransactionIo implements ClientTransactionOptions {
  sends = 0;
  readonly key: string;
  readonly timers?: Partial<SipTimers>;
  readonly scheduler: SchedulerLike;

  constructor(
    private readonly engine: UdpTransactionEngine,
    readonly socket: Socket,
    readonly target: SipTarget,
    request: OutgoingRequest,
    readonly deadlineMs: number | undefined,
  ) {
    this.key = transactionKey(request.branch, request.callId, request.method);
    this.timers = engine.timers;
    this.scheduler = engine.scheduler;
  }

  send(text: string): void {
    this.engine.sendForTransaction(this, text);
  }
}
