/**
 * Content-Length framing of a SIP stream (the TCP engine's input): messages split over many
 * segments or coalesced in one, keepalive CRLFs between them, bodies, and the inputs that must
 * end the stream: garbage (random bytes, a bad start line, no or a bad Content-Length) and
 * oversized messages (the buffer never grows past the bound).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { SipStreamFramer } from '../../../../probes/sip/engine/stream-framer.js';

function response(n: number, body = ''): string {
  return [
    'SIP/2.0 200 OK', `Via: SIP/2.0/TCP 127.0.0.1:5000;branch=z9hG4bK${n}`, 'From: <sip:a@b>;tag=1', 'To: <sip:a@b>;tag=2',
    `Call-ID: c${n}@x`, `CSeq: ${n} OPTIONS`, ...(body ? ['Content-Type: text/plain'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
}

/** Feeds `chunks` and returns every message (as text) and the first error. */
function feed(framer: SipStreamFramer, chunks: (string | Buffer)[]): { messages: string[]; error?: string } {
  const messages: string[] = [];
  for (const c of chunks) {
    const r = framer.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    messages.push(...r.messages.map((m) => m.toString()));
    if (r.error) return { messages, error: r.error };
  }
  return { messages };
}

describe('sip engine: stream framing by Content-Length', () => {
  it('reassembles a message split byte by byte, and waits while it is incomplete', () => {
    const text = response(1, 'hello, body with \r\n\r\n inside');
    const framer = new SipStreamFramer();
    const bytes = Buffer.from(text);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const r = framer.push(bytes.subarray(i, i + 1));
      expect(r.error).to.equal(undefined);
      out.push(...r.messages.map((m) => m.toString()));
      if (i < bytes.length - 1) expect(out, `complete too early at byte ${i}`).to.have.length(0);
    }
    expect(out).to.deep.equal([text]);
    expect(framer.buffered).to.equal(0);
  });

  it('splits coalesced messages, with keepalive CRLFs between them and a tail kept for later', () => {
    const a = response(1);
    const b = response(2, 'x'.repeat(300));
    const c = response(3);
    const framer = new SipStreamFramer();
    const first = feed(framer, [`\r\n\r\n${a}\r\n${b}${c.slice(0, 40)}`]);
    expect(first).to.deep.equal({ messages: [a, b] });
    expect(framer.buffered).to.equal(40);
    expect(feed(framer, [c.slice(40)])).to.deep.equal({ messages: [c] });
  });

  it('counts the body in bytes, not characters', () => {
    const body = 'é'.repeat(10);
    expect(feed(new SipStreamFramer(), [response(1, body) + response(2)]).messages).to.deep.equal([response(1, body), response(2)]);
  });

  it('accepts the compact form l: and requests from the peer', () => {
    const req = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKx\r\nl: 0\r\n\r\n';
    expect(feed(new SipStreamFramer(), [req]).messages).to.deep.equal([req]);
  });

  const garbage: [string, (string | Buffer)[]][] = [
    ['random bytes', [randomBytes(64).fill(0x80, 0, 1)]],
    ['lower-case text', ['hello world\r\n\r\n']],
    ['an HTTP response', ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']],
    ['a bad status line', ['SIP/2.0 2000 OK\r\nContent-Length: 0\r\n\r\n']],
    ['no Content-Length', ['SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n']],
    ['a negative Content-Length', ['SIP/2.0 200 OK\r\nContent-Length: -5\r\n\r\n']],
    ['two different Content-Lengths', ['SIP/2.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab']],
    ['garbage after a good message', [response(1) + '\u0000\u0001\u0002junk']],
  ];
  for (const [what, chunks] of garbage) {
    it(`ends the stream on ${what}`, () => {
      const framer = new SipStreamFramer();
      const r = feed(framer, chunks);
      expect(r.error).to.equal('garbage');
      expect(framer.buffered).to.equal(0);
      if (what.startsWith('garbage after')) expect(r.messages).to.deep.equal([response(1)]);
      // and refuses anything after, until reset
      expect(framer.push(Buffer.from(response(9))).error).to.equal('garbage');
      framer.reset();
      expect(feed(framer, [response(9)])).to.deep.equal({ messages: [response(9)] });
    });
  }

  it('ends the stream on a message over the bound, without buffering it', () => {
    const framer = new SipStreamFramer(1000);
    expect(feed(framer, [response(1, 'x'.repeat(2000)).slice(0, 300)]).error).to.equal('oversize');
    expect(framer.buffered).to.equal(0);
  });

  it('ends the stream on headers that never end, once past the bound', () => {
    const framer = new SipStreamFramer(1000);
    const chunks = ['SIP/2.0 200 OK\r\n', ...Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(30)}\r\n`)];
    const r = feed(framer, chunks);
    expect(r.error).to.equal('oversize');
    expect(framer.buffered).to.equal(0);
  });

  it('accepts a message exactly at the bound, and not one byte over', () => {
    const text = response(1, 'z'.repeat(500));
    const size = Buffer.byteLength(text);
    expect(feed(new SipStreamFramer(size), [text])).to.deep.equal({ messages: [text] });
    expect(feed(new SipStreamFramer(size - 1), [text]).error).to.equal('oversize');
  });
});
