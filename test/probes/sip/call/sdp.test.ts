/**
 * SDP of test calls: the G.711 offer, and the answer read robustly — SIPp's built-in UAS answer,
 * LF-only line ends, a media-level c= over the session one, A-law picked, a dynamic payload type
 * named by rtpmap, IPv6, direction and ptime; every malformed answer is an E_SDP_ANSWER result
 * with its reason (never a throw), random bodies included.
 */
import { expect } from 'chai';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { buildSdpOffer, parseSdpAnswer, type SdpAnswerReason } from '../../../../probes/sip/call/sdp.js';

/** What SIPp's built-in `uas` scenario answers (its 200 OK body with -mi 127.0.0.1 -mp 6000). */
const SIPP_ANSWER = [
  'v=0', 'o=user1 53655765 2353687637 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');

describe('sip test call: SDP offer/answer', () => {
  it('offers one sendrecv audio stream with both G.711 laws, the preferred first, ptime 20', () => {
    const offer = buildSdpOffer({ address: '127.0.0.1', port: 40002, codec: 'PCMA', sessionId: '42' });
    const lines = offer.split('\r\n');
    expect(lines[0]).to.equal('v=0');
    expect(lines).to.include.members(['o=vigie 42 42 IN IP4 127.0.0.1', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40002 RTP/AVP 8 0',
      'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendrecv']);
    expect(offer.endsWith('\r\n')).to.equal(true);
    expect(buildSdpOffer({ address: '::1', port: 5, codec: 'PCMU' })).to.include('c=IN IP6 ::1').and.include('m=audio 5 RTP/AVP 0 8');
    // Our own offer reads back as an answer.
    const back = parseSdpAnswer(offer);
    expect(back.ok && back.answer).to.deep.equal({ address: '127.0.0.1', port: 40002, codec: 'PCMA', payloadType: 8, direction: 'sendrecv', ptimeMs: 20 });
  });

  it("reads SIPp's built-in UAS answer", () => {
    const r = parseSdpAnswer(SIPP_ANSWER);
    expect(r.ok && r.answer).to.deep.equal({ address: '127.0.0.1', port: 6000, codec: 'PCMU', payloadType: 0, direction: 'sendrecv' });
  });

  it('tolerates LF-only lines and blanks; a media c= wins over the session c=; the first offered format is the codec', () => {
    const body = ['v=0', '', 'o=- 1 1 IN IP4 203.0.113.9', 's= ', 'c=IN IP4 203.0.113.9', 't=0 0', 'a=recvonly', 'm=video 5000 RTP/AVP 96', 'c=IN IP4 203.0.113.99',
      'm=audio 7078 RTP/AVP 18 8 0 101', 'c=IN IP4 127.0.0.5/127', 'a=rtpmap:18 G729/8000', 'a=rtpmap:101 telephone-event/8000', 'a=ptime:30', 'a=sendrecv', 'm=audio 9 RTP/AVP 0'].join('\n');
    const r = parseSdpAnswer(body);
    expect(r.ok && r.answer).to.deep.equal({ address: '127.0.0.5', port: 7078, codec: 'PCMA', payloadType: 8, direction: 'sendrecv', ptimeMs: 30 });
    // Session-level direction applies when the stream has none; a dynamic type named PCMU counts.
    const dyn = parseSdpAnswer('v=0\r\nc=IN IP6 ::1\r\na=sendonly\r\nm=audio 4000 RTP/AVP 97\r\na=rtpmap:97 pcmu/8000\r\n');
    expect(dyn.ok && dyn.answer).to.deep.equal({ address: '::1', port: 4000, codec: 'PCMU', payloadType: 97, direction: 'sendonly' });
    // Only what was offered: with PCMA alone offered, an answer listing 0 then 8 gives 8.
    const only = parseSdpAnswer('v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0 8\r\n', ['PCMA']);
    expect(only.ok && only.answer.codec).to.equal('PCMA');
    // A host name is allowed by RFC 4566.
    const fqdn = parseSdpAnswer('v=0\r\nc=IN IP4 media.example.net\r\nm=audio 4000 RTP/AVP 0\r\n');
    expect(fqdn.ok && fqdn.answer.address).to.equal('media.example.net');
  });

  const malformed: [string, string | undefined, SdpAnswerReason][] = [
    ['no body', undefined, 'no-sdp'],
    ['an empty body', '  \r\n', 'no-sdp'],
    ['an oversized body', `v=0\r\n${'a=x\r\n'.repeat(20_000)}`, 'too-large'],
    ['text that is not SDP', 'hello world', 'not-sdp'],
    ['no m=audio', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n', 'no-audio'],
    ['audio refused (port 0)', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n', 'audio-refused'],
    ['a port that is not a number', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio x RTP/AVP 0\r\n', 'bad-media-line'],
    ['a port over 65535', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 70000 RTP/AVP 0\r\n', 'bad-media-line'],
    ['an m= line with nothing after audio', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio\r\n', 'bad-media-line'],
    ['SRTP only', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/SAVP 0\r\n', 'unsupported-profile'],
    ['no c= anywhere', 'v=0\r\nm=audio 4000 RTP/AVP 0\r\n', 'no-connection'],
    ['a c= that is not IN IP4', 'v=0\r\nc=IN IP4 999.1.1.1\r\nm=audio 4000 RTP/AVP 0\r\n', 'bad-connection'],
    ['an IP4 c= holding an IPv6 address', 'v=0\r\nc=IN IP4 ::1\r\nm=audio 4000 RTP/AVP 0\r\n', 'bad-connection'],
    ['a c= with junk', 'v=0\r\nc=IN IP4 127.0.0.1 extra\r\nm=audio 4000 RTP/AVP 0\r\n', 'bad-connection'],
    ['no offered codec', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\n', 'no-common-codec'],
    ['a static type renamed', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 G722/8000\r\n', 'no-common-codec'],
  ];
  for (const [what, body, reason] of malformed) {
    it(`refuses ${what} with E_SDP_ANSWER (${reason})`, () => {
      const r = parseSdpAnswer(body);
      expect(r.ok).to.equal(false);
      if (r.ok) return;
      expect(isVigieError(r.error, 'E_SDP_ANSWER')).to.equal(true);
      expect(r.error.details).to.include({ reason });
      expect(r.error.message).to.match(/^unusable SDP answer: /);
    });
  }

  it('never throws on random or mangled bodies', () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'vocmta=INP46 /:.0123456789RTPAVG\r\n';
    for (let i = 0; i < 2000; i++) {
      const base = i % 2 === 0 ? SIPP_ANSWER : '';
      const cut = Math.floor(rnd() * base.length);
      const noise = Array.from({ length: Math.floor(rnd() * 80) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const r = parseSdpAnswer(base.slice(0, cut) + noise + base.slice(cut + Math.floor(rnd() * 10)));
      if (!r.ok) expect(isVigieError(r.error, 'E_SDP_ANSWER')).to.equal(true);
      else expect(r.answer.port).to.be.within(1, 65535);
    }
  });
});
