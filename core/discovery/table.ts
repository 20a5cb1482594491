/**
 * Table reading helpers: a walk that reports failure instead of erroring (a device that
 * answered its system group but not a table is still a device, just an incomplete one), and
 * the rows of a column keyed by their index suffix.
 */
import { catchError, map, of, type Observable } from 'rxjs';
import { vbMissing, type SnmpSession, type Varbind } from '../../plugins/sdk/index.js';

export interface ColumnRead {
  /** Index suffix (after the column OID) → varbind. */
  rows: Map<string, Varbind>;
  ok: boolean;
}

/** Walks one column; an error gives no rows and `ok: false`. */
export function readColumn(session: SnmpSession, column: string): Observable<ColumnRead> {
  return session.walk(column).pipe(
    map((vbs) => ({ rows: rowsOf(column, vbs), ok: true })),
    catchError(() => of({ rows: new Map<string, Varbind>(), ok: false })),
  );
}

export function rowsOf(column: string, vbs: Varbind[]): Map<string, Varbind> {
  const prefix = `${column}.`;
  const out = new Map<string, Varbind>();
  for (const vb of vbs) {
    const oid = vb.oid.replace(/^\./, '');
    if (oid.startsWith(prefix) && !vbMissing(vb)) out.set(oid.slice(prefix.length), vb);
  }
  return out;
}

/** Index suffix → its numeric arcs. */
export function indexArcs(index: string): number[] {
  return index.split('.').map(Number);
}
