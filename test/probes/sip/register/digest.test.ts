/**
 * Digest answers (sip.js's DigestAuthentication through engine/digest.ts) checked against an
 * independent RFC 2617 implementation written here with node:crypto, itself checked against the
 * worked example of RFC 2617 §3.5 (response 6629fae49393a05397450978507c4ef1).
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { answerChallenge } from '../../../../probes/sip/engine/digest.js';
import { parseResponse, type SipResponse } from '../../../../probes/sip/engine/message.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** RFC 2617 §3.2.2.1: request-digest, with qop=auth or without qop (RFC 2069 compatibility). */
function rfc2617(p: { username: string; realm: string; password: string; method: string; uri: string; nonce: string; nc?: string; cnonce?: string; qop?: 'auth' }): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
}

function challenge(code: 401 | 407, params: string): SipResponse {
  const header = code === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
  const text = [
    `SIP/2.0 ${code} ${code === 401 ? 'Unauthorized' : 'Proxy Authentication Required'}`, 'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKd1;rport=5062',
    'From: <sip:Mufasa@testrealm.example>;tag=a', 'To: <sip:Mufasa@testrealm.example>;tag=b', 'Call-ID: d@x', 'CSeq: 1 REGISTER',
    `${header}: Digest ${params}`, 'Content-Length: 0', '', '',
  ].join('\r\n');
  const r = parseResponse(text);
  if (!r.ok) throw new Error(`test response does not parse: ${r.reason}`);
  return r.response;
}

/** The parameters of a Digest credentials header value. */
function params(value: string): Record<string, string> {
  expect(value.startsWith('Digest ')).to.equal(true);
  return Object.fromEntries([...value.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
}

const RFC = { username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', opaque: '5ccc069c403ebaf9f0171e9517f40e41' };

describe('sip digest: answering 401/407 challenges with sip.js', () => {
  it('the reference implementation gives RFC 2617 §3.5\'s worked value', () => {
    expect(rfc2617({ ...RFC, method: 'GET', uri: '/dir/index.html', nc: '00000001', cnonce: '0a4f113b', qop: 'auth' })).to.equal('6629fae49393a05397450978507c4ef1');
  });

  it('answers a qop=auth WWW-Authenticate with the RFC 2617 response for its cnonce and nc', () => {
    const res = challenge(401, `realm="${RFC.realm}", qop="auth,auth-int", nonce="${RFC.nonce}", opaque="${RFC.opaque}"`);
    const a = answerChallenge(res, { method: 'REGISTER', requestUri: 'sip:testrealm.example' }, { username: RFC.username, password: RFC.password });
    if (!a.ok) throw new Error(a.reason);
    expect(a.header).to.equal('Authorization');
    const p = params(a.value);
    expect(p).to.include({ username: 'Mufasa', realm: RFC.realm, nonce: RFC.nonce, uri: 'sip:testrealm.example', qop: 'auth', nc: '00000001', opaque: RFC.opaque, algorithm: 'MD5' });
    expect(p.cnonce).to.match(/^[0-9a-z]+$/);
    expect(p.response).to.equal(rfc2617({ ...RFC, method: 'REGISTER', uri: 'sip:testrealm.example', nc: p.nc, cnonce: p.cnonce, qop: 'auth' }));
    expect(a.value).to.not.include(RFC.password);
  });

  it('answers a challenge without qop (RFC 2069 form, fully deterministic)', () => {
    const res = challenge(401, `realm="${RFC.realm}", nonce="${RFC.nonce}"`);
    const a = answerChallenge(res, { method: 'REGISTER', requestUri: 'sip:testrealm.example' }, { username: RFC.username, password: RFC.password });
    if (!a.ok) throw new Error(a.reason);
    const p = params(a.value);
    expect(p.qop).to.equal(undefined);
    expect(p.response).to.equal(rfc2617({ ...RFC, method: 'REGISTER', uri: 'sip:testrealm.example' }));
    // a different password gives a different response
    const b = answerChallenge(res, { method: 'REGISTER', requestUri: 'sip:testrealm.example' }, { username: RFC.username, password: 'wrong' });
    expect(b.ok && params(b.value).response).to.not.equal(p.response);
  });

  it('answers a 407 with Proxy-Authorization and reports stale=true', () => {
    const a = answerChallenge(challenge(407, `realm="proxy.example", nonce="n1", stale=true, algorithm=MD5`), { method: 'REGISTER', requestUri: 'sip:proxy.example' }, { username: 'u', password: 'p' });
    expect(a.ok && a.header).to.equal('Proxy-Authorization');
    expect(a.ok && a.stale).to.equal(true);
  });

  it('refuses what it cannot answer, with a reason and never the password', () => {
    const req = { method: 'REGISTER', requestUri: 'sip:x.example' };
    const creds = { username: 'u', password: 'hunter2' };
    const cases: [SipResponse, RegExp][] = [
      [challenge(401, 'realm="x", nonce="n", algorithm=SHA-256'), /unsupported digest algorithm SHA-256/],
      [challenge(401, 'realm="x", nonce="n", qop="auth-conf"'), /unsupported qop/],
      [challenge(401, 'realm="x"'), /no realm or nonce|usable/],
    ];
    for (const [res, why] of cases) {
      const a = answerChallenge(res, req, creds);
      expect(a.ok).to.equal(false);
      if (!a.ok) {
        expect(a.reason).to.match(why);
        expect(a.reason).to.not.include('hunter2');
      }
    }
    const ok = parseResponse('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n');
    if (!ok.ok) throw new Error('bad test response');
    expect(answerChallenge(ok.response, req, creds)).to.deep.equal({ ok: false, reason: '200 is not a challenge' });
  });
});
