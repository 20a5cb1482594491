/**
 * The pieces call tracking stands on: observed SIP messages (requests and responses through the
 * envelope scan, bad input as fixed reasons), the codec of an SDP, and the trunk map (addresses with and
 * without port, IPv6, IPv4-mapped, regex rules, configuration errors).
 */
import { expect } from 'chai';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { codecOfSdp } from '../../../../probes/sip/calls/sdp-codec.js';
import { parseObservedSip, type ObservedRequest } from '../../../../probes/sip/calls/sip-observed.js';
import { TrunkMap } from '../../../../probes/sip/calls/trunk-map.js';
import { sdp, sipRequest, sipResponse } from '../hep/encode.js';

function invite(uri = 'sip:+33123456@carrier.example', from = 'sip:pbx@192.0.2.10'): ObservedRequest {
  const r = parseObservedSip(sipRequest('INVITE', { callId: 'c@test', uri, from }));
  if (!r.ok || r.msg.type !== 'request') throw new Error('test INVITE does not parse');
  return r.msg;
}

describe('observed SIP messages', () => {
  it('parses requests and responses with what call tracking needs', () => {
    const req = parseObservedSip(sipRequest('INVITE', { callId: 'abc@test', cseq: 7, uri: 'sip:bob@198.51.100.7:5080', body: sdp(8) }));
    expect(req.ok).to.equal(true);
    if (!req.ok || req.msg.type !== 'request') return;
    expect(req.msg).to.include({ method: 'INVITE', callId: 'abc@test', cseq: 7, cseqMethod: 'INVITE', requestUri: 'sip:bob@198.51.100.7:5080', fromTag: 'caller-tag', to: 'sip:bob@198.51.100.7:5080', contentType: 'application/sdp' });
    expect(req.msg.toTag).to.equal(undefined);
    expect(codecOfSdp(req.msg.body)).to.deep.equal({ name: 'PCMA', clockRateHz: 8000 });

    const res = parseObservedSip(Buffer.from(sipResponse(486, 'Busy Here', 'INVITE', { callId: 'abc@test', cseq: 7, toTag: 'b' })));
    expect(res.ok).to.equal(true);
    if (!res.ok || res.msg.type !== 'response') return;
    expect(res.msg).to.include({ statusCode: 486, reason: 'Busy Here', cseqMethod: 'INVITE', cseq: 7, toTag: 'b' });
  });

  it('turns bad input into fixed reasons, never an exception', () => {
    const bad: [string | Buffer, string][] = [
      ['garbage', 'unparsable'],
      ['', 'unparsable'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'not-utf8'],
      ['SIP/2.0 200 OK\r\nCSeq: 1\r\n\r\n', 'missing-header'], // a CSeq without a method (and no Call-ID)
      ['INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n', 'missing-header'],
      ['SIP/2.0 999 Nope\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n', 'missing-header'],
    ];
    for (const [input, reason] of bad) expect(parseObservedSip(input), JSON.stringify(String(input))).to.deep.equal({ ok: false, reason });
  });
});

describe('SDP codec', () => {
  it('names the first audio payload by rtpmap, else by the RFC 3551 static table', () => {
    expect(codecOfSdp(sdp(0))).to.deep.equal({ name: 'PCMU', clockRateHz: 8000 });
    expect(codecOfSdp(sdp(9))).to.deep.equal({ name: 'G722', clockRateHz: 8000 });
    expect(codecOfSdp(sdp(111, 'opus/48000/2'))).to.deep.equal({ name: 'opus', clockRateHz: 48000 });
    expect(codecOfSdp(sdp(96))).to.equal(undefined); // dynamic without rtpmap
    expect(codecOfSdp('not sdp')).to.equal(undefined);
    expect(codecOfSdp(undefined)).to.equal(undefined);
  });
});

describe('trunk map', () => {
  const map = TrunkMap.compile([
    { name: 'gw-port', addresses: ['198.51.100.7:5080'] },
    { name: 'gw-any', addresses: ['198.51.100.7', '[2001:db8::7]:5060'] },
    { name: 'france', match: { requestUri: '^sip:\\+33', from: '@192\\.0\\.2\\.10$' } },
  ]);
  const anon = { address: '192.0.2.1', port: 5060 };

  it('matches addresses with and without port, on either end, IPv6 and IPv4-mapped included', () => {
    const hits = (ep: { address: string; port: number }): string[] => map.resolve(anon, ep, invite('sip:bob@x')).map((h) => h.trunk);
    expect(hits({ address: '198.51.100.7', port: 5080 })).to.deep.equal(['gw-port', 'gw-any']);
    expect(hits({ address: '198.51.100.7', port: 5060 })).to.deep.equal(['gw-any']);
    expect(hits({ address: '::ffff:198.51.100.7', port: 9999 })).to.deep.equal(['gw-any']);
    expect(hits({ address: '2001:DB8:0:0::7', port: 5060 })).to.deep.equal(['gw-any']); // compared in RFC 5952 form
    expect(hits({ address: '2001:db8::7', port: 5061 })).to.deep.equal([]);
    expect(map.resolve({ address: '2001:db8::7', port: 5060 }, anon, invite('sip:bob@x')).map((h) => h.anchor)).to.deep.equal(['[2001:db8::7]:5060']);
    expect(hits({ address: '198.51.100.8', port: 5080 })).to.deep.equal([]);
  });

  it('matches regex rules on the INVITE (all given must match), with an empty anchor', () => {
    expect(map.resolve(anon, anon, invite())).to.deep.equal([{ trunk: 'france', anchor: '' }]);
    expect(map.resolve(anon, anon, invite('sip:+4412@x'))).to.deep.equal([]);
    expect(map.resolve(anon, anon, invite('sip:+33123@x', 'sip:other@192.0.2.99'))).to.deep.equal([]);
  });

  it('rejects malformed addresses, regexes, duplicates and empty trunks with E_CONFIG', () => {
    for (const rules of [
      [{ name: 'a', addresses: ['carrier.example'] }],
      [{ name: 'a', addresses: ['198.51.100.7:70000'] }],
      [{ name: 'a', match: { requestUri: '(' } }],
      [{ name: 'a', addresses: ['198.51.100.7'] }, { name: 'a', addresses: ['198.51.100.8'] }],
      [{ name: 'a' }],
    ]) {
      let err: unknown;
      try {
        TrunkMap.compile(rules);
      } catch (e) {
        err = e;
      }
      expect(isVigieError(err, 'E_CONFIG'), JSON.stringify(rules)).to.equal(true);
    }
  });
});
