/**
 * `ConcurrencyLimiter` fairness and per-key restriction: a target with many queued requests
 * (a huge switch) or a dead one (restricted to one slot) does not hold up the others.
 */
import { expect } from 'chai';
import { Subject, type Subscription } from 'rxjs';
import { ConcurrencyLimiter } from '../../../../plugins/sdk/snmp/limiter.js';

/** Jobs whose completion the test controls. */
function harness(limiter: ConcurrencyLimiter) {
  const started: string[] = [];
  const gates = new Map<string, Subject<void>>();
  const subs: Subscription[] = [];
  const submit = (id: string, key: string) =>
    subs.push(
      limiter
        .run(key, () => {
          started.push(id);
          const g = new Subject<void>();
          gates.set(id, g);
          return g;
        })
        .subscribe({ error: () => undefined }),
    );
  const finish = (id: string) => gates.get(id)!.complete();
  return { started, submit, finish, stop: () => subs.forEach((s) => s.unsubscribe()) };
}

describe('ConcurrencyLimiter: fairness between targets', () => {
  it('serves keys in turn: one waiter of a small target passes a hundred of a big one', () => {
    const limiter = new ConcurrencyLimiter(2, 2);
    const h = harness(limiter);
    for (let i = 0; i < 100; i++) h.submit(`big${i}`, 'big');
    h.submit('small0', 'small');
    expect(h.started).to.deep.equal(['big0', 'big1']);
    h.finish('big0');
    expect(h.started.at(-1), 'the small target is next, not big2').to.equal('small0');
    h.finish('big1');
    expect(h.started.at(-1)).to.equal('big2');
    expect(limiter.waiting).to.equal(97);
    h.stop();
    expect(limiter.inFlight).to.equal(0);
    expect(limiter.waiting).to.equal(0);
  });

  it('a restricted key runs one work at a time; lifting the restriction starts its waiters', () => {
    const limiter = new ConcurrencyLimiter(8, 4);
    const h = harness(limiter);
    limiter.restrict('dead', 1);
    expect(limiter.capOf('dead')).to.equal(1);
    for (let i = 0; i < 4; i++) h.submit(`dead${i}`, 'dead');
    for (let i = 0; i < 4; i++) h.submit(`ok${i}`, 'ok');
    expect(h.started.filter((s) => s.startsWith('dead'))).to.deep.equal(['dead0']);
    expect(h.started.filter((s) => s.startsWith('ok'))).to.have.length(4);
    limiter.restrict('dead');
    expect(h.started.filter((s) => s.startsWith('dead'))).to.have.length(4);
    h.stop();
  });

  it('restrict never raises a cap above perKey', () => {
    const limiter = new ConcurrencyLimiter(8, 2);
    limiter.restrict('k', 50);
    expect(limiter.capOf('k')).to.equal(2);
    limiter.restrict('k', 0);
    expect(limiter.capOf('k')).to.equal(1);
  });
});
