/** `vigie plugin init acme-ups` creates a folder whose generated test passes. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../core/host/registry.js';

describe('cli: vigie plugin init', function () {
  this.timeout(60_000);
  // Inside the repo so the scaffold resolves the repo's node_modules (chai, rxjs) like a plugin in plugins/.
  const parent = mkdtempSync(path.join(REPO_ROOT, '.tmp-scaffold-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('scaffolds acme-ups with a test that passes', () => {
    const init = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigie.js'), 'plugin', 'init', 'acme-ups', '--dir', parent], { encoding: 'utf8' });
    expect(init.status, init.stderr).to.equal(0);
    const dir = path.join(parent, 'acme-ups');
    for (const f of ['index.ts', 'README.md', 'sample.yaml', 'test/acme-ups.test.ts', 'test/fixtures/device.snmprec']) {
      expect(existsSync(path.join(dir, f)), f).to.equal(true);
    }
    const mocha = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--node-option', 'import=tsx', path.join(dir, 'test', 'acme-ups.test.ts')], {
      encoding: 'utf8', cwd: REPO_ROOT,
    });
    expect(mocha.status, mocha.stdout + mocha.stderr).to.equal(0);
    expect(mocha.stdout).to.match(/2 passing/);
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node,mocha', path.join(dir, 'index.ts'), path.join(dir, 'test', 'acme-ups.test.ts')], { encoding: 'utf8', cwd: REPO_ROOT });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
  });

  it('refuses a bad name and an existing folder', () => {
    const bad = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigie.js'), 'plugin', 'init', 'Bad Name', '--dir', parent], { encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/not a valid name/);
    const again = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'vigie.js'), 'plugin', 'init', 'acme-ups', '--dir', parent], { encoding: 'utf8' });
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/already exists/);
  });
});
