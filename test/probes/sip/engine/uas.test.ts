/**
 * The server side of the SIP engine (probes/sip/engine/uas.ts): requests parsed from datagrams
 * (folded headers, compact forms, several Via, bodies by bytes, what can and cannot be answered),
 * responses built per RFC 3261 §8.2.6 (Via order, received/rport, to-tag), where they are sent
 * (§18.2.2, RFC 3581) and server-transaction keys (§17.2.3).
 */
import { expect } from 'chai';
import { Core } from 'sip.js';
import {
  buildResponse, parseRequest, parseVia, reasonPhrase, responseDestination, splitHeaderValues, transactionKey, unfold,
  type ParseRequestResult, type SipRequest,
} from '../../../../probes/sip/engine/uas.js';

const CRLF = '\r\n';

function request(lines: string[], body = ''): string {
  return lines.join(CRLF) + CRLF + CRLF + body;
}

const PUBLISH = [
  'PUBLISH sip:collector@127.0.0.1:5065 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-top;rport',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-mid, SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK-low',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@example.org>;tag=a1',
  'To: <sip:collector@127.0.0.1>',
  'Call-ID: 42@phone',
  'CSeq: 7 PUBLISH',
  'Event: vq-rtcpxr',
  'Content-Type: application/vq-rtcpxr',
];

function ok(r: ParseRequestResult): SipRequest {
  if (!r.ok) expect.fail(`expected a request, got ${r.reason}: ${r.detail}`);
  return r.request;
}

/** Parses a response text with sip.js, as a peer would. */
function asPeerSees(text: string): Core.IncomingResponseMessage {
  const f = new Core.LoggerFactory();
  f.builtinEnabled = false;
  const m = Core.Parser.parseMessage(text, f.getLogger('t'));
  expect(m, text).to.be.instanceOf(Core.IncomingResponseMessage);
  return m as Core.IncomingResponseMessage;
}

