/** BoundedQueue against a plain-array model, over random push/take/giveBack sequences. */
import { expect } from 'chai';
import { BoundedQueue } from '../../../core/util/bounded-queue.js';
import { rng } from '../store/contract-helpers.js';

describe('BoundedQueue', () => {
  it('behaves like an array that drops its oldest items past the capacity', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const capacity = 50 + Math.floor(r() * 2000);
      const q = new BoundedQueue<number>(capacity);
      let model: number[] = [];
      let dropped = 0;
      let next = 0;
      for (let step = 0; step < 1500; step++) {
        const op = r();
        const push = (n: number) => {
          for (let i = 0; i < n; i++) {
            q.push(next);
            model.push(next++);
            if (model.length > capacity) { model.shift(); dropped++; }
          }
        };
        if (op < 0.6) {
          push(Math.floor(r() * 300));
        } else {
          const n = Math.floor(r() * 400);
          const taken = q.take(n);
          expect(taken, `seed ${seed} step ${step}`).to.deep.equal(model.slice(0, n));
          model = model.slice(taken.length);
          if (r() < 0.5) {
            push(Math.floor(r() * 300)); // items arriving while the batch was out
            q.giveBack(taken);
            const merged = [...taken, ...model];
            const excess = Math.max(0, merged.length - capacity);
            dropped += excess;
            model = merged.slice(excess);
          }
        }
        expect(q.length).to.equal(model.length);
        expect(q.dropped).to.equal(dropped);
      }
      expect(q.take(Number.MAX_SAFE_INTEGER)).to.deep.equal(model);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).to.throw(RangeError);
    expect(() => new BoundedQueue(1.5)).to.throw(RangeError);
  });
});
