/**
 * The pure parts of the `snmp-trap` kind, without sockets: normalising PDUs (v1 → v2 trap OIDs,
 * community copies removed), the interpretation into observations (node resolution, port names
 * learned per node, ifName over ifDescr, secrets), OID naming with an extra MIB, BER framing,
 * and the token bucket / log throttle in plain numbers.
 */
import { expect } from 'chai';
import { wellFramed, type RawTrapPdu } from '../../../probes/snmp-trap/listener.js';
import { TrapInterpreter } from '../../../probes/snmp-trap/interpret.js';
import { createOidNamer } from '../../../probes/snmp-trap/mib-names.js';
import { LogThrottle } from '../../../plugins/sdk/index.js';
import { SourceRateLimiter } from '../../../probes/snmp-trap/storm.js';
import { toTrapMessage, v1TrapOid } from '../../../probes/snmp-trap/trap.js';
import { encodeV2cTrap } from '../../../plugins/simulator/traps.js';
import { createPortDirectory, type EventObservation } from '../../../plugins/sdk/index.js';

const FROM = { address: '127.0.0.5', port: 40000 };
const AT = Date.UTC(2026, 0, 1);
const V2 = 167;
const INT = 2;
const STR = 4;
const OID = 6;
const TICKS = 67;

function v2(trapOid: string, vbs: { oid: string; type: number; value: unknown }[], extra: Partial<RawTrapPdu> = {}): RawTrapPdu {
  return {
    type: V2,
    varbinds: [{ oid: '1.3.6.1.2.1.1.3.0', type: TICKS, value: 12345 }, { oid: '1.3.6.1.6.3.1.1.4.1.0', type: OID, value: trapOid }, ...vbs],
    ...extra,
  };
}
const ifIndex = (n: number) => ({ oid: `1.3.6.1.2.1.2.2.1.1.${n}`, type: INT, value: n });
const ifName = (n: number, s: string) => ({ oid: `1.3.6.1.2.1.31.1.1.1.1.${n}`, type: STR, value: Buffer.from(s) });
const ifDescr = (n: number, s: string) => ({ oid: `1.3.6.1.2.1.2.2.1.2.${n}`, type: STR, value: Buffer.from(s) });

