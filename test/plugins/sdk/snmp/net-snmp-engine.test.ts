/**
 * The net-snmp client's engine upgrades over real UDP, against scripted agents on loopback:
 * multi-column GETBULK walks, adaptive max-repetitions after `tooBig` and after timeouts
 * (remembered per target), looping agents, and a dead agent held to one request at a time.
 */
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createSnmpClient } from '../../../../plugins/sdk/snmp/net-snmp-client.js';
import type { AdaptiveRepetitions, ColumnWalker } from '../../../../plugins/sdk/snmp/walk.js';
import { generateSite } from '../../../../plugins/simulator/site.js';
import { PDU } from '../../../../plugins/simulator/ber.js';
import { isVigieError, SNMPv2_MIB, type SnmpClient, type SnmpSession, type SnmpTarget } from '../../../../plugins/sdk/index.js';
import { startScriptedAgent, type ScriptedAgent } from './scripted-agent.js';

const [sw] = generateSite({ switches: 2, portsPerSwitch: 200, seed: 7 });
const rec = sw.recording;
const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';
const COLUMNS = [`${IF}.2`, `${IF}.8`, `${IFX}.6`, `${IFX}.10`, `${IF}.14`];

type EngineSession = SnmpSession & ColumnWalker & { repetitions: AdaptiveRepetitions };

describe('SNMP engine over UDP (net-snmp client, scripted agents)', function () {
  let agent: ScriptedAgent;
  let client: SnmpClient;
  let target: SnmpTarget;
  const session = (t: SnmpTarget = target) => client.session(t) as EngineSession;
  const bulks = () => agent.requests.filter((r) => r.pduType === PDU.GetBulk);

  beforeEach(async () => {
    agent = await startScriptedAgent(rec);
    target = { host: '127.0.0.1', port: agent.port, version: '2c', community: 'public', timeoutMs: 300, retries: 0 };
    client = createSnmpClient({ concurrency: 8, perTargetConcurrency: 4 });
  });
  afterEach(async () => {
    client.close();
    await agent.close();
  });

  it('walks five columns with multi-OID GETBULKs: the same rows as the recording, far fewer requests than one walk per column', async () => {
    const cols = await lastValueFrom(session().walkColumns(COLUMNS, { maxRepetitions: 25 }));
    cols.forEach((rows, i) => expect(rows.map((r) => r.oid), COLUMNS[i]).to.deep.equal(rec.walk(COLUMNS[i]).map((r) => r.oid)));
    expect(cols[2][0].type).to.equal('Counter64');
    const multi = bulks().length;
    expect(multi).to.equal(Math.ceil(201 / 25));
    expect(bulks()[0].oids).to.have.length(5);
    agent.requests.length = 0;
    for (const c of COLUMNS) await lastValueFrom(session().walk(c, { maxRepetitions: 25 }));
    expect(bulks().length, 'one walk per column').to.equal(5 * multi);
  });

  it('after tooBig, retries smaller at once, finishes the walk right, and starts the next walk at the learnt size', async () => {
    agent.policy = (req) => (req.pduType === PDU.GetBulk && req.b * req.oids.length > 40 ? 'tooBig' : 'answer');
    const cols = await lastValueFrom(session().walkColumns(COLUMNS, { maxRepetitions: 50 }));
    cols.forEach((rows, i) => expect(rows.length, COLUMNS[i]).to.equal(rec.walk(COLUMNS[i]).length));
    const sizes = bulks().map((r) => r.b);
    expect(sizes.slice(0, 3)).to.deep.equal([50, 25, 12]);
    expect(sizes.slice(3).every((b) => b * 5 <= 40 || b <= 12)).to.equal(true);
    const ceiling = session().repetitions.ceiling;
    expect(ceiling).to.be.a('number').and.to.be.at.most(12);
    agent.requests.length = 0;
    await lastValueFrom(session().walk(`${IF}.2`, { maxRepetitions: 50 }));
    expect(bulks()[0].b, 'the next walk starts at the remembered size').to.be.at.most(12);
    expect(bulks().some((r) => r.b === 50)).to.equal(false);
  });

  it('a timed-out GETBULK is retried once with half the repetitions (an agent that cannot send big answers)', async () => {
    agent.policy = (req) => (req.pduType === PDU.GetBulk && req.b > 10 ? 'drop' : 'answer');
    const t0 = Date.now();
    const rows = await lastValueFrom(session().walk(`${IF}.2`, { maxRepetitions: 40 }));
    expect(rows.length).to.equal(200);
    expect(bulks().map((r) => r.b).slice(0, 3)).to.deep.equal([40, 20, 10]);
    expect(Date.now() - t0).to.be.below(2500);
  });

  it('does not hang on an agent that answers the same OIDs again (multi-column and single walks)', async () => {
    agent.policy = (req) => (req.pduType === PDU.GetBulk ? 'loop' : 'answer');
    const cols = await lastValueFrom(session().walkColumns([`${IF}.2`, `${IF}.8`]));
    expect(cols).to.deep.equal([[], []]);
    expect(await lastValueFrom(session().walk(`${IF}.2`))).to.deep.equal([]);
  });

  it('v1 walks the columns one GETNEXT walk at a time', async () => {
    const v1 = { ...target, version: '1' as const };
    const cols = await lastValueFrom(session(v1).walkColumns([`${IF}.2`, `${IF}.8`]));
    expect(cols.map((c) => c.length)).to.deep.equal([200, 200]);
    expect(agent.requests.every((r) => r.pduType === PDU.GetNext)).to.equal(true);
  });

  it('a target that timed out gets one request at a time until it answers again', async () => {
    agent.policy = () => 'drop';
    const first = await firstValueFrom(session().get([SNMPv2_MIB.sysName])).catch((e: unknown) => e);
    expect(isVigieError(first, 'E_SNMP_TIMEOUT')).to.equal(true);
    agent.requests.length = 0;
    const subs: Subscription[] = [];
    for (let i = 0; i < 4; i++) subs.push(session().get([SNMPv2_MIB.sysName]).subscribe({ error: () => undefined }));
    await new Promise((r) => setTimeout(r, 100));
    expect(agent.requests.length, 'held to one slot while dead').to.equal(1);
    agent.policy = () => 'answer';
    await new Promise((r) => setTimeout(r, 700));
    // The one in flight timed out (the agent was dropping), the next answered: the cap lifts and the rest go together.
    expect(agent.requests.length).to.equal(4);
    subs.forEach((s) => s.unsubscribe());
  });
});
