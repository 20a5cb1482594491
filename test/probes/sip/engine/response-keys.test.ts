/**
 * The fast response scan (probes/sip/engine/response-keys.ts) either declines or reads exactly
 * what the full envelope scan reads: on a real Kamailio answer, on the odd forms it must leave to
 * the full scan, and on thousands of fuzzed responses. parseResponse gives the same result on
 * either path.
 */
import { expect } from 'chai';
import { scanSipMessage } from '../../../../probes/sip/engine/envelope.js';
import { parseResponse } from '../../../../probes/sip/engine/message.js';
import { scanResponseKeys } from '../../../../probes/sip/engine/response-keys.js';
import { CORPUS } from './corpus.js';

const crlf = (...lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;

const RESPONSES: Record<string, string> = {
  'kamailio 200 ok (captured)': CORPUS['kamailio 200 ok'],
  'folded, odd case': CORPUS['folded headers, odd case, 180 with to-tag'],
  'compact names, no reason phrase, two Via lines': crlf(
    'SIP/2.0 100',
    'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKc1;rport=5070',
    'Via: SIP/2.0/UDP 127.0.0.2:5071;branch=z9hG4bKc2',
    'f: <sip:vigie@127.0.0.1>;tag=a',
    't: <sip:x@127.0.0.1>',
    'i: compact-1',
    'CSeq: 2 REGISTER',
    'l: 0',
  ),
  'Kamailio-style 200 with Server and a to-tag': crlf(
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK0123456789abcdef;rport=40000;received=127.0.0.1',
    'From: <sip:vigie@127.0.0.1>;tag=0a1b2c3d4e5f',
    'To: <sip:r123@127.0.0.1:5060>;tag=dd0c0b2ee79aa0b9a9dd4d44c2bcd2e9.3fd6a5e8',
    'Call-ID: 0123456789abcdef01234567@vigie',
    'CSeq: 1 OPTIONS',
    'Server: kamailio (5.6.3 (x86_64/linux))',
    'Content-Length: 0',
  ),
  'Via as a comma list': crlf(
    'SIP/2.0 486 Busy Here',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKl1, SIP/2.0/UDP 127.0.0.2:5071;branch=z9hG4bKl2',
    'To: <sip:x@127.0.0.1>;tag=b',
    'Call-ID: list-1',
    'CSeq: 9 INVITE',
  ),
  'bare LF line ends': ['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKlf', 'Call-ID: lf-1', 'CSeq: 1 OPTIONS', '', ''].join('\n'),
  'space before the colon, tab in a value, body': `${crlf(
    'SIP/2.0 200 OK',
    'Via : SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsp',
    'Call-ID:\tsp-1 ',
    'CSeq: 4  OPTIONS',
    'To: "Bob" <sip:bob@127.0.0.1>;tag=t9',
    'Content-Length: 4',
  )}body`,
};

/** The full scan's reading of a response, in the fast scan's shape; undefined if it is not one. */
function fullKeys(text: string): Record<string, unknown> | undefined {
  const r = scanSipMessage(text);
  if (!r.ok || r.envelope.type !== 'response') return undefined;
  const e = r.envelope;
  return { statusCode: e.statusCode, reasonPhrase: e.reasonPhrase, branch: e.topViaBranch, callId: e.callId, cseq: e.cseq, cseqMethod: e.cseqMethod, toTag: e.toTag };
}

describe('sip engine: fast response scan', () => {
  for (const [name, text] of Object.entries(RESPONSES)) {
    it(`declines or agrees with the full scan: ${name}`, () => {
      const fast = scanResponseKeys(text);
      if (fast) expect(fast).to.deep.equal(fullKeys(text));
      const viaParse = parseResponse(text);
      const full = fullKeys(text);
      if (full?.branch && Number(full.statusCode) >= 100) {
        expect(viaParse.ok).to.equal(true);
        if (!viaParse.ok) return;
        const { statusCode, reasonPhrase, branch, callId, cseq, method, toTag } = viaParse.response;
        expect({ statusCode, reasonPhrase, branch, callId, cseq, cseqMethod: method, toTag }).to.deep.equal(full);
      }
    });
  }

  it('takes the fast path for the common forms, and leaves folding, bare LF and Via lists to the full scan', () => {
    for (const name of ['kamailio 200 ok (captured)', 'compact names, no reason phrase, two Via lines', 'Kamailio-style 200 with Server and a to-tag', 'space before the colon, tab in a value, body']) {
      expect(scanResponseKeys(RESPONSES[name]), name).to.not.equal(undefined);
    }
    for (const name of ['folded, odd case', 'Via as a comma list', 'bare LF line ends']) expect(scanResponseKeys(RESPONSES[name]), name).to.equal(undefined);
    expect(scanResponseKeys(CORPUS['engine request']), 'a request').to.equal(undefined);
  });

  it('reads headers and the body of a fast-scanned response on demand', () => {
    const r = parseResponse(RESPONSES['space before the colon, tab in a value, body']);
    if (!r.ok) throw new Error(r.reason);
    expect(r.response.header('content-length')).to.equal('4');
    expect(r.response.header('TO')).to.equal('"Bob" <sip:bob@127.0.0.1>;tag=t9');
    expect(r.response.body).to.equal('body');
    expect(r.response.message.getHeader('Call-ID')).to.equal('sp-1');
  });

  it('on fuzzed responses never throws, and reads what the full scan reads whenever it does not decline', () => {
    let seed = 11;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const texts = Object.values(RESPONSES);
    const alphabet = ' \t\r\n:;,<>"=abcVvIiTt0123456789';
    let fastTaken = 0;
    let declined = 0;
    for (let i = 0; i < 5000; i++) {
      const chars = [...texts[i % texts.length]];
      const edits = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * chars.length);
        // half printable ASCII, half the characters the scans decide on
        chars[at] = rnd() < 0.5 ? String.fromCharCode(32 + Math.floor(rnd() * 95)) : alphabet[Math.floor(rnd() * alphabet.length)];
      }
      const text = chars.join('');
      let fast: ReturnType<typeof scanResponseKeys>;
      expect(() => (fast = scanResponseKeys(text))).to.not.throw();
      if (!fast) {
        declined++;
        continue;
      }
      fastTaken++;
      expect(fast, JSON.stringify(text)).to.deep.equal(fullKeys(text));
    }
    expect(fastTaken, 'fuzzed responses read by the fast scan').to.be.greaterThan(1000);
    expect(declined, 'fuzzed responses left to the full scan').to.be.greaterThan(500);
  });
});
