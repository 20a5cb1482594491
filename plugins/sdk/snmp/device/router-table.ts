/**
 * Table helpers shared by the router MIB readers (BGP, routes, resources): walking only the
 * columns a reader needs and joining them by row index, and decoding the addresses SNMP tables
 * use as indexes.
 *
 * Contract of `walkColumns(session, entry, columns)`: walks each named column
 * (`<entry>.<column>`) in parallel and emits once the rows, keyed by the index suffix (the OID
 * after `<entry>.<column>.`), in numeric index order; a row holds the columns the agent
 * answered (exceptions dropped). An absent table gives no rows. A walk's failure (timeout, SNMP
 * error) fails the whole read.
 */
import { forkJoin, map, of, type Observable } from 'rxjs';
import { compareOid } from '../oid.js';
import { vbMissing, type SnmpSession, type Varbind } from '../types.js';

/** One row of a table: the varbind of each column the agent answered. */
export type TableRow<C extends string> = Partial<Record<C, Varbind>>;

/** Rows keyed by their index suffix (e.g. `198.51.100.1` or `1.4.10.44.32.13`), in index order. */
export type Table<C extends string> = Map<string, TableRow<C>>;

export function walkColumns<C extends string>(session: SnmpSession, entry: string, columns: Record<C, number>): Observable<Table<C>> {
  const names = Object.keys(columns) as C[];
  if (names.length === 0) return of(new Map());
  return forkJoin(names.map((name) => session.walk(`${entry}.${columns[name]}`))).pipe(
    map((walks) => {
      const rows = new Map<string, TableRow<C>>();
      walks.forEach((vbs, i) => {
        const prefix = `${entry}.${columns[names[i]]}.`;
        for (const vb of vbs) {
          const oid = vb.oid.replace(/^\./, '');
          if (!oid.startsWith(prefix) || vbMissing(vb)) continue;
          const index = oid.slice(prefix.length);
          let row = rows.get(index);
          if (!row) rows.set(index, (row = {}));
          row[names[i]] = vb;
        }
      });
      const sorted = [...rows.keys()].sort(compareOid);
      return new Map(sorted.map((k) => [k, rows.get(k)!]));
    }),
  );
}

/** The first value of a scalar subtree walk (`<object>` → `<object>.0`), or undefined. */
export function scalarOf(vbs: Varbind[]): Varbind | undefined {
  return vbs.find((vb) => !vbMissing(vb));
}

/** Dotted IPv4 text from four index arcs, or undefined when they are not four bytes. */
export function ipv4FromArcs(arcs: readonly number[]): string | undefined {
  if (arcs.length !== 4 || arcs.some((a) => !(a >= 0 && a <= 255))) return undefined;
  return arcs.join('.');
}

/** RFC 5952 text of a 16-byte IPv6 address (lower case, longest zero run compressed). */
export function ipv6Text(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Address text of raw InetAddress octets: 4 bytes dotted, 16 bytes IPv6, else hex. */
export function inetAddressText(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length === 16) return ipv6Text(bytes);
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * Decodes an `InetAddressType, InetAddress` index pair (`<type>.<length>.<bytes…>`) at the start
 * of `arcs`; returns the address text and how many arcs it used, or undefined when malformed.
 */
export function inetAddressFromArcs(arcs: readonly number[]): { address: string; used: number } | undefined {
  if (arcs.length < 2) return undefined;
  const len = arcs[1];
  if (!(len >= 0) || arcs.length < 2 + len) return undefined;
  const bytes = arcs.slice(2, 2 + len);
  if (bytes.some((b) => !(b >= 0 && b <= 255))) return undefined;
  return { address: inetAddressText(bytes), used: 2 + len };
}

/** The index suffix as numbers. */
export function indexArcs(index: string): number[] {
  return index === '' ? [] : index.split('.').map(Number);
}

/** Octets of an OctetString / IpAddress varbind (IpAddress given as dotted text). */
export function octetsOf(vb: Varbind | undefined): number[] {
  if (!vb || vb.value === null) return [];
  if (Buffer.isBuffer(vb.value)) return [...vb.value];
  if (typeof vb.value === 'string' && vb.type === 'IpAddress') return vb.value.split('.').map(Number);
  return [];
}
