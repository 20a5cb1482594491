/**
 * Choosing the transport of a trunk (`transport:` or `;transport=` in the URI), the schema of the
 * `register:` block, and the `sip` plugin's engine choice: a `;transport=tcp` trunk's OPTIONS
 * reach a TCP peer with Via SIP/2.0/TCP through the shared TCP engine.
 */
import { expect } from 'chai';
import net from 'node:net';
import { Value } from '@sinclair/typebox/value';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { runProbe } from '../../../../plugins/sdk/testkit/index.js';
import sipPlugin from '../../../../probes/sip/index.js';
import { closeSharedTcpEngines } from '../../../../probes/sip/engine/tcp-engine.js';
import { SipTrunkTargetSchema, trunkTransport, type SipTrunkTarget } from '../../../../probes/sip/trunk-schema.js';

function configError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('sip-trunk: transport and register configuration', () => {
  it('takes the transport from the key, else the URI parameter, else udp', () => {
    expect(trunkTransport({ uri: 'sip:127.0.0.1:5060' })).to.equal('udp');
    expect(trunkTransport({ uri: 'sip:127.0.0.1:5060;transport=TCP' })).to.equal('tcp');
    expect(trunkTransport({ uri: 'sip:127.0.0.1;lr;transport=udp' })).to.equal('udp');
    expect(trunkTransport({ uri: 'sip:127.0.0.1', transport: 'tcp' })).to.equal('tcp');
    expect(trunkTransport({ uri: 'sip:127.0.0.1;transport=tcp', transport: 'tcp' })).to.equal('tcp');
  });

  it('refuses an unsupported or contradicting transport with E_CONFIG', () => {
    expect(isVigieError(configError(() => trunkTransport({ uri: 'sip:127.0.0.1;transport=tls' })), 'E_CONFIG')).to.equal(true);
    const e = configError(() => trunkTransport({ uri: 'sip:127.0.0.1;transport=tcp', transport: 'udp' }));
    expect(isVigieError(e, 'E_CONFIG')).to.equal(true);
    expect(String(e)).to.match(/contradicts/);
  });

  it('validates register: with expires defaulting to 300', () => {
    const base = { uri: 'sip:127.0.0.1' };
    const withDefaults = (t: object) => Value.Default(SipTrunkTargetSchema, structuredClone(t)) as SipTrunkTarget;
    const ok = withDefaults({ ...base, register: { user: 'alice', password: 'x y "z"' } });
    expect(Value.Check(SipTrunkTargetSchema, ok)).to.equal(true);
    expect(ok.register!.expires).to.equal(300);
    for (const bad of [
      { user: 'al ice', password: 'p' }, { user: 'a@b', password: 'p' }, { user: 'a', password: '' }, { user: 'a', password: 'p', expires: 0 },
      { user: 'a', password: 'p', domain: 'bad domain' }, { user: 'a', password: 'p', secret: 1 },
    ]) {
      expect(Value.Check(SipTrunkTargetSchema, withDefaults({ ...base, register: bad })), JSON.stringify(bad)).to.equal(false);
    }
    expect(Value.Check(SipTrunkTargetSchema, withDefaults({ ...base, transport: 'tls' }))).to.equal(false);
  });
});

describe('sip plugin: engine choice by transport', () => {
  let server: net.Server;
  let port: number;
  const received: string[] = [];
  before(async () => {
    server = net.createServer((sock) => {
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        received.push(d.toString());
        sock.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await closeSharedTcpEngines();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends a ;transport=tcp trunk\'s OPTIONS over TCP', async () => {
    const kind = sipPlugin.probes['sip-trunk'];
    const run = runProbe(kind, { uri: `sip:127.0.0.1:${port};transport=tcp`, timeoutMs: 500 } as SipTrunkTarget);
    run.advance(0);
    const end = Date.now() + 5000;
    while (received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    run.stop();
    expect(received[0]).to.match(/^OPTIONS sip:127\.0\.0\.1:\d+;transport=tcp SIP\/2\.0\r\nVia: SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;/);
    expect(run.errors).to.deep.equal([]);
  });

  it('fails an instance whose transport is unsupported through the observable', () => {
    const run = runProbe(sipPlugin.probes['sip-trunk'], { uri: 'sip:127.0.0.1;transport=sctp' } as SipTrunkTarget);
    run.advance(0);
    expect(isVigieError(run.errors[0], 'E_CONFIG'), String(run.errors[0])).to.equal(true);
  });
});
