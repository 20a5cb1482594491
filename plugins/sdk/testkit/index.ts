/**
 * The Vigie plugin test kit: run a probe in virtual time against recorded devices.
 * Imported separately from the SDK (`plugins/sdk/testkit/index.js`), so the daemon never loads it.
 *
 * ```ts
 * const clock = new VirtualClock();
 * const snmp = recordedSnmp({ '127.0.0.1': 'test/fixtures/my-switch.snmprec' }, clock);
 * const run = runProbe(myKind, { host: '127.0.0.1', version: '2c' }, { clock, clients: { snmp } });
 * run.advance(60_000);
 * expect(run.of('metric')).to.not.be.empty;
 * ```
 */
export { VirtualClock, DEFAULT_START_AT } from './virtual-clock.js';
export { recordedSnmp, type RecordedSnmpClient, type RecordedSnmpOptions } from './recorded-snmp.js';
export { runProbe, type ProbeRun, type RunProbeOptions } from './run-probe.js';
export { liveModel, trafficProfile, bytesAfter, rateAt, type LiveModel, type TrafficProfile } from './live.js';
export { Recording, loadSnmprec, parseSnmprec, compareOids, oidKey } from '../snmp/snmprec.js';
