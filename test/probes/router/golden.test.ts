/**
 * Golden tests: one poll of the `router` probe against real-device recordings, compared with
 * `fixtures/<name>.golden.json`. Only the router's own observations are kept (BGP peers, the
 * node's `attrs.bgpPeers`, `routes.count`, CPU/memory/storage/load metrics): what the switch
 * part emits is the `switch` kind's golden tests' business, so a change there does not churn
 * these files. The switch part is still checked to have run (the node is announced, as a router).
 *
 * Data-driven: every `fixtures/*.golden.json` is one test. A golden file holds
 *   { "recording": "<corpus file name without .snmprec>",
 *     "name"?: "<instance name, default: the file's name>",
 *     "target"?: { ...extra target keys, host is 127.0.0.1 },
 *     "summary": { ...counts derived from the observations, for review },
 *     "observations": [ ...the router's observations of one poll... ] }
 * To add a case, write a file with `"observations": []` and run once with `UPDATE_GOLDEN=1`:
 *   UPDATE_GOLDEN=1 npx mocha test/probes/router/golden.test.ts
 * then check the `summary` against the corpus README's table (plugins/simulator/recordings/README.md)
 * and review the diff (`git diff test/probes/router/fixtures`) before committing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import plugin from '../../../probes/router/index.js';
import { recordedSnmp, runProbe, VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import type { Observation } from '../../../plugins/sdk/index.js';
import { requireCorpus } from '../../setup/corpus.js';
import { routerOwn, summarise } from './helpers.js';

const kind = plugin.probes.router;
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const INTERVAL_MS = 60_000;

interface Golden {
  recording: string;
  name?: string;
  target?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  observations: unknown[];
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.golden.json'))
  .sort();

describe('router golden observations (recorded devices, one poll)', function () {
  it('has golden files', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    it(file.replace(/\.golden\.json$/, ''), function () {
      const path = join(FIXTURES, file);
      const golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
      const recording = requireCorpus(this, golden.recording);
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': recording }, clock, { latencyMs: 5 });
      const target = { host: '127.0.0.1', ...golden.target } as Parameters<typeof kind.create>[0];
      const run = runProbe(kind, target, { clock, clients: { snmp }, intervalMs: INTERVAL_MS, name: golden.name ?? basename(file, '.golden.json') });
      run.advance(INTERVAL_MS / 2);
      run.stop();
      expect(run.errors).to.deep.equal([]);
      const self = run.of('state').find((o) => o.entity.startsWith('node:') && o.state === 'up')?.entity;
      expect(self, 'the switch part answered').to.be.a('string');
      const nodes = run.of('topology').filter((o) => o.element === 'node' && o.entity === self);
      expect(nodes.length, 'the switch part announces the node').to.be.greaterThan(0);
      expect(nodes.every((o) => o.element === 'node' && o.node.kind === 'router'), 'announced as a router').to.equal(true);
      const own = JSON.parse(JSON.stringify(run.observations.filter(routerOwn))) as Observation[];
      const summary = summarise(own);
      if (UPDATE) {
        writeFileSync(path, `${JSON.stringify({ ...golden, summary, observations: own }, null, 2)}\n`);
        console.warn(`updated ${path}: ${JSON.stringify(summary)}`);
        return;
      }
      expect(golden.observations.length, 'empty golden file: run once with UPDATE_GOLDEN=1').to.be.greaterThan(0);
      expect(summary).to.deep.equal(golden.summary);
      expect(own).to.deep.equal(golden.observations);
    });
  }
});
