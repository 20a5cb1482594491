/**
 * The collector's SIP behaviour without a socket (probes/sip/rtcpxr/endpoint.ts): every answer a
 * phone can get (200 with SIP-ETag/Expires, 489, 405, 415, 420, 481, 412, 413, 400 with a Warning),
 * retransmissions answered with the same response and duplicate reports not counted twice (time
 * moved by hand), and a seeded fuzz of mutated datagrams that must never throw.
 */
import { expect } from 'chai';
import { Core } from 'sip.js';
import { TIMER_J_MS, VqEndpoint, type VqHandled } from '../../../../probes/sip/rtcpxr/endpoint.js';
import { headerOf, publish, reportBody, RFC6035_F13, statusOf } from './fixtures.js';

const SRC = { address: '127.0.0.1', port: 40123 };
const T0 = 1_000_000;

function endpoint(over: Partial<ConstructorParameters<typeof VqEndpoint>[0]> = {}): VqEndpoint {
  return new VqEndpoint({ maxMessageBytes: 16384, maxExpiresS: 3600, duplicateWindowMs: 600_000, ...over });
}

function replyOf(h: VqHandled): string {
  expect(h.reply, JSON.stringify(h.outcome)).to.not.equal(undefined);
  return h.reply!.text;
}

describe('sip rtcpxr endpoint: PUBLISH vq-rtcpxr', () => {
  it('a report → 200 with SIP-ETag and Expires (asked, capped, default), sent back to the source port (rport)', () => {
    const ep = endpoint();
    const h = ep.handle(publish(RFC6035_F13), SRC, T0);
    expect(h.outcome.kind).to.equal('report');
    expect(h.outcome.kind === 'report' && h.outcome.report.callId).to.equal('6dg37f1890463');
    const text = replyOf(h);
    expect(statusOf(text)).to.equal(200);
    expect(headerOf(text, 'SIP-ETag')).to.match(/^[0-9a-f]{16}$/);
    expect(headerOf(text, 'Expires')).to.equal('3600');
    expect(headerOf(text, 'Server')).to.equal('Vigie');
    expect(h.reply!.to).to.deep.equal(SRC);
    expect(headerOf(replyOf(ep.handle(publish(reportBody({}), { extra: ['Expires: 60'] }), SRC, T0)), 'Expires')).to.equal('60');
    expect(headerOf(replyOf(ep.handle(publish(reportBody({}), { extra: ['Expires: 99999'] }), SRC, T0)), 'Expires')).to.equal('3600');
    const bad = ep.handle(publish(reportBody({}), { extra: ['Expires: soon'] }), SRC, T0);
    expect(statusOf(replyOf(bad))).to.equal(400);
  });

  it('a retransmission gets the very same response and is a duplicate; after Timer J, the same body is still a duplicate', () => {
    const ep = endpoint();
    const datagram = publish(RFC6035_F13, { branch: 'z9hG4bKretrans' });
    const first = ep.handle(datagram, SRC, T0);
    const again = ep.handle(datagram, SRC, T0 + 500);
    expect(first.outcome.kind).to.equal('report');
    expect(again.outcome).to.deep.equal({ kind: 'duplicate', reason: 'retransmission' });
    expect(replyOf(again)).to.equal(replyOf(first));
    const late = ep.handle(datagram, SRC, T0 + TIMER_J_MS + 1);
    expect(late.outcome).to.deep.equal({ kind: 'duplicate', reason: 'same report' });
    expect(statusOf(replyOf(late))).to.equal(200);
    expect(headerOf(replyOf(late), 'SIP-ETag')).to.not.equal(headerOf(replyOf(first), 'SIP-ETag'));
  });

  it('the same report in a new transaction is a duplicate within the window, a report again after it', () => {
    const ep = endpoint({ duplicateWindowMs: 10_000 });
    const body = reportBody({ callId: 'dup@x' });
    expect(ep.handle(publish(body), SRC, T0).outcome.kind).to.equal('report');
    expect(ep.handle(publish(body), SRC, T0 + 9_999).outcome).to.deep.equal({ kind: 'duplicate', reason: 'same report' });
    ep.sweep(T0 + 10_000);
    expect(ep.handle(publish(body), SRC, T0 + 10_000).outcome.kind).to.equal('report');
    // another report of the same call is not a duplicate
    expect(ep.handle(publish(reportBody({ callId: 'dup@x', type: 'VQIntervalReport' })), SRC, T0).outcome.kind).to.equal('report');
    const none = endpoint({ duplicateWindowMs: 0 });
    expect(none.handle(publish(body), SRC, T0).outcome.kind).to.equal('report');
    expect(none.handle(publish(body), SRC, T0).outcome.kind).to.equal('report');
  });

  it('SIP-If-Match: a known entity-tag refreshes or removes, an unknown one is 412', () => {
    const ep = endpoint();
    const etag = headerOf(replyOf(ep.handle(publish(reportBody({}), { extra: ['Expires: 60'] }), SRC, T0)), 'SIP-ETag')!;
    const refresh = ep.handle(publish('', { extra: [`SIP-If-Match: ${etag}`, 'Expires: 60'] }), SRC, T0 + 1000);
    expect(refresh.outcome).to.deep.equal({ kind: 'answered', reason: 'publication refreshed' });
    const etag2 = headerOf(replyOf(refresh), 'SIP-ETag')!;
    expect(etag2).to.not.equal(etag);
    expect(statusOf(replyOf(ep.handle(publish('', { extra: [`SIP-If-Match: ${etag}`] }), SRC, T0 + 2000)))).to.equal(412);
    const removal = ep.handle(publish('', { extra: [`SIP-If-Match: ${etag2}`, 'Expires: 0'] }), SRC, T0 + 3000);
    expect(statusOf(replyOf(removal))).to.equal(200);
    expect(headerOf(replyOf(removal), 'Expires')).to.equal('0');
    expect(statusOf(replyOf(ep.handle(publish('', { extra: [`SIP-If-Match: ${etag2}`] }), SRC, T0 + 4000)))).to.equal(412);
    // an entity-tag expires with its publication
    const etag3 = headerOf(replyOf(ep.handle(publish(reportBody({}), { extra: ['Expires: 5'] }), SRC, T0)), 'SIP-ETag')!;
    expect(statusOf(replyOf(ep.handle(publish('', { extra: [`SIP-If-Match: ${etag3}`] }), SRC, T0 + 5000)))).to.equal(412);
  });
});

