/**
 * The UDP engine against a scripted peer (a Node UDP socket on loopback): one shared socket for
 * many requests, a 200 with its RTT, retransmission when the first send is ignored, and hostile
 * traffic (random, truncated, oversized-ish datagrams, a request, a response for an unknown
 * transaction) counted and dropped while the engine keeps working.
 */
import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { firstValueFrom, lastValueFrom, toArray, merge } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';

/** Echoes a response for a request: the request's Via (plus received/rport), From, Call-ID, CSeq. */
function answer(req: string, code = 200): string {
  const get = (name: string): string => req.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
  return [`SIP/2.0 ${code} OK`, `${get('Via')}=1;received=127.0.0.1`, get('From'), `${get('To')};tag=peer`, get('Call-ID'), get('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
}

describe('sip engine: UDP engine against a scripted peer', () => {
  let peer: Socket;
  let port: number;
  let onRequest: (text: string, from: RemoteInfo) => void;
  let engine: SipUdpEngine;

  beforeEach(async () => {
    peer = createSocket('udp4');
    peer.on('message', (m, from) => onRequest(m.toString(), from));
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    port = peer.address().port;
    engine = new SipUdpEngine({ timers: { t1Ms: 50, t2Ms: 400 } });
  });
  afterEach(async () => {
    await engine.close();
    await new Promise<void>((r) => peer.close(() => r()));
  });

  it('gets a 200 with an RTT, all requests from one shared socket', async () => {
    const sources = new Set<number>();
    onRequest = (text, from) => {
      sources.add(from.port);
      peer.send(answer(text), from.port, from.address);
    };
    const results = await lastValueFrom(
      merge(...Array.from({ length: 5 }, (_, i) => engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: `sip:t${i}@127.0.0.1:${port}` }))).pipe(toArray()),
    );
    expect(results.map((r) => r.response.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    for (const r of results) expect(r.rttMs).to.be.at.least(0).and.below(1000);
    expect([...sources]).to.deep.equal([engine.address()!.port]);
    expect(engine.counters).to.include({ sent: 5, received: 5, malformed: 0, unmatched: 0 });
    expect(engine.liveTransactions).to.equal(0);
  });

  it('retransmits when the first send is lost, then matches the answer to the retransmission', async () => {
    let seen = 0;
    onRequest = (text, from) => {
      if (++seen >= 2) peer.send(answer(text, 404), from.port, from.address);
    };
    const r = await firstValueFrom(engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: `sip:x@127.0.0.1:${port}` }));
    expect(r.response.statusCode).to.equal(404);
    expect(r.retransmits).to.be.at.least(1);
    expect(r.rttMs).to.be.at.least(45);
  });

  it('counts and drops bad datagrams and unknown responses, and keeps working', async () => {
    onRequest = (text, from) => {
      const send = (b: Buffer | string): void => peer.send(b, from.port, from.address);
      let seed = 7;
      const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 20; i++) send(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))));
      send(answer(text).slice(0, 40));
      send(Buffer.alloc(60_000, 0x41));
      send('SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n');
      send(`OPTIONS sip:vigie@127.0.0.1 SIP/2.0\r\n${answer(text).split('\r\n').slice(1).join('\r\n')}`);
      send(answer(text).replace(/branch=[^;\r]+/, 'branch=z9hG4bKsomeoneelse'));
      setTimeout(() => send(answer(text)), 20);
    };
    const r = await firstValueFrom(engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: `sip:x@127.0.0.1:${port}` }, { deadlineMs: 2000 }));
    expect(r.response.statusCode).to.equal(200);
    expect(engine.counters.malformed).to.be.at.least(23);
    expect(engine.counters.requests).to.be.at.least(1);
    expect(engine.counters.unmatched).to.be.at.least(1);
  });

  it('errors with E_SIP_TIMEOUT at the deadline when nobody answers', async () => {
    onRequest = () => undefined;
    const err = await firstValueFrom(engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: 'sip:x@127.0.0.1' }, { deadlineMs: 300 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVigieError(err, 'E_SIP_TIMEOUT')).to.equal(true);
    expect(engine.counters.retransmits).to.be.at.least(2);
  });

  it('errors with E_SIP_TRANSPORT after close', async () => {
    await engine.close();
    const err = await firstValueFrom(engine.request({ host: '127.0.0.1', port }, { method: 'OPTIONS', requestUri: 'sip:x@127.0.0.1' })).catch((e: unknown) => e);
    expect(isVigieError(err, 'E_SIP_TRANSPORT')).to.equal(true);
  });
});
