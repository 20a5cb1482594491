/**
 * Sorting of table rows by one column, shared by the ports table and the trunks table: values
 * compared as numbers, or naturally as text (`eth2` before `eth10`); a row whose value is unknown
 * goes last in either direction; ties fall back to `tie` (natural text order, e.g. the name).
 */
export type SortDir = 'asc' | 'desc';

export const naturalCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** `rows` sorted by `keyOf` in `dir` (a new array). */
export function sortByKey<R>(
  rows: readonly R[],
  keyOf: (row: R) => string | number | undefined,
  dir: SortDir,
  tie: (a: R, b: R) => number,
): R[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka === undefined || kb === undefined) {
      if (ka !== kb) return ka === undefined ? 1 : -1;
    } else {
      const c = typeof ka === 'string' || typeof kb === 'string' ? naturalCollator.compare(String(ka), String(kb)) : ka - kb;
      if (c !== 0) return sign * c;
    }
    return tie(a, b);
  });
}
