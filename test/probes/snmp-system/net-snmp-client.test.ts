/**
 * The shared SNMP client (`plugins/sdk/snmp/net-snmp-client.ts`) against a real snmpd, with
 * `snmpbulkwalk` (Debian `snmp`) as a reference peer for walks.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import { isVigieError, SNMPv2_MIB, vbString, type SnmpClient, type SnmpTarget } from '../../../plugins/sdk/index.js';
import { startSnmpdOrSkip, type SnmpdHandle } from '../../setup/snmpd.js';

const run = promisify(execFile);
const V3 = { user: 'vigietest', authKey: 'auth-secret-1234', privKey: 'priv-secret-5678' };
const IF_TABLE = '1.3.6.1.2.1.2.2';

/** A UDP socket on loopback that never answers: a dead agent. */
async function silentAgent(): Promise<{ port: number; sock: Socket; received: () => number }> {
  const sock = createSocket('udp4');
  let n = 0;
  sock.on('message', () => n++);
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, sock, received: () => n };
}

async function referenceWalk(port: number, root: string): Promise<string[]> {
  const { stdout } = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Oq', '-Cr25', `127.0.0.1:${port}`, root], {
    env: { ...process.env, MIBS: '' },
  });
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('.'))
    .map((l) => l.split(' ')[0].slice(1));
}