describe('snmp-trap: PDU normalisation and interpretation', function () {
  this.timeout(10_000);
  const namer = createOidNamer();
  const make = (secrets: string[] = []) => new TrapInterpreter([{ address: '127.0.0.5', identity: 'Core-SW-1' }, { address: '192.0.2.7', identity: 'edge-7' }], namer, secrets);
  const interpret = (it: TrapInterpreter, pdu: RawTrapPdu, from = FROM) => it.interpret(toTrapMessage(pdu, from)!, AT);
  const events = (r: { observations: { kind: string }[] }) => r.observations.filter((o): o is EventObservation => o.kind === 'event');

  it('v1 trap OIDs follow RFC 3584: generic traps under snmpTraps, enterprise-specific as <enterprise>.0.<specific>', () => {
    expect(v1TrapOid(0, 0, '1.3.6.1.4.1.9')).to.equal('1.3.6.1.6.3.1.1.5.1');
    expect(v1TrapOid(3, 0, '1.3.6.1.4.1.9')).to.equal('1.3.6.1.6.3.1.1.5.4');
    expect(v1TrapOid(6, 17, '.1.3.6.1.4.1.9.9.41.2')).to.equal('1.3.6.1.4.1.9.9.41.2.0.17');
    const msg = toTrapMessage({ type: 164, enterprise: '1.3.6.1.4.1.9', agentAddr: '0.0.0.0', generic: 2, specific: 0, upTime: 5, varbinds: [ifIndex(4)] }, FROM)!;
    expect(msg).to.deep.include({ version: '1', trapOid: '1.3.6.1.6.3.1.1.5.3', uptime: 5, agentAddress: undefined });
  });

  it('removes snmpTrapCommunity.0 and never reads the message community; no snmpTrapOID.0 is malformed', () => {
    const pdu = v2('1.3.6.1.4.1.1.0.1', [{ oid: '1.3.6.1.6.3.18.1.4.0', type: STR, value: Buffer.from('c0mmunity') }], { community: 'c0mmunity' } as Partial<RawTrapPdu>);
    const msg = toTrapMessage(pdu, FROM)!;
    expect(JSON.stringify(msg)).not.to.include('c0mmunity').and.not.to.include(Buffer.from('c0mmunity').toString('hex'));
    expect(toTrapMessage({ type: V2, varbinds: [ifIndex(1)] }, FROM)).to.equal(undefined);
  });

  it('maps the source through `sources` (agent address first), else falls back to the address, unresolved', () => {
    const it = make();
    const a = interpret(it, v2('1.3.6.1.6.3.1.1.5.1', []));
    expect(a.node).to.equal('node:core-sw-1');
    expect(a.observations.map((o) => o.kind)).to.deep.equal(['event']);
    const b = interpret(it, v2('1.3.6.1.6.3.1.1.5.1', [{ oid: '1.3.6.1.6.3.18.1.3.0', type: 64, value: '192.0.2.7' }]), { address: '127.0.0.9', port: 1 });
    expect(b.node).to.equal('node:edge-7');
    const c = interpret(it, v2('1.3.6.1.6.3.1.1.5.1', []), { address: '127.0.0.9', port: 1 });
    expect(c.node).to.equal('node:127.0.0.9');
    expect(c.observations[0]).to.deep.include({ kind: 'topology', entity: 'node:127.0.0.9', element: 'node' });
    expect(events(c)[0].data).to.include({ unresolved: true });
  });

  it('names ports from ifName, else ifDescr, else ifIndex-<n>, remembering names per node', () => {
    const it = make();
    const down = '1.3.6.1.6.3.1.1.5.3';
    expect(events(interpret(it, v2(down, [ifIndex(1)])))[0].entity).to.equal('port:core-sw-1/ifIndex-1');
    expect(events(interpret(it, v2(down, [ifIndex(2), ifDescr(2, 'GigabitEthernet0/2')])))[0].entity).to.equal('port:core-sw-1/GigabitEthernet0/2');
    expect(events(interpret(it, v2(down, [ifIndex(2), ifName(2, 'Gi0/2')])))[0].entity).to.equal('port:core-sw-1/Gi0/2');
    // ifDescr does not override a learned ifName; a later bare ifIndex uses the learned name
    expect(events(interpret(it, v2(down, [ifIndex(2), ifDescr(2, 'GigabitEthernet0/2')])))[0].entity).to.equal('port:core-sw-1/Gi0/2');
    expect(events(interpret(it, v2(down, [ifIndex(2)])))[0].entity).to.equal('port:core-sw-1/Gi0/2');
    // another node's ifIndex 2 is another port
    expect(events(interpret(it, v2(down, [ifIndex(2)]), { address: '192.0.2.7', port: 1 }))[0].entity).to.equal('port:edge-7/ifIndex-2');
  });

  it('names a port as its poller published it (port directory), over the trap’s own ifDescr; no port announced', () => {
    const directory = createPortDirectory();
    const it = new TrapInterpreter([{ address: '127.0.0.5', identity: 'Core-SW-1' }], namer, [], directory);
    const down = '1.3.6.1.6.3.1.1.5.3';
    directory.publish('node:core-sw-1', new Map([[3, { entity: 'port:core-sw-1/Gi0/3', name: 'Gi0/3' }]]));
    const bare = interpret(it, v2(down, [ifIndex(3)]));
    expect(bare.observations.map((o) => [o.kind, o.entity])).to.deep.equal([['event', 'port:core-sw-1/Gi0/3'], ['state', 'port:core-sw-1/Gi0/3']]);
    expect(events(bare)[0].data).to.include({ ifIndex: 3, ifName: 'Gi0/3' });
    expect(events(interpret(it, v2(down, [ifIndex(3), ifDescr(3, 'GigabitEthernet0/3')])))[0].entity).to.equal('port:core-sw-1/Gi0/3');
    expect(events(interpret(it, v2(down, [ifIndex(4)])))[0].entity, 'not published: own naming').to.equal('port:core-sw-1/ifIndex-4');
  });

  it('a linkDown without any IF-MIB varbind is an event on the node and no state', () => {
    const r = interpret(make(), v2('1.3.6.1.6.3.1.1.5.3', []));
    expect(r.observations.map((o) => [o.kind, o.entity])).to.deep.equal([['event', 'node:core-sw-1']]);
  });

  it('a varbind equal to a secret is shown <redacted>; octet strings are text when printable, else hex', () => {
    const r = interpret(make(['hunter22-key']), v2('1.3.6.1.4.1.99999.0.1', [
      { oid: '1.3.6.1.4.1.99999.1.1.0', type: STR, value: Buffer.from('hunter22-key') },
      { oid: '1.3.6.1.4.1.99999.1.2.0', type: STR, value: Buffer.from([0x00, 0x1b, 0x21, 0xff]) },
      { oid: '1.3.6.1.4.1.99999.1.3.0', type: 70, value: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0]) },
    ]));
    const vbs = events(r)[0].data?.varbinds as { value: unknown }[];
    expect(vbs.map((v) => v.value)).to.deep.equal(['<redacted>', '0x001b21ff', '18446744073709551616']);
    expect(JSON.stringify(r.observations)).not.to.include('hunter22');
  });

  it('names trap OIDs from an extra MIB given in `mibs`, and survives a missing file', () => {
    const errors: string[] = [];
    const named = createOidNamer(['test/probes/snmp-trap/fixtures/VIGIE-TEST-MIB.mib', '/no/such/file.mib'], (f) => errors.push(f));
    expect(errors).to.deep.equal(['/no/such/file.mib']);
    expect(named.name('1.3.6.1.4.1.99999.0.42')).to.equal('VIGIE-TEST-MIB::vigieFanFailed');
    expect(named.name('1.3.6.1.4.1.99999.1.2.0')).to.equal('VIGIE-TEST-MIB::vigieFanNumber.0');
    expect(named.name('1.3.6.1.2.1.31.1.1.1.1.7')).to.equal('IF-MIB::ifName.7');
    expect(namer.name('1.3.6.1.4.1.99999.0.42'), 'the default namer does not know it').to.equal('SNMPv2-SMI::enterprises.99999.0.42');
    const r = new TrapInterpreter([], named, []).interpret(toTrapMessage(v2('1.3.6.1.4.1.99999.0.42', []), FROM)!, AT);
    expect(r.name).to.equal('vigieFanFailed');
    expect(events(r)[0]).to.deep.include({ type: 'trap', severity: 'info' });
  });

  it('wellFramed: exactly one definite-length SEQUENCE', () => {
    const good = encodeV2cTrap({ type: 'linkDown', ifIndex: 1, ifName: 'x'.repeat(200) });
    expect(good.length).to.be.greaterThan(255);
    expect(wellFramed(good)).to.equal(true);
    expect(wellFramed(good.subarray(0, good.length - 1))).to.equal(false);
    expect(wellFramed(Buffer.concat([good, Buffer.from([0])]))).to.equal(false);
    expect(wellFramed(Buffer.from([0x30, 0x80, 0, 0]))).to.equal(false);
    expect(wellFramed(Buffer.alloc(0))).to.equal(false);
  });
});

