/**
 * The envelope scan reads the same fields as sip.js's full parser: on real messages (captured
 * from Kamailio, sipsak, SIPp-style INVITE/SDP, built by the engine), on the corner cases of
 * RFC 3261 §7.3 (folding, compact names, lists, case), and on fuzzed variants of them.
 */
import { expect } from 'chai';
import { Core } from 'sip.js';
import { headerOf, headerParam, headersOf, headerUri, scanSipMessage, splitList } from '../../../../probes/sip/engine/envelope.js';
import { sipJsParse } from '../../../../probes/sip/engine/message.js';
import { CORPUS } from './corpus.js';

function sipJsFields(text: string): Record<string, unknown> | undefined {
  const m = sipJsParse(text);
  if (!m) return undefined;
  const cseq = m.parseHeader('cseq') as { method?: string } | undefined;
  const common = { callId: m.callId, cseq: m.cseq, cseqMethod: cseq?.method?.toUpperCase(), fromTag: m.fromTag || undefined, toTag: m.toTag || undefined, body: m.body };
  if (m instanceof Core.IncomingResponseMessage) return { ...common, type: 'response', statusCode: m.statusCode, branch: m.viaBranch };
  return { ...common, type: 'request', method: m.method?.toUpperCase(), requestUri: m.ruri?.toString(), branch: m.viaBranch };
}

function envelopeFields(text: string): Record<string, unknown> | undefined {
  const r = scanSipMessage(text);
  if (!r.ok) return undefined;
  const e = r.envelope;
  const common = { callId: e.callId, cseq: e.cseq, cseqMethod: e.cseqMethod, fromTag: e.fromTag, toTag: e.toTag, body: e.body };
  return e.type === 'response'
    ? { ...common, type: 'response', statusCode: e.statusCode, branch: e.topViaBranch }
    : { ...common, type: 'request', method: e.method, requestUri: e.requestUri, branch: e.topViaBranch };
}

describe('sip engine: envelope scan', () => {
  for (const [name, text] of Object.entries(CORPUS)) {
    it(`reads what sip.js reads: ${name}`, () => {
      const expected = sipJsFields(text);
      expect(expected, 'sip.js parses the corpus message').to.not.equal(undefined);
      const got = envelopeFields(text)!;
      if (got.type === 'request' && expected!.requestUri !== got.requestUri) {
        // sip.js re-serialises the Request-URI (parameter order, case); compare its parse of ours
        expect(Core.Grammar.URIParse(String(got.requestUri))?.toString()).to.equal(expected!.requestUri);
        got.requestUri = expected!.requestUri;
      }
      expect(got).to.deep.equal(expected);
    });
  }

  it('splits lists, reads params and URIs of name-addr and addr-spec values', () => {
    const r = scanSipMessage(CORPUS['invite with sdp, two Via, compact names'].replace('rport\r\nVia:', 'rport,'));
    if (!r.ok) throw new Error(r.reason);
    expect(headersOf(r.envelope, 'Via').map((v) => headerParam(v, 'branch'))).to.deep.equal(['z9hG4bKtop', 'z9hG4bKlow']);
    expect(headerUri(headerOf(r.envelope, 'From')!)).to.equal('sip:alice@127.0.0.1');
    expect(headerUri('sip:sipsak@127.0.0.1:35070;tag=1')).to.equal('sip:sipsak@127.0.0.1:35070');
    expect(headerOf(r.envelope, 'content-type')).to.equal('application/sdp');
    expect(splitList('"a, b" <sip:x@h>;p=1, <sip:y@h,>')).to.deep.equal(['"a, b" <sip:x@h>;p=1', '<sip:y@h,>']);
    expect(r.envelope.body).to.have.length(57);
  });

  it('reads header parameters as the split-based definition does, on fuzzed values', () => {
    // the definition headerParam's in-place walk must agree with
    const reference = (value: string, name: string): string | undefined => {
      const close = value.lastIndexOf('>');
      const params = close >= 0 ? value.slice(close + 1) : value.slice(value.indexOf(';') >= 0 ? value.indexOf(';') : value.length);
      for (const part of params.split(';')) {
        const eq = part.indexOf('=');
        const key = (eq >= 0 ? part.slice(0, eq) : part).trim().toLowerCase();
        if (key === name) return eq >= 0 ? part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') : '';
      }
      return undefined;
    };
    let seed = 3;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = [';', '=', '<', '>', ' ', '"', 'tag', 'TAG', 'branch', 'x', '1', ';tag=', ';branch='];
    let found = 0;
    for (let i = 0; i < 20_000; i++) {
      const length = Math.floor(rnd() * 10);
      let value = '';
      for (let k = 0; k < length; k++) value += alphabet[Math.floor(rnd() * alphabet.length)];
      for (const name of ['tag', 'branch']) {
        const expected = reference(value, name);
        if (expected !== undefined) found++;
        expect(headerParam(value, name), JSON.stringify([value, name])).to.equal(expected);
      }
    }
    expect(found, 'values with the parameter').to.be.greaterThan(1000);
  });

  it('rejects what is not SIP and names a missing Call-ID or CSeq', () => {
    expect(scanSipMessage('garbage')).to.deep.equal({ ok: false, reason: 'unparsable' });
    expect(scanSipMessage('SIP/2.0 200 OK\r\nbad header line\r\n\r\n')).to.deep.equal({ ok: false, reason: 'unparsable' });
    expect(scanSipMessage('SIP/2.0 200 OK\r\n folded first\r\n\r\n')).to.deep.equal({ ok: false, reason: 'unparsable' });
    expect(scanSipMessage('SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n')).to.deep.equal({ ok: false, reason: 'missing-header', type: 'response' });
    expect(scanSipMessage('BYE sip:a@h SIP/2.0\r\nCSeq: 1 BYE\r\n\r\n')).to.deep.equal({ ok: false, reason: 'missing-header', type: 'request' });
  });

  it('on fuzzed messages never throws, and agrees with sip.js on the fields of every message both accept', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const texts = Object.values(CORPUS);
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const chars = [...texts[i % texts.length]];
      const edits = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < edits; k++) chars[Math.floor(rnd() * chars.length)] = String.fromCharCode(32 + Math.floor(rnd() * 95));
      const text = chars.join('');
      let got: Record<string, unknown> | undefined;
      expect(() => (got = envelopeFields(text))).to.not.throw();
      const expected = sipJsFields(text);
      if (!got || !expected || !expected.callId || !expected.cseqMethod || !expected.branch) continue;
      // a status code outside 100..699 is refused by the engine and the collector whatever the scan says
      if (got.type === 'response' && !(Number(got.statusCode) >= 100 && Number(got.statusCode) <= 699)) continue;
      compared++;
      // the fields a transaction is matched by
      expect([got.type, got.callId, got.cseq, got.cseqMethod, got.branch], text).to.deep.equal([expected.type, expected.callId, expected.cseq, expected.cseqMethod, expected.branch]);
    }
    expect(compared, 'enough fuzzed messages parsed by both to compare').to.be.greaterThan(100);
  });
});
