/**
 * Reading SNMP tables column by column, and typed access to the values an agent gives (which
 * may be of the wrong type: every accessor returns undefined rather than throwing).
 *
 * - `walkColumns(session, roots)`: the rows of several columns, through the session's
 *   multi-OID GETBULK when it has one (`ColumnWalker`), else one walk per column in parallel;
 *   columns go in groups of `groupSize` (default 8) so one answer stays a sensible size.
 * - `readTable(session, entry, columns)`: those columns of a table, by row index (the OID
 *   suffix after `<entry>.<column>.`, e.g. `5` or `0.436404224.1`). Only columns asked are read.
 *   `readTables` reads columns of several tables in the same walk.
 * - `getRows(session, specs)`: the same for chosen rows only, by GETs of at most `batch` OIDs
 *   (default 32) in parallel (the per-port selection on huge devices); missing instances are
 *   left out of the row.
 */
import { Observable, forkJoin, map, of } from 'rxjs';
import type { SnmpSession, Varbind } from '../types.js';
import { vbMissing } from '../types.js';
import type { ColumnWalker } from '../walk.js';

/** Column number → varbind. */
export type Row = Map<number, Varbind>;
/** Row index → row. */
export type Table = Map<string, Row>;

export interface ColumnReadOptions {
  maxRepetitions?: number;
  /** Columns per multi-OID GETBULK (default 8). */
  groupSize?: number;
}

function isColumnWalker(s: SnmpSession): s is SnmpSession & ColumnWalker {
  return typeof (s as Partial<ColumnWalker>).walkColumns === 'function';
}

export function walkColumns(session: SnmpSession, roots: string[], opts: ColumnReadOptions = {}): Observable<Varbind[][]> {
  if (roots.length === 0) return of([]);
  const reps = opts.maxRepetitions === undefined ? undefined : { maxRepetitions: opts.maxRepetitions };
  if (!isColumnWalker(session)) return forkJoin(roots.map((r) => session.walk(r, reps)));
  const size = Math.max(1, opts.groupSize ?? 8);
  const groups: string[][] = [];
  for (let i = 0; i < roots.length; i += size) groups.push(roots.slice(i, i + size));
  return forkJoin(groups.map((g) => session.walkColumns(g, reps))).pipe(map((parts) => parts.flat()));
}

function addTo(table: Table, col: number, index: string, vb: Varbind): void {
  let row = table.get(index);
  if (!row) table.set(index, (row = new Map()));
  row.set(col, vb);
}

/** Columns of one table to read; for `getRows`, also the rows. */
export interface TableSpec {
  entry: string;
  columns: number[];
  indexes?: string[];
}

/** Several tables' columns in one multi-column walk (ifTable and ifXTable together, say); one `Table` per spec. */
export function readTables(session: SnmpSession, specs: TableSpec[], opts: ColumnReadOptions = {}): Observable<Table[]> {
  const cols = specs.flatMap((s, k) => s.columns.map((col) => ({ k, col, root: `${s.entry}.${col}` })));
  return walkColumns(
    session,
    cols.map((c) => c.root),
    opts,
  ).pipe(
    map((walked) => {
      const tables: Table[] = specs.map(() => new Map());
      walked.forEach((rows, i) => {
        const { k, col, root } = cols[i];
        const prefix = `${root}.`;
        for (const vb of rows) if (vb.oid.startsWith(prefix)) addTo(tables[k], col, vb.oid.slice(prefix.length), vb);
      });
      return tables;
    }),
  );
}

export function readTable(session: SnmpSession, entry: string, columns: number[], opts: ColumnReadOptions = {}): Observable<Table> {
  return readTables(session, [{ entry, columns }], opts).pipe(map((t) => t[0]));
}

/** The rows `indexes` of each spec, by GETs of at most `batch` OIDs in parallel; one `Table` per spec. */
export function getRows(session: SnmpSession, specs: TableSpec[], batch = 32): Observable<Table[]> {
  const oids: { oid: string; k: number; col: number; index: string }[] = [];
  specs.forEach((s, k) => {
    for (const index of s.indexes ?? []) for (const col of s.columns) oids.push({ oid: `${s.entry}.${col}.${index}`, k, col, index });
  });
  const tables: Table[] = specs.map(() => new Map());
  if (oids.length === 0) return of(tables);
  const size = Math.max(1, batch);
  const chunks: (typeof oids)[] = [];
  for (let i = 0; i < oids.length; i += size) chunks.push(oids.slice(i, i + size));
  return forkJoin(chunks.map((c) => session.get(c.map((o) => o.oid)))).pipe(
    map((answers) => {
      answers.forEach((vbs, n) =>
        chunks[n].forEach((o, j) => {
          const vb = vbs[j];
          if (vb && !vbMissing(vb)) addTo(tables[o.k], o.col, o.index, vb);
        }),
      );
      return tables;
    }),
  );
}

/** Text of an OctetString (UTF-8, trailing NULs and spaces dropped); numbers and OIDs as text. */
export function text(vb: Varbind | undefined): string | undefined {
  if (!vb || vbMissing(vb) || vb.value === null) return undefined;
  if (Buffer.isBuffer(vb.value)) return vb.value.toString('utf8').replace(/\0+$/, '').trim();
  return String(vb.value).trim();
}

/** The raw bytes of an OctetString, or undefined. */
export function bytes(vb: Varbind | undefined): Buffer | undefined {
  return vb && Buffer.isBuffer(vb.value) ? vb.value : undefined;
}

/** A number from Integer/Gauge/Counter/TimeTicks (Counter64 converted), or undefined. */
export function num(vb: Varbind | undefined): number | undefined {
  if (!vb) return undefined;
  if (typeof vb.value === 'number' && Number.isFinite(vb.value)) return vb.value;
  if (typeof vb.value === 'bigint') return Number(vb.value);
  return undefined;
}

/** A counter reading: its value and width (64 for Counter64, else 32), or undefined if not numeric. */
export function counter(vb: Varbind | undefined): { value: bigint; bits: 32 | 64 } | undefined {
  if (!vb) return undefined;
  if (typeof vb.value === 'bigint') return vb.value >= 0n ? { value: vb.value, bits: vb.type === 'Counter64' ? 64 : 32 } : undefined;
  if (typeof vb.value === 'number' && Number.isInteger(vb.value) && vb.value >= 0) return { value: BigInt(vb.value), bits: 32 };
  return undefined;
}

/** True when every byte is printable ASCII (or common whitespace). */
export function isPrintable(b: Buffer): boolean {
  for (const c of b) if ((c < 0x20 || c > 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  return true;
}

/** A MAC address as `aa:bb:cc:dd:ee:ff` from 6 raw bytes or from text already in hex; undefined otherwise. */
export function formatMac(value: Buffer | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value) && value.length === 6) return [...value].map((b) => b.toString(16).padStart(2, '0')).join(':');
  const s = (Buffer.isBuffer(value) ? value.toString('latin1') : value).trim();
  const hex = s.replace(/[:.\- ]/g, '');
  if (/^[0-9a-fA-F]{12}$/.test(hex) && (s.length === 12 || /^[0-9a-fA-F]{1,4}([:.\- ][0-9a-fA-F]{1,4})+$/.test(s))) {
    return hex.toLowerCase().match(/../g)!.join(':');
  }
  return undefined;
}

/** The OID sub-identifiers of an index as numbers (`'0.5.1'` → [0, 5, 1]). */
export function indexArcs(index: string): number[] {
  return index.split('.').map(Number);
}
