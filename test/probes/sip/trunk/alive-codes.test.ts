import { expect } from 'chai';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { parseAliveCodes } from '../../../../probes/sip/alive-codes.js';
import { sipUriHostPort } from '../../../../probes/sip/trunk-schema.js';

describe('sip-trunk: aliveCodes and URI parsing', () => {
  it('parses classes and codes as Kamailio ds_ping_reply_codes does', () => {
    const a = parseAliveCodes('class=2;code=404; code=501 ;');
    expect([...a.classes]).to.deep.equal([2]);
    expect([...a.codes].sort()).to.deep.equal([404, 501]);
    expect([200, 202, 299, 404, 501].map(a.matches)).to.deep.equal([true, true, true, true, true]);
    expect([100, 403, 500, 503, 302].map(a.matches)).to.deep.equal([false, false, false, false, false]);
  });

  it('the default class=2 accepts only 2xx', () => {
    const a = parseAliveCodes('class=2');
    expect(a.matches(200)).to.equal(true);
    expect(a.matches(404)).to.equal(false);
  });

  for (const bad of ['', 'class=7', 'code=99', 'code=700', 'klass=2', 'class=2;code=abc', 'class=2,code=404']) {
    it(`rejects ${JSON.stringify(bad)} with E_CONFIG`, () => {
      let err: unknown;
      try {
        parseAliveCodes(bad);
      } catch (e) {
        err = e;
      }
      expect(isVigieError(err, 'E_CONFIG'), String(err)).to.equal(true);
    });
  }

  it('takes host and port from sip: URIs (5060 by default)', () => {
    expect(sipUriHostPort('sip:127.0.0.1:15060')).to.deep.equal({ host: '127.0.0.1', port: 15060 });
    expect(sipUriHostPort('sip:ping@127.0.0.2;transport=udp')).to.deep.equal({ host: '127.0.0.2', port: 5060 });
    expect(sipUriHostPort('sip:[::1]:5070')).to.deep.equal({ host: '::1', port: 5070 });
    expect(() => sipUriHostPort('http://127.0.0.1')).to.throw(/sip:HOST/);
    expect(() => sipUriHostPort('sip:127.0.0.1:70000')).to.throw(/sip:HOST/);
  });
});
