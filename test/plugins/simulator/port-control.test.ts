/**
 * The simulator's runtime port control (`setPortOper`), read over real SNMP with the SDK's
 * client on a clock the test moves: ifOperStatus and ifLastChange follow the change, the
 * port's counters stand still while it is down and go on without the outage once it is up,
 * and nothing else moves (other ports, other devices).
 */
import { expect } from 'chai';
import pino from 'pino';
import { firstValueFrom } from 'rxjs';
import { isVigieError, type SnmpClient, type Varbind } from '../../../plugins/sdk/index.js';
import { createSnmpClient } from '../../../plugins/sdk/snmp/net-snmp-client.js';
import { liveModel } from '../../../plugins/sdk/testkit/live.js';
import { generateSite, startSimulator, type RunningSimulator, type SiteSpec } from '../../../plugins/simulator/index.js';

const log = pino({ level: 'silent' });
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const oper = (i: number) => `1.3.6.1.2.1.2.2.1.8.${i}`;
const lastChange = (i: number) => `1.3.6.1.2.1.2.2.1.9.${i}`;
const hcIn = (i: number) => `1.3.6.1.2.1.31.1.1.1.6.${i}`;
const inOctets = (i: number) => `1.3.6.1.2.1.2.2.1.10.${i}`;

describe('simulator: setPortOper (a port taken down and up while it runs)', function () {
  this.timeout(20_000);
  const spec: SiteSpec = { switches: 2, portsPerSwitch: 4, seed: 5 };
  const T0 = Date.UTC(2026, 0, 1);
  let clock = T0;
  let sim: RunningSimulator | undefined;
  let client: SnmpClient | undefined;

  before(async () => {
    sim = await startSimulator({ basePort: 0, site: spec }, log, () => clock);
    client = createSnmpClient();
  });
  after(async () => {
    client?.close();
    await sim?.stop();
  });

  const get = async (device: string, oids: string[], atS: number): Promise<Varbind[]> => {
    clock = T0 + atS * 1000;
    const d = sim!.devices.find((x) => x.name === device)!;
    const session = client!.session({ host: d.host, port: d.port, version: '2c', community: d.community, timeoutMs: 1000, retries: 1 });
    return firstValueFrom(session.get(oids));
  };

  it('serves the set oper status and last change, freezes the counters while down, resumes without the outage', async () => {
    // eth1 of sim-sw-01 is cabled, so recorded up, and carries traffic.
    const [o0, , c0] = await get('sim-sw-01', [oper(1), lastChange(1), hcIn(1)], 0);
    expect(o0.value, 'recorded up').to.equal(1);
    const [, c10] = await get('sim-sw-01', [oper(1), hcIn(1)], 10);
    expect(c10.value as bigint > (c0.value as bigint), 'traffic before the change').to.equal(true);

    clock = T0 + 10_000;
    sim!.setPortOper('sim-sw-01', 1, 'down');
    const [o10, lc10, up10] = await get('sim-sw-01', [oper(1), lastChange(1), SYS_UPTIME], 10);
    expect(o10.value).to.equal(2);
    expect(lc10.value, 'ifLastChange = sysUpTime at the change').to.equal(up10.value);

    const [o20, c20, in20] = await get('sim-sw-01', [oper(1), hcIn(1), inOctets(1)], 20);
    expect(o20.value).to.equal(2);
    expect(c20.value, 'HC counter frozen while down').to.equal(c10.value);
    const [, in15] = await get('sim-sw-01', [oper(1), inOctets(1)], 15);
    expect(in20.value, '32-bit counter frozen too').to.equal(in15.value);

    clock = T0 + 20_000;
    sim!.setPortOper('sim-sw-01', 1, 'down'); // already down: the outage keeps its start
    sim!.setPortOper('sim-sw-01', 1, 'up');
    const [o30, lc30, c30] = await get('sim-sw-01', [oper(1), lastChange(1), hcIn(1)], 30);
    expect(o30.value).to.equal(1);
    expect(lc30.value as number, 'last change moved to the second change').to.be.greaterThan(lc10.value as number);
    // 30 s elapsed, 10 of them down: the counter reads what it would have after 20 s of traffic.
    const site = generateSite(spec);
    const rec = site[0].recording;
    const expected = liveModel(rec, spec.seed).valueOf(rec.get(hcIn(1))!, 20_000).value;
    expect(c30.value).to.equal(expected);
    expect(c30.value as bigint > (c20.value as bigint), 'traffic again once up').to.equal(true);
  });

  it('changes only that port of that device, and refuses unknown names and ports', async () => {
    clock = T0 + 40_000;
    sim!.setPortOper('sim-sw-02', 2, 'down');
    const [a, b] = await get('sim-sw-02', [oper(2), oper(1)], 40);
    expect(a.value).to.equal(2);
    expect(b.value, 'the cabled eth1 stays up').to.equal(1);
    const other = await get('sim-sw-01', [oper(2)], 40);
    const recorded = generateSite(spec)[0].recording.get(oper(2))!.value;
    expect(other.map((v) => v.value), 'sim-sw-01 eth2 keeps its recorded state').to.deep.equal([recorded]);

    const codeOf = (f: () => void): string | undefined => {
      try {
        f();
      } catch (e) {
        return isVigieError(e, 'E_CONFIG') ? 'E_CONFIG' : String(e);
      }
      return undefined;
    };
    expect(codeOf(() => sim!.setPortOper('sim-sw-99', 1, 'down'))).to.equal('E_CONFIG');
    expect(codeOf(() => sim!.setPortOper('sim-sw-01', 99, 'down'))).to.equal('E_CONFIG');
  });
});
