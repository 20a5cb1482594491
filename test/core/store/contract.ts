/**
 * The store contract: every adapter (embedded, later mongodb) runs this same mocha suite.
 *
 * `open` gives a fresh, empty store; `reopen` (optional, but needed for the durability test)
 * opens a new store on the same data once the previous one is closed; `cleanup` closes whatever
 * is still open and removes the data. Expected results are computed here from the written data.
 */
import { expect } from 'chai';
import type { Sample, Store } from '../../../core/store/port.js';
import {
  EVENT_ENTITIES, baseTime, expectRejects, expectSeriesEqual, expectedEvents, expectedSeries,
  makeEvents, makeSamples, sampleTopology,
} from './contract-helpers.js';

export interface OpenedStore {
  store: Store;
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

const MIN = 60_000;

export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, function () {
    this.timeout(60_000);
    let opened: OpenedStore;
    let store: Store;
    let base: number;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      base = baseTime();
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    describe('samples', () => {
      it('downsamples across buckets (avg/min/max/count) per entity and metric', async () => {
        const written = [
          ...makeSamples('port:sw1/Gi1/0/1', 'if.in.bps', base, 30 * MIN, 900, 1),
          ...makeSamples('port:sw1/Gi1/0/1', 'if.out.bps', base, 30 * MIN, 500, 2),
          ...makeSamples('port:sw1/Gi1/0/2', 'if.in.bps', base, 30 * MIN, 700, 3),
        ];
        await store.writeSamples(written.slice(0, 1000));
        await store.writeSamples(written.slice(1000));
        for (const [entity, metric] of [['port:sw1/Gi1/0/1', 'if.in.bps'], ['port:sw1/Gi1/0/1', 'if.out.bps'], ['port:sw1/Gi1/0/2', 'if.in.bps']] as const) {
          for (const step of [MIN, 5 * MIN, 7_000]) {
            const points = await store.querySeries(entity, metric, base, base + 30 * MIN, step);
            expect(points.length, `${entity} ${metric} step ${step}`).to.be.greaterThan(1);
            expectSeriesEqual(points, expectedSeries(written, entity, metric, base, base + 30 * MIN, step));
          }
        }
      });

      it('covers from <= at < to, with buckets aligned on floor(at / step) * step', async () => {
        const from = base + 90_000; // mid-bucket for a 1-minute step
        const to = base + 5 * MIN;
        const written: Sample[] = [
          { entity: 'node:r1', metric: 'cpu.pct', at: from - 1, value: 1000 },
          { entity: 'node:r1', metric: 'cpu.pct', at: from, value: 10 },
          { entity: 'node:r1', metric: 'cpu.pct', at: base + 2 * MIN, value: 20 }, // exactly on a boundary
          { entity: 'node:r1', metric: 'cpu.pct', at: base + 2 * MIN - 1, value: 30 },
          { entity: 'node:r1', metric: 'cpu.pct', at: to - 1, value: 40 },
          { entity: 'node:r1', metric: 'cpu.pct', at: to, value: 2000 },
        ];
        await store.writeSamples(written);
        const points = await store.querySeries('node:r1', 'cpu.pct', from, to, MIN);
        expectSeriesEqual(points, expectedSeries(written, 'node:r1', 'cpu.pct', from, to, MIN));
        expect(points[0]?.t, 'first bucket starts before from').to.equal(base + MIN);
        expect(points.map((p) => p.max)).to.not.include(1000).and.not.include(2000);
        expect(points.reduce((n, p) => n + p.count, 0)).to.equal(4);
      });

      it('returns [] for empty ranges and unknown series', async () => {
        await store.writeSamples(makeSamples('node:r1', 'cpu.pct', base, 10 * MIN, 50, 4));
        expect(await store.querySeries('node:r1', 'cpu.pct', base - 20 * MIN, base - 10 * MIN, MIN)).to.deep.equal([]);
        expect(await store.querySeries('node:r1', 'cpu.pct', base + 5 * MIN, base + 5 * MIN, MIN), 'from = to').to.deep.equal([]);
        expect(await store.querySeries('node:r1', 'cpu.pct', base + 9 * MIN, base, MIN), 'from > to').to.deep.equal([]);
        expect(await store.querySeries('node:r1', 'mem.pct', base, base + 10 * MIN, MIN), 'other metric').to.deep.equal([]);
        expect(await store.querySeries('node:nope', 'cpu.pct', base, base + 10 * MIN, MIN), 'other entity').to.deep.equal([]);
      });

      it('handles step edge cases: 1 ms, one bucket for everything, invalid steps', async () => {
        const written = makeSamples('node:r1', 'cpu.pct', base, 200, 400, 5); // many share a millisecond
        await store.writeSamples(written);
        const fine = await store.querySeries('node:r1', 'cpu.pct', base, base + 200, 1);
        expectSeriesEqual(fine, expectedSeries(written, 'node:r1', 'cpu.pct', base, base + 200, 1));
        expect(fine.some((p) => p.count > 1), 'duplicate milliseconds are counted').to.equal(true);
        const day = 24 * 3600 * 1000;
        const whole = await store.querySeries('node:r1', 'cpu.pct', base - day, base + day, 100 * day);
        expectSeriesEqual(whole, expectedSeries(written, 'node:r1', 'cpu.pct', base - day, base + day, 100 * day));
        expect(whole).to.have.length(1);
        expect(whole[0]?.count).to.equal(written.length);
        for (const step of [0, -MIN, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectRejects(store.querySeries('node:r1', 'cpu.pct', base, base + MIN, step), 'E_STORE', `step ${step}`);
        }
      });

      it('lists the metrics of an entity, sorted', async () => {
        expect(await store.metrics('port:sw1/Gi1/0/1')).to.deep.equal([]);
        await store.writeSamples([
          ...makeSamples('port:sw1/Gi1/0/1', 'if.out.bps', base, MIN, 3, 6),
          ...makeSamples('port:sw1/Gi1/0/1', 'if.in.bps', base, MIN, 3, 7),
          ...makeSamples('port:sw1/Gi1/0/1', 'if.errors', base, MIN, 3, 8),
          ...makeSamples('port:sw1/Gi1/0/2', 'if.discards', base, MIN, 3, 9),
        ]);
        expect(await store.metrics('port:sw1/Gi1/0/1')).to.deep.equal(['if.errors', 'if.in.bps', 'if.out.bps']);
        expect(await store.metrics('port:sw1/Gi1/0/2')).to.deep.equal(['if.discards']);
        expect(await store.metrics('port:sw1/Gi1/0')).to.deep.equal([]);
      });

      it('writes a large batch (50,000 samples) in one call', async () => {
        const metrics = ['a', 'b', 'c', 'd', 'e'];
        const written = metrics.flatMap((m, i) => makeSamples('node:big', `big.${m}`, base, 60 * MIN, 10_000, 100 + i));
        expect(written).to.have.length(50_000);
        await store.writeSamples(written);
        expect(await store.metrics('node:big')).to.deep.equal(metrics.map((m) => `big.${m}`));
        for (const m of metrics) {
          const all = await store.querySeries('node:big', `big.${m}`, base, base + 60 * MIN, 60 * MIN);
          expect(all.reduce((n, p) => n + p.count, 0), `count of big.${m}`).to.equal(10_000);
        }
        const points = await store.querySeries('node:big', 'big.c', base, base + 60 * MIN, MIN);
        expectSeriesEqual(points, expectedSeries(written, 'node:big', 'big.c', base, base + 60 * MIN, MIN));
      });

      it('rejects an invalid batch with E_STORE and stores none of it', async () => {
        const batch = makeSamples('node:bad', 'x', base, MIN, 10, 10);
        batch.push({ entity: 'node:bad', metric: 'x', at: base, value: Number.NaN });
        await expectRejects(store.writeSamples(batch), 'E_STORE', 'a batch with a NaN value');
        expect(await store.metrics('node:bad')).to.deep.equal([]);
        await store.writeSamples([]);
      });
    });

    describe('events', () => {
      it('returns the newest first, with filters on entity, prefix, type, severity and time', async () => {
        const written = makeEvents(base, 400, 11);
        await store.writeEvents(written.slice(0, 150));
        await store.writeEvents(written.slice(150));
        const filters = [
          { limit: 1000 },
          {},
          { entity: 'port:sw1/Gi1/0/1', limit: 1000 },
          { entityPrefix: 'port:sw1/', limit: 1000 },
          { entityPrefix: 'port:sw1', limit: 1000 },
          { type: 'reboot', limit: 1000 },
          { severity: 'major' as const, limit: 1000 },
          { from: base + 50_000, to: base + 120_000 },
          { from: base + 300_000, limit: 1000 },
          { to: base + 20_000 },
          { entityPrefix: 'port:', type: 'linkDown', severity: 'minor' as const, from: base + 10_000, to: base + 350_000, limit: 7 },
          { entity: 'node:nope' },
        ];
        for (const f of filters) {
          const got = await store.events(f);
          const want = expectedEvents(written, f);
          expect(got.map((e) => e.id), JSON.stringify(f)).to.deep.equal(want.map((e) => e.id));
        }
        const prefixed = await store.events({ entityPrefix: 'port:sw1/', limit: 1000 });
        expect(prefixed.length).to.be.greaterThan(0);
        expect(prefixed.every((e) => e.entity.startsWith('port:sw1/')), 'prefix excludes port:sw10/').to.equal(true);
        expect(EVENT_ENTITIES.every((id) => written.some((e) => e.entity === id)), 'data covers every entity').to.equal(true);
      });

      it('defaults the limit to 100 and caps it at 10,000', async () => {
        const written = makeEvents(base, 10_050, 12);
        await store.writeEvents(written);
        const defaulted = await store.events({});
        expect(defaulted).to.have.length(100);
        expect(defaulted[0]?.at).to.equal(Math.max(...written.map((e) => e.at)));
        expect(await store.events({ limit: 5 })).to.have.length(5);
        expect(await store.events({ limit: 20_000 })).to.have.length(10_000);
      });

      it('round-trips every field, assigns ids and stores a re-written id once', async () => {
        const full = {
          id: 'ev-full', at: base + 5, entity: 'trunk:carrier-a', type: 'sip-options-failed', severity: 'critical' as const,
          message: 'no answer after 2000 ms', source: 'sip-trunk/carrier-a', data: { code: 408, tries: [1, 2], nested: { ok: false } },
        };
        const bare = { at: base + 6, entity: 'node:sw1', type: 'reboot', severity: 'info' as const, message: 'coldStart' };
        await store.writeEvents([full, bare, { ...bare, at: base + 7 }]);
        await store.writeEvents([full]);
        const got = await store.events({ limit: 10 });
        expect(got).to.have.length(3);
        expect(got[2]).to.deep.equal(full);
        const assigned = got.slice(0, 2).map((e) => e.id);
        expect(assigned.every((id) => typeof id === 'string' && id.length > 0)).to.equal(true);
        expect(new Set(assigned).size).to.equal(2);
        const { id: _id, ...rest } = got[1] as typeof bare & { id: string };
        expect(rest).to.deep.equal(bare);
      });

      it('rejects an invalid event batch with E_STORE and stores none of it', async () => {
        const good = makeEvents(base, 3, 13);
        const bad = { ...good[0], id: 'bad', severity: 'apocalyptic' } as unknown as (typeof good)[number];
        await expectRejects(store.writeEvents([...good, bad]), 'E_STORE', 'an unknown severity');
        expect(await store.events({})).to.deep.equal([]);
      });
    });

    describe('map layouts', () => {
      it('merges positions per site: set, overwrite, remove with null; other sites untouched', async () => {
        expect(await store.layouts()).to.deep.equal({});
        await store.saveLayout('paris', { 'node:sw-01': { x: 10, y: -20.5 }, 'node:sw-02': { x: 0, y: 0 } });
        await store.saveLayout('lyon', { 'node:r1': { x: 1e6, y: -1e6 } });
        await store.saveLayout('paris', { 'node:sw-02': { x: 3.25, y: 4 }, 'node:sw-03': { x: -1, y: 2 } });
        expect(await store.layouts()).to.deep.equal({
          paris: { 'node:sw-01': { x: 10, y: -20.5 }, 'node:sw-02': { x: 3.25, y: 4 }, 'node:sw-03': { x: -1, y: 2 } },
          lyon: { 'node:r1': { x: 1e6, y: -1e6 } },
        });
        await store.saveLayout('lyon', { 'node:r1': null, 'node:never-saved': null });
        await store.saveLayout('paris', {});
        expect(await store.layouts(), 'a site with no position left is absent').to.deep.equal({
          paris: { 'node:sw-01': { x: 10, y: -20.5 }, 'node:sw-02': { x: 3.25, y: 4 }, 'node:sw-03': { x: -1, y: 2 } },
        });
      });

      it('keeps odd site and node names as plain keys (unicode, `__proto__`, separators)', async () => {
        await store.saveLayout('__proto__', { 'node:a': { x: 1, y: 2 } });
        // as JSON.parse gives it from a request body: an own `__proto__` key (a literal would set the prototype)
        await store.saveLayout('Bâtiment A / étage 2', JSON.parse('{"__proto__":{"x":3,"y":4},"node:x/y:z":{"x":5,"y":6}}'));
        const all = await store.layouts();
        expect(Object.keys(all).sort()).to.deep.equal(['Bâtiment A / étage 2', '__proto__']);
        expect(Object.getPrototypeOf(all)).to.equal(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(all, '__proto__')?.value).to.deep.equal({ 'node:a': { x: 1, y: 2 } });
        const site = all['Bâtiment A / étage 2'];
        expect(Object.keys(site).sort()).to.deep.equal(['__proto__', 'node:x/y:z']);
        expect(Object.getOwnPropertyDescriptor(site, '__proto__')?.value).to.deep.equal({ x: 3, y: 4 });
      });

      it('rejects a malformed layout with E_STORE and stores none of it', async () => {
        await store.saveLayout('paris', { 'node:a': { x: 1, y: 1 } });
        const bad: [string, unknown][] = [
          ['', { 'node:a': { x: 2, y: 2 } }],
          ['paris', { 'node:a': { x: 2, y: 2 }, 'node:b': { x: NaN, y: 0 } }],
          ['paris', { 'node:a': { x: 2, y: 2 }, 'node:b': { x: 0, y: Infinity } }],
          ['paris', { 'node:a': { x: 2, y: 2 }, 'node:b': { x: '1', y: 0 } }],
          ['paris', { 'node:a': { x: 2, y: 2 }, '': { x: 0, y: 0 } }],
          ['paris', { 'node:a': { x: 2, y: 2 }, 'node:b': 7 }],
          ['paris', null],
        ];
        for (const [site, positions] of bad) await expectRejects(store.saveLayout(site, positions as never), 'E_STORE', JSON.stringify([site, positions]));
        expect(await store.layouts()).to.deep.equal({ paris: { 'node:a': { x: 1, y: 1 } } });
      });

      it('saves a 2,000-node site in one call', async () => {
        const positions = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`node:n${i}`, { x: i * 1.5, y: -i }]));
        await store.saveLayout('big', positions);
        const saved = (await store.layouts()).big;
        expect(Object.keys(saved)).to.have.length(2000);
        expect(saved['node:n1999']).to.deep.equal({ x: 1999 * 1.5, y: -1999 });
      });
    });

    describe('topology, retention, durability, closing', () => {
      it('saves and loads the topology snapshot (the last save wins)', async () => {
        expect(await store.loadTopology()).to.equal(undefined);
        await store.saveTopology(sampleTopology(1));
        expect(await store.loadTopology()).to.deep.equal(sampleTopology(1));
        await store.saveTopology(sampleTopology(2));
        expect(await store.loadTopology()).to.deep.equal(sampleTopology(2));
      });

      it('prunes samples and events older than a time, and reports how many went', async () => {
        const samples = [
          ...makeSamples('node:r1', 'old.only', base, 10 * MIN, 40, 20),
          ...makeSamples('node:r1', 'cpu.pct', base, 60 * MIN, 300, 21),
        ];
        const events = makeEvents(base, 100, 22);
        await store.writeSamples(samples);
        await store.writeEvents(events);
        const cut = base + 30 * MIN;
        const wantGone = samples.filter((s) => s.at < cut).length + events.filter((e) => e.at < cut).length;
        expect(wantGone).to.be.greaterThan(0);
        await store.saveLayout('paris', { 'node:r1': { x: 1, y: 2 } });
        expect(await store.prune(cut)).to.equal(wantGone);
        expect(await store.layouts(), 'layouts are never pruned').to.deep.equal({ paris: { 'node:r1': { x: 1, y: 2 } } });
        const kept = samples.filter((s) => s.at >= cut);
        expectSeriesEqual(await store.querySeries('node:r1', 'cpu.pct', base, base + 60 * MIN, MIN), expectedSeries(kept, 'node:r1', 'cpu.pct', base, base + 60 * MIN, MIN));
        expect(await store.metrics('node:r1')).to.deep.equal(['cpu.pct']);
        expect((await store.events({ limit: 1000 })).map((e) => e.id)).to.deep.equal(expectedEvents(events.filter((e) => e.at >= cut), { limit: 1000 }).map((e) => e.id));
        expect(await store.prune(cut), 'nothing left to prune').to.equal(0);
      });

      it('keeps everything across a close and reopen', async function () {
        if (!opened.reopen) {
          console.warn(`store contract ${name}: no reopen(), durability not tested`);
          this.skip();
        }
        const samples = makeSamples('node:r1', 'cpu.pct', base, 10 * MIN, 500, 30);
        const events = makeEvents(base, 50, 31);
        await store.writeSamples(samples);
        await store.writeEvents(events);
        await store.saveTopology(sampleTopology(7));
        await store.saveLayout('paris', { 'node:sw-01': { x: 1.5, y: -2 } });
        await store.close();
        const again = await opened.reopen!();
        expectSeriesEqual(await again.querySeries('node:r1', 'cpu.pct', base, base + 10 * MIN, MIN), expectedSeries(samples, 'node:r1', 'cpu.pct', base, base + 10 * MIN, MIN));
        expect((await again.events({ limit: 100 })).map((e) => e.id)).to.deep.equal(expectedEvents(events, { limit: 100 }).map((e) => e.id));
        expect(await again.loadTopology()).to.deep.equal(sampleTopology(7));
        expect(await again.layouts()).to.deep.equal({ paris: { 'node:sw-01': { x: 1.5, y: -2 } } });
      });

      it('rejects every operation with E_STORE_CLOSED after close (close itself is idempotent)', async () => {
        await store.writeSamples(makeSamples('node:r1', 'cpu.pct', base, MIN, 5, 40));
        await store.close();
        await store.close();
        const ops: [string, () => Promise<unknown>][] = [
          ['writeSamples', () => store.writeSamples(makeSamples('node:r1', 'cpu.pct', base, MIN, 5, 41))],
          ['querySeries', () => store.querySeries('node:r1', 'cpu.pct', base, base + MIN, MIN)],
          ['metrics', () => store.metrics('node:r1')],
          ['writeEvents', () => store.writeEvents(makeEvents(base, 2, 42))],
          ['events', () => store.events({})],
          ['saveTopology', () => store.saveTopology(sampleTopology(1))],
          ['loadTopology', () => store.loadTopology()],
          ['layouts', () => store.layouts()],
          ['saveLayout', () => store.saveLayout('paris', { 'node:a': { x: 1, y: 1 } })],
          ['prune', () => store.prune(base)],
        ];
        for (const [op, call] of ops) await expectRejects(call(), 'E_STORE_CLOSED', op);
      });
    });
  });
}