describe('sip engine uas: parseRequest', () => {
  it('reads method, URI, every Via in order, tags, Call-ID, CSeq and a body counted in bytes', () => {
    const body = 'CallID: é-ü\r\n';
    const r = ok(parseRequest(request([...PUBLISH, `Content-Length: ${Buffer.byteLength(body)}`], body + 'trailing junk')));
    expect(r).to.include({ method: 'PUBLISH', requestUri: 'sip:collector@127.0.0.1:5065', fromTag: 'a1', callId: '42@phone', cseq: 7, cseqMethod: 'PUBLISH' });
    expect(r.toTag).to.equal(undefined);
    expect(r.via).to.deep.equal([
      'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-top;rport',
      'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-mid, SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK-low',
    ]);
    expect(r.topVia).to.deep.include({ transport: 'UDP', host: '127.0.0.1', port: 5070, branch: 'z9hG4bK-top', rport: true });
    // Content-Length is bytes: the two-byte characters count twice, the junk after the body is cut
    expect(r.body.toString('utf8')).to.equal(body);
    expect(r.header('EVENT')).to.equal('vq-rtcpxr');
  });

  it('unfolds folded headers (RFC 3261 §7.3.1), core and other ones alike', () => {
    const r = ok(parseRequest(request([
      'PUBLISH sip:c@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5070',
      '   ;branch=z9hG4bKfold;rport',
      'From: "Alice"',
      '\t<sip:alice@example.org>;tag=f1',
      'To: <sip:c@127.0.0.1>',
      'Call-ID: fold@x',
      'CSeq: 1',
      '  PUBLISH',
      'Event: vq-rtcpxr;',
      '  id=7',
      'Subject: one',
      ' two',
      '\tthree',
      'Content-Length: 0',
    ])));
    expect(r.topVia).to.deep.include({ host: '127.0.0.1', port: 5070, branch: 'z9hG4bKfold', rport: true });
    expect(r.via).to.deep.equal(['SIP/2.0/UDP 127.0.0.1:5070 ;branch=z9hG4bKfold;rport']);
    expect(r.from).to.equal('"Alice" <sip:alice@example.org>;tag=f1');
    expect(r.fromTag).to.equal('f1');
    expect(r).to.include({ cseq: 1, cseqMethod: 'PUBLISH' });
    expect(r.header('event')).to.equal('vq-rtcpxr; id=7');
    expect(r.header('subject')).to.equal('one two three');
  });

  it('understands compact header forms (v f t i l c, o for Event)', () => {
    const body = 'x';
    const r = ok(parseRequest(request([
      'PUBLISH sip:c@127.0.0.1 SIP/2.0',
      'v: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bKc',
      'f: <sip:a@b>;tag=t',
      't: <sip:c@127.0.0.1>;tag=already',
      'i: compact@x',
      'CSeq: 2 PUBLISH',
      'o: vq-rtcpxr',
      'c: application/vq-rtcpxr',
      'l: 1',
    ], body)));
    expect(r).to.include({ callId: 'compact@x', fromTag: 't', toTag: 'already' });
    expect(r.header('event')).to.equal('vq-rtcpxr');
    expect(r.header('content-type')).to.equal('application/vq-rtcpxr');
    expect(r.body.toString()).to.equal('x');
  });

  it('skips leading CRLFs, ignores a keepalive, refuses responses and non-SIP', () => {
    expect(ok(parseRequest('\r\n\r\n' + request([...PUBLISH, 'Content-Length: 0']))).method).to.equal('PUBLISH');
    expect(parseRequest('\r\n\r\n')).to.deep.include({ ok: false, reason: 'empty' });
    expect(parseRequest(Buffer.alloc(0))).to.deep.include({ ok: false, reason: 'empty' });
    expect(parseRequest(request(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKr', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: r', 'CSeq: 1 OPTIONS'])))
      .to.deep.include({ ok: false, reason: 'response' });
    for (const junk of ['hello', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '\u0000\u0001\u0002', 'PUBLISH sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n']) {
      const r = parseRequest(junk);
      expect(r.ok, junk).to.equal(false);
      expect(r.ok === false && r.request, junk).to.equal(undefined);
    }
  });

  it('header section not UTF-8 → dropped', () => {
    const bytes = Buffer.concat([Buffer.from(request([...PUBLISH.slice(0, 4), 'From: <sip:a@b>;tag=1']).slice(0, -4)), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n\r\n')]);
    expect(parseRequest(bytes)).to.deep.include({ ok: false, reason: 'not-utf8' });
  });

  it('a missing core header cannot be answered; a bad Content-Length, a truncated body, a bad line or a CSeq mismatch can (400)', () => {
    const noCallId = parseRequest(request(PUBLISH.filter((l) => !l.startsWith('Call-ID'))));
    expect(noCallId).to.deep.include({ ok: false, reason: 'missing-header' });
    expect(noCallId.ok === false && noCallId.request).to.equal(undefined);
    const noVia = parseRequest(request(PUBLISH.filter((l) => !l.startsWith('Via'))));
    expect(noVia).to.deep.include({ ok: false, reason: 'missing-header' });

    const cases: [string, string][] = [
      [request([...PUBLISH, 'Content-Length: lots']), 'bad-content-length'],
      [request([...PUBLISH, 'Content-Length: 500'], 'short'), 'truncated-body'],
      [request([...PUBLISH, 'this line has no colon', 'Content-Length: 0']), 'bad-header'],
      [request([...PUBLISH.map((l) => (l.startsWith('CSeq') ? 'CSeq: 7 OPTIONS' : l)), 'Content-Length: 0']), 'cseq-mismatch'],
    ];
    for (const [text, reason] of cases) {
      const r = parseRequest(text);
      expect(r, reason).to.deep.include({ ok: false, reason });
      expect(r.ok === false && r.request?.callId, reason).to.equal('42@phone');
    }
  });

  it('oversized: the headers are still read (to answer 413) unless they do not parse', () => {
    const big = request([...PUBLISH, 'Content-Length: 3000'], 'x'.repeat(3000));
    const r = parseRequest(big, { maxBytes: 2048 });
    expect(r).to.deep.include({ ok: false, reason: 'oversized' });
    expect(r.ok === false && r.request?.callId).to.equal('42@phone');
    const junk = parseRequest(Buffer.alloc(4096, 0x41), { maxBytes: 2048 });
    expect(junk).to.deep.include({ ok: false, reason: 'oversized' });
    expect(junk.ok === false && junk.request).to.equal(undefined);
  });
});

describe('sip engine uas: buildResponse', () => {
  const req = ok(parseRequest(request([...PUBLISH, 'Content-Length: 0'])));

  it('copies every Via in order, From, To + a to-tag, Call-ID, CSeq, Server, Content-Length 0', () => {
    const text = buildResponse(req, 200, { toTag: 'srv1', headers: ['SIP-ETag: e1', 'Expires: 60'] });
    const lines = text.split(CRLF);
    expect(lines[0]).to.equal('SIP/2.0 200 OK');
    expect(lines.filter((l) => l.startsWith('Via: '))).to.deep.equal(req.via.map((v) => `Via: ${v}`));
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).to.equal(true);
    const m = asPeerSees(text);
    expect(m.statusCode).to.equal(200);
    expect(m.getHeaders('via')).to.deep.equal(req.via);
    expect(m.viaBranch).to.equal('z9hG4bK-top');
    expect(m.fromTag).to.equal('a1');
    expect(m.toTag).to.equal('srv1');
    expect(m.callId).to.equal('42@phone');
    expect(m.cseq).to.equal(7);
    expect(m.method).to.equal('PUBLISH');
    expect(m.getHeader('server')).to.equal('Vigie');
    expect(m.getHeader('sip-etag')).to.equal('e1');
  });

  it('keeps a To that already has a tag; no tag on 100; a fresh tag otherwise', () => {
    const tagged = ok(parseRequest(request([...PUBLISH.map((l) => (l.startsWith('To:') ? 'To: <sip:c@d>;tag=x9' : l)), 'Content-Length: 0'])));
    expect(asPeerSees(buildResponse(tagged, 200, { toTag: 'ignored' })).toTag).to.equal('x9');
    expect(asPeerSees(buildResponse(req, 100)).toTag).to.equal(undefined);
    const a = asPeerSees(buildResponse(req, 489)).toTag;
    const b = asPeerSees(buildResponse(req, 489)).toTag;
    expect(a).to.be.a('string').and.not.equal('');
    expect(a).to.not.equal(b);
  });

  it('stamps the top Via with received and rport (RFC 3581) and leaves the others alone', () => {
    const text = buildResponse(req, 200, { source: { address: '127.0.0.9', port: 40000 } });
    const vias = asPeerSees(text).getHeaders('via');
    expect(vias[0]).to.equal('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-top;rport=40000;received=127.0.0.9');
    expect(vias[1]).to.equal(req.via[1]);
    // no rport asked and the source is the sent-by host: nothing added
    const plain = ok(parseRequest(request(['OPTIONS sip:c@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bKp, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKq',
      'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: p', 'CSeq: 1 OPTIONS', 'Content-Length: 0'])));
    expect(asPeerSees(buildResponse(plain, 200, { source: { address: '127.0.0.1', port: 5072 } })).getHeaders('via')[0])
      .to.equal('SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bKp, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKq');
    // a source other than the sent-by host gets received=, first value only
    expect(asPeerSees(buildResponse(plain, 200, { source: { address: '127.0.0.5', port: 5072 } })).getHeaders('via')[0])
      .to.equal('SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bKp;received=127.0.0.5, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKq');
  });

  it('a body gets its Content-Type and byte length; bad values throw TypeError', () => {
    const text = buildResponse(req, 400, { body: 'é', contentType: 'text/plain', reason: 'Bad Report' });
    expect(text).to.match(/^SIP\/2\.0 400 Bad Report\r\n/);
    expect(text).to.contain('Content-Type: text/plain\r\nContent-Length: 2\r\n\r\né');
    expect(() => buildResponse(req, 99)).to.throw(TypeError);
    expect(() => buildResponse(req, 200, { headers: ['X: a\r\nInjected: b'] })).to.throw(TypeError);
    expect(reasonPhrase(489)).to.equal('Bad Event');
    expect(reasonPhrase(299)).to.equal('OK');
  });
});

