/**
 * End to end against real peers on loopback: a SIPp UAC places calls through Kamailio (Debian
 * `kamailio`, tm + rr + siptrace mirroring every transaction as HEPv3 with an auth key to the
 * collector), which forwards them to a SIPp UAS (answered) or rejects them itself (486 for
 * `busy*` callees, 503 for `down*`). The collector's attempts, ASR, NER, SER, SEER and ISA must
 * equal the ratios of SIPp's own counts (its `-trace_stat` and `-trace_counts` files) — on the
 * trunk of the UAC's address, on a Request-URI regex trunk that sees each call on both of the
 * proxy's legs (counted once), and, for the answered calls only, on the UAS's trunk.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricObservation } from '../../../../plugins/sdk/index.js';
import { SIP_METRICS, type CallReport } from '../../../../probes/sip/call-report.js';
import { HEP_METRICS } from '../../../../probes/sip/hep/ingest.js';
import { freeUdpPort } from '../../../setup/free-port.js';
import { startKamailioOrSkip, type KamailioHandle } from '../../../setup/kamailio.js';
import { peerTempDir } from '../../../setup/peer-process.js';
import { runSippClient, sippOrSkip, startSippServer, type SippClientResult, type SippServer } from '../../../setup/sipp.js';
import { startCollector, valueOf, type CollectorRun } from './collector-run.js';
import { kamailioHepProxy, UAC_XML, UAS_XML } from './sipp-scenarios.js';

const CALLS = 20;
const AUTH_KEY = 'vigie-hep-test-key';

/** The last row of a SIPp semicolon CSV (`-trace_stat` / `-trace_counts`) as name → value. */
function lastRow(file: string): Map<string, string> {
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(';'));
  return new Map(rows[0].map((name, i) => [name, rows[rows.length - 1][i]]));
}

function count(row: Map<string, string>, name: string): number {
  const v = Number(row.get(name));
  expect(Number.isInteger(v), `SIPp counter ${name} = ${row.get(name)}`).to.equal(true);
  return v;
}

