/**
 * The UDP engine as a UAC, against scripted UAS/proxy sockets on loopback: an answered INVITE
 * ACKed in its dialog (through the route set when there is one, else to the Contact), the ACK
 * re-sent for a retransmitted 2xx, BYE in the dialog; a far-end BYE answered 200 and reported,
 * in-dialog requests answered 405 / 481, strangers dropped; a 486 ACKed by the transaction; a
 * ringing INVITE CANCELled at its deadline (its 487 ACKed); an unanswered one abandoned.
 */
import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { SipUdpEngine, type InviteProgress, type SipDialog } from '../../../../probes/sip/engine/udp-engine.js';

interface Received {
  text: string;
  from: RemoteInfo;
}

/** A UDP socket on loopback that records what it gets and lets the test answer. */
class Peer {
  readonly got: Received[] = [];
  onMessage: (r: Received) => void = () => undefined;
  private constructor(readonly socket: Socket) {
    socket.on('message', (m, from) => {
      const r = { text: m.toString(), from };
      this.got.push(r);
      this.onMessage(r);
    });
  }

  static async open(): Promise<Peer> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new Peer(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string, port: number): void {
    this.socket.send(text, port, '127.0.0.1');
  }

  methods(): string[] {
    return this.got.map((g) => g.text.split(' ')[0]!);
  }