describe('sip engine uas: destination, transaction key, helpers', () => {
  const base = (via: string): SipRequest => ok(parseRequest(request([
    'PUBLISH sip:c@127.0.0.1 SIP/2.0', `Via: ${via}`, 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: k', 'CSeq: 3 PUBLISH', 'Content-Length: 0',
  ])));

  it('answers the source port with rport, else the Via port (5060 when none), always the source address', () => {
    const src = { address: '127.0.0.2', port: 41000 };
    expect(responseDestination(base('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa;rport'), src)).to.deep.equal(src);
    expect(responseDestination(base('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa'), src)).to.deep.equal({ address: '127.0.0.2', port: 5070 });
    expect(responseDestination(base('SIP/2.0/UDP phone.example;branch=z9hG4bKa;maddr=192.0.2.1'), src)).to.deep.equal({ address: '127.0.0.2', port: 5060 });
  });

  it('keys a transaction by branch + sent-by + method (ACK as its INVITE), or by the RFC 2543 fields', () => {
    const a = base('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsame');
    const b = base('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsame;rport');
    const c = base('SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bKsame');
    expect(transactionKey(a)).to.equal(transactionKey(b));
    expect(transactionKey(a)).to.not.equal(transactionKey(c));
    const old = base('SIP/2.0/UDP 127.0.0.1:5070;branch=1234');
    expect(transactionKey(old)).to.contain('k').and.contain('1234');
    expect(transactionKey(old)).to.not.equal(transactionKey(base('SIP/2.0/UDP 127.0.0.1:5070;branch=1235')));
  });

  it('parseVia, splitHeaderValues, unfold', () => {
    expect(parseVia('SIP/2.0/UDP [::1]:5070;branch=z9hG4bKv6;received=::1;rport=9')).to.deep.include({
      transport: 'UDP', host: '::1', port: 5070, branch: 'z9hG4bKv6', received: '::1', rport: 9,
    });
    expect(parseVia('SIP / 2.0 / tcp host.example ; branch = z9hG4bKs')).to.deep.include({ transport: 'TCP', host: 'host.example', branch: 'z9hG4bKs' });
    expect(parseVia('SIP/2.0/UDP 127.0.0.1:70000')).to.equal(undefined);
    expect(parseVia('HTTP/1.1 x')).to.equal(undefined);
    expect(splitHeaderValues('a, "b, c" <sip:x,y>, d')).to.deep.equal(['a', '"b, c" <sip:x,y>', 'd']);
    expect(unfold('a\r\n  b\r\n\tc ')).to.equal('a b c');
  });
});
