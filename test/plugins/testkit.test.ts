/**
 * The SDK test kit: virtual clock, recorded SNMP client and runProbe, exercised with a tiny probe
 * written here (GET sysName + sysUpTime every interval; up with the uptime, or down with the reason).
 */
import { SNMPREC_DIR } from '../setup/corpus.js';
import { expect } from 'chai';
import { exhaustMap, map, catchError, of, timer, mergeMap, from } from 'rxjs';
import { defineProbe, isVigieError, nodeId, SNMPv2_MIB, Type, vbNumber, vbString, type Observation, type Varbind } from '../../plugins/sdk/index.js';
import { DEFAULT_START_AT, loadSnmprec, parseSnmprec, recordedSnmp, runProbe, VirtualClock } from '../../plugins/sdk/testkit/index.js';

const DIR = SNMPREC_DIR;
const IOS = `${DIR}/ios_2960x.snmprec`;
const IF_HC_IN = '1.3.6.1.2.1.31.1.1.1.6';
const IF_IN = '1.3.6.1.2.1.2.2.1.10';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';

const tinyProbe = defineProbe({
  description: 'test probe: sysName and sysUpTime',
  configSchema: Type.Object({
    host: Type.String(),
    port: Type.Optional(Type.Integer({ default: 161 })),
    timeoutMs: Type.Optional(Type.Integer({ default: 2000 })),
    retries: Type.Optional(Type.Integer({ default: 1 })),
  }),
  defaultIntervalMs: 10_000,
  create(target, ctx) {
    const session = ctx.clients.snmp.session({ host: target.host, port: target.port, version: '2c', community: 'public', timeoutMs: target.timeoutMs, retries: target.retries });
    const entity = nodeId(ctx.name);
    return timer(0, ctx.intervalMs, ctx.scheduler).pipe(
      exhaustMap(() =>
        session.get([SNMPv2_MIB.sysName, SNMPv2_MIB.sysUpTime]).pipe(
          mergeMap(([name, up]): Observation[] => [
            { kind: 'state', at: ctx.scheduler.now(), entity, state: 'up', reason: vbString(name) },
            { kind: 'metric', at: ctx.scheduler.now(), entity, name: 'sys.uptime_s', value: vbNumber(up)! / 100 },
          ]),
          catchError((e: Error) => of<Observation>({ kind: 'state', at: ctx.scheduler.now(), entity, state: 'down', reason: `${(e as { code?: string }).code}: ${e.message}` })),
        ),
      ),
    );
  },
});

/** Subscribes to a cold SNMP observable and collects what it gives, in virtual time. */
function collect<T>(obs: import('rxjs').Observable<T>): { values: T[]; error?: unknown; done: boolean } {
  const out: { values: T[]; error?: unknown; done: boolean } = { values: [], done: false };
  obs.subscribe({ next: (v) => out.values.push(v), error: (e) => (out.error = e), complete: () => (out.done = true) });
  return out;
}

