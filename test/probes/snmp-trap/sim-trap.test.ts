/**
 * Traps on demand from the simulator (`sendTrap`, and `vigie sim --trap` end to end) into the
 * `snmp-trap` receiver: v1 with an agent address, v2c, v3 authPriv, INFORMs acknowledged, and
 * the refusals (non-loopback destination, no receiver for an INFORM, bad options).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../core/host/registry.js';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { sendTrap } from '../../../plugins/simulator/traps.js';
import { freeUdpPort } from '../../setup/snmpd.js';
import { V3, startReceiver, type TrapRun } from './support.js';

const VIGIE = path.join(REPO_ROOT, 'bin', 'vigie.js');
const V3_SEC = { user: V3.user, level: 'authPriv', authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey } as const;

/** Runs the CLI without blocking this event loop (the receiver lives in it). */
function vigie(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VIGIE, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('simulator traps into the snmp-trap receiver', function () {
  // each `vigie` run compiles the CLI with tsx: seconds on a loaded machine
  this.timeout(60_000);
  let rx: TrapRun;
  beforeEach(async () => {
    rx = await startReceiver({
      communities: ['public', 'sim-community'],
      v3Users: [V3_SEC],
      sources: [{ address: '127.0.0.9', identity: 'sim-sw-09' }],
    });
  });
  afterEach(() => rx?.stop());

  it('v1 linkDown with an agent address: the node comes from agent-addr through `sources`', async () => {
    await sendTrap({ host: '127.0.0.1', port: rx.port, version: '1', type: 'linkDown', ifIndex: 3, ifName: 'eth3', agentAddress: '127.0.0.9' });
    await rx.waitFor('linkDown', () => rx.events('linkDown').length === 1);
    expect(rx.events('linkDown')[0]).to.deep.include({ entity: 'port:sim-sw-09/eth3', severity: 'major' });
    expect(rx.events('linkDown')[0].data).to.include({ version: '1', agentAddress: '127.0.0.9', adminStatus: 'up', operStatus: 'down' });
    expect(rx.states()[0]).to.deep.include({ entity: 'port:sim-sw-09/eth3', state: 'down' });
    expect(rx.polls).to.deep.equal([{ entity: 'node:sim-sw-09', reason: 'trap linkDown' }]);
  });

  it('v2c trap and v2c INFORM (resolves once acknowledged)', async () => {
    await sendTrap({ host: '127.0.0.1', port: rx.port, version: '2c', community: 'sim-community', type: 'linkUp', ifIndex: 5 });
    await sendTrap({ host: '127.0.0.1', port: rx.port, version: '2c', type: 'coldStart', inform: true });
    await rx.waitFor('two events', () => rx.events().length === 2);
    expect(rx.events().map((e) => [e.type, e.entity, e.data?.inform])).to.deep.equal([
      ['linkUp', 'port:127.0.0.1/ifIndex-5', false],
      ['reboot', 'node:127.0.0.1', true],
    ]);
  });

  it('v3 authPriv trap and INFORM', async () => {
    await sendTrap({ host: '127.0.0.1', port: rx.port, version: '3', v3: V3_SEC, type: 'warmStart' });
    await sendTrap({ host: '127.0.0.1', port: rx.port, version: '3', v3: V3_SEC, type: 'authenticationFailure', inform: true, timeoutMs: 1000 });
    await rx.waitFor('two events', () => rx.events().length === 2);
    expect(rx.events().map((e) => [e.type, e.data?.version, e.data?.inform])).to.deep.equal([
      ['reboot', '3', false],
      ['authenticationFailure', '3', true],
    ]);
  });

  it('refuses a non-loopback destination, and an INFORM nobody acknowledges times out', async () => {
    const e1 = await sendTrap({ host: '192.0.2.1', port: 162, version: '2c', type: 'linkDown' }).catch((e: unknown) => e);
    expect(isVigieError(e1, 'E_CONFIG'), String(e1)).to.equal(true);
    const nobody = await freeUdpPort();
    const e2 = await sendTrap({ host: '127.0.0.1', port: nobody, version: '2c', type: 'linkDown', inform: true, timeoutMs: 200, retries: 0 }).catch((e: unknown) => e);
    expect(isVigieError(e2, 'E_SNMP_TIMEOUT'), String(e2)).to.equal(true);
    const e3 = await sendTrap({ host: '127.0.0.1', port: nobody, version: '1', type: 'linkDown', inform: true }).catch((e: unknown) => e);
    expect(isVigieError(e3, 'E_CONFIG'), String(e3)).to.equal(true);
  });

  it('vigie sim --trap linkDown --to … sends one trap and exits 0; --inform waits for the acknowledgement', async () => {
    const to = `127.0.0.1:${rx.port}`;
    const r1 = await vigie(['sim', '--trap', 'linkDown', '--to', to, '--if-index', '3', '--if-name', 'eth3', '--community', 'sim-community']);
    expect(r1.code, r1.stderr).to.equal(0);
    expect(r1.stdout).to.match(/trap sent: linkDown ifIndex 3/);
    const r2 = await vigie(['sim', '--trap', 'linkUp', '--to', to, '--if-index', '3', '--snmp-version', '2c', '--inform']);
    expect(r2.code, r2.stderr).to.equal(0);
    expect(r2.stdout).to.match(/INFORM acknowledged/);
    await rx.waitFor('both events', () => rx.events().length === 2);
    expect(rx.events().map((e) => [e.type, e.entity])).to.deep.equal([
      ['linkDown', 'port:127.0.0.1/eth3'],
      ['linkUp', 'port:127.0.0.1/eth3'],
    ]);
    expect(r1.stdout + r1.stderr).not.to.include('sim-community');
  });

  it('vigie sim --trap: bad options exit 2, before anything is sent', async () => {
    const [bad, far] = await Promise.all([
      vigie(['sim', '--trap', 'linkSideways', '--to', `127.0.0.1:${rx.port}`]),
      vigie(['sim', '--trap', 'linkDown', '--to', '192.0.2.1:162']),
    ]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/one of linkDown, linkUp/);
    expect(far.code).to.equal(2);
    expect(far.stderr).to.match(/not a loopback address/);
    expect(rx.events()).to.deep.equal([]);
  });
});
