/** `vigie check`, `vigie start` on a bad config, and `vigie probe` against a real snmpd. */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/host/registry.js';
import { startSnmpdOrSkip } from '../setup/snmpd.js';

const VIGIE = path.join(REPO_ROOT, 'bin', 'vigie.js');
const vigie = (...args: string[]) => spawnSync(process.execPath, [VIGIE, ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, VIGIE_SERVER_PORT: undefined } });

describe('cli: check, start, probe', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, [
    'server:',
    '  prot: 8080',
    'log:',
    '  level: loud',
    'probes:',
    '  - kind: snmp-system',
    '    name: sw1',
    '    target: { host: 127.0.0.1, port: 99999, community: hushhush }',
    '',
  ].join('\n'));

  it('vigie check prints every error with file:line, path and value, and exits 2', () => {
    const r = vigie('check', '--config', bad);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.include(`${bad}:2:3: server.prot`).and.match(/did you mean "port"/);
    expect(r.stderr).to.include(`${bad}:4:10: log.level`).and.include('loud');
    expect(r.stderr).to.match(/probes\[0\]\.target\.port/).and.include('99999');
    expect(r.stderr, 'the community is a secret').to.not.include('hushhush');
  });

  it('vigie check accepts the default config and the examples', () => {
    for (const f of ['config/default.yaml', 'config/examples/snmp-site.yaml', 'config/examples/every-key.yaml']) {
      const r = vigie('check', '--config', path.join(REPO_ROOT, f));
      expect(r.status, `${f}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(/ok/);
    }
  });

  it('vigie start refuses the bad config the same way, exit 2, nothing started', () => {
    const r = vigie('start', '--config', bad);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(`${bad}:2:3: server.prot`);
  });

  it('vigie probe snmp-system --once --json prints the observations of one poll of a real snmpd', async function () {
    const snmpd = await startSnmpdOrSkip(this, { community: 'cli-test', sysName: 'cli-snmpd' });
    try {
      const child = spawn(process.execPath, [VIGIE, 'probe', 'snmp-system', '--set', 'host=127.0.0.1', `port=${snmpd.port}`, 'community=cli-test', '--once', '--json'], { cwd: REPO_ROOT });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, err).to.equal(0);
      const obs = out.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; entity: string; state?: string; name?: string });
      expect(obs.find((o) => o.kind === 'state')).to.include({ entity: 'node:cli-snmpd', state: 'up' });
      expect(obs.some((o) => o.kind === 'metric' && o.name === 'snmp.rtt_ms')).to.equal(true);
      expect(obs.some((o) => o.kind === 'topology')).to.equal(true);
      expect(out + err, 'the community is a secret').to.not.include('cli-test');
    } finally {
      await snmpd.stop();
    }
  });

  it('vigie probe rejects a bad target with the path and exits 2', () => {
    const r = vigie('probe', 'snmp-system', '--set', 'host=127.0.0.1', 'port=70000', '--once');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/target\.port/).and.include('70000');
    const u = vigie('probe', 'no-such-kind', '--once');
    expect(u.status).to.equal(2);
    expect(u.stderr).to.match(/unknown kind "no-such-kind"/);
  });
});
