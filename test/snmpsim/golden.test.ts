/**
 * Real-device recordings served LIVE by snmpsim (PyPI), polled by Vigie's SNMP kinds through the
 * real net-snmp client, compared with a reviewable golden summary per recording.
 *
 * Data-driven: every `golden/<recording>.json` is one test, `<recording>` being a file of the
 * corpus (`plugins/simulator/recordings/<recording>.snmprec`, see test/setup/corpus.ts). A golden file holds
 *   { "kind": "switch" | "router" | "snmp-system",   the kind that polls this device
 *     "note"?: "why this kind, what to look at",
 *     "target"?: { ...extra target keys },
 *     "summary": { ...see summary.ts } }
 * One snmpsim serves every recording for the whole suite; each test runs its kind for two polls
 * a short interval apart and compares `summarise(observations)` with `summary`.
 * To add a device: put its recording in the corpus, write `golden/<name>.json` with its `kind`,
 * run `UPDATE_GOLDEN=1 npx mocha test/snmpsim/golden.test.ts`, then check the written summary by
 * eye against the corpus README's table (ports, LLDP/CDP rows, BGP peers) before committing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect } from 'chai';
import { createSnmpClient } from '../../plugins/sdk/snmp/net-snmp-client.js';
import type { ProbeKind } from '../../plugins/sdk/index.js';
import { SNMPREC_DIR, corpusFile } from '../setup/corpus.js';
import { startSnmpsimOrSkip, type SnmpsimHandle } from '../setup/snmpsim.js';
import { runPolls } from './live-run.js';
import { summarise, type GoldenSummary } from './summary.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const POLLS = 2;
const INTERVAL_MS = 300;

type KindName = 'switch' | 'router' | 'snmp-system';

interface Golden {
  kind: KindName;
  note?: string;
  target?: Record<string, unknown>;
  summary?: GoldenSummary;
}

/** The probe kinds, loaded from their plugins as the daemon would. */
const KINDS: Record<KindName, () => Promise<ProbeKind>> = {
  'snmp-system': async () => (await import('../../probes/snmp-system/index.js')).default.probes['snmp-system'],
  switch: async () => (await import('../../probes/switch/index.js')).default.probes.switch,
  router: async () => (await import('../../probes/router/index.js')).default.probes.router,
};

/** Target keys each kind needs on top of the agent's: a per-poll deadline that fits a slow simulator. */
const KIND_TARGET: Record<KindName, Record<string, unknown>> = {
  'snmp-system': {},
  switch: { deadlineMs: 60_000 },
  router: { deadlineMs: 60_000 },
};

const files = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort() : [];
const recordingOf = (file: string): string => file.replace(/\.json$/, '');
const readGolden = (file: string): Golden => JSON.parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')) as Golden;

describe('snmpsim: recorded devices polled live vs golden summaries', function () {
  this.timeout(60_000);
  let sim: SnmpsimHandle | undefined;

  before(async function () {
    this.timeout(120_000);
    const missing = files.map(recordingOf).filter((r) => !existsSync(corpusFile(r)));
    if (missing.length) {
      const why = `recordings not found in ${SNMPREC_DIR}: ${missing.join(', ')} (set VIGIE_SNMPREC_DIR to the snmprec corpus)`;
      if (process.env.CI) throw new Error(why);
      console.warn(`SKIPPED: ${why}`);
      this.skip();
    }
    sim = await startSnmpsimOrSkip(this, files.map(recordingOf));
  });
  after(async () => sim?.stop());

  it('has a golden file for every recording of the corpus', () => {
    const corpus = readdirSync(SNMPREC_DIR).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, ''));
    const without = corpus.filter((r) => !files.includes(`${r}.json`));
    expect(without, 'recordings without a golden file: write golden/<name>.json with its kind').to.deep.equal([]);
  });

  for (const file of files) {
    const recording = recordingOf(file);
    const golden = readGolden(file);
    it(`${recording} (${golden.kind})`, async () => {
      if (!sim) throw new Error('snmpsim is not running');
      const load = KINDS[golden.kind];
      if (!load) throw new Error(`${file}: unknown kind "${golden.kind}" (switch, router or snmp-system)`);
      const kind = await load();
      const target = {
        host: '127.0.0.1',
        port: sim.port,
        version: '2c',
        community: sim.community(recording),
        timeoutMs: 3000,
        retries: 1,
        ...KIND_TARGET[golden.kind],
        ...golden.target,
      };
      const client = createSnmpClient();
      try {
        const obs = await runPolls(kind, target, {
          name: recording,
          kind: golden.kind,
          client,
          intervalMs: INTERVAL_MS,
          polls: POLLS,
          endsWith: golden.kind === 'snmp-system' ? 'state' : 'poll_ms',
          timeoutMs: 50_000,
        });
        const summary = summarise(obs);
        if (UPDATE) {
          writeFileSync(join(GOLDEN_DIR, file), `${JSON.stringify({ ...golden, summary }, null, 2)}\n`);
          console.warn(`updated ${file}: ${JSON.stringify(summary)}`);
          return;
        }
        expect(golden.summary, `${file} has no summary yet: run once with UPDATE_GOLDEN=1, then review it`).to.not.equal(undefined);
        expect(summary).to.deep.equal(golden.summary);
      } finally {
        client.close();
      }
    });
  }
});
