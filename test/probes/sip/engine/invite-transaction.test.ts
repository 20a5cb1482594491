/**
 * The INVITE client transaction in virtual time: Timer A (0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s,
 * doubling with no cap) ending at Timer B (32 s) with E_SIP_TIMEOUT; a 1xx stopping both;
 * a non-2xx ACKed by the transaction with the INVITE's branch and the response's To tag, the ACK
 * re-sent for each retransmitted final during Timer D; a 2xx handed to the caller with later 2xx
 * going to `onLate2xx` until Timer M; abandoning before the final; no retransmission over a
 * reliable transport.
 */
import { expect } from 'chai';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { TIMER_D_MS, buildNon2xxAck, inviteClientTransaction, type InviteTransactionEvent } from '../../../../probes/sip/engine/invite-transaction.js';
import { buildRequest, parseResponse, type SipResponse } from '../../../../probes/sip/engine/message.js';
import { TransactionTable } from '../../../../probes/sip/engine/transactions.js';

const invite = buildRequest(
  { method: 'INVITE', requestUri: 'sip:4000@127.0.0.1:5060', headers: ['Route: <sip:127.0.0.1:5070;lr>'], body: 'v=0\r\n', contentType: 'application/sdp' },
  { host: '127.0.0.1', port: 40000 },
);

