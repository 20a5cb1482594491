import { SNMPREC_DIR } from '../setup/corpus.js';
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVigieError, type Varbind } from '../../plugins/sdk/index.js';
import { compareOids, loadSnmprec, parseSnmprec, Recording } from '../../plugins/sdk/snmp/snmprec.js';

const DIR = SNMPREC_DIR;
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.snmprec')).sort();

const TYPE_OF_TAG: Record<string, Varbind['type']> = {
  '2': 'Integer', '4': 'OctetString', '4x': 'OctetString', '5': 'Null', '6': 'OID', '64': 'IpAddress', '64x': 'IpAddress',
  '65': 'Counter32', '66': 'Gauge32', '67': 'TimeTicks', '68': 'Opaque', '68x': 'Opaque', '70': 'Counter64',
};

/** The raw lines of a file, split the way the README describes (first two `|`). */
function rawLines(text: string): { oid: string; tag: string; value: string }[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [oid, tag, ...rest] = l.split('|');
    return { oid, tag, value: rest.join('|') };
  });
}

/** Hex pairs to bytes, a non-hex pair (a redaction placeholder) as 00: the documented reading. */
function hexBytes(hex: string): Buffer {
  return Buffer.from((hex.match(/../g) ?? []).map((p) => (/^[0-9a-f]{2}$/i.test(p) ? parseInt(p, 16) : 0)));
}

function expectRecordingError(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    expect(isVigieError(e, 'E_RECORDING'), String(e)).to.equal(true);
    for (const f of fragments) expect((e as Error).message).to.contain(f);
    return;
  }
  expect.fail('expected an E_RECORDING error');
}

