/**
 * The embedded (SQLite) store: the shared contract, plus what is specific to it: file layout,
 * WAL, retention with an injected clock, error wrapping, the factory, and consistency after a
 * writer process is killed with SIGKILL in the middle of a write.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { pino } from 'pino';
import { EmbeddedStore, type EmbeddedStoreOptions } from '../../../core/store/embedded.js';
import { SCHEMA_VERSION } from '../../../core/store/embedded-schema.js';
import { openStore, type StoreConfig } from '../../../core/store/index.js';
import type { Store } from '../../../core/store/port.js';
import { describeStoreContract, type OpenedStore } from './contract.js';
import { expectRejects } from './contract-helpers.js';
import { CHILD_ENTITY, batchCount, batchMetric } from './fixtures/batches.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
/** Crash rounds: each kills the writer right after it begins a batch (~1.5 s per round, mostly tsx start-up). */
const ROUNDS = 3;

/** A fresh store in a new temp dir (the db in a sub-directory that does not exist yet). */
async function openTemp(options: EmbeddedStoreOptions = {}): Promise<OpenedStore & { path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
  const path = join(dir, 'nested', 'vigie.db');
  const opened: Store[] = [];
  const open = async () => {
    const s = await EmbeddedStore.open({ ...options, path });
    opened.push(s);
    return s;
  };
  return {
    path,
    store: await open(),
    reopen: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract('embedded', () => openTemp());

describe('EmbeddedStore', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function temp(options: EmbeddedStoreOptions = {}) {
    const t = await openTemp(options);
    cleanups.push(t.cleanup);
    return t;
  }
  const sample = (at: number, value = 1) => ({ entity: 'node:r1', metric: 'cpu.pct', at, value });
  const count = async (s: Store) => (await s.querySeries('node:r1', 'cpu.pct', -1e15, 1e15, 1e15)).reduce((n, p) => n + p.count, 0);

  it('creates its directory and uses a WAL journal', async () => {
    const { path, store } = await temp();
    await store.writeSamples([sample(Date.now())]);
    expect((await stat(dirname(path))).isDirectory()).to.equal(true);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      raw.close();
    }
  });

  it('prunes past the retention when it opens', async () => {
    const now = Date.UTC(2025, 0, 10);
    const t = await temp({ now: () => now, retentionMs: 30 * DAY });
    await t.store.writeSamples([sample(now - 31 * DAY), sample(now - 29 * DAY)]);
    await t.store.writeEvents([{ at: now - 31 * DAY, entity: 'node:r1', type: 'reboot', severity: 'info', message: 'old' }]);
    expect(await count(t.store), 'no prune within the hour after open').to.equal(2);
    await t.store.close();
    const again = await t.reopen!();
    expect(await count(again)).to.equal(1);
    expect(await again.events({})).to.deep.equal([]);
  });

  it('prunes on writes at most once an hour, by its clock', async () => {
    let now = Date.UTC(2025, 0, 10);
    const { store } = await temp({ now: () => now, retentionMs: 7 * DAY });
    await store.writeSamples([sample(now - 8 * DAY), sample(now - 6 * DAY)]);
    now += HOUR - 1;
    await store.writeSamples([sample(now)]);
    expect(await count(store), 'less than an hour after the last prune').to.equal(3);
    now += 1;
    await store.writeEvents([{ at: now, entity: 'node:r1', type: 'reboot', severity: 'info', message: 'x' }]);
    expect(await count(store), 'an hour after the last prune').to.equal(2);
    await store.writeSamples([sample(now - 10 * DAY)]);
    expect(await count(store), 'the next prune is an hour away again').to.equal(3);
  });

  it('wraps SQLite errors in E_STORE with the cause, and refuses a newer schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const garbage = join(dir, 'garbage.db');
    await writeFile(garbage, Buffer.alloc(8192, 0x5a));
    const err = await expectRejects(EmbeddedStore.open({ path: garbage }), 'E_STORE', 'a file that is not a database');
    expect(err.cause, 'the SQLite error is kept as cause').to.be.instanceOf(Error);
    expect(err.message).to.match(/not a database/);
    await mkdir(join(dir, 'adir.db'));
    await expectRejects(EmbeddedStore.open({ path: join(dir, 'adir.db') }), 'E_STORE', 'a directory');
    const newer = join(dir, 'newer.db');
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    const refused = await expectRejects(EmbeddedStore.open({ path: newer }), 'E_STORE', 'a newer schema');
    expect(refused.message).to.match(/newer/);
  });

  it('upgrades a schema v1 file to v2 (map layouts) and keeps its data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'v1.db');
    const first = await EmbeddedStore.open({ path });
    await first.writeEvents([{ id: 'kept', at: Date.now(), entity: 'node:a', type: 'reboot', severity: 'info', message: 'm' }]);
    await first.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE layout');
    raw.pragma('user_version = 1');
    raw.close();
    const again = await EmbeddedStore.open({ path });
    cleanups.push(() => again.close());
    expect((await again.events({})).map((e) => e.id)).to.deep.equal(['kept']);
    await again.saveLayout('paris', { 'node:a': { x: 1, y: 2 } });
    expect(await again.layouts()).to.deep.equal({ paris: { 'node:a': { x: 1, y: 2 } } });
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION).and.to.equal(2);
    } finally {
      check.close();
    }
  });

  it('is opened by openStore for adapter "embedded"; an unknown adapter is E_CONFIG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = pino({ level: 'silent' });
    const store = await openStore({ adapter: 'embedded', path: join(dir, 'x', 'v.db'), retentionMs: DAY }, log);
    cleanups.push(() => store.close());
    expect(store.name).to.equal('embedded');
    await store.writeSamples([sample(Date.now(), 5)]);
    expect(await store.metrics('node:r1')).to.deep.equal(['cpu.pct']);
    const bad = { adapter: 'nope', path: 'x', retentionMs: 1 } as unknown as StoreConfig;
    await expectRejects(openStore(bad, log), 'E_CONFIG', 'an unknown adapter');
    await expectRejects(openStore({ ...bad, adapter: 'toString' } as unknown as StoreConfig, log), 'E_CONFIG', 'a prototype key');
  });

  describe('a writer killed with SIGKILL mid-write', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child = undefined;
    });

    /** Starts the child, lets it commit `settle` batches, kills it right after it begins the next. */
    async function runAndKill(path: string, first: number, settle: number): Promise<{ committed: number[]; begun: number }> {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'test/core/store/fixtures/writer-child.ts', path, String(first)], {
        cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<void>((done) => proc.once('exit', () => done()));
      const committed: number[] = [];
      let begun = -1;
      const lines = createInterface({ input: proc.stdout! });
      await new Promise<void>((done, fail) => {
        proc.once('exit', (code, signal) => fail(new Error(`writer child exited early (${code ?? signal}): ${stderr}`)));
        lines.on('line', (line) => {
          const [what, id] = line.split(' ');
          if (what === 'committed') committed.push(Number(id));
          if (what === 'begin' && committed.length >= settle) {
            begun = Number(id);
            proc.kill('SIGKILL');
            done();
          }
        });
      });
      await exited;
      lines.close();
      expect(proc.signalCode).to.equal('SIGKILL');
      return { committed, begun };
    }

    it('reopens consistent: integrity ok, every batch wholly present or wholly absent', async function () {
      this.timeout(120_000);
      const { path, store, cleanup } = await openTemp();
      cleanups.push(cleanup);
      await store.close();
      let next = 0;
      let torn = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { committed, begun } = await runAndKill(path, next, 2 + round);
        const raw = new Database(path);
        try {
          expect(raw.pragma('integrity_check')).to.deep.equal([{ integrity_check: 'ok' }]);
        } finally {
          raw.close();
        }
        const reopened = await EmbeddedStore.open({ path });
        try {
          const present = (await reopened.metrics(CHILD_ENTITY)).map((m) => Number(m.slice('batch.'.length))).sort((a, b) => a - b);
          for (const id of present) {
            const pts = await reopened.querySeries(CHILD_ENTITY, batchMetric(id), -1e15, 1e15, 1e15);
            expect(pts.reduce((n, p) => n + p.count, 0), `batch ${id} is whole`).to.equal(batchCount(id));
            expect(pts[0]?.max).to.equal(batchCount(id) - 1);
          }
          expect(present, 'no gap: a batch is never present after a missing one').to.deep.equal(present.map((_, i) => i));
          for (const id of committed) expect(present, `committed batch ${id} survived`).to.include(id);
          if (!present.includes(begun)) torn++;
          next = (present.at(-1) ?? -1) + 1;
        } finally {
          await reopened.close();
        }
      }
      console.log(`      (the kill landed before the begun batch committed in ${torn} of ${ROUNDS} rounds)`);
      expect(torn, 'at least one kill interrupted a batch').to.be.greaterThan(0);
    });
  });
});
