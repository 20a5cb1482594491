/**
 * Client transactions in virtual time: the RFC 3261 Timer E schedule (0.5, 1.5, 3.5, 7.5, then
 * every T2 = 4 s) ending at Timer F (32 s) with E_SIP_TIMEOUT; a shorter deadline; Proceeding
 * after a 1xx (every T2); matching by branch + Call-ID + CSeq method (a response with another
 * branch is ignored); no retransmission over a reliable transport.
 */
import { expect } from 'chai';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { buildRequest, parseResponse, type SipResponse } from '../../../../probes/sip/engine/message.js';
import { TransactionTable, clientTransaction, type TransactionResult } from '../../../../probes/sip/engine/transactions.js';

const request = buildRequest({ method: 'OPTIONS', requestUri: 'sip:ping@127.0.0.1:5060' }, { host: '127.0.0.1', port: 40000 });

function responseTo(code: number, over: { branch?: string; callId?: string; method?: string } = {}): SipResponse {
  const text = [
    `SIP/2.0 ${code} Whatever`,
    `Via: SIP/2.0/UDP 127.0.0.1:40000;branch=${over.branch ?? request.branch};rport=40000`,
    `From: <sip:vigie@127.0.0.1>;tag=${request.fromTag}`,
    'To: <sip:ping@127.0.0.1:5060>;tag=t',
    `Call-ID: ${over.callId ?? request.callId}`,
    `CSeq: 1 ${over.method ?? 'OPTIONS'}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseResponse(text);
  if (!r.ok) throw new Error(r.reason);
  return r.response;
}

function harness(opts: { deadlineMs?: number; reliable?: boolean } = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const table = new TransactionTable();
  const sends: number[] = [];
  const results: TransactionResult[] = [];
  let error: unknown;
  let completed = false;
  const sub = clientTransaction(request, table, { send: () => sends.push(scheduler.now()), scheduler, ...opts }).subscribe({
    next: (r) => results.push(r),
    error: (e: unknown) => (error = e),
    complete: () => (completed = true),
  });
  /** Runs virtual time up to `ms`, leaving the clock there (a no-op marks the spot). */
  const runUntil = (ms: number): void => {
    if (Number.isFinite(ms)) scheduler.schedule(() => undefined, ms - scheduler.now());
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  return { scheduler, table, sends, results, sub, runUntil, get error() { return error; }, get completed() { return completed; } };
}

describe('sip engine: client transactions (virtual time)', () => {
  it('retransmits per Timer E (0.5, 1.5, 3.5, 7.5 s, then every 4 s) and times out at Timer F (32 s)', () => {
    const h = harness();
    h.runUntil(Infinity);
    expect(h.sends).to.deep.equal([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(isVigieError(h.error, 'E_SIP_TIMEOUT')).to.equal(true);
    expect((h.error as { details: { timer: string; afterMs: number } }).details).to.include({ timer: 'F', afterMs: 32000 });
    expect(h.scheduler.now()).to.equal(32000);
    expect(h.table.size).to.equal(0);
  });

  it('ends at the deadline when it is shorter than Timer F', () => {
    const h = harness({ deadlineMs: 2000 });
    h.runUntil(Infinity);
    expect(h.sends).to.deep.equal([0, 500, 1500]);
    expect((h.error as { code: string; details: { timer: string } }).code).to.equal('E_SIP_TIMEOUT');
    expect((h.error as { details: { timer: string } }).details.timer).to.equal('deadline');
    expect(h.table.size).to.equal(0);
  });

  it('emits the final response with its RTT, stops retransmitting, ignores other branches and Call-IDs', () => {
    const h = harness();
    h.runUntil(1000);
    expect(h.table.dispatch(responseTo(200, { branch: 'z9hG4bKother' }))).to.equal(false);
    expect(h.table.dispatch(responseTo(200, { callId: 'other@x' }))).to.equal(false);
    expect(h.table.dispatch(responseTo(200, { method: 'REGISTER' }))).to.equal(false);
    expect(h.results).to.have.length(0);
    h.runUntil(1200);
    expect(h.table.dispatch(responseTo(200))).to.equal(true);
    expect(h.results).to.have.length(1);
    expect(h.results[0]!.rttMs).to.equal(1200);
    expect(h.results[0]!.retransmits).to.equal(1);
    expect(h.completed).to.equal(true);
    h.runUntil(Infinity);
    expect(h.sends).to.deep.equal([0, 500]);
    expect(h.error).to.equal(undefined);
    expect(h.table.size).to.equal(0);
  });

  it('after a 1xx retransmits every T2 and still accepts the final response', () => {
    const h = harness();
    h.runUntil(600);
    expect(h.table.dispatch(responseTo(100))).to.equal(true);
    h.runUntil(9000);
    expect(h.sends).to.deep.equal([0, 500, 4600, 8600]);
    h.table.dispatch(responseTo(486));
    expect(h.results[0]!.response.statusCode).to.equal(486);
  });

  it('never retransmits over a reliable transport, Timer F still applies', () => {
    const h = harness({ reliable: true });
    h.runUntil(Infinity);
    expect(h.sends).to.deep.equal([0]);
    expect(isVigieError(h.error, 'E_SIP_TIMEOUT')).to.equal(true);
  });

  it('unsubscribing cancels timers and frees the branch', () => {
    const h = harness();
    h.runUntil(600);
    h.sub.unsubscribe();
    h.runUntil(Infinity);
    expect(h.sends).to.deep.equal([0, 500]);
    expect(h.table.size).to.equal(0);
    expect(h.error).to.equal(undefined);
  });
});