describe('snmprec parser', () => {
  it('finds the shared recordings', () => {
    expect(FILES.length, `no .snmprec in ${DIR}`).to.be.greaterThan(0);
  });

  for (const file of FILES) {
    describe(file, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const raw = rawLines(text);
      const rec = loadSnmprec(join(DIR, file));

      it('keeps every record, named after the file', () => {
        expect(rec.name).to.equal(file.replace(/\.snmprec$/, ''));
        expect(rec.size).to.equal(raw.length);
      });

      it('warns once per redaction placeholder (hex letters, <private> address), and only then', () => {
        const placeholders = raw.filter((l) => (l.tag.endsWith('x') && !/^([0-9a-f]{2})*$/i.test(l.value)) || (l.tag === '64' && l.value.startsWith('<')));
        expect(rec.warnings).to.have.length(placeholders.length);
        for (const w of rec.warnings) expect(w).to.match(new RegExp(`^${DIR}/${file}:\\d+: (hex value|IpAddress placeholder)`));
      });

      it('sorts the records in strictly increasing numeric OID order', () => {
        for (let i = 1; i < rec.size; i++) {
          expect(compareOids(rec.records[i - 1].oid, rec.records[i].oid), `${rec.records[i - 1].oid} !< ${rec.records[i].oid}`).to.equal(-1);
        }
      });

      it('types each value after its tag', () => {
        const byOid = new Map(rec.records.map((r) => [r.oid, r]));
        for (const line of raw) {
          const vb = byOid.get(line.oid)!;
          expect(vb, line.oid).to.not.equal(undefined);
          expect(vb.type, `${line.oid} tag ${line.tag}`).to.equal(TYPE_OF_TAG[line.tag]);
          switch (vb.type) {
            case 'Integer': case 'Counter32': case 'Gauge32': case 'TimeTicks':
              expect(vb.value).to.equal(Number(line.value));
              break;
            case 'Counter64':
              expect(vb.value).to.equal(BigInt(line.value));
              break;
            case 'OctetString': case 'Opaque':
              expect(Buffer.isBuffer(vb.value)).to.equal(true);
              expect((vb.value as Buffer).equals(line.tag.endsWith('x') ? hexBytes(line.value) : Buffer.from(line.value))).to.equal(true);
              break;
            case 'IpAddress':
              expect(vb.value).to.equal(line.value.startsWith('<') ? '0.0.0.0' : line.value);
              break;
            case 'OID':
              expect(vb.value).to.match(/^\d+(\.\d+)+$/);
              break;
          }
        }
      });

      it('answers get / next / walk like a brute-force scan', () => {
        const oids = rec.records.map((r) => r.oid);
        const step = Math.max(1, Math.ceil(oids.length / 40));
        const probes = [...oids.filter((_, i) => i % step === 0), '0.0', '1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2.1.2.999999', '9.9'];
        const keys = rec.records.map((r) => r.oid.split('.').map(Number));
        const after = (a: number[], b: number[]) => {
          for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] > b[i];
          return a.length > b.length;
        };
        for (const oid of probes) {
          const key = oid.split('.').map(Number);
          expect(rec.get(oid), oid).to.equal(rec.records.find((r) => r.oid === oid));
          let best = -1; // the smallest record after `oid`, by a linear scan
          for (let i = 0; i < keys.length; i++) if (after(keys[i], key) && (best < 0 || after(keys[best], keys[i]))) best = i;
          expect(rec.next(oid), `next ${oid}`).to.equal(best < 0 ? undefined : rec.records[best]);
        }
        for (const root of ['1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.31.1.1.1.6', '1.0.8802.1.1.2.1.4.1']) {
          expect(rec.walk(root).map((r) => r.oid), root).to.deep.equal(oids.filter((o) => o.startsWith(`${root}.`)));
        }
      });
    });
  }

  it('orders numerically, not lexically', () => {
    const rec = parseSnmprec(['1.3.6.1.2.1.2.2.1.2.10|4|ten', '1.3.6.1.2.1.2.2.1.2.9|4|nine', '1.3.6.1.2.1.2.2.1.2.100|4|hundred', '1.3.6.1.2.1.2.2.1|5|'].join('\n'), 'order');
    expect(rec.records.map((r) => r.oid.split('.').pop())).to.deep.equal(['1', '9', '10', '100']);
    expect(compareOids('1.3.6.1.2.1.2.2.1.2.9', '1.3.6.1.2.1.2.2.1.2.10')).to.equal(-1);
    expect(compareOids('1.3.6.1', '1.3.6.1.0')).to.equal(-1);
    expect(compareOids('1.3.6.1', '1.3.6.1')).to.equal(0);
    expect(rec.next('1.3.6.1.2.1.2.2.1.2.9')?.value?.toString()).to.equal('ten');
  });

  it('decodes hex values: 4x octets, 64x addresses, and Counter64 beyond 2^53', () => {
    const rec = parseSnmprec(['1.1.1|4x|00ff41', '1.1.2|64x|7f000001', '1.1.3|70|18446744073709551615', '1.1.4|2|-2147483648', '1.1.5|4|a|b'].join('\r\n'), 'hex');
    expect([...(rec.get('1.1.1')!.value as Buffer)]).to.deep.equal([0, 255, 65]);
    expect(rec.get('1.1.2')!.value).to.equal('127.0.0.1');
    expect(rec.get('1.1.3')!.value).to.equal(18446744073709551615n);
    expect(rec.get('1.1.4')!.value).to.equal(-2147483648);
    expect(rec.get('1.1.5')!.value!.toString()).to.equal('a|b');
  });

  it('tells a missing instance from a missing object', () => {
    const rec = parseSnmprec('1.3.6.1.2.1.31.1.1.1.6.1|70|5\n1.3.6.1.2.1.1.5.0|4|x\n', 'missing');
    expect(rec.missingType('1.3.6.1.2.1.31.1.1.1.6.2')).to.equal('NoSuchInstance');
    expect(rec.missingType('1.3.6.1.2.1.1.4.0')).to.equal('NoSuchObject');
  });

  it('rejects malformed lines, naming the file and the line', () => {
    const ok = '1.3.6.1.2.1.1.5.0|4|sw\n';
    expectRecordingError(() => parseSnmprec(`${ok}1.3.6.1.2.1.1.6.0|4\n`, 'f.snmprec'), 'f.snmprec:2', '<oid>|<tag>|<value>');
    expectRecordingError(() => parseSnmprec(`${ok}1.3.x.1|4|v\n`, 'f'), 'f:2', 'bad OID');
    expectRecordingError(() => parseSnmprec(`${ok}\n1.3.6.1.9|99|v\n`, 'f'), 'f:3', 'unknown tag 99');
    expectRecordingError(() => parseSnmprec(`${ok}1.3.6.1.9|2:numeric|v\n`, 'f'), 'f:2', 'bad tag');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|2|abc\n`, 'f'), 'f:1', 'bad number');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|2|2147483648\n`, 'f'), 'f:1', 'out of range');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|65|-1\n`, 'f'), 'f:1', 'out of range');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|70|18446744073709551616\n`, 'f'), 'f:1', 'Counter64 out of range');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|4x|abc\n`, 'f'), 'f:1', 'bad hex');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|4x|00:1\n`, 'f'), 'f:1', 'bad hex');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|2x|01\n`, 'f'), 'f:1', 'cannot be hex-encoded');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|64|300.1.1.1\n`, 'f'), 'f:1', 'bad IpAddress');
    expectRecordingError(() => parseSnmprec(`1.3.6.1.9|6|not.an.oid\n`, 'f'), 'f:1', 'bad OID value');
    expectRecordingError(() => parseSnmprec(`${ok}${ok}`, 'f'), 'f:2', 'duplicate OID');
  });

  it('loadSnmprec names the path in its errors, and an unreadable file is E_RECORDING too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-snmprec-'));
    try {
      const path = join(dir, 'broken.snmprec');
      writeFileSync(path, '1.3.6.1.2.1.1.5.0|4|sw\ngarbage\n');
      expectRecordingError(() => loadSnmprec(path), `${path}:2`);
      expectRecordingError(() => loadSnmprec(join(dir, 'absent.snmprec')), 'cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('withValues adds and replaces records without touching the original', () => {
    const rec = parseSnmprec('1.1.1|2|1\n1.1.3|2|3\n', 'w');
    const changed = rec.withValues([{ oid: '1.1.2', type: 'Integer', value: 2 }, { oid: '1.1.3', type: 'Integer', value: 30 }]);
    expect(changed.records.map((r) => r.value)).to.deep.equal([1, 2, 30]);
    expect(rec.records.map((r) => r.value)).to.deep.equal([1, 3]);
    expect(new Recording('empty', []).next('1')).to.equal(undefined);
  });
});
