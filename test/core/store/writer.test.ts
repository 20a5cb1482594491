/**
 * StoreWriter in virtual time: interval and batch-size flushes, bounded queues that drop the
 * oldest, retries after a failing store without loss, flush() at shutdown, close().
 */
import { expect } from 'chai';
import type { Logger } from 'pino';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import type { Sample, Store, StoredEvent } from '../../../core/store/port.js';
import { StoreWriter, type StoreWriterOptions } from '../../../core/store/writer.js';

/** Records every batch it is given; the read side is not used by the writer. */
class RecordingStore implements Store {
  readonly name = 'recording';
  sampleBatches: Sample[][] = [];
  eventBatches: StoredEvent[][] = [];
  async writeSamples(samples: Sample[]): Promise<void> { this.sampleBatches.push([...samples]); }
  async writeEvents(events: StoredEvent[]): Promise<void> { this.eventBatches.push([...events]); }
  get samples(): Sample[] { return this.sampleBatches.flat(); }
  get written(): StoredEvent[] { return this.eventBatches.flat(); }
  querySeries(): never { throw new Error('not used'); }
  metrics(): never { throw new Error('not used'); }
  events(): never { throw new Error('not used'); }
  saveTopology(): never { throw new Error('not used'); }
  loadTopology(): never { throw new Error('not used'); }
  layouts(): never { throw new Error('not used'); }
  saveLayout(): never { throw new Error('not used'); }
  prune(): never { throw new Error('not used'); }
  async close(): Promise<void> {}
}

/** Fails its next `failures` writes (samples or events), then delegates. */
class FailingStore extends RecordingStore {
  attempts = 0;
  constructor(public failures: number) { super(); }
  override async writeSamples(samples: Sample[]): Promise<void> { this.maybeFail(); return super.writeSamples(samples); }
  override async writeEvents(events: StoredEvent[]): Promise<void> { this.maybeFail(); return super.writeEvents(events); }
  private maybeFail(): void {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new VigieError('E_STORE', 'disk on fire');
    }
  }
}

function fakeLog(): Logger & { warns: string[] } {
  const warns: string[] = [];
  return { warns, warn: (_o: unknown, msg: string) => { warns.push(msg); }, info: () => {} } as unknown as Logger & { warns: string[] };
}

const sample = (i: number): Sample => ({ entity: 'node:r1', metric: 'cpu.pct', at: 1_000 + i, value: i });
const event = (i: number): StoredEvent => ({ at: 1_000 + i, entity: 'node:r1', type: 'reboot', severity: 'info', message: `e${i}` });
const settle = () => new Promise<void>((done) => setImmediate(done));

