/**
 * Numeric OID helpers. OIDs are dotted-decimal strings without a leading dot; they order
 * arc by arc as numbers (`…2.10` comes after `…2.9`), which is the order of a GETNEXT walk.
 */

function arcs(oid: string): number[] {
  return oid.replace(/^\./, '').split('.').filter((s) => s !== '').map(Number);
}

/** Negative when `a` comes before `b` in walk order, 0 when equal, positive after. */
export function compareOid(a: string, b: string): number {
  const x = arcs(a);
  const y = arcs(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** True when `oid` lies strictly under `root` (the root itself is not in its subtree). */
export function oidInSubtree(root: string, oid: string): boolean {
  const r = root.replace(/^\./, '').replace(/\.$/, '');
  return oid.replace(/^\./, '').startsWith(`${r}.`);
}
