/**
 * Every `probes/<plugin>/sample.yaml` loads as the daemon would load it (each target against its
 * kind's schema), names only that plugin's kinds, and is checked for real: the same file with an
 * unknown key in its first target is refused. (Kind-specific checks live beside each kind.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { isVigieError } from '../../plugins/sdk/index.js';
import { loadDaemonConfig } from '../../core/daemon.js';
import { REPO_ROOT } from '../../core/host/registry.js';

const PROBES = path.join(REPO_ROOT, 'probes');
const samples = readdirSync(PROBES).filter((d) => existsSync(path.join(PROBES, d, 'sample.yaml')));

describe('probes/*/sample.yaml', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-samples-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('there is one per probe folder', () => {
    const folders = readdirSync(PROBES, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(PROBES, d.name, 'index.ts')));
    expect(samples.sort()).to.deep.equal(folders.map((d) => d.name).sort());
  });

  for (const folder of samples) {
    it(`${folder}: loads, with this plugin's kinds only, and a broken copy is refused`, async () => {
      const file = path.join(PROBES, folder, 'sample.yaml');
      const plugin = (await import(path.join(PROBES, folder, 'index.ts'))) as { default: { probes: Record<string, unknown> } };
      const { config } = await loadDaemonConfig(file, { env: {} });
      expect(config.probes.length, 'at least one example').to.be.greaterThan(0);
      for (const p of config.probes) expect(Object.keys(plugin.default.probes), `${p.name}'s kind`).to.include(p.kind);

      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['probes', 0, 'target', 'noSuchKey'], 1);
      const broken = path.join(dir, `${folder}.yaml`);
      writeFileSync(broken, doc.toString());
      const err = await loadDaemonConfig(broken, { env: {} }).then(() => undefined, (e: unknown) => e);
      expect(isVigieError(err, 'E_CONFIG'), String(err)).to.equal(true);
    });
  }
});