describe('StoreWriter', () => {
  let scheduler: VirtualTimeScheduler;
  let writer: StoreWriter | undefined;
  /** Advances virtual time in 100 ms steps, letting the store's promises settle at each step. */
  async function advance(ms: number): Promise<void> {
    const target = scheduler.maxFrames + ms;
    while (scheduler.maxFrames < target) {
      scheduler.maxFrames = Math.min(target, scheduler.maxFrames + 100);
      scheduler.flush();
      await settle();
    }
  }
  function make(store: Store, options: StoreWriterOptions = {}): StoreWriter {
    writer = new StoreWriter(store, { scheduler, flushIntervalMs: 1000, batchSize: 100, ...options });
    return writer;
  }
  beforeEach(() => {
    scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  });
  afterEach(() => {
    writer?.close();
    writer = undefined;
  });

  it('writes on every interval, oldest first, and reports latency', async () => {
    const store = new RecordingStore();
    let clock = 0;
    const latencies: number[] = [];
    const w = make(store, { clock: () => (clock += 5), onWriteLatency: (s) => latencies.push(s) });
    for (let i = 0; i < 10; i++) w.pushSample(sample(i));
    for (let i = 0; i < 3; i++) w.pushEvent(event(i));
    await advance(999);
    expect(store.sampleBatches, 'nothing before the first tick').to.have.length(0);
    expect(w.stats()).to.include({ queuedSamples: 10, queuedEvents: 3, written: 0 });
    await advance(1);
    expect(store.samples.map((s) => s.value)).to.deep.equal([...Array(10).keys()]);
    expect(store.written.map((e) => e.message)).to.deep.equal(['e0', 'e1', 'e2']);
    expect(w.stats()).to.deep.equal({ queuedSamples: 0, queuedEvents: 0, droppedSamples: 0, droppedEvents: 0, written: 13, failures: 0 });
    expect(latencies).to.deep.equal([0.005, 0.005]);
    w.pushSample(sample(10));
    await advance(1000);
    expect(store.sampleBatches).to.have.length(2);
    expect(store.sampleBatches[1]).to.deep.equal([sample(10)]);
  });

  it('writes as soon as batchSize items are queued, in batches of at most batchSize', async () => {
    const store = new RecordingStore();
    const w = make(store, { batchSize: 50 });
    for (let i = 0; i < 49; i++) w.pushSample(sample(i));
    await settle();
    expect(store.sampleBatches).to.have.length(0);
    w.pushSample(sample(49));
    await settle();
    expect(store.sampleBatches.map((b) => b.length)).to.deep.equal([50]);
    for (let i = 50; i < 175; i++) w.pushSample(sample(i));
    for (let i = 0; i < 60; i++) w.pushEvent(event(i));
    for (let i = 0; i < 5; i++) await settle();
    expect(scheduler.maxFrames, 'no virtual time passed').to.equal(0);
    expect(store.sampleBatches.every((b) => b.length <= 50)).to.equal(true);
    expect(store.samples.map((s) => s.value)).to.deep.equal([...Array(175).keys()]);
    expect(store.written.map((e) => e.message)).to.deep.equal(Array.from({ length: 60 }, (_, i) => `e${i}`));
    expect(w.stats().written).to.equal(235);
  });

  it('drops the oldest items over the queue limit and counts them (logging once)', async () => {
    const store = new RecordingStore();
    const log = fakeLog();
    const w = make(store, { maxQueued: 100, batchSize: 1000, log });
    for (let i = 0; i < 250; i++) w.pushSample(sample(i));
    for (let i = 0; i < 130; i++) w.pushEvent(event(i));
    expect(w.stats()).to.include({ queuedSamples: 100, queuedEvents: 100, droppedSamples: 150, droppedEvents: 30 });
    expect(log.warns.filter((m) => /queue full/.test(m)), 'drops are logged at most once a minute').to.have.length(1);
    await advance(1000);
    expect(store.samples.map((s) => s.value)).to.deep.equal(Array.from({ length: 100 }, (_, i) => 150 + i));
    expect(store.written.map((e) => e.message)).to.deep.equal(Array.from({ length: 100 }, (_, i) => `e${30 + i}`));
  });

  it('keeps a failed batch and retries it on the next tick, losing nothing', async () => {
    const store = new FailingStore(3);
    const log = fakeLog();
    const w = make(store, { log, batchSize: 20 });
    for (let i = 0; i < 15; i++) w.pushSample(sample(i));
    for (let i = 0; i < 5; i++) w.pushEvent(event(i));
    const ids = new Set<string>();
    await advance(1000);
    expect(w.stats()).to.include({ failures: 1, queuedSamples: 15, written: 0 });
    for (let i = 15; i < 40; i++) w.pushSample(sample(i)); // past batchSize, but the store is failing
    await settle();
    expect(store.attempts, 'no early write while failing').to.equal(1);
    await advance(2000);
    expect(w.stats().failures).to.equal(3);
    await advance(1000);
    expect(store.samples.map((s) => s.value)).to.deep.equal([...Array(40).keys()]);
    expect(store.written.map((e) => e.message)).to.deep.equal(['e0', 'e1', 'e2', 'e3', 'e4']);
    for (const e of store.written) ids.add(e.id as string);
    expect(ids.size, 'events got distinct ids at push time').to.equal(5);
    expect(w.stats()).to.deep.equal({ queuedSamples: 0, queuedEvents: 0, droppedSamples: 0, droppedEvents: 0, written: 45, failures: 3 });
    expect(log.warns.filter((m) => /write failed/.test(m)), 'failures logged at most once a minute').to.have.length(1);
  });

  it('bounds a retried batch by the queue limit, dropping the oldest', async () => {
    const store = new FailingStore(1);
    const w = make(store, { maxQueued: 40, batchSize: 1000 });
    for (let i = 0; i < 30; i++) w.pushSample(sample(i));
    await advance(1000);
    expect(w.stats().failures).to.equal(1);
    for (let i = 30; i < 60; i++) w.pushSample(sample(i));
    expect(w.stats()).to.include({ queuedSamples: 40, droppedSamples: 20 });
    await advance(1000);
    expect(store.samples.map((s) => s.value)).to.deep.equal(Array.from({ length: 40 }, (_, i) => 20 + i));
  });

  it('flush() drains everything, and rejects (keeping the items) when the store fails', async () => {
    const store = new FailingStore(0);
    const w = make(store, { batchSize: 1000, maxQueued: 20_000 });
    for (let i = 0; i < 12_345; i++) w.pushSample(sample(i));
    for (let i = 0; i < 7; i++) w.pushEvent(event(i));
    await w.flush();
    expect(store.samples).to.have.length(12_345);
    expect(store.sampleBatches.every((b) => b.length <= 1000)).to.equal(true);
    expect(w.stats()).to.include({ queuedSamples: 0, queuedEvents: 0, written: 12_352 });
    store.failures = 1;
    w.pushSample(sample(99_999));
    let failed: unknown;
    await w.flush().catch((e: unknown) => { failed = e; });
    expect((failed as VigieError)?.code).to.equal('E_STORE');
    expect(w.stats().queuedSamples).to.equal(1);
    await w.flush();
    expect(store.samples.at(-1)).to.deep.equal(sample(99_999));
  });

  it('close() stops automatic writes; an explicit flush still writes', async () => {
    const store = new RecordingStore();
    const w = make(store, { batchSize: 5 });
    w.close();
    for (let i = 0; i < 10; i++) w.pushSample(sample(i));
    await advance(5000);
    expect(store.sampleBatches).to.have.length(0);
    await w.flush();
    expect(store.samples).to.have.length(10);
  });

  it('drops invalid items at push time and counts them', async () => {
    const store = new RecordingStore();
    const w = make(store, { log: fakeLog() });
    w.pushSample({ ...sample(1), value: Number.NaN });
    w.pushSample({ ...sample(2), at: Number.POSITIVE_INFINITY });
    w.pushSample(sample(3));
    w.pushEvent({ ...event(1), severity: 'apocalyptic' } as unknown as StoredEvent);
    w.pushEvent({ ...event(2), data: { big: 1n } });
    w.pushEvent({ ...event(3), id: 'given' });
    expect(w.stats()).to.include({ droppedSamples: 2, droppedEvents: 2, queuedSamples: 1, queuedEvents: 1 });
    await advance(1000);
    expect(store.samples).to.deep.equal([sample(3)]);
    expect(store.written.map((e) => e.id)).to.deep.equal(['given']);
  });
});