describe('sip-hep collector: KPIs against SIPp calls through Kamailio (HEPv3 mirroring)', function () {
  this.timeout(60_000);
  let uas: SippServer | undefined;
  let kamailio: KamailioHandle | undefined;
  let collector: CollectorRun | undefined;
  let uac: SippClientResult;
  let statFile: string;
  let uacPort: number;
  let metrics: MetricObservation[];

  before(async function () {
    sippOrSkip(this);
    uacPort = await freeUdpPort();
    const kamailioPort = await freeUdpPort();
    uas = await startSippServer({ scenario: { xml: UAS_XML } });
    collector = await startCollector({
      authKey: AUTH_KEY,
      trunks: [
        { name: 'carrier-in', addresses: [`127.0.0.1:${uacPort}`] },
        { name: 'gateway', addresses: [`127.0.0.1:${uas.port}`] },
        { name: 'by-uri', match: { requestUri: `@127\\.0\\.0\\.1:${kamailioPort}$` } },
      ],
    });
    kamailio = await startKamailioOrSkip(this, { port: kamailioPort, ...kamailioHepProxy(collector.port, AUTH_KEY, uas.port) });

    const dir = peerTempDir('vigie-hep-callees-');
    statFile = join(dir, 'stat.csv');
    const callees = Array.from({ length: CALLS }, (_, i) => (i % 5 === 1 ? `busy${i}` : i % 7 === 3 ? `down${i}` : `alice${i}`));
    writeFileSync(join(dir, 'callees.csv'), `SEQUENTIAL\n${callees.map((c) => `${c};`).join('\n')}\n`);
    uac = await runSippClient({
      target: `127.0.0.1:${kamailioPort}`,
      scenario: { xml: UAC_XML },
      args: ['-p', String(uacPort), '-inf', join(dir, 'callees.csv'), '-m', String(CALLS), '-r', '20', '-l', String(CALLS),
        '-trace_stat', '-stf', statFile, '-trace_counts', '-timeout', '30s'],
      timeoutMs: 40_000,
    });
    expect(uac.code, `SIPp UAC exit code; stderr: ${uac.stderr.slice(-2000)}`).to.equal(0);

    // Every call ends in a sip-call event (a final non-2xx, or the BYE): wait for all of them.
    const deadline = Date.now() + 10_000;
    const reports = (): CallReport[] => collector!.run.of('event').filter((e) => e.type === 'sip-call' && (e.data as unknown as CallReport).trunk === 'carrier-in').map((e) => e.data as unknown as CallReport);
    while (reports().length < CALLS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    metrics = collector.flush();
  });

  after(async () => {
    collector?.stop();
    await kamailio?.stop();
    await uas?.stop();
  });

  /** SIPp's own numbers: calls created and completed (stat file), responses received per code (counts file). */
  function sippCounts(): { total: number; answered: number; busy: number; down: number } {
    const stat = lastRow(statFile);
    const countsFile = readdirSync(uac.dir).find((f) => /_counts\.csv$/.test(f));
    expect(countsFile, `a -trace_counts file in ${uac.dir}`).to.not.equal(undefined);
    const counts = lastRow(join(uac.dir, countsFile!));
    const total = count(stat, 'TotalCallCreated');
    expect(count(stat, 'SuccessfulCall(C)'), 'every scenario ran to its end').to.equal(total);
    expect(count(stat, 'FailedCall(C)')).to.equal(0);
    const answered = count(counts, '6_200_Recv');
    const busy = count(counts, '4_486_Recv');
    const down = count(counts, '5_503_Recv');
    expect(answered + busy + down, 'each call got exactly one final response').to.equal(total);
    expect(answered * busy * down, 'the run mixes all three outcomes').to.be.above(0);
    return { total, answered, busy, down };
  }

  it('counts the calls of the UAC trunk and their ASR, NER, SER, SEER and ISA exactly as SIPp does', () => {
    const s = sippCounts();
    const trunk = 'trunk:carrier-in';
    expect(valueOf(metrics, trunk, SIP_METRICS.attempts)).to.equal(s.total);
    expect(valueOf(metrics, trunk, SIP_METRICS.asr)).to.equal((100 * s.answered) / s.total);
    expect(valueOf(metrics, trunk, SIP_METRICS.ner)).to.equal((100 * (s.answered + s.busy)) / s.total);
    expect(valueOf(metrics, trunk, SIP_METRICS.ser)).to.equal((100 * s.answered) / s.total); // no 3xx: the denominator is every attempt
    expect(valueOf(metrics, trunk, SIP_METRICS.seer)).to.equal((100 * (s.answered + s.busy)) / s.total);
    expect(valueOf(metrics, trunk, SIP_METRICS.isa)).to.equal((100 * s.down) / s.total);
    expect(valueOf(metrics, trunk, SIP_METRICS.concurrent)).to.equal(0);
    // The UAS rings, then answers 50 ms later; the UAC hangs up 300 ms after the 200.
    expect(valueOf(metrics, trunk, SIP_METRICS.pdd)).to.be.above(0).and.below(1000);
    expect(valueOf(metrics, trunk, SIP_METRICS.acd)).to.be.within(0.25, 5);

    const reports = collector!.run.of('event').map((e) => e.data as unknown as CallReport).filter((r) => r?.trunk === 'carrier-in');
    const byCode = (code: number): number => reports.filter((r) => r.finalCode === code).length;
    expect([byCode(200), byCode(486), byCode(503)]).to.deep.equal([s.answered, s.busy, s.down]);
    expect(reports.filter((r) => r.outcome === 'answered').every((r) => r.durationS !== undefined && r.pddMs !== undefined)).to.equal(true);
  });

  it('counts each call once on a Request-URI trunk that sees both legs of the proxy', () => {
    const s = sippCounts();
    expect(valueOf(metrics, 'trunk:by-uri', SIP_METRICS.attempts)).to.equal(s.total);
    expect(valueOf(metrics, 'trunk:by-uri', SIP_METRICS.asr)).to.equal((100 * s.answered) / s.total);
  });

  it('sees only the forwarded (answered) calls on the UAS trunk, and no bad datagram', () => {
    const s = sippCounts();
    expect(valueOf(metrics, 'trunk:gateway', SIP_METRICS.attempts)).to.equal(s.answered);
    expect(valueOf(metrics, 'trunk:gateway', SIP_METRICS.asr)).to.equal(100);
    const self = 'probe:test/test';
    expect(valueOf(metrics, self, HEP_METRICS.sip)).to.be.above(s.total * 2);
    expect(valueOf(metrics, self, HEP_METRICS.malformed)).to.equal(0);
    expect(valueOf(metrics, self, HEP_METRICS.rejected)).to.equal(0);
    expect(valueOf(metrics, self, HEP_METRICS.sipUnparsable)).to.equal(0);
  });
});