describe('net-snmp client against a real snmpd', function () {
  let agent: SnmpdHandle;
  let client: SnmpClient;
  let v2: SnmpTarget;
  let v3: SnmpTarget;

  before(async function () {
    agent = await startSnmpdOrSkip(this, { sysName: 'client-test', v3: V3 });
    v2 = { host: '127.0.0.1', port: agent.port, version: '2c', community: 'public', timeoutMs: 1000, retries: 0 };
    v3 = {
      host: '127.0.0.1',
      port: agent.port,
      version: '3',
      timeoutMs: 1000,
      retries: 0,
      v3: { user: V3.user, level: 'authPriv', authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey },
    };
  });
  beforeEach(() => {
    client = createSnmpClient({ concurrency: 8 });
  });
  afterEach(() => client?.close());
  after(async () => agent?.stop());

  it('v2c get maps types and answers in request order, missing objects as null varbinds', async () => {
    const missing = '1.3.6.1.2.1.1.99.0';
    const vbs = await firstValueFrom(client.session(v2).get([SNMPv2_MIB.sysName, missing, SNMPv2_MIB.sysObjectID, SNMPv2_MIB.sysUpTime]));
    expect(vbs.map((v) => v.oid)).to.deep.equal([SNMPv2_MIB.sysName, missing, SNMPv2_MIB.sysObjectID, SNMPv2_MIB.sysUpTime]);
    expect(vbs[0].type).to.equal('OctetString');
    expect(vbString(vbs[0])).to.equal('client-test');
    expect(vbs[1]).to.deep.include({ type: 'NoSuchObject', value: null });
    expect(vbs[2].type).to.equal('OID');
    expect(vbs[2].value).to.match(/^1\.3\.6\.1\.4\.1\.8072\./);
    expect(vbs[3].type).to.equal('TimeTicks');
    expect(vbs[3].value).to.be.a('number');
  });

  it('v1 get turns noSuchName into a null varbind and still answers the rest', async () => {
    const missing = '1.3.6.1.2.1.1.99.0';
    const vbs = await firstValueFrom(client.session({ ...v2, version: '1' }).get([missing, SNMPv2_MIB.sysName]));
    expect(vbs[0]).to.deep.include({ oid: missing, type: 'NoSuchObject', value: null });
    expect(vbString(vbs[1])).to.equal('client-test');
  });

  it('v3 authPriv (SHA/AES) get works', async () => {
    const vbs = await firstValueFrom(client.session(v3).get([SNMPv2_MIB.sysName]));
    expect(vbString(vbs[0])).to.equal('client-test');
  });

  it('v3 with a wrong key fails through the observable, without the key in the message', async () => {
    const bad: SnmpTarget = { ...v3, v3: { ...v3.v3!, authKey: 'wrong-auth-key-999', privKey: 'wrong-priv-key-999' } };
    const err = await firstValueFrom(client.session(bad).get([SNMPv2_MIB.sysName])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVigieError(err)).to.equal(true);
    expect((err as Error).message).not.to.include('wrong-auth-key-999');
    expect((err as Error).message).not.to.include('wrong-priv-key-999');
  });

  it('a wrong community times out as E_SNMP_TIMEOUT without the community in the message', async () => {
    const err = await firstValueFrom(client.session({ ...v2, community: 'not-the-community', timeoutMs: 300 }).get([SNMPv2_MIB.sysName])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVigieError(err, 'E_SNMP_TIMEOUT'), String(err)).to.equal(true);
    expect((err as Error).message).not.to.include('not-the-community');
  });

  it('walks ifTable with GETBULK (v2c, v3) and GETNEXT (v1) exactly like snmpbulkwalk', async () => {
    const reference = await referenceWalk(agent.port, IF_TABLE);
    expect(reference.length).to.be.greaterThan(10);
    for (const target of [v2, v3, { ...v2, version: '1' as const }]) {
      const rows = await lastValueFrom(client.session(target).walk(IF_TABLE, { maxRepetitions: 7 }));
      expect(rows.length, `v${target.version}`).to.equal(reference.length);
      expect(rows.map((r) => r.oid), `v${target.version}`).to.deep.equal(reference);
    }
  });

  it('a walk of an empty subtree gives no rows and a walk at the end of the MIB stops', async () => {
    expect(await lastValueFrom(client.session(v2).walk('1.3.6.1.2.1.9999'))).to.deep.equal([]);
    expect(await lastValueFrom(client.session(v2).walk('1.3.6.1.99'))).to.deep.equal([]);
  });

  it('the same target gives the same session; other credentials give another', () => {
    expect(client.session(v2)).to.equal(client.session({ ...v2 }));
    expect(client.session(v2)).not.to.equal(client.session({ ...v2, community: 'other' }));
    expect(client.session(v2)).not.to.equal(client.session(v3));
  });

  it('a dead agent gives E_SNMP_TIMEOUT after timeout × (retries + 1)', async () => {
    const dead = await silentAgent();
    try {
      const t0 = Date.now();
      const err = await firstValueFrom(client.session({ ...v2, port: dead.port, timeoutMs: 200, retries: 1 }).get([SNMPv2_MIB.sysName])).then(
        () => undefined,
        (e: unknown) => e,
      );
      const took = Date.now() - t0;
      expect(isVigieError(err, 'E_SNMP_TIMEOUT'), String(err)).to.equal(true);
      expect(took).to.be.within(350, 1500);
      expect(dead.received()).to.equal(2);
    } finally {
      dead.sock.close();
    }
  });

  it('a slow agent holding its slots does not delay another agent', async () => {
    const dead = await silentAgent();
    const slow = createSnmpClient({ concurrency: 4, perTargetConcurrency: 2 });
    const subs: Subscription[] = [];
    try {
      const deadTarget: SnmpTarget = { ...v2, port: dead.port, timeoutMs: 1500, retries: 0 };
      for (let i = 0; i < 6; i++) subs.push(slow.session(deadTarget).get([SNMPv2_MIB.sysName]).subscribe({ error: () => undefined }));
      const t0 = Date.now();
      const vbs = await firstValueFrom(slow.session(v2).get([SNMPv2_MIB.sysName]));
      expect(vbString(vbs[0])).to.equal('client-test');
      expect(Date.now() - t0).to.be.below(700);
      await new Promise((r) => setTimeout(r, 50));
      expect(dead.received(), 'only perTargetConcurrency requests reach the dead agent').to.equal(2);
    } finally {
      subs.forEach((s) => s.unsubscribe());
      slow.close();
      dead.sock.close();
    }
  });

  it('unsubscribing abandons a request and frees its slot at once', async () => {
    const dead = await silentAgent();
    const one = createSnmpClient({ concurrency: 1 });
    try {
      let notified = false;
      const sub = one.session({ ...v2, port: dead.port, timeoutMs: 5000, retries: 0 }).get([SNMPv2_MIB.sysName]).subscribe({
        next: () => (notified = true),
        error: () => (notified = true),
      });
      await new Promise((r) => setTimeout(r, 50));
      sub.unsubscribe();
      const t0 = Date.now();
      await firstValueFrom(one.session(v2).get([SNMPv2_MIB.sysName]));
      expect(Date.now() - t0).to.be.below(1000);
      expect(notified).to.equal(false);
    } finally {
      one.close();
      dead.sock.close();
    }
  });

  it('close() fails requests in flight and later ones with E_SNMP', async () => {
    const dead = await silentAgent();
    try {
      const pending = firstValueFrom(client.session({ ...v2, port: dead.port, timeoutMs: 5000, retries: 0 }).get([SNMPv2_MIB.sysName])).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 50));
      client.close();
      const err = await pending;
      expect(isVigieError(err, 'E_SNMP'), String(err)).to.equal(true);
      const later = await firstValueFrom(client.session(v2).get([SNMPv2_MIB.sysName])).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isVigieError(later, 'E_SNMP'), String(later)).to.equal(true);
    } finally {
      dead.sock.close();
    }
  });
});
