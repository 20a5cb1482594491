/**
 * `vigie probe sip-trunk --set uri=sip:127.0.0.1:PORT --once --json` against a real Kamailio
 * (UDP and TCP, registrar with a password): one burst of observations, the trunk's `state` and
 * `sip.options.rtt_ms`; over TCP with `--set register.*`, the registration too, without the
 * password anywhere in the output; and the process exits by itself (no socket keeps it alive).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../../core/host/registry.js';
import type { Observation } from '../../../../plugins/sdk/index.js';
import { trackChild } from '../../../setup/peer-process.js';
import { startKamailioOrSkip, type KamailioHandle } from '../../../setup/kamailio.js';
import { registrarOptions } from '../register/registrar.js';

const VIGIE = path.join(REPO_ROOT, 'bin', 'vigie.js');
const PASSWORD = 'cli-Pass-9';

function vigie(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VIGIE, ...args], { cwd: REPO_ROOT, env: { ...process.env, VIGIE_SERVER_PORT: undefined } });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli: vigie probe sip-trunk against a real Kamailio', function () {
  this.timeout(60_000);
  let kamailio: KamailioHandle | undefined;
  before(async function () {
    kamailio = await startKamailioOrSkip(this, registrarOptions({ password: PASSWORD, maxExpires: 90, tcp: true }));
  });
  after(async () => kamailio?.stop());

  it('--once --json prints the trunk state and the OPTIONS RTT (UDP)', async () => {
    const r = await vigie(['probe', 'sip-trunk', '--set', `uri=sip:127.0.0.1:${kamailio!.port}`, '--once', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const obs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Observation);
    expect(obs.find((o) => o.kind === 'state')).to.deep.include({ entity: 'trunk:cli', state: 'up' });
    const rtt = obs.find((o) => o.kind === 'metric' && o.name === 'sip.options.rtt_ms');
    expect(rtt && rtt.kind === 'metric' && rtt.value).to.be.a('number').at.least(0).and.below(2000);
  });

  it('over TCP with register.*: also the registration, never the password', async () => {
    const r = await vigie([
      'probe', 'sip-trunk', '--set', `uri=sip:127.0.0.1:${kamailio!.port};transport=tcp`, 'register.user=dave', `register.password=${PASSWORD}`, '--once', '--json',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const obs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Observation);
    expect(obs.find((o) => o.kind === 'state')).to.deep.include({ state: 'up' });
    expect(obs.find((o) => o.kind === 'topology' && o.element === 'node' && o.node.attrs?.transport === 'tcp')).to.not.equal(undefined);
    expect(obs.find((o) => o.kind === 'metric' && o.name === 'sip.register.ok')).to.deep.include({ value: 1 });
    expect(obs.find((o) => o.kind === 'metric' && o.name === 'sip.register.expires_s')).to.deep.include({ value: 90 });
    expect(r.stdout + r.stderr).to.not.include(PASSWORD);
  });
});
