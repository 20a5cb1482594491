/**
 * The UDP engine against a real Kamailio (Debian package, started by the test on a free loopback
 * port, answering OPTIONS statelessly with `sl`): a 200 with an RTT through the engine's own
 * socket (Kamailio's reply carries a Via with a port, rport and received, which the engine must
 * accept); then Kamailio is stopped and the next OPTIONS is retransmitted and ends with
 * E_SIP_TIMEOUT (a short deadline keeps the test quick; Timer F itself is checked in virtual time).
 */
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { SipUdpEngine } from '../../../../probes/sip/engine/udp-engine.js';
import { startKamailioOrSkip, type KamailioHandle } from '../../../setup/kamailio.js';

describe('sip engine: UDP engine against a real Kamailio', function () {
  this.timeout(30_000);
  let kamailio: KamailioHandle | undefined;
  let engine: SipUdpEngine;

  before(async function () {
    kamailio = await startKamailioOrSkip(this);
    engine = new SipUdpEngine({ timers: { t1Ms: 100, t2Ms: 400 } });
  });
  after(async () => {
    await engine?.close();
    await kamailio?.stop();
  });

  it('gets 200 OK to OPTIONS with an RTT, then times out once Kamailio is stopped', async () => {
    const k = kamailio!;
    const target = { host: '127.0.0.1', port: k.port };
    const init = { method: 'OPTIONS', requestUri: `sip:ping@127.0.0.1:${k.port}` };
    const ok = await firstValueFrom(engine.request(target, init, { deadlineMs: 5000 }));
    expect(ok.response.statusCode).to.equal(200);
    expect(ok.response.message.getHeader('server') ?? ok.response.message.getHeader('user-agent') ?? '').to.match(/kamailio/i);
    expect(ok.rttMs).to.be.a('number').at.least(0).and.below(5000);
    const via = ok.response.message.getHeader('via') ?? '';
    expect(via).to.match(new RegExp(`:${engine.address()!.port};`));
    expect(via).to.match(/rport=\d+/);
    expect(engine.counters).to.include({ malformed: 0, unmatched: 0 });

    await k.stop();
    const sentBefore = engine.counters.sent;
    const retransmitsBefore = engine.counters.retransmits;
    const err = await firstValueFrom(engine.request(target, init, { deadlineMs: 800 })).then(
      () => new Error('expected a timeout, got a response'),
      (e: unknown) => e,
    );
    expect(isVigieError(err, 'E_SIP_TIMEOUT'), String(err)).to.equal(true);
    expect((err as { details: { timer: string } }).details.timer).to.equal('deadline');
    expect(engine.counters.sent - sentBefore).to.equal(1);
    // T1 = 100 ms: retransmits at 0.1, 0.3, 0.7 s before the 0.8 s deadline
    expect(engine.counters.retransmits - retransmitsBefore).to.be.within(2, 3);
    expect(engine.liveTransactions).to.equal(0);
  });
});
