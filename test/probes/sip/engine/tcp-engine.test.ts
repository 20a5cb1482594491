/**
 * The TCP engine against a scripted peer (a Node TCP server on loopback): one connection reused
 * by many requests, Via SIP/2.0/TCP, no retransmission but a deadline, responses split and
 * coalesced, garbage and oversized input dropping the connection (counted) while the next
 * request reconnects, a refused connection and a peer closing mid-transaction as E_SIP_TRANSPORT.
 */
import { expect } from 'chai';
import net from 'node:net';
import { firstValueFrom, lastValueFrom, merge, toArray } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { SipTcpEngine, closeSharedTcpEngines, sharedTcpEngine } from '../../../../probes/sip/engine/tcp-engine.js';
import { freePort } from '../../../setup/free-port.js';

/** A response echoing the request's Via, From, To, Call-ID and CSeq. */
function answer(req: string, code = 200, body = ''): string {
  const get = (name: string): string => req.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
  return [`SIP/2.0 ${code} OK`, `${get('Via')};received=127.0.0.1`, get('From'), `${get('To')};tag=peer`, get('Call-ID'), get('CSeq'), `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

/** Splits a stream into requests (they all have Content-Length: 0 here). */
function requestsIn(text: string): string[] {
  return text.split('\r\n\r\n').filter((t) => t.trim() !== '').map((t) => `${t}\r\n\r\n`);
}

function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => new Error('expected an error, got a response'), (e: unknown) => e);
}

describe('sip engine: TCP engine against a scripted peer', () => {
  let server: net.Server;
  let port: number;
  let connections: net.Socket[];
  let received: string[];
  /** What the peer does with each request, on its connection. */
  let onRequest: (text: string, sock: net.Socket) => void;
  let engine: SipTcpEngine;
  const target = () => ({ host: '127.0.0.1', port });
  const options = (n = 0) => ({ method: 'OPTIONS', requestUri: `sip:t${n}@127.0.0.1:${port};transport=tcp` });

  beforeEach(async () => {
    connections = [];
    received = [];
    server = net.createServer((sock) => {
      connections.push(sock);
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        const end = buf.lastIndexOf('\r\n\r\n');
        if (end < 0) return;
        const reqs = requestsIn(buf.slice(0, end + 4));
        buf = buf.slice(end + 4);
        for (const r of reqs) {
          received.push(r);
          onRequest(r, sock);
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
    engine = new SipTcpEngine({ timers: { t1Ms: 50, t2Ms: 400 } });
  });
  afterEach(async () => {
    await engine.close();
    for (const c of connections) c.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends every request over one connection with Via SIP/2.0/TCP and gets the answers with RTTs', async () => {
    onRequest = (text, sock) => sock.write(answer(text));
    const results = await lastValueFrom(merge(...Array.from({ length: 5 }, (_, i) => engine.request(target(), options(i)))).pipe(toArray()));
    expect(results.map((r) => r.response.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    for (const r of results) expect(r.rttMs).to.be.at.least(0).and.below(1000);
    expect(connections).to.have.length(1);
    const local = engine.localAddressFor(target())!;
    expect(local.port).to.equal(connections[0].remotePort);
    for (const r of received) {
      expect(r).to.match(new RegExp(`^Via: SIP/2\\.0/TCP 127\\.0\\.0\\.1:${local.port};branch=z9hG4bK[0-9a-f]+;rport\\r$`, 'm'));
      expect(r).to.match(new RegExp(`^Contact: <sip:vigie@127\\.0\\.0\\.1:${local.port};transport=tcp>\\r$`, 'm'));
    }
    // and later requests reuse it
    await firstValueFrom(engine.request(target(), options(9)));
    expect(connections).to.have.length(1);
    expect(engine.counters).to.include({ sent: 6, received: 6, connects: 1, malformed: 0, unmatched: 0, dropped: 0 });
    expect(engine.liveTransactions).to.equal(0);
  });

  it('reassembles answers split into pieces and answers coalesced into one segment', async () => {
    const pending: [string, net.Socket][] = [];
    onRequest = (text, sock) => {
      pending.push([text, sock]);
      if (pending.length === 1) {
        // the first answer, byte by byte-ish
        const a = Buffer.from(answer(text, 200, 'split body'));
        for (let i = 0; i < a.length; i += 7) sock.write(a.subarray(i, i + 7));
      }
      if (pending.length === 3) sock.write(answer(pending[1][0], 404) + '\r\n\r\n' + answer(pending[2][0], 486));
    };
    const first = await firstValueFrom(engine.request(target(), options(1)));
    expect(first.response.statusCode).to.equal(200);
    expect(first.response.message.body).to.equal('split body');
    const two = await lastValueFrom(merge(engine.request(target(), options(2)), engine.request(target(), options(3))).pipe(toArray()));
    expect(two.map((r) => r.response.statusCode).sort()).to.deep.equal([404, 486]);
    expect(engine.counters).to.include({ received: 3, dropped: 0 });
  });

  it('does not retransmit over TCP, and ends the request at its deadline', async () => {
    onRequest = () => undefined;
    const err = await failure(firstValueFrom(engine.request(target(), options(), { deadlineMs: 400 })));
    expect(isVigieError(err, 'E_SIP_TIMEOUT'), String(err)).to.equal(true);
    expect(received).to.have.length(1);
    expect(engine.counters.retransmits).to.equal(0);
    expect(engine.liveTransactions).to.equal(0);
  });

  for (const [what, junk, counter] of [
    ['garbage', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]), 'dropped'],
    ['an oversized message', Buffer.from(`SIP/2.0 200 OK\r\nContent-Length: 70000\r\n\r\n${'x'.repeat(1000)}`), 'dropped'],
  ] as const) {
    it(`drops the connection on ${what}, fails its live transaction, and reconnects for the next request`, async () => {
      let n = 0;
      onRequest = (text, sock) => (++n === 1 ? sock.write(junk) : sock.write(answer(text)));
      const err = await failure(firstValueFrom(engine.request(target(), options(1), { deadlineMs: 3000 })));
      expect(isVigieError(err, 'E_SIP_TRANSPORT'), String(err)).to.equal(true);
      expect(String(err)).to.match(what === 'garbage' ? /not SIP/ : /over 65535 bytes/);
      expect(engine.counters[counter]).to.equal(1);
      const ok = await firstValueFrom(engine.request(target(), options(2)));
      expect(ok.response.statusCode).to.equal(200);
      expect(connections).to.have.length(2);
      expect(engine.counters.connects).to.equal(2);
    });
  }

  it('counts a request from the peer and a response matching nothing, and keeps the connection', async () => {
    onRequest = (text, sock) => {
      sock.write('OPTIONS sip:vigie@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKpeer\r\nFrom: <sip:p@x>;tag=1\r\nTo: <sip:v@x>\r\nCall-ID: p@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
      sock.write(answer(text.replace(/branch=z9hG4bK[0-9a-f]+/, 'branch=z9hG4bKother')));
      sock.write(answer(text));
    };
    const ok = await firstValueFrom(engine.request(target(), options()));
    expect(ok.response.statusCode).to.equal(200);
    expect(engine.counters).to.include({ requests: 1, unmatched: 1, dropped: 0, connects: 1 });
  });

  it('fails with E_SIP_TRANSPORT when the peer closes the connection mid-transaction', async () => {
    onRequest = (_t, sock) => sock.end();
    const err = await failure(firstValueFrom(engine.request(target(), options(), { deadlineMs: 3000 })));
    expect(isVigieError(err, 'E_SIP_TRANSPORT'), String(err)).to.equal(true);
    expect(String(err)).to.match(/closed/);
    expect(engine.counters.lost).to.equal(1);
    expect(engine.connectionCount).to.equal(0);
  });

  it('fails with E_SIP_TRANSPORT (not a crash) when the connection is refused', async () => {
    const closedPort = await freePort();
    const err = await failure(firstValueFrom(engine.request({ host: '127.0.0.1', port: closedPort }, options(), { deadlineMs: 2000 })));
    expect(isVigieError(err, 'E_SIP_TRANSPORT'), String(err)).to.equal(true);
    expect(String(err)).to.match(/ECONNREFUSED/);
    expect(engine.counters.connectFailures).to.equal(1);
    expect(engine.connectionCount).to.equal(0);
  });

  it('fails live transactions on close() and refuses requests afterwards', async () => {
    onRequest = () => undefined;
    const live = failure(firstValueFrom(engine.request(target(), options())));
    while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
    await engine.close();
    expect(isVigieError(await live, 'E_SIP_TRANSPORT')).to.equal(true);
    expect(isVigieError(await failure(firstValueFrom(engine.request(target(), options()))), 'E_SIP_TRANSPORT')).to.equal(true);
  });

  it('fails a request still waiting for its connection when the engine closes', async () => {
    onRequest = (text, sock) => sock.write(answer(text));
    const waiting = failure(firstValueFrom(engine.request(target(), options())));
    await engine.close();
    const err = await waiting;
    expect(isVigieError(err, 'E_SIP_TRANSPORT'), String(err)).to.equal(true);
    expect(received).to.have.length(0);
  });

  it('shares one engine per local address', async () => {
    const a = sharedTcpEngine({ localAddress: '127.0.0.1' });
    expect(sharedTcpEngine({ localAddress: '127.0.0.1' })).to.equal(a);
    expect(sharedTcpEngine({ localAddress: '127.0.0.2' })).to.not.equal(a);
    onRequest = (text, sock) => sock.write(answer(text));
    expect((await firstValueFrom(a.request(target(), options()))).response.statusCode).to.equal(200);
    await closeSharedTcpEngines();
    expect(sharedTcpEngine({ localAddress: '127.0.0.1' })).to.not.equal(a);
    await closeSharedTcpEngines();
  });
});
