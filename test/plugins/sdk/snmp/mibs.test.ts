/**
 * The named OID constants of `plugins/sdk/snmp/device/mibs.ts` checked against the MIB files
 * net-snmp ships (IF-MIB, with IANAifType-MIB loaded first) through its ModuleStore: every
 * IF-MIB column number and table entry OID must agree with the MIB, by name.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import snmp from 'net-snmp';
import { IF_MIB, IF_MIB_X, SNMPv2_MIB_SYSTEM } from '../../../../plugins/sdk/snmp/device/mibs.js';

interface Provider {
  name: string;
  oid: string;
  tableColumns?: { number: number; name: string }[];
}

describe('MIB constants agree with the MIB files (net-snmp ModuleStore)', function () {
  let providers: Provider[];
  let store: ReturnType<typeof snmp.createModuleStore>;

  before(function () {
    const dir = join(dirname(createRequire(import.meta.url).resolve('net-snmp')), 'lib', 'mibs');
    store = snmp.createModuleStore();
    store.loadFromFile(join(dir, 'IANAifType-MIB.mib'));
    store.loadFromFile(join(dir, 'IF-MIB.mib'));
    providers = store.getProvidersForModule('IF-MIB') as unknown as Provider[];
  });

  const check = (entryName: string, constants: Record<string, string | number>, entryKey: string) => {
    const entry = providers.find((p) => p.name === entryName);
    expect(entry, entryName).to.not.equal(undefined);
    expect(constants[entryKey]).to.equal(entry!.oid);
    const byName = new Map(entry!.tableColumns!.map((c) => [c.name, c.number]));
    let checked = 0;
    for (const [name, value] of Object.entries(constants)) {
      if (typeof value !== 'number') continue;
      expect(byName.get(name), `${name} in ${entryName}`).to.equal(value);
      checked++;
    }
    return checked;
  };

  it('ifTable columns', () => {
    expect(check('ifEntry', IF_MIB, 'ifEntry')).to.be.greaterThan(15);
    expect(IF_MIB.ifNumber).to.equal(`${providers.find((p) => p.name === 'ifNumber')!.oid}.0`);
  });

  it('ifXTable columns', () => {
    expect(check('ifXEntry', IF_MIB_X, 'ifXEntry')).to.be.greaterThan(14);
  });

  it('the system group instances', () => {
    // SNMPv2-MIB is not shipped with its OBJECT-TYPEs, but the ModuleStore knows the names.
    expect(store.translate(SNMPv2_MIB_SYSTEM.sysName.replace(/\.0$/, ''), 'path')).to.match(/\.sysName$/);
    expect(store.translate(SNMPv2_MIB_SYSTEM.sysUpTime.replace(/\.0$/, ''), 'path')).to.match(/\.sysUpTime$/);
  });
});
