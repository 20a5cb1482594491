/**
 * `probes/switch/sample.yaml` loads exactly as the daemon would load it (built-in kinds, the
 * switch kind's own schema), covers what it claims (v2c, v3 authPriv, a port selection) and
 * polls loopback only; a broken copy of it is refused, so the check is not vacuous.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { loadDaemonConfig } from '../../../core/daemon.js';
import { REPO_ROOT } from '../../../core/host/registry.js';

const SAMPLE = path.join(REPO_ROOT, 'probes', 'switch', 'sample.yaml');

describe('probes/switch/sample.yaml', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-switch-sample-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validates against the real switch kind, with v2c, v3 authPriv and a port selection, on loopback only', async () => {
    const { config } = await loadDaemonConfig(SAMPLE, { env: {} });
    expect(config.probes.length).to.be.at.least(3);
    for (const p of config.probes) {
      expect(p.kind).to.equal('switch');
      expect(p.intervalMs).to.be.a('number').and.greaterThan(0);
      expect(String(p.target.host), 'samples poll loopback only').to.match(/^(127\.\d+\.\d+\.\d+|::1)$/);
    }
    const targets = config.probes.map((p) => p.target as Record<string, unknown>);
    expect(targets.some((t) => (t.version ?? '2c') === '2c')).to.equal(true);
    expect(targets.some((t) => t.version === '3' && (t.v3 as { level?: string } | undefined)?.level === 'authPriv')).to.equal(true);
    expect(targets.some((t) => Array.isArray(t.ports) && t.ports.length > 0)).to.equal(true);
  });

  it('is checked for real: the same file with a misspelt key or a short v3 key is refused', async () => {
    const text = readFileSync(SAMPLE, 'utf8');
    for (const [what, broken] of [
      ['misspelt key', text.replace('discoveryEvery:', 'discoverEvery:')],
      ['short v3 key', text.replace('authKey: change-me-auth-pass', 'authKey: short')],
    ] as const) {
      expect(broken, what).to.not.equal(text);
      const file = path.join(dir, `${what.replace(/ /g, '-')}.yaml`);
      writeFileSync(file, broken);
      const err = await loadDaemonConfig(file, { env: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isVigieError(err, 'E_CONFIG'), `${what}: ${String(err)}`).to.equal(true);
    }
  });
});