describe('test kit', () => {
  describe('VirtualClock', () => {
    it('starts at 2026-01-01T00:00:00Z, or the given time', () => {
      expect(new VirtualClock().now()).to.equal(Date.parse('2026-01-01T00:00:00Z'));
      expect(DEFAULT_START_AT).to.equal(Date.parse('2026-01-01T00:00:00Z'));
      expect(new VirtualClock(1234).now()).to.equal(1234);
    });

    it('advance runs what is due, in time order, and stops at the boundary', () => {
      const clock = new VirtualClock(0);
      const seen: string[] = [];
      clock.schedule(() => seen.push(`b@${clock.now()}`), 1000);
      clock.schedule(() => {
        seen.push(`a@${clock.now()}`);
        clock.schedule(() => seen.push(`c@${clock.now()}`), 400); // due at 900: inside the window
      }, 500);
      clock.advance(999);
      expect(seen).to.deep.equal(['a@500', 'c@900']);
      expect(clock.now()).to.equal(999);
      clock.advance(1);
      expect(seen).to.deep.equal(['a@500', 'c@900', 'b@1000']);
      expect(() => clock.advance(-1)).to.throw(RangeError);
    });

    it('drives rxjs timers', () => {
      const clock = new VirtualClock(0);
      const ticks: number[] = [];
      timer(0, 250, clock).subscribe(() => ticks.push(clock.now()));
      clock.advance(1000);
      expect(ticks).to.deep.equal([0, 250, 500, 750, 1000]);
    });
  });

  describe('recordedSnmp', () => {
    const rec = loadSnmprec(IOS);

    it('answers GETs from the recording on the clock, never inside subscribe', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': rec }, clock);
      const s = snmp.session({ host: '127.0.0.1', version: '2c' });
      const r = collect(s.get([SNMPv2_MIB.sysDescr, '1.3.6.1.2.1.1.99.0', `${IF_HC_IN}.999999`]));
      expect(r.values).to.deep.equal([]);
      clock.advance(0);
      expect(r.done).to.equal(true);
      const [descr, noObject, noInstance] = r.values[0];
      expect(descr.value).to.deep.equal(rec.get(SNMPv2_MIB.sysDescr)!.value);
      expect([noObject.type, noInstance.type]).to.deep.equal(['NoSuchObject', 'NoSuchInstance']);
      expect(snmp.requests).to.equal(1);
    });

    it('walks a subtree in OID order, after the latency', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ 'sw:1161': IOS }, clock, { latencyMs: 25, liveCounters: false });
      const r = collect(snmp.session({ host: 'sw', port: 1161, version: '2c' }).walk('1.3.6.1.2.1.2.2.1'));
      clock.advance(24);
      expect(r.done).to.equal(false);
      clock.advance(1);
      expect(r.values[0].map((v) => v.oid)).to.deep.equal(rec.walk('1.3.6.1.2.1.2.2.1').map((v) => v.oid));
      expect(r.values[0].length).to.be.greaterThan(100);
    });

    it('advances sysUpTime and the traffic counters of up ports with the clock', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': rec }, clock);
      const s = snmp.session({ host: '127.0.0.1', version: '2c' });
      const upPort = rec.walk(IF_OPER).find((v) => v.value === 1 && rec.get(`${IF_HC_IN}.${v.oid.split('.').pop()}`))!.oid.split('.').pop();
      const downPort = rec.walk(IF_OPER).find((v) => v.value === 2 && rec.get(`${IF_HC_IN}.${v.oid.split('.').pop()}`))!.oid.split('.').pop();
      const oids = [SNMPv2_MIB.sysUpTime, `${IF_HC_IN}.${upPort}`, `${IF_HC_IN}.${downPort}`];
      const first = collect(s.get(oids));
      clock.advance(0);
      clock.advance(60_000);
      const second = collect(s.get(oids));
      clock.advance(0);
      const [a, b] = [first.values[0], second.values[0]];
      expect(a[0].value).to.equal(rec.get(SNMPv2_MIB.sysUpTime)!.value);
      expect((b[0].value as number) - (a[0].value as number)).to.equal(6000);
      const grew = (b[1].value as bigint) - (a[1].value as bigint);
      expect(grew > 0n, 'an up port carries traffic').to.equal(true);
      expect(b[2].value, 'a down port carries none').to.equal(a[2].value);
    });

    it('grows a port\'s 32-bit and 64-bit counters alike, the 32-bit one wrapping', () => {
      const clock = new VirtualClock();
      const near = 2 ** 32 - 1000;
      const mini = parseSnmprec(
        [`${IF_IN}.1|65|${near}`, `${IF_OPER}.1|2|1`, `${IF_HC_IN}.1|70|${near}`, `${IF_HC_IN.replace(/\.6$/, '.15')}.1|66|10000`].join('\n'), 'mini',
      );
      const snmp = recordedSnmp({ h: mini }, clock, { seed: 3 });
      clock.advance(60_000);
      const r = collect(snmp.session({ host: 'h', version: '2c' }).get([`${IF_IN}.1`, `${IF_HC_IN}.1`]));
      clock.advance(0);
      const [c32, c64] = r.values[0];
      const grown = (c64.value as bigint) - BigInt(near);
      expect(grown > 100_000n, `a 10 Gb/s port moves more than 100 kB in a minute (got ${grown})`).to.equal(true);
      expect(c32.value as number).to.be.lessThan(near, 'the 32-bit counter wrapped');
      expect(BigInt(c32.value as number)).to.equal((BigInt(near) + grown) % 2n ** 32n);
    });

    it('times out after timeoutMs × (retries + 1) for unknown and downed devices', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ 'sw-a': rec }, clock);
      const unknown = collect(snmp.session({ host: 'nowhere', version: '2c', timeoutMs: 300, retries: 2 }).get([SNMPv2_MIB.sysName]));
      snmp.setDown('sw-a', true);
      const downed = collect(snmp.session({ host: 'sw-a', version: '2c' }).walk('1.3.6.1.2.1.1'));
      clock.advance(899);
      expect([unknown.error, downed.error]).to.deep.equal([undefined, undefined]);
      clock.advance(1);
      expect(isVigieError(unknown.error, 'E_SNMP_TIMEOUT'), String(unknown.error)).to.equal(true);
      clock.advance(4000 - 900 - 1);
      expect(downed.error).to.equal(undefined);
      clock.advance(1);
      expect(isVigieError(downed.error, 'E_SNMP_TIMEOUT')).to.equal(true);
      snmp.setDown('sw-a', false);
      const back = collect(snmp.session({ host: 'sw-a', version: '2c' }).get([SNMPv2_MIB.sysName]));
      clock.advance(0);
      expect(back.values).to.have.length(1);
    });

    it('setValue pins an OID, adding it when the recording lacks it', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ h: parseSnmprec('1.3.6.1.2.1.1.3.0|67|100\n', 'mini') }, clock);
      snmp.setValue('h', SNMPv2_MIB.sysName, { type: 'OctetString', value: Buffer.from('pinned') });
      snmp.setValue('h', SNMPv2_MIB.sysUpTime, { type: 'TimeTicks', value: 5 });
      clock.advance(10_000);
      const r = collect(snmp.session({ host: 'h', version: '2c' }).walk('1.3.6.1.2.1.1'));
      clock.advance(0);
      expect(r.values[0].map((v: Varbind) => [v.oid, v.type === 'OctetString' ? vbString(v) : v.value])).to.deep.equal([
        [SNMPv2_MIB.sysUpTime, 5],
        [SNMPv2_MIB.sysName, 'pinned'],
      ]);
      expect(() => snmp.setValue('nope', '1.1', { type: 'Null', value: null })).to.throw(/no recorded device/);
    });
  });

  describe('runProbe', () => {
    it('runs a probe in virtual time: one poll per interval, uptime following the clock', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1': IOS }, clock);
      const run = runProbe(tinyProbe, { host: '127.0.0.1' }, { clock, clients: { snmp }, name: 'sw1' });
      expect(run.observations, 'nothing before time moves').to.deep.equal([]);
      run.advance(60_000);
      const states = run.of('state');
      expect(states.map((s) => s.state)).to.deep.equal(Array(7).fill('up'));
      expect(states.map((s) => s.at - DEFAULT_START_AT)).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
      expect(states[0].entity).to.equal('node:sw1');
      const uptimes = run.of('metric').map((m) => m.value);
      expect(uptimes.slice(1).map((u, i) => Math.round((u - uptimes[i]) * 100) / 100)).to.deep.equal(Array(6).fill(10));
      expect(snmp.requests).to.equal(7);
      expect(run.errors).to.deep.equal([]);
      run.stop();
    });

    it('reports down when the device is set down, after the timeout, and up again', () => {
      const clock = new VirtualClock();
      const snmp = recordedSnmp({ '127.0.0.1:1161': IOS }, clock);
      const run = runProbe(tinyProbe, { host: '127.0.0.1', port: 1161, timeoutMs: 500, retries: 2 }, { clock, clients: { snmp }, intervalMs: 5000 });
      run.advance(0);
      snmp.setDown('127.0.0.1:1161', true);
      run.advance(5000 + 1499);
      expect(run.of('state').map((s) => s.state)).to.deep.equal(['up']);
      run.advance(1);
      const down = run.of('state')[1];
      expect(down.state).to.equal('down');
      expect(down.at - clock.startAt).to.equal(6500);
      expect(down.reason).to.match(/^E_SNMP_TIMEOUT: .*1500 ms/);
      snmp.setDown('127.0.0.1:1161', false);
      run.advance(3500);
      expect(run.of('state').map((s) => s.state)).to.deep.equal(['up', 'down', 'up']);
      run.stop();
    });

    it('defaults to a client where every host times out, the kind interval, a silent logger', () => {
      const run = runProbe(tinyProbe, { host: '192.0.2.1' });
      run.advance(4000);
      expect(run.of('state').map((s) => [s.state, s.at - run.clock.startAt])).to.deep.equal([['down', 4000]]);
      run.advance(6000);
      expect(run.of('state')).to.have.length(1); // the second poll (at 10 s) is still waiting
      run.stop();
      run.advance(60_000);
      expect(run.of('state')).to.have.length(1);
      expect(run.clock.actions.filter((a) => !a.closed), 'nothing left scheduled').to.have.length(0);
    });

    it('fills schema defaults and rejects an invalid target', () => {
      expect(() => runProbe(tinyProbe, { host: 42 } as never)).to.throw(/invalid target at \/host/);
    });

    it('records errors and completion', () => {
      const failing = defineProbe({
        description: 'fails', configSchema: Type.Object({}), defaultIntervalMs: 1000,
        create: (_t, ctx) => timer(10, ctx.scheduler).pipe(map(() => { throw new TypeError('bug'); })),
      });
      const finite = defineProbe({
        description: 'completes', configSchema: Type.Object({}), defaultIntervalMs: 1000,
        create: (_t, ctx) => from([{ kind: 'event', at: ctx.scheduler.now(), entity: 'node:x', type: 't', severity: 'info', message: 'm' } as Observation]),
      });
      const f = runProbe(failing, {});
      f.advance(10);
      expect(f.errors).to.have.length(1);
      expect(f.errors[0]).to.be.instanceOf(TypeError);
      const c = runProbe(finite, {});
      expect([c.completed, c.of('event').length]).to.deep.equal([true, 1]);
    });
  });
});
