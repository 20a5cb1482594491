/**
 * ENTITY-MIB inventory text cleanup: NUL-padded strings with a hex dump behind them (EdgeOS),
 * binary values and control characters never reach the inventory; clean text is kept as is.
 */
import { expect } from 'chai';
import { entityText, readInventory, type Inventory } from '../../../../plugins/sdk/snmp/device/entity.js';
import { loadSnmprec, parseSnmprec, recordedSnmp, VirtualClock, type Recording } from '../../../../plugins/sdk/testkit/index.js';
import type { Varbind } from '../../../../plugins/sdk/snmp/types.js';
import { requireCorpus } from '../../../setup/corpus.js';

const ENT = '1.3.6.1.2.1.47.1.1.1.1';
const octets = (value: Buffer | string): Varbind => ({ oid: '1.3', type: 'OctetString', value });
/** What EdgeOS sends: the name, NUL padding, then "\n00 00 … " lines (a hex dump of the buffer). */
const edgeosStyle = (name: string): Buffer =>
  Buffer.concat([Buffer.from(name), Buffer.alloc(16 - name.length), Buffer.from('\n00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \n00 00 00 00 ')]);

function inventoryOf(rec: Recording): Inventory | undefined {
  const clock = new VirtualClock();
  const client = recordedSnmp({ '127.0.0.1': rec }, clock, { liveCounters: false });
  const session = client.session({ host: '127.0.0.1', port: 161, version: '2c', community: 'public', timeoutMs: 1000, retries: 0 });
  let out: Inventory | undefined | 'pending' = 'pending';
  readInventory(session).subscribe({ next: (v) => (out = v) });
  clock.advance(10_000);
  client.close();
  if (out === 'pending') throw new Error('readInventory did not answer');
  return out;
}

describe('ENTITY-MIB text (entityText)', () => {
  it('cuts at the first NUL and drops the hex dump behind it', () => {
    expect(entityText(octets(edgeosStyle('CHASSIS')))).to.equal('CHASSIS');
    expect(entityText(octets(Buffer.from('504F5254000000000000B8C9000000000a3030203030', 'hex')))).to.equal('PORT');
    expect(entityText(octets('WS-C2960X\0\0junk'))).to.equal('WS-C2960X');
  });

  it('trims, and keeps clean text (UTF-8, tabs and line breaks inside) unchanged', () => {
    expect(entityText(octets(Buffer.from('  Catalyst 2960-X  \0\0')))).to.equal('Catalyst 2960-X');
    expect(entityText(octets(Buffer.from('Gerät Nr. 5 — Réseau')))).to.equal('Gerät Nr. 5 — Réseau');
    expect(entityText(octets(Buffer.from('Cisco IOS Software\r\nTechnical Support')))).to.equal('Cisco IOS Software\r\nTechnical Support');
    expect(entityText({ oid: '1.3', type: 'Integer', value: 42 })).to.equal('42');
  });

  it('drops values that are not printable text', () => {
    expect(entityText(octets(Buffer.from([0xff, 0xfe, 0x41, 0x42])))).to.equal(undefined, 'invalid UTF-8');
    expect(entityText(octets(Buffer.from([0x41, 0x01, 0x02, 0x42])))).to.equal(undefined, 'control bytes');
    expect(entityText(octets(Buffer.from('A\u001b[31mB')))).to.equal(undefined, 'escape sequence');
    expect(entityText(octets(Buffer.from('A\u0085B')))).to.equal(undefined, 'C1 control');
    expect(entityText(octets(Buffer.alloc(8)))).to.equal(undefined, 'only NULs');
    expect(entityText(octets('   '))).to.equal(undefined, 'only spaces');
    expect(entityText(undefined)).to.equal(undefined);
    expect(entityText({ oid: '1.3', type: 'NoSuchInstance', value: null })).to.equal(undefined);
  });
});

describe('readInventory: cleaned columns', () => {
  it('reports a NUL-padded chassis by its clean name, and leaves out binary columns', () => {
    const hex = (b: Buffer) => b.toString('hex');
    const rec = parseSnmprec(
      [
        `${ENT}.2.1|4x|${hex(edgeosStyle('CHASSIS'))}`,
        `${ENT}.2.2|4x|${hex(edgeosStyle('PORT'))}`,
        `${ENT}.2.3|4|Fan tray`,
        `${ENT}.4.1|2|0`,
        `${ENT}.4.2|2|1`,
        `${ENT}.4.3|2|1`,
        `${ENT}.5.1|2|3`,
        `${ENT}.5.2|2|10`,
        `${ENT}.5.3|2|7`,
        `${ENT}.7.1|4x|${hex(edgeosStyle('CHASSIS'))}`,
        `${ENT}.7.3|4x|${hex(Buffer.from([0x46, 0x41, 0x4e, 0x00, 0x00]))}`,
        `${ENT}.10.1|4|1.2.0`,
        `${ENT}.11.1|4x|fffe0102`,
        `${ENT}.11.3|4|FT-0001`,
      ].join('\n'),
      'inline',
    );
    const inv = inventoryOf(rec);
    expect(inv).to.deep.equal({
      model: 'CHASSIS',
      software: '1.2.0',
      description: 'CHASSIS',
      components: [
        { index: 1, class: 'chassis', name: 'CHASSIS', software: '1.2.0', description: 'CHASSIS' },
        { index: 3, class: 'fan', name: 'FAN', serial: 'FT-0001', description: 'Fan tray' },
      ],
      componentsTotal: 2,
    });
    expect(JSON.stringify(inv)).not.to.match(/\\u0000|00 00/);
  });

  it('the EdgeOS recording: no NUL, control character or hex dump anywhere in the inventory', function () {
    const inv = inventoryOf(loadSnmprec(requireCorpus(this, 'edgeos')));
    expect(inv?.model).to.equal('CHASSIS');
    expect(inv?.components.length).to.be.greaterThan(0);
    const all = JSON.stringify(inv);
    expect(all).not.to.match(/\\u00[01]|\\n|00 00/);
  });
});