describe('sip rtcpxr endpoint: refusals', () => {
  const ep = endpoint();
  const status = (d: Buffer): number => statusOf(replyOf(ep.handle(d, SRC, T0)));

  it('no Event or another package → 489 with Allow-Events', () => {
    for (const event of [null, 'presence', 'vq-rtcpxr-ish']) {
      const h = ep.handle(publish(RFC6035_F13, { event }), SRC, T0);
      expect(statusOf(replyOf(h)), String(event)).to.equal(489);
      expect(headerOf(replyOf(h), 'Allow-Events')).to.equal('vq-rtcpxr');
      expect(h.outcome.kind).to.equal('rejected');
    }
    expect(status(publish(RFC6035_F13, { event: 'VQ-RTCPXR;id=1' }))).to.equal(200);
  });

  it('other methods → 405 with Allow; OPTIONS → 200; CANCEL → 481; ACK → nothing; Require → 420', () => {
    for (const method of ['INVITE', 'MESSAGE', 'SUBSCRIBE', 'REGISTER']) {
      const h = ep.handle(publish('', { method }), SRC, T0);
      expect(statusOf(replyOf(h)), method).to.equal(405);
      expect(headerOf(replyOf(h), 'Allow')).to.equal('PUBLISH, OPTIONS');
    }
    const options = ep.handle(publish('', { method: 'OPTIONS', event: null }), SRC, T0);
    expect(statusOf(replyOf(options))).to.equal(200);
    expect(headerOf(replyOf(options), 'Accept')).to.equal('application/vq-rtcpxr');
    expect(status(publish('', { method: 'CANCEL' }))).to.equal(481);
    expect(ep.handle(publish('', { method: 'ACK' }), SRC, T0)).to.deep.equal({ outcome: { kind: 'ignored', reason: 'ACK' } });
    const req = ep.handle(publish(RFC6035_F13, { extra: ['Require: 100rel, foo'] }), SRC, T0);
    expect(statusOf(replyOf(req))).to.equal(420);
    expect(headerOf(replyOf(req), 'Unsupported')).to.equal('100rel, foo');
  });

  it('wrong content type or coding → 415; no body → 400; a body that is not a report or not UTF-8 → 400 with a Warning', () => {
    expect(status(publish(RFC6035_F13, { contentType: 'application/sdp' }))).to.equal(415);
    expect(status(publish(RFC6035_F13, { extra: ['Content-Encoding: gzip'] }))).to.equal(415);
    expect(status(publish(RFC6035_F13, { contentType: 'Application/VQ-RTCPXR; charset=utf-8' }))).to.equal(200);
    expect(status(publish(reportBody({ callId: 'ct-less' }), { contentType: null }))).to.equal(200);
    const empty = ep.handle(publish(''), SRC, T0);
    expect(statusOf(replyOf(empty))).to.equal(400);
    expect(empty.outcome.kind).to.equal('rejected');
    const junk = ep.handle(publish('Hello: world\r\n'), SRC, T0);
    expect(statusOf(replyOf(junk))).to.equal(400);
    expect(junk.outcome).to.deep.include({ kind: 'malformed', status: 400 });
    expect(headerOf(replyOf(junk), 'Warning')).to.match(/^399 vigie "not a vq-rtcpxr report: no report type line/);
    const latin1 = ep.handle(publish(Buffer.from('VQSessionReport\r\nCallID: caf\xe9\r\n', 'latin1')), SRC, T0);
    expect(statusOf(replyOf(latin1))).to.equal(400);
    expect(headerOf(replyOf(latin1), 'Warning')).to.contain('not UTF-8');
  });

  it('oversized: 413 when the headers parse, dropped when they do not; a body over the report cap is 413', () => {
    const small = endpoint({ maxMessageBytes: 2048 });
    const big = small.handle(publish(RFC6035_F13 + 'x-Pad: ' + 'y'.repeat(3000) + '\r\n'), SRC, T0);
    expect(big.outcome).to.deep.include({ kind: 'oversized', status: 413 });
    expect(statusOf(replyOf(big))).to.equal(413);
    expect(small.handle(Buffer.alloc(5000, 0x58), SRC, T0)).to.deep.equal({ outcome: { kind: 'oversized', reason: 'datagram over maxMessageBytes' } });
    const capped = endpoint({ maxBodyBytes: 200 }).handle(publish(RFC6035_F13), SRC, T0);
    expect(capped.outcome).to.deep.include({ kind: 'oversized', status: 413 });
  });

  it('not SIP at all, responses, keepalives: no answer', () => {
    expect(ep.handle(Buffer.from('\r\n\r\n'), SRC, T0).outcome).to.deep.equal({ kind: 'ignored', reason: 'keepalive' });
    expect(ep.handle(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n'), SRC, T0).reply).to.equal(undefined);
    const junk = ep.handle(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), SRC, T0);
    expect(junk.reply).to.equal(undefined);
    expect(junk.outcome.kind).to.equal('malformed');
  });
});

describe('sip rtcpxr endpoint: fuzz', () => {
  it('a few hundred mutated datagrams: never a throw, every reply a SIP response a peer can parse', () => {
    let seed = 0x5ab5_a001;
    const rand = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const f = new Core.LoggerFactory();
    f.builtinEnabled = false;
    const logger = f.getLogger('fuzz');
    const ep = endpoint({ maxMessageBytes: 4096, duplicateWindowMs: 0 });
    const base = [() => publish(RFC6035_F13, { folded: true }), () => publish(reportBody({ type: 'VQIntervalReport' })), () => publish('', { method: 'OPTIONS' })];
    const kinds = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const src = base[i % base.length]();
      let d: Buffer;
      switch (i % 5) {
        case 0: d = src.subarray(0, Math.floor(rand() * src.length)); break; // truncated
        case 1: for (let k = 0; k < 1 + rand() * 8; k++) src[Math.floor(rand() * src.length)] = Math.floor(rand() * 256); d = src; break; // bytes flipped
        case 2: d = Buffer.from(Array.from({ length: Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256))); break; // random
        case 3: d = Buffer.concat([src, Buffer.alloc(Math.floor(rand() * 6000), 0x20)]); break; // padded, maybe oversized
        default: d = Buffer.from(src.toString('latin1').replace(/\r\n/g, () => (rand() < 0.2 ? '\n' : rand() < 0.2 ? '\r\n ' : '\r\n')), 'latin1'); // line ends and folds
      }
      let h: VqHandled;
      try {
        h = ep.handle(d, SRC, T0 + i);
      } catch (e) {
        expect.fail(`case ${i} threw: ${String(e)}`);
      }
      kinds.add(h.outcome.kind);
      if (h.reply) {
        const m = Core.Parser.parseMessage(h.reply.text, logger);
        expect(m, `case ${i}: ${h.reply.text}`).to.be.instanceOf(Core.IncomingResponseMessage);
      }
    }
    for (const k of ['report', 'malformed', 'oversized', 'answered']) expect([...kinds], k).to.include(k);
  });
});