describe('snmp-trap: token bucket and log throttle', () => {
  it('admits a burst, then the refill rate, per source', () => {
    const l = new SourceRateLimiter(10, 5);
    const admitted = (src: string, n: number, now: number) => Array.from({ length: n }, () => l.admit(src, now)).filter(Boolean).length;
    expect(admitted('a', 8, 0)).to.equal(5);
    expect(admitted('b', 8, 0)).to.equal(5);
    expect(admitted('a', 8, 100)).to.equal(1);
    expect(admitted('a', 8, 1100)).to.equal(5);
    l.sweep(10_000);
    expect(l.sources).to.equal(0);
  });

  it('keeps at most maxSources buckets', () => {
    const l = new SourceRateLimiter(1, 1, 3);
    for (const s of ['a', 'b', 'c', 'd']) expect(l.admit(s, 0)).to.equal(true);
    expect(l.sources).to.equal(3);
  });

  it('allows a key once per window and counts what it suppressed', () => {
    const t = new LogThrottle(1000);
    expect(t.allow('x', 0)).to.equal(true);
    expect(t.allow('x', 10)).to.equal(false);
    expect(t.allow('x', 20)).to.equal(false);
    expect(t.allow('y', 20)).to.equal(true);
    expect(t.allow('x', 1000)).to.equal(true);
    expect(t.take('x')).to.equal(2);
    expect(t.take('x')).to.equal(0);
  });
});