function responseTo(code: number, toTag = 'far1', branch = invite.branch): SipResponse {
  const text = [
    `SIP/2.0 ${code} Whatever`,
    `Via: SIP/2.0/UDP 127.0.0.1:40000;branch=${branch};rport=40000`,
    `From: <sip:vigie@127.0.0.1>;tag=${invite.fromTag}`,
    `To: <sip:4000@127.0.0.1:5060>${code > 100 ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${invite.callId}`,
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseResponse(text);
  if (!r.ok) throw new Error(r.reason);
  return r.response;
}

function harness(opts: { reliable?: boolean } = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const table = new TransactionTable();
  const sends: { at: number; text: string }[] = [];
  const events: InviteTransactionEvent[] = [];
  const late: SipResponse[] = [];
  let error: unknown;
  let completed = false;
  const sub = inviteClientTransaction(invite, table, {
    send: (text) => sends.push({ at: scheduler.now(), text }),
    scheduler,
    onLate2xx: (r) => late.push(r),
    ...opts,
  }).subscribe({ next: (e) => events.push(e), error: (e: unknown) => (error = e), complete: () => (completed = true) });
  const runUntil = (ms: number): void => {
    if (Number.isFinite(ms)) scheduler.schedule(() => undefined, ms - scheduler.now());
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  const invites = (): number[] => sends.filter((s) => s.text === invite.text).map((s) => s.at);
  const acks = (): { at: number; text: string }[] => sends.filter((s) => s.text.startsWith('ACK '));
  return { scheduler, table, sends, events, late, sub, runUntil, invites, acks, get error() { return error; }, get completed() { return completed; } };
}

describe('sip engine: INVITE client transaction (virtual time)', () => {
  it('retransmits per Timer A (T1 doubling, no T2 cap) and times out at Timer B (64·T1)', () => {
    const h = harness();
    h.runUntil(Infinity);
    expect(h.invites()).to.deep.equal([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(isVigieError(h.error, 'E_SIP_TIMEOUT')).to.equal(true);
    expect((h.error as { details: Record<string, unknown> }).details).to.include({ timer: 'B', afterMs: 32000, retransmits: 6 });
    expect(h.scheduler.now()).to.equal(32000);
    expect(h.table.size).to.equal(0);
  });

  it('a 1xx stops Timer A and Timer B; each 1xx is reported; the final response still ends it', () => {
    const h = harness();
    h.runUntil(700);
    expect(h.table.dispatch(responseTo(100))).to.equal(true);
    h.runUntil(1000);
    h.table.dispatch(responseTo(180));
    h.runUntil(60_000);
    expect(h.invites()).to.deep.equal([0, 500]);
    expect(h.error).to.equal(undefined);
    expect(h.events.map((e) => [e.type, e.response.statusCode, e.elapsedMs])).to.deep.equal([['provisional', 100, 700], ['provisional', 180, 1000]]);
    h.table.dispatch(responseTo(200));
    expect(h.events.at(-1)).to.include({ type: 'final', elapsedMs: 60_000, retransmits: 1 });
    expect(h.completed).to.equal(true);
  });

  it('ACKs a non-2xx with the INVITE branch and the To tag, and re-sends that ACK for retransmissions during Timer D', () => {
    const h = harness();
    h.runUntil(200);
    h.table.dispatch(responseTo(486, 'busy'));
    expect(h.completed).to.equal(true);
    expect(h.events).to.have.length(1);
    expect(h.events[0]).to.include({ type: 'final', elapsedMs: 200 });
    expect(h.acks()).to.have.length(1);
    const ack = h.acks()[0]!.text;
    expect(ack.split('\r\n')[0]).to.equal('ACK sip:4000@127.0.0.1:5060 SIP/2.0');
    expect(ack).to.include(`branch=${invite.branch}`);
    expect(ack).to.include('To: <sip:4000@127.0.0.1:5060>;tag=busy');
    expect(ack).to.include('CSeq: 1 ACK');
    expect(ack).to.include('Route: <sip:127.0.0.1:5070;lr>');
    expect(ack).to.include('Content-Length: 0');
    expect(ack).to.not.include('v=0');
    expect(ack).to.equal(buildNon2xxAck(invite, responseTo(486, 'busy')));
    // Retransmitted finals are absorbed: each gets the ACK again, none reaches the caller.
    h.runUntil(1000);
    expect(h.table.dispatch(responseTo(486, 'busy'))).to.equal(true);
    h.runUntil(5000);
    expect(h.table.dispatch(responseTo(486, 'busy'))).to.equal(true);
    expect(h.acks().map((a) => a.at)).to.deep.equal([200, 1000, 5000]);
    expect(h.events).to.have.length(1);
    expect(h.invites()).to.deep.equal([0]);
    // Timer D ends it.
    h.runUntil(200 + TIMER_D_MS);
    expect(h.table.size).to.equal(0);
    expect(h.table.dispatch(responseTo(486, 'busy'))).to.equal(false);
  });

  it('hands a 2xx to the caller without ACKing it, then later 2xx to onLate2xx until Timer M (64·T1)', () => {
    const h = harness();
    h.runUntil(1200);
    h.table.dispatch(responseTo(200, 'ok1'));
    expect(h.events).to.have.length(1);
    expect(h.events[0]).to.include({ type: 'final', elapsedMs: 1200, retransmits: 1 });
    expect(h.acks()).to.have.length(0);
    h.runUntil(2000);
    h.table.dispatch(responseTo(200, 'ok1'));
    h.table.dispatch(responseTo(200, 'fork2'));
    h.table.dispatch(responseTo(180));
    expect(h.late.map((r) => r.toTag)).to.deep.equal(['ok1', 'fork2']);
    expect(h.events).to.have.length(1);
    h.runUntil(1200 + 32_000);
    expect(h.table.size).to.equal(0);
    expect(h.invites()).to.deep.equal([0, 500]);
  });

  it('unsubscribing before the final response abandons it: nothing more is sent, the branch is freed', () => {
    const h = harness();
    h.runUntil(600);
    h.sub.unsubscribe();
    h.runUntil(Infinity);
    expect(h.invites()).to.deep.equal([0, 500]);
    expect(h.table.size).to.equal(0);
    expect(h.error).to.equal(undefined);
  });

  it('a transport failure ends it with that error', () => {
    const h = harness();
    h.runUntil(100);
    h.table.failAll(Object.assign(new Error('closed'), { name: 'VigieError', code: 'E_SIP_TRANSPORT' }) as never);
    expect(isVigieError(h.error, 'E_SIP_TRANSPORT')).to.equal(true);
    expect(h.table.size).to.equal(0);
  });

  it('never retransmits over a reliable transport (Timer B still applies; Timer D is 0)', () => {
    const h = harness({ reliable: true });
    h.runUntil(Infinity);
    expect(h.invites()).to.deep.equal([0]);
    expect(isVigieError(h.error, 'E_SIP_TIMEOUT')).to.equal(true);
    const r = harness({ reliable: true });
    r.runUntil(10);
    r.table.dispatch(responseTo(503));
    expect(r.acks()).to.have.length(1);
    r.runUntil(11);
    expect(r.table.size).to.equal(0);
  });
});
