/**
 * What a probe needs of a SIP engine: `SipUdpEngine` and `SipTcpEngine` have it; tests pass a
 * scripted fake. Contract: `request(target, init, opts)` is a cold Observable that sends one
 * non-INVITE request when subscribed and emits its final response with the RTT then completes,
 * or errors with E_SIP_TIMEOUT / E_SIP_TRANSPORT; unsubscribing abandons it.
 */
import { defer, finalize, type Observable } from 'rxjs';
import type { SipRequestInit } from './message.js';
import type { TransactionResult } from './transactions.js';
import type { SipRequestOptions, SipTarget } from './udp-engine.js';

export interface SipRequester {
  request(target: SipTarget, init: SipRequestInit, opts?: SipRequestOptions): Observable<TransactionResult>;
  /** A shared engine counts its users: a probe retains it while running and calls the release on stop. */
  retain?(): () => void;
}

/** `probe(engine)`, with the engine retained while the probe is subscribed (see ./shared-engines.ts). */
export function whileRetained<E extends { retain?(): () => void }, T>(engine: E, probe: (engine: E) => Observable<T>): Observable<T> {
  return defer(() => {
    const release = engine.retain?.();
    return probe(engine).pipe(finalize(() => release?.()));
  });
}
