import { expect } from 'chai';
import { Subject } from 'rxjs';
import { whileRetained } from '../../../../probes/sip/engine/requester.js';
import { RetainCounted, SharedEngines } from '../../../../probes/sip/engine/shared-engines.js';
import { closeSharedUdpEngines, sharedUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';

class FakeEngine extends RetainCounted {
  closed = 0;
  async close(): Promise<void> {
    this.closed++;
  }
}

describe('sip engine: shared engines', () => {
  after(() => closeSharedUdpEngines());

  it('gives one engine per key, closes and forgets it when the last probe using it stops', () => {
    const pool = new SharedEngines<FakeEngine>();
    const a = pool.get('127.0.0.1', () => new FakeEngine());
    expect(pool.get('127.0.0.1', () => new FakeEngine())).to.equal(a);
    const stops = [new Subject<void>(), new Subject<void>()];
    const subs = stops.map((s) => whileRetained(a, () => s).subscribe());
    subs[0].unsubscribe();
    expect(a.closed, 'one probe still uses it').to.equal(0);
    subs[1].unsubscribe();
    expect(a.closed, 'the last one stopped').to.equal(1);
    expect(pool.get('127.0.0.1', () => new FakeEngine()), 'a later probe gets a fresh engine').to.not.equal(a);
  });

  it('a release is counted once, and an engine never retained lives until closeAll', async () => {
    const pool = new SharedEngines<FakeEngine>();
    const a = pool.get('k', () => new FakeEngine());
    const r1 = a.retain();
    a.retain();
    r1();
    r1();
    expect(a.closed).to.equal(0);
    const b = pool.get('other', () => new FakeEngine());
    await pool.closeAll();
    expect([a.closed, b.closed]).to.deep.equal([1, 1]);
  });

  it('the shared UDP engine frees its socket when the last probe stops', async () => {
    const engine = sharedUdpEngine({ localAddress: '127.0.0.1', localPort: 0 });
    const sub = whileRetained(engine, () => engine.request({ host: '127.0.0.1', port: 9 }, { method: 'OPTIONS', requestUri: 'sip:127.0.0.1:9' }, { deadlineMs: 5000 })).subscribe({ error: () => undefined });
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.address(), 'bound while in use').to.not.equal(undefined);
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.address(), 'socket closed').to.equal(undefined);
    expect(sharedUdpEngine({ localAddress: '127.0.0.1', localPort: 0 })).to.not.equal(engine);
  });
});
