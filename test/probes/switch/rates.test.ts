/**
 * The switch kind's port rates in virtual time over real-device recordings: rates after two
 * polls match the traffic the recording's live model generated, no spike after a reboot or an
 * ifCounterDiscontinuityTime change, and 32-bit counters wrapping.
 */
import { expect } from 'chai';
import { bytesAfter, liveModel, loadSnmprec, Recording } from '../../../plugins/sdk/testkit/index.js';
import { portId } from '../../../plugins/sdk/index.js';
import { requireCorpus } from '../../setup/corpus.js';
import { between, metrics, MINUTE, runSwitch, topo } from './helpers.js';

const HOST = '127.0.0.1';

describe('switch kind: port rates (virtual time, recordings)', function () {
  it('no rate on the first poll; on the second, every HC port up has the rate the live counters grew at', function () {
    const rec = loadSnmprec(requireCorpus(this, 'nxos_n3k-3064pq'));
    const run = runSwitch({ [HOST]: rec }, { host: HOST });
    const start = run.clock.now();
    run.advance(1000);
    expect(metrics(run.observations).filter((m) => m.name.startsWith('if.'))).to.deep.equal([]);
    run.advance(MINUTE);
    const second = between(run.observations, start + MINUTE, start + 2 * MINUTE);
    const bps = metrics(second, 'if.in.bps');
    const ports = topo(run.observations, 'port');
    const up = ports.filter((p) => p.port.attrs?.operStatus === 'up' && p.port.attrs?.hc === true);
    expect(up.length).to.be.greaterThan(3);
    expect(bps.length, 'one bps per HC port').to.equal(ports.filter((p) => p.port.attrs?.hc === true).length);
    // The counters of poll 1 were read when the ports' states were stamped; poll 2's at the metric's time.
    const t1 = run.observations.find((o) => o.kind === 'state' && o.entity.startsWith('port:'))!.at;
    const live = liveModel(rec);
    for (const p of up) {
      const m = bps.find((x) => x.entity === p.entity)!;
      const prof = live.profile(p.port.attrs!.ifIndex as number, 'in')!;
      const grown = Math.floor(bytesAfter(prof, (m.at - start) / 1000)) - Math.floor(bytesAfter(prof, (t1 - start) / 1000));
      expect(m.value, p.entity).to.be.closeTo((grown * 8) / ((m.at - t1) / 1000), 1e-6);
      expect(m.value).to.be.greaterThan(0);
      const util = metrics(second, 'if.in.util_pct').find((x) => x.entity === p.entity)!;
      expect(util.value).to.be.closeTo((m.value / (p.port.attrs!.speed as number)) * 100, 1e-9);
    }
    run.stop();
  });

  it('after a reboot (sysUpTime went back, counters restarted) no port rate spikes; the next poll has rates again', function () {
    const file = requireCorpus(this, 'junos_qfx5100');
    const run = runSwitch({ [HOST]: file }, { host: HOST });
    const start = run.clock.now();
    run.advance(1000);
    run.advance(MINUTE);
    const normal = metrics(between(run.observations, start + MINUTE, start + 2 * MINUTE), 'if.in.bps');
    expect(normal.length).to.be.greaterThan(10);
    // Reboot: uptime back to 5 s, one port's 64-bit counter back to almost nothing.
    run.snmp.setValue(HOST, '1.3.6.1.2.1.1.3.0', { type: 'TimeTicks', value: 500 });
    const ifIndex = 513;
    run.snmp.setValue(HOST, `1.3.6.1.2.1.31.1.1.1.6.${ifIndex}`, { type: 'Counter64', value: 1000n });
    run.advance(MINUTE);
    const third = between(run.observations, start + 2 * MINUTE, start + 3 * MINUTE);
    expect(third.filter((o) => o.kind === 'event' && o.type === 'reboot')).to.have.length(1);
    expect(metrics(third).filter((m) => m.name.startsWith('if.'))).to.deep.equal([]);
    run.advance(MINUTE);
    const fourth = metrics(between(run.observations, start + 3 * MINUTE, start + 4 * MINUTE), 'if.in.bps');
    expect(fourth.length).to.equal(normal.length);
    const pinned = fourth.find((m) => m.entity === portId('node:sw', 'xe-0/0/0'))!;
    expect(pinned.value, 'the pinned counter did not move').to.equal(0);
    for (const m of fourth) expect(m.value).to.be.below(1e12);
    run.stop();
  });

  it('an ifCounterDiscontinuityTime change drops that port\'s rates for one poll only', function () {
    const file = requireCorpus(this, 'arubaos-cx');
    const run = runSwitch({ [HOST]: file }, { host: HOST });
    const start = run.clock.now();
    run.advance(1000);
    run.advance(MINUTE);
    const port = topo(run.observations, 'port').find((p) => p.port.attrs?.operStatus === 'up' && p.port.attrs?.hc)!;
    const ifIndex = port.port.attrs!.ifIndex as number;
    run.snmp.setValue(HOST, `1.3.6.1.2.1.31.1.1.1.19.${ifIndex}`, { type: 'TimeTicks', value: 123456 });
    run.advance(MINUTE);
    const third = metrics(between(run.observations, start + 2 * MINUTE, start + 3 * MINUTE));
    expect(third.filter((m) => m.entity === port.entity)).to.deep.equal([]);
    expect(third.filter((m) => m.name === 'if.in.bps').length).to.be.greaterThan(10);
    run.advance(MINUTE);
    expect(metrics(between(run.observations, start + 3 * MINUTE, start + 4 * MINUTE)).filter((m) => m.entity === port.entity).length).to.equal(10);
    run.stop();
  });

  it('32-bit counters: a port without HC counters gets its rate across the 2^32 wrap', function () {
    // routeros without its ifXTable HC columns, with 32-bit ifInOctets/ifOutOctets instead.
    const base = loadSnmprec(requireCorpus(this, 'routeros_rb750gr3'));
    const noHc = base.records.filter((r) => !/^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.(6|7|8|9|10|11|12|13)\./.test(r.oid));
    const rec = new Recording('routeros-32bit', [
      ...noHc,
      ...[1, 2, 3].flatMap((i) => [
        { oid: `1.3.6.1.2.1.2.2.1.10.${i}`, type: 'Counter32' as const, value: 1000 * i },
        { oid: `1.3.6.1.2.1.2.2.1.16.${i}`, type: 'Counter32' as const, value: 2000 * i },
      ]),
    ]);
    const run = runSwitch({ [HOST]: rec }, { host: HOST });
    const start = run.clock.now();
    run.snmp.setValue(HOST, '1.3.6.1.2.1.2.2.1.10.3', { type: 'Counter32', value: 2 ** 32 - 1000 });
    run.advance(1000);
    expect(topo(run.observations, 'port').find((p) => p.port.attrs?.ifIndex === 3)?.port.attrs?.hc).to.equal(false);
    run.snmp.setValue(HOST, '1.3.6.1.2.1.2.2.1.10.3', { type: 'Counter32', value: 5000 });
    run.advance(MINUTE);
    const second = between(run.observations, start + MINUTE, start + 2 * MINUTE);
    const bps = metrics(second, 'if.in.bps');
    const wrapped = bps.find((m) => m.entity === portId('node:sw', 'ether2'));
    const t1 = run.observations.find((o) => o.kind === 'state' && o.entity.startsWith('port:'))!.at;
    expect(wrapped?.value).to.be.closeTo((6000 * 8) / ((wrapped!.at - t1) / 1000), 1e-9);
    // The other 32-bit ports advanced with the live model (each wrapping at 2^32 on its own).
    expect(bps.filter((m) => m.value > 0).length).to.be.greaterThan(1);
    run.stop();
  });
});
