/**
 * Request building (the headers RFC 3261 §8.1.1 requires, a cookie branch, rport) and response
 * parsing through sip.js: a response as Kamailio's `sl` sends it, one from an IPv6 peer, and bad
 * datagrams (garbage, truncated, a header sip.js's parser throws on, a request, bad UTF-8), which
 * must come back as a reason, never an exception.
 */
import { expect } from 'chai';
import { BRANCH_COOKIE, buildRequest, newBranch, parseResponse } from '../../../../probes/sip/engine/message.js';

/** A 200 to OPTIONS exactly as Kamailio 5.6 (sl_send_reply) writes it. */
const KAMAILIO_200 = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK0123456789abcdef;rport=40123;received=127.0.0.1',
  'From: <sip:vigie@127.0.0.1>;tag=a1b2c3',
  'To: <sip:ping@127.0.0.1:35060>;tag=0f3a3b1e2a6f1d6a8d1f7b3b9b2f0c1e-e4c1',
  'Call-ID: 5f2d9c@vigie',
  'CSeq: 7 OPTIONS',
  'Server: kamailio (5.6.3 (x86_64/linux))',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('sip engine: messages', () => {
  it('builds an OPTIONS with every mandatory header, a cookie branch and rport', () => {
    const req = buildRequest({ method: 'options', requestUri: 'sip:ping@127.0.0.1:35060' }, { host: '127.0.0.1', port: 40123 });
    const lines = req.text.split('\r\n');
    expect(lines[0]).to.equal('OPTIONS sip:ping@127.0.0.1:35060 SIP/2.0');
    expect(req.branch.startsWith(BRANCH_COOKIE)).to.equal(true);
    expect(lines).to.include(`Via: SIP/2.0/UDP 127.0.0.1:40123;branch=${req.branch};rport`);
    expect(lines).to.include('Max-Forwards: 70');
    expect(lines).to.include(`From: <sip:vigie@127.0.0.1>;tag=${req.fromTag}`);
    expect(lines).to.include('To: <sip:ping@127.0.0.1:35060>');
    expect(lines).to.include(`Call-ID: ${req.callId}`);
    expect(lines).to.include('CSeq: 1 OPTIONS');
    expect(lines).to.include('Contact: <sip:vigie@127.0.0.1:40123>');
    expect(lines.some((l) => l.startsWith('User-Agent: '))).to.equal(true);
    expect(req.text.endsWith('Content-Length: 0\r\n\r\n')).to.equal(true);
  });

  it('brackets IPv6 hosts, counts body bytes, and refuses CR/LF in values', () => {
    const req = buildRequest(
      { method: 'MESSAGE', requestUri: 'sip:x@[::1]:5060', body: 'é', contentType: 'text/plain', cseq: 3 },
      { host: '::1', port: 5070 },
    );
    expect(req.text).to.contain('Via: SIP/2.0/UDP [::1]:5070;branch=');
    expect(req.text).to.contain('Content-Length: 2\r\n');
    expect(req.text).to.contain('CSeq: 3 MESSAGE');
    expect(() => buildRequest({ method: 'OPTIONS', requestUri: 'sip:a@b', headers: ['X: a\r\nEvil: 1'] }, { host: '127.0.0.1', port: 1 })).to.throw(TypeError);
  });

  it('makes distinct branches', () => {
    const set = new Set(Array.from({ length: 100 }, newBranch));
    expect(set.size).to.equal(100);
  });

  it('parses a real Kamailio 200 OK (Via with a port, rport and received)', () => {
    const r = parseResponse(Buffer.from(KAMAILIO_200));
    if (!r.ok) throw new Error(`not parsed: ${r.reason}`);
    expect(r.response.statusCode).to.equal(200);
    expect(r.response.reasonPhrase).to.equal('OK');
    expect(r.response.branch).to.equal('z9hG4bK0123456789abcdef');
    expect(r.response.callId).to.equal('5f2d9c@vigie');
    expect(r.response.cseq).to.equal(7);
    expect(r.response.method).to.equal('OPTIONS');
    expect(r.response.message.getHeader('server')).to.contain('kamailio');
  });

  it('round-trips its own request identifiers through a response built from it', () => {
    const req = buildRequest({ method: 'OPTIONS', requestUri: 'sip:p@[::1]:5060' }, { host: '::1', port: 5070 });
    const via = req.text.split('\r\n').find((l) => l.startsWith('Via:'));
    const text = `SIP/2.0 404 Not here\r\n${via}=5070\r\nFrom: <sip:vigie@[::1]>;tag=${req.fromTag}\r\nTo: <sip:p@[::1]:5060>;tag=x\r\nCall-ID: ${req.callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const r = parseResponse(text);
    if (!r.ok) throw new Error(`not parsed: ${r.reason}`);
    expect([r.response.statusCode, r.response.branch, r.response.callId]).to.deep.equal([404, req.branch, req.callId]);
  });

  it('returns a reason for bad datagrams, never throws', () => {
    expect(parseResponse(Buffer.from('garbage'))).to.deep.equal({ ok: false, reason: 'unparsable' });
    expect(parseResponse(Buffer.from(KAMAILIO_200.slice(0, 60)))).to.deep.equal({ ok: false, reason: 'missing-header' });
    expect(parseResponse('SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n')).to.deep.equal({ ok: false, reason: 'missing-header' });
    expect(parseResponse('SIP/2.0 200 OK\r\nno colon here\r\n\r\n')).to.deep.equal({ ok: false, reason: 'unparsable' });
    expect(parseResponse('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n')).to.deep.equal({ ok: false, reason: 'missing-header' });
    expect(parseResponse('OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n')).to.deep.equal({ ok: false, reason: 'request' });
    expect(parseResponse(Buffer.from([0x53, 0x49, 0x50, 0xff, 0xfe, 0x0d, 0x0a]))).to.deep.equal({ ok: false, reason: 'not-utf8' });
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(KAMAILIO_200);
      for (let k = 0; k < 5; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 128);
      const cut = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      expect(() => parseResponse(cut)).to.not.throw();
    }
  });
});