  async waitFor(pred: (r: Received) => boolean, ms = 2000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.got.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`peer ${this.port}: nothing matching within ${ms} ms; got ${this.methods().join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

function header(text: string, name: string): string {
  return text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
}

/** A response to `req` (its Via, From, To + tag, Call-ID, CSeq) with extra header lines. */
function respond(req: string, code: number, reason: string, toTag: string | undefined, extra: string[] = [], body = ''): string {
  const to = header(req, 'To');
  return [
    `SIP/2.0 ${code} ${reason}`, header(req, 'Via'), header(req, 'From'), toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to,
    header(req, 'Call-ID'), header(req, 'CSeq'), ...extra, `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
}

const isMethod = (m: string) => (r: Received): boolean => r.text.startsWith(`${m} `);

describe('sip engine: INVITE, dialogs and in-dialog requests (UDP, scripted peers)', () => {
  let engine: SipUdpEngine;
  let uas: Peer;
  let proxy: Peer;

  beforeEach(async () => {
    uas = await Peer.open();
    proxy = await Peer.open();
    engine = new SipUdpEngine({ timers: { t1Ms: 50 } });
  });
  afterEach(async () => {
    await engine.close();
    await uas.close();
    await proxy.close();
  });

  async function answeredCall(extra: () => string[]): Promise<{ dialog: SipDialog; events: InviteProgress[]; invite: string }> {
    uas.onMessage = (r) => {
      if (!isMethod('INVITE')(r)) return;
      uas.send(respond(r.text, 180, 'Ringing', 'uas1'), r.from.port);
      uas.send(respond(r.text, 200, 'OK', 'uas1', extra(), 'v=0\r\n'), r.from.port);
    };
    const events = await lastValueFrom(engine.invite({ host: '127.0.0.1', port: uas.port }, { requestUri: `sip:4000@127.0.0.1:${uas.port}`, body: 'v=0\r\n' }).pipe(toArray()));
    const last = events.at(-1)!;
    if (last.type !== 'answered') throw new Error(`not answered: ${last.type}`);
    return { dialog: last.dialog, events, invite: uas.got.find(isMethod('INVITE'))!.text };
  }

  it('ACKs a 2xx through the route set, re-sends the ACK for a retransmitted 2xx, and sends BYE the same way', async () => {
    const { dialog, events, invite } = await answeredCall(() => [`Record-Route: <sip:127.0.0.1:${proxy.port};lr>`, `Contact: <sip:uas@127.0.0.1:${uas.port}>`]);
    expect(events.map((e) => [e.type, e.response.statusCode])).to.deep.equal([['provisional', 180], ['answered', 200]]);
    expect(dialog).to.include({ remoteTag: 'uas1', remoteTarget: `sip:uas@127.0.0.1:${uas.port}` });
    expect(dialog.routeSet).to.deep.equal([`<sip:127.0.0.1:${proxy.port};lr>`]);
    const ack = await proxy.waitFor(isMethod('ACK'));
    expect(ack.text.split('\r\n')[0]).to.equal(`ACK sip:uas@127.0.0.1:${uas.port} SIP/2.0`);
    expect(header(ack.text, 'Route')).to.equal(`Route: <sip:127.0.0.1:${proxy.port};lr>`);
    expect(header(ack.text, 'To')).to.match(/;tag=uas1$/);
    expect(header(ack.text, 'CSeq')).to.equal('CSeq: 1 ACK');
    expect(header(ack.text, 'Call-ID')).to.equal(header(invite, 'Call-ID'));
    expect(/branch=([^;\s]+)/.exec(header(ack.text, 'Via'))![1]).to.not.equal(/branch=([^;\s]+)/.exec(header(invite, 'Via'))![1]);
    expect(uas.got.filter(isMethod('ACK'))).to.have.length(0);

    // The 2xx again (our ACK "lost"): the same ACK again.
    uas.send(respond(invite, 200, 'OK', 'uas1', [`Record-Route: <sip:127.0.0.1:${proxy.port};lr>`, `Contact: <sip:uas@127.0.0.1:${uas.port}>`]), engine.address()!.port);
    await proxy.waitFor(() => proxy.got.filter(isMethod('ACK')).length === 2);
    expect(proxy.got.filter(isMethod('ACK'))[1]!.text).to.equal(ack.text);
    expect(engine.counters.acks).to.equal(2);

    proxy.onMessage = (r) => {
      if (isMethod('BYE')(r)) proxy.send(respond(r.text, 200, 'OK', undefined), r.from.port);
    };
    const bye = await firstValueFrom(dialog.bye());
    expect(bye.response.statusCode).to.equal(200);
    const byeReq = proxy.got.find(isMethod('BYE'))!.text;
    expect(byeReq.split('\r\n')[0]).to.equal(`BYE sip:uas@127.0.0.1:${uas.port} SIP/2.0`);
    expect(header(byeReq, 'CSeq')).to.equal('CSeq: 2 BYE');
    expect(header(byeReq, 'To')).to.match(/;tag=uas1$/);
    expect(header(byeReq, 'From')).to.include(`tag=${/tag=([^;\s]+)/.exec(header(invite, 'From'))![1]}`);
  });

  it('without a route set, ACK and BYE go to the Contact of the 2xx', async () => {
    const contact = await Peer.open();
    try {
      const { dialog } = await answeredCall(() => [`Contact: <sip:far@127.0.0.1:${contact.port};transport=udp>`]);
      const ack = await contact.waitFor(isMethod('ACK'));
      expect(ack.text.split('\r\n')[0]).to.equal(`ACK sip:far@127.0.0.1:${contact.port};transport=udp SIP/2.0`);
      expect(header(ack.text, 'Route')).to.equal('');
      contact.onMessage = (r) => {
        if (isMethod('BYE')(r)) contact.send(respond(r.text, 200, 'OK', undefined), r.from.port);
      };
      expect((await firstValueFrom(dialog.bye())).response.statusCode).to.equal(200);
      expect(uas.got.filter((r) => !isMethod('INVITE')(r))).to.have.length(0);
    } finally {
      await contact.close();
    }
  });

  it('answers requests in the dialog: 405 for others, 481 for wrong tags, BYE 200 and reported; strangers are dropped', async () => {
    const { dialog, invite } = await answeredCall(() => [`Contact: <sip:uas@127.0.0.1:${uas.port}>`]);
    await uas.waitFor(isMethod('ACK'));
    const enginePort = engine.address()!.port;
    const fromTag = /tag=([^;\s]+)/.exec(header(invite, 'From'))![1]!;
    const callId = header(invite, 'Call-ID').slice('Call-ID:'.length).trim();
    const request = (method: string, cseq: number, over: { callId?: string; toTag?: string; fromTag?: string } = {}): string => [
      `${method} sip:vigie@127.0.0.1:${enginePort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${uas.port};branch=z9hG4bK-${method}-${cseq};rport`,
      'Max-Forwards: 70',
      `From: <sip:4000@127.0.0.1>;tag=${over.fromTag ?? 'uas1'}`,
      `To: <sip:vigie@127.0.0.1>;tag=${over.toTag ?? fromTag}`,
      `Call-ID: ${over.callId ?? callId}`,
      `CSeq: ${cseq} ${method}`,
      'Content-Length: 0', '', '',
    ].join('\r\n');
    const reply = async (branchPart: string): Promise<string> => (await uas.waitFor((r) => r.text.startsWith('SIP/2.0') && r.text.includes(branchPart))).text;
    let bye = false;
    dialog.remoteBye.subscribe(() => (bye = true));

    uas.send(request('OPTIONS', 10), enginePort);
    const r405 = await reply('z9hG4bK-OPTIONS-10');
    expect(r405.split('\r\n')[0]).to.equal('SIP/2.0 405 Method Not Allowed');
    expect(header(r405, 'Allow')).to.equal('Allow: ACK, BYE');
    uas.send(request('BYE', 11, { toTag: 'not-ours' }), enginePort);
    expect((await reply('z9hG4bK-BYE-11')).split('\r\n')[0]).to.equal('SIP/2.0 481 Call/Transaction Does Not Exist');
    expect(bye).to.equal(false);
    const before = engine.counters.responses;
    uas.send(request('BYE', 12, { callId: 'someone-else@x' }), enginePort);
    uas.send('INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: junk\r\n\r\n', enginePort);

    uas.send(request('BYE', 13), enginePort);
    const r200 = await reply('z9hG4bK-BYE-13');
    expect(r200.split('\r\n')[0]).to.equal('SIP/2.0 200 OK');
    expect(header(r200, 'Via')).to.include('rport=');
    expect(bye).to.equal(true);
    expect(engine.counters.responses).to.equal(before + 1);
    expect(uas.got.some((r) => r.text.includes('z9hG4bK-BYE-12'))).to.equal(false);
    // The junk INVITE is counted (as a request or as malformed, depending on how far it parses) and not answered.
    expect(engine.counters.requests + engine.counters.malformed).to.be.at.least(5);
    // After the far end's BYE: our BYE is not sent, other requests get 481, a repeated BYE 200.
    expect(await lastValueFrom(dialog.bye().pipe(toArray()))).to.deep.equal([]);
    uas.send(request('OPTIONS', 14), enginePort);
    expect((await reply('z9hG4bK-OPTIONS-14')).split('\r\n')[0]).to.equal('SIP/2.0 481 Call/Transaction Does Not Exist');
    uas.send(request('BYE', 13).replace('BYE-13', 'BYE-13b'), enginePort);
    expect((await reply('z9hG4bK-BYE-13b')).split('\r\n')[0]).to.equal('SIP/2.0 200 OK');
    expect(engine.dialogCount).to.equal(1);
  });

  it('a 486 is rejected and ACKed by the transaction (same branch, the To tag of the 486)', async () => {
    uas.onMessage = (r) => {
      if (isMethod('INVITE')(r)) uas.send(respond(r.text, 486, 'Busy Here', 'busy'), r.from.port);
    };
    const events = await lastValueFrom(engine.invite({ host: '127.0.0.1', port: uas.port }, { requestUri: `sip:4000@127.0.0.1:${uas.port}` }).pipe(toArray()));
    expect(events.map((e) => [e.type, e.response.statusCode])).to.deep.equal([['rejected', 486]]);
    const ack = (await uas.waitFor(isMethod('ACK'))).text;
    const invite = uas.got.find(isMethod('INVITE'))!.text;
    expect(header(ack, 'Via')).to.equal(header(invite, 'Via'));
    expect(header(ack, 'To')).to.match(/;tag=busy$/);
    expect(engine.dialogCount).to.equal(0);
  });

  it('at the deadline, CANCELs a ringing INVITE, ACKs its 487 and errors E_SIP_TIMEOUT (cancelled)', async () => {
    uas.onMessage = (r) => {
      if (isMethod('INVITE')(r)) uas.send(respond(r.text, 180, 'Ringing', 'ring'), r.from.port);
      if (isMethod('CANCEL')(r)) {
        uas.send(respond(r.text, 200, 'OK', 'ring'), r.from.port);
        const invite = uas.got.find(isMethod('INVITE'))!.text;
        uas.send(respond(invite, 487, 'Request Terminated', 'ring'), r.from.port);
      }
    };
    const started = Date.now();
    const err = await lastValueFrom(engine.invite({ host: '127.0.0.1', port: uas.port }, { requestUri: `sip:4000@127.0.0.1:${uas.port}`, headers: ['Route: <sip:127.0.0.1;lr>'] }, { deadlineMs: 300 })).catch((e: unknown) => e);
    expect(Date.now() - started).to.be.at.least(290);
    expect(isVigieError(err, 'E_SIP_TIMEOUT')).to.equal(true);
    expect((err as { details: Record<string, unknown> }).details).to.include({ timer: 'deadline', cancelled: true, lastProvisional: 180, finalCode: 487 });
    const cancel = uas.got.find(isMethod('CANCEL'))!.text;
    const invite = uas.got.find(isMethod('INVITE'))!.text;
    expect(header(cancel, 'Via')).to.equal(header(invite, 'Via'));
    expect(header(cancel, 'CSeq')).to.equal('CSeq: 1 CANCEL');
    expect(header(cancel, 'Route')).to.equal('Route: <sip:127.0.0.1;lr>');
    const ack = (await uas.waitFor(isMethod('ACK'))).text;
    expect(header(ack, 'To')).to.match(/;tag=ring$/);
  });

  it('with no answer at all, abandons the INVITE at the deadline without a CANCEL', async () => {
    const err = await lastValueFrom(engine.invite({ host: '127.0.0.1', port: uas.port }, { requestUri: 'sip:4000@127.0.0.1' }, { deadlineMs: 400 })).catch((e: unknown) => e);
    expect(isVigieError(err, 'E_SIP_TIMEOUT')).to.equal(true);
    expect((err as { details: Record<string, unknown> }).details).to.include({ cancelled: false });
    expect(uas.methods().filter((m) => m === 'INVITE').length).to.be.at.least(3);
    expect(uas.methods()).to.not.include('CANCEL');
    expect(engine.liveTransactions).to.equal(0);
  });

  it('unsubscribing from a ringing INVITE CANCELs it', async () => {
    uas.onMessage = (r) => {
      if (isMethod('INVITE')(r)) uas.send(respond(r.text, 183, 'Session Progress', 'ring'), r.from.port);
    };
    const first = await firstValueFrom(engine.invite({ host: '127.0.0.1', port: uas.port }, { requestUri: 'sip:4000@127.0.0.1' }));
    expect(first).to.include({ type: 'provisional' });
    await uas.waitFor(isMethod('CANCEL'));
  });

  it('keeps the request() contract beside INVITEs', async () => {
    uas.onMessage = (r) => {
      if (isMethod('OPTIONS')(r)) uas.send(respond(r.text, 200, 'OK', 'o'), r.from.port);
    };
    const r = await firstValueFrom(engine.request({ host: '127.0.0.1', port: uas.port }, { method: 'OPTIONS', requestUri: 'sip:127.0.0.1' }));
    expect(r.response.statusCode).to.equal(200);
  });
});
