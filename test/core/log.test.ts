import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, redactSecrets } from '../../core/log.js';

describe('logging', () => {
  it('redacts secrets at any depth and keeps the rest', () => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
    const log = createLogger({ level: 'info', pretty: false }, sink).child({ probe: 'snmp-system/sw1' });
    log.info({ target: { host: '127.0.0.1', community: 's3cret', v3: { user: 'u', authKey: 'authpass1', privKey: 'privpass1' } }, token: 'tok' }, 'polling');
    expect(out).to.not.match(/s3cret|authpass1|privpass1|"tok"/);
    expect(out).to.match(/"host":"127.0.0.1"/).and.match(/"user":"u"/).and.match(/<redacted>/);
  });

  it('redactSecrets copies an object with secret keys masked', () => {
    const src = { a: { Community: 'x', list: [{ password: 'p' }] }, keep: 1 };
    expect(redactSecrets(src)).to.deep.equal({ a: { Community: '<redacted>', list: [{ password: '<redacted>' }] }, keep: 1 });
    expect(src.a.Community).to.equal('x');
  });
});
