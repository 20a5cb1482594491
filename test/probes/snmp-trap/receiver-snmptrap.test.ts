/**
 * The `snmp-trap` receiver fed by Debian's `snmptrap` and `snmpinform` (net-snmp 5.9): v1, v2c
 * and v3 authPriv traps, v2c and v3 INFORMs (the tool exits 0 only once acknowledged), the port
 * entities and states they give, poll requests, unknown traps, and wrong credentials.
 */
import { expect } from 'chai';
import { IF_INDEX, IF_NAME, LINK_DOWN, LINK_UP, V3, netSnmp, requireTrapTools, startReceiver, type TrapRun } from './support.js';

const V3_ARGS = ['-v3', '-u', V3.user, '-l', 'authPriv', '-a', 'SHA', '-A', V3.authKey, '-x', 'AES', '-X', V3.privKey];
/** A v3 trap is sent by its authoritative engine: snmptrap needs an engine ID (-e) for it. */
const ENGINE = ['-e', '0x80001f8880c0ffee0001'];

describe('snmp-trap receiver against snmptrap / snmpinform', function () {
  this.timeout(20_000);
  let rx: TrapRun;
  const to = () => `127.0.0.1:${rx.port}`;

  before(function () {
    requireTrapTools(this);
  });
  beforeEach(async () => {
    rx = await startReceiver({
      communities: ['public', 'second-community'],
      v3Users: [{ user: V3.user, level: 'authPriv', authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey }],
      sources: [{ address: '127.0.0.1', identity: 'edge-sw-1' }],
    });
  });
  afterEach(() => rx?.stop());

  it('v1 linkDown (generic-trap 2) → a major linkDown event and a down state on the port', async () => {
    const r = await netSnmp('snmptrap', ['-v1', '-c', 'public', to(), '1.3.6.1.4.1.8072.3.2.10', '127.0.0.1', '2', '0', '', `${IF_INDEX}.7`, 'i', '7']);
    expect(r.code, r.stderr).to.equal(0);
    await rx.waitFor('a linkDown event', () => rx.events('linkDown').length === 1);
    const ev = rx.events('linkDown')[0];
    expect(ev).to.deep.include({ entity: 'port:edge-sw-1/ifIndex-7', severity: 'major' });
    expect(ev.data).to.include({ version: '1', generic: 2, ifIndex: 7, trapOid: LINK_DOWN, trap: 'IF-MIB::linkDown' });
    expect(rx.states()).to.have.length(1);
    expect(rx.states()[0]).to.deep.include({ entity: 'port:edge-sw-1/ifIndex-7', state: 'down' });
    expect(rx.polls).to.deep.equal([{ entity: 'node:edge-sw-1', reason: 'trap linkDown' }]);
  });

  it('v2c linkDown then linkUp with ifIndex + ifName → events and states on the named port', async () => {
    const vbs = (n: number, name: string) => [`${IF_INDEX}.${n}`, 'i', String(n), `${IF_NAME}.${n}`, 's', name];
    expect((await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', LINK_DOWN, ...vbs(3, 'eth3')])).code).to.equal(0);
    expect((await netSnmp('snmptrap', ['-v2c', '-c', 'second-community', to(), '', LINK_UP, ...vbs(3, 'eth3')])).code).to.equal(0);
    await rx.waitFor('linkDown and linkUp', () => rx.events().length === 2);
    expect(rx.events().map((e) => [e.type, e.entity, e.severity])).to.deep.equal([
      ['linkDown', 'port:edge-sw-1/eth3', 'major'],
      ['linkUp', 'port:edge-sw-1/eth3', 'info'],
    ]);
    expect(rx.states().map((s) => [s.entity, s.state])).to.deep.equal([
      ['port:edge-sw-1/eth3', 'down'],
      ['port:edge-sw-1/eth3', 'up'],
    ]);
    expect(rx.events()[0].data).to.include({ version: '2c', inform: false, ifIndex: 3, ifName: 'eth3' });
    expect(rx.polls.map((p) => p.reason)).to.deep.equal(['trap linkDown', 'trap linkUp']);
    expect(JSON.stringify(rx.observations)).not.to.include('second-community').and.not.to.include('"public"');
  });

  it('learns ifName from one trap and names the port of a later trap that carries only ifIndex', async () => {
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', LINK_UP, `${IF_INDEX}.12`, 'i', '12', `${IF_NAME}.12`, 's', 'ge-0/0/12']);
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', LINK_DOWN, `${IF_INDEX}.12`, 'i', '12']);
    await rx.waitFor('two events', () => rx.events().length === 2);
    expect(rx.events('linkDown')[0].entity).to.equal('port:edge-sw-1/ge-0/0/12');
  });

  it('v3 authPriv (SHA/AES) trap → decrypted, authenticated and mapped', async () => {
    const r = await netSnmp('snmptrap', [...V3_ARGS, ...ENGINE, to(), '', LINK_DOWN, `${IF_INDEX}.2`, 'i', '2', `${IF_NAME}.2`, 's', 'uplink']);
    expect(r.code, r.stderr).to.equal(0);
    await rx.waitFor('a v3 linkDown', () => rx.events('linkDown').length === 1);
    expect(rx.events('linkDown')[0]).to.deep.include({ entity: 'port:edge-sw-1/uplink' });
    expect(rx.events('linkDown')[0].data).to.include({ version: '3', user: V3.user });
    const text = JSON.stringify(rx.observations);
    expect(text).not.to.include(V3.authKey).and.not.to.include(V3.privKey);
  });

  for (const version of ['2c', '3'] as const) {
    it(`a v${version} INFORM is acknowledged (snmpinform exits 0) and mapped`, async () => {
      const auth = version === '2c' ? ['-v2c', '-c', 'public'] : V3_ARGS;
      const r = await netSnmp('snmpinform', [...auth, '-t', '2', '-r', '1', to(), '', LINK_UP, `${IF_INDEX}.4`, 'i', '4', `${IF_NAME}.4`, 's', 'eth4']);
      expect(r.code, `snmpinform was not acknowledged: ${r.stderr}`).to.equal(0);
      await rx.waitFor('the linkUp', () => rx.events('linkUp').length === 1);
      expect(rx.events('linkUp')[0]).to.deep.include({ entity: 'port:edge-sw-1/eth4' });
      expect(rx.events('linkUp')[0].data).to.include({ version, inform: true });
      expect(rx.states().map((s) => s.state)).to.deep.equal(['up']);
    });
  }

  it('coldStart, warmStart and authenticationFailure', async () => {
    for (const n of [1, 2, 5]) await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', `1.3.6.1.6.3.1.1.5.${n}`]);
    await rx.waitFor('three events', () => rx.events().length === 3);
    expect(rx.events().map((e) => [e.type, e.severity, e.entity, e.data?.trap])).to.deep.equal([
      ['reboot', 'warning', 'node:edge-sw-1', 'SNMPv2-MIB::coldStart'],
      ['reboot', 'warning', 'node:edge-sw-1', 'SNMPv2-MIB::warmStart'],
      ['authenticationFailure', 'warning', 'node:edge-sw-1', 'SNMPv2-MIB::authenticationFailure'],
    ]);
    expect(rx.states()).to.deep.equal([]);
    expect(rx.polls.map((p) => p.reason)).to.deep.equal(['trap coldStart', 'trap warmStart', 'trap authenticationFailure']);
  });

  it('an unknown trap OID is kept as a `trap` event with its varbinds', async () => {
    const oid = '1.3.6.1.4.1.99999.0.42';
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', oid, '1.3.6.1.4.1.99999.1.1.0', 's', 'fan 2 failed', '1.3.6.1.4.1.99999.1.2.0', 'i', '3']);
    await rx.waitFor('a trap event', () => rx.events('trap').length === 1);
    const ev = rx.events('trap')[0];
    expect(ev).to.deep.include({ entity: 'node:edge-sw-1', severity: 'info' });
    expect(ev.data?.trapOid).to.equal(oid);
    expect(ev.data?.trap).to.equal('SNMPv2-SMI::enterprises.99999.0.42');
    expect(ev.data?.varbinds).to.deep.equal([
      { oid: '1.3.6.1.4.1.99999.1.1.0', name: 'SNMPv2-SMI::enterprises.99999.1.1.0', type: 'OctetString', value: 'fan 2 failed' },
      { oid: '1.3.6.1.4.1.99999.1.2.0', name: 'SNMPv2-SMI::enterprises.99999.1.2.0', type: 'Integer', value: 3 },
    ]);
    expect(rx.polls).to.have.length(1);
  });

  it('wrong community, wrong v3 key and unknown user are dropped and counted as rejected', async () => {
    await netSnmp('snmptrap', ['-v2c', '-c', 'not-the-community', to(), '', LINK_DOWN, `${IF_INDEX}.1`, 'i', '1']);
    await netSnmp('snmptrap', ['-v1', '-c', 'not-the-community', to(), '1.3.6.1.4.1.8072', '127.0.0.1', '3', '0', '']);
    const badKey = V3_ARGS.map((a) => (a === V3.authKey ? 'wrong-auth-key' : a));
    await netSnmp('snmptrap', [...badKey, ...ENGINE, to(), '', LINK_DOWN]);
    await netSnmp('snmptrap', ['-v3', '-u', 'stranger', '-l', 'noAuthNoPriv', ...ENGINE, to(), '', LINK_DOWN]);
    // a good trap after them proves they were all processed (one socket, in order)
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', LINK_UP, `${IF_INDEX}.1`, 'i', '1']);
    await rx.waitFor('the good trap', () => rx.events().length >= 1);
    expect(rx.events().map((e) => e.type)).to.deep.equal(['linkUp']);
    expect(rx.stats()).to.deep.equal({ 'trap.received': 1, 'trap.dropped': 0, 'trap.malformed': 0, 'trap.rejected': 4 });
    expect(JSON.stringify(rx.observations)).not.to.include('not-the-community');
  });

  it('an unmatched source falls back to an address-derived node, marked unresolved and announced once', async () => {
    rx.stop();
    rx = await startReceiver({ communities: ['public'] });
    for (let i = 0; i < 2; i++) await netSnmp('snmptrap', ['-v2c', '-c', 'public', to(), '', LINK_DOWN, `${IF_INDEX}.5`, 'i', '5']);
    await rx.waitFor('two events', () => rx.events().length === 2);
    expect(rx.events()[0].entity).to.equal('port:127.0.0.1/ifIndex-5');
    expect(rx.events()[0].data).to.include({ unresolved: true });
    const topo = rx.of('topology');
    expect(topo.map((t) => [t.entity, t.element])).to.deep.equal([
      ['node:127.0.0.1', 'node'],
      ['port:127.0.0.1/ifIndex-5', 'port'],
    ]);
    expect(topo[0]).to.have.nested.property('node.attrs.unresolved', true);
  });
});
