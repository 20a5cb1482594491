/**
 * Golden tests: one poll of the `snmp-system` probe against real-device recordings, compared
 * with the observations stored in `fixtures/<name>.golden.json`.
 *
 * Data-driven: every `fixtures/*.golden.json` is one test. A golden file holds
 *   { "recording": "<corpus file name without .snmprec>",
 *     "name"?: "<instance name, default: the file's name>",
 *     "target"?: { ...extra target keys, host is 127.0.0.1 },
 *     "latencyMs"?: <virtual answer delay, default 5>,
 *     "observations": [ ...what one poll emits... ] }
 * To add a case, write a file with `"observations": []` and run once with `UPDATE_GOLDEN=1`:
 *   UPDATE_GOLDEN=1 npx mocha test/probes/snmp-system/golden.test.ts
 * which rewrites every golden file from the probe's real output. Then review the diff by eye
 * (`git diff test/probes/snmp-system/fixtures`) before committing it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import plugin from '../../../probes/snmp-system/index.js';
import { recordedSnmp, runProbe, VirtualClock } from '../../../plugins/sdk/testkit/index.js';
import { requireCorpus } from '../../setup/corpus.js';

const kind = plugin.probes['snmp-system'];
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Golden {
  recording: string;
  name?: string;
  target?: Record<string, unknown>;
  latencyMs?: number;
  observations: unknown[];
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.golden.json'))
  .sort();

describe('snmp-system golden observations (recorded devices, one poll)', function () {
  it('has golden files', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    it(file.replace(/\.golden\.json$/, ''), function () {
      const path = join(FIXTURES, file);
      const golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
      const recording = requireCorpus(this, golden.recording);
      const latencyMs = golden.latencyMs ?? 5;
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': recording }, clock, { latencyMs });
      const target = { host: '127.0.0.1', ...golden.target } as Parameters<typeof kind.create>[0];
      const run = runProbe(kind, target, { clock, clients: { snmp }, name: golden.name ?? basename(file, '.golden.json') });
      run.advance(latencyMs);
      run.stop();
      expect(run.errors).to.deep.equal([]);
      const actual = JSON.parse(JSON.stringify(run.observations)) as unknown[];
      if (UPDATE) {
        writeFileSync(path, `${JSON.stringify({ ...golden, observations: actual }, null, 2)}\n`);
        console.warn(`updated ${path}`);
        return;
      }
      expect(golden.observations.length, 'empty golden file: run once with UPDATE_GOLDEN=1').to.be.greaterThan(0);
      expect(actual).to.deep.equal(golden.observations);
    });
  }
});
