/**
 * Names for OIDs, from net-snmp's ModuleStore: the MIBs it ships (SNMPv2-MIB and the SMI
 * modules as its base, plus IANAifType-MIB and IF-MIB loaded here) and any MIB file the target
 * lists in `mibs`.
 *
 * Contract of `OidNamer.name(oid)`: `MODULE::object` for an OID a loaded MIB defines, with the
 * instance arcs appended for an OID under one (`IF-MIB::ifName.3`), else undefined. Names are
 * cached (bounded). The default store is built once per process (about 0.3 s, on first use);
 * a target with `mibs` gets its own store with those files added. A MIB file that cannot be read
 * or parsed is reported through `onError` and skipped: naming is a convenience, never a reason
 * for the receiver to stop.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import snmp from 'net-snmp';

export interface OidNamer {
  name(oid: string): string | undefined;
}

interface ModuleStore {
  loadFromFile(file: string): void;
  translations: { oidToModule: Record<string, string> };
}

/** Instance arcs tried below a defined object (a table column's index can be long: IP addresses, MACs). */
const MAX_INSTANCE_ARCS = 24;
const CACHE_LIMIT = 20_000;

function shippedMibsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('net-snmp')), 'lib', 'mibs');
}

function buildStore(extra: string[], onError: (file: string, err: unknown) => void): ModuleStore {
  const store = snmp.createModuleStore() as ModuleStore;
  const dir = shippedMibsDir();
  // IF-MIB imports IANAifType-MIB, which must come first.
  for (const f of [path.join(dir, 'IANAifType-MIB.mib'), path.join(dir, 'IF-MIB.mib'), ...extra]) {
    try {
      store.loadFromFile(f);
    } catch (err) {
      onError(f, err);
    }
  }
  return store;
}

let defaultStore: ModuleStore | undefined;

class StoreNamer implements OidNamer {
  private readonly cache = new Map<string, string | undefined>();
  constructor(private readonly table: Record<string, string>) {}

  name(oid: string): string | undefined {
    const key = oid.replace(/^\./, '');
    if (this.cache.has(key)) return this.cache.get(key);
    const found = this.lookup(key);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }

  private lookup(oid: string): string | undefined {
    const arcs = oid.split('.');
    for (let cut = arcs.length; cut > 0 && arcs.length - cut <= MAX_INSTANCE_ARCS; cut--) {
      const name = this.table[arcs.slice(0, cut).join('.')];
      if (name) return cut === arcs.length ? name : `${name}.${arcs.slice(cut).join('.')}`;
    }
    return undefined;
  }
}

/** A namer over the shipped MIBs plus `extraMibs` (files). */
export function createOidNamer(extraMibs: string[] = [], onError: (file: string, err: unknown) => void = () => undefined): OidNamer {
  const store = extraMibs.length ? buildStore(extraMibs, onError) : (defaultStore ??= buildStore([], onError));
  return new StoreNamer(store.translations.oidToModule);
}

/** The object name without its module: `IF-MIB::linkDown` → `linkDown`. */
export function shortName(name: string): string {
  const i = name.indexOf('::');
  return i < 0 ? name : name.slice(i + 2);
}
