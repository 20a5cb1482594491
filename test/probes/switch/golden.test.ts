/**
 * Golden tests of the switch kind over real-device recordings: two polls a minute apart (virtual
 * time, live counters), summarised and compared with `fixtures/<name>.golden.json`, and checked
 * against the corpus README's own table (ifXTable HC rows, LLDP rows, CDP rows).
 *
 * Data-driven: every `fixtures/*.golden.json` is one test. A golden file holds
 *   { "recording": "<corpus file name without .snmprec>",
 *     "target"?: { ...extra target keys; host is 127.0.0.1 },
 *     "expected": { ...the summary below... } }
 * To add a case, write a file with `"expected": {}` and run once with `UPDATE_GOLDEN=1`:
 *   UPDATE_GOLDEN=1 npx mocha test/probes/switch/golden.test.ts
 * then review the written summary (`git diff test/probes/switch/fixtures`) before committing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Observation } from '../../../plugins/sdk/index.js';
import { corpusFile, requireCorpus, SNMPREC_DIR } from '../../setup/corpus.js';
import { between, lastPorts, metrics, MINUTE, runSwitch, topo } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Golden {
  recording: string;
  target?: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** What two polls of a recording say, in a stable, reviewable form. */
function summarise(obs: Observation[], start: number, instance: string): Record<string, unknown> {
  const node = topo(obs, 'node').filter((n) => n.node.address === '127.0.0.1').at(-1)!;
  const attrs = node.node.attrs ?? {};
  const ports = [...lastPorts(obs).entries()];
  const states = new Map(obs.filter((o) => o.kind === 'state' && o.entity.startsWith('port:') && o.at < start + MINUTE).map((o) => [o.entity, o]));
  const count = (state: string) => [...states.values()].filter((s) => s.kind === 'state' && s.state === state).length;
  const neighbourNodes = Object.fromEntries(
    topo(obs, 'node')
      .filter((n) => n.node.attrs?.unpolled === true)
      .map((n) => [n.entity, `${n.node.kind} via ${String(n.node.attrs?.discoveredBy)}`])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const second = between(obs, start + MINUTE, start + 2 * MINUTE);
  const bps = metrics(second, 'if.in.bps');
  const sample: Record<string, Record<string, number>> = {};
  for (const m of bps.filter((x) => x.value > 0).slice(0, 3)) {
    sample[m.entity] = Object.fromEntries(metrics(second).filter((x) => x.entity === m.entity).map((x) => [x.name, round(x.value)]));
  }
  const inv = attrs.inventory as { components?: unknown[] } | undefined;
  return {
    node: { id: node.entity, name: node.node.name, kind: node.node.kind, identitySource: attrs.identitySource, instance },
    ports: {
      total: attrs.ports,
      polled: ports.length,
      hc: ports.filter(([, p]) => p.attrs?.hc === true).length,
      up: count('up'),
      down: count('down'),
      unknown: count('unknown'),
      adminDown: ports.filter(([, p]) => p.attrs?.adminDown === true).length,
    },
    neighbours: attrs.neighbours,
    links: topo(obs, 'link').map((l) => `${l.entity} (${String(l.link.attrs?.protocol)})`).sort(),
    neighbourNodes,
    fdb: {
      macs: ports.reduce((n, [, p]) => n + ((p.attrs?.macs as number) ?? 0), 0),
      ports: ports.filter(([, p]) => ((p.attrs?.macs as number) ?? 0) > 0).length,
    },
    inventory: inv ? { ...inv, components: inv.components?.length } : null,
    rates: { portsWithRates: bps.length, firstPoll: metrics(between(obs, start, start + MINUTE)).filter((m) => m.name.startsWith('if.')).length, sample },
    events: obs.filter((o) => o.kind === 'event').map((o) => (o.kind === 'event' ? o.type : '')),
  };
}

/** The corpus README's table row of a recording: HC rows (ifDescr rows), LLDP rows, CDP rows. */
function readmeRow(recording: string): { hc?: number; descr?: number; lldp: number; cdp: number } | undefined {
  const text = readFileSync(join(SNMPREC_DIR, 'README.md'), 'utf8');
  // The "Contents" table (the provenance table also starts with the file name, with fewer columns).
  const cells = text
    .split('\n')
    .filter((l) => l.startsWith(`| ${recording}.snmprec |`))
    .map((l) => l.split('|').map((c) => c.trim()))
    .find((c) => c.length >= 10 && /^\d+$/.test(c[5]));
  if (!cells) return undefined;
  const hc = /(\d+) \((\d+)\)/.exec(cells[4]);
  return { hc: hc ? Number(hc[1]) : undefined, descr: hc ? Number(hc[2]) : undefined, lldp: Number(cells[5]), cdp: Number(cells[6]) };
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.golden.json'))
  .sort();

describe('switch golden summaries (recorded devices, two polls)', function () {
  it('has golden files', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    it(file.replace(/\.golden\.json$/, ''), function () {
      const path = join(FIXTURES, file);
      const golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
      const recording = requireCorpus(this, golden.recording);
      const instance = basename(file, '.golden.json');
      const run = runSwitch({ '127.0.0.1': recording }, { host: '127.0.0.1', ...golden.target }, { name: instance });
      const start = run.clock.now();
      run.advance(1000);
      run.advance(MINUTE);
      run.stop();
      expect(run.errors).to.deep.equal([]);
      const actual = JSON.parse(JSON.stringify(summarise(run.observations, start, instance))) as Record<string, unknown>;

      // Independent of the golden file: the corpus README's counts, for whole-device goldens.
      const row = readmeRow(golden.recording);
      if (row && !golden.target?.ports) {
        const ports = actual.ports as { total: number; hc: number };
        const n = actual.neighbours as { lldp: number; cdp: number };
        expect({ lldp: n.lldp, cdp: n.cdp }, `neighbours vs ${corpusFile(golden.recording)} README`).to.deep.equal({ lldp: row.lldp, cdp: row.cdp });
        if (row.hc !== undefined) expect({ hc: ports.hc, total: ports.total }).to.deep.equal({ hc: row.hc, total: row.descr });
        expect((actual.rates as { portsWithRates: number }).portsWithRates, 'a rate for every HC port on the second poll').to.equal(ports.hc);
      }
      expect((actual.rates as { firstPoll: number }).firstPoll, 'no rate on the first poll').to.equal(0);

      if (UPDATE) {
        writeFileSync(path, `${JSON.stringify({ ...golden, expected: actual }, null, 2)}\n`);
        console.warn(`updated ${path}`);
        return;
      }
      expect(Object.keys(golden.expected).length, 'empty golden file: run once with UPDATE_GOLDEN=1').to.be.greaterThan(0);
      expect(actual).to.deep.equal(golden.expected);
    });
  }
});
