/**
 * Numeric OID helpers. OIDs are dotted-decimal strings without a leading dot; they order
 * arc by arc as numbers (`…2.10` comes after `…2.9`), which is the order of a GETNEXT walk.
 * Both run once per varbind of every walk, so they scan the strings in place (no split, no
 * regular expression, no allocation).
 */

const DOT = 46;
const ZERO = 48;

/** Where the arc read by the last `readArc` ended (module state: these helpers are synchronous). */
let arcEnd = 0;

/** The arc of `s` starting at `i` (empty arcs skipped), or -1 when there is none left; sets `arcEnd`. */
function readArc(s: string, i: number): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === DOT) i++;
  if (i >= n) {
    arcEnd = i;
    return -1;
  }
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) break;
    v = v * 10 + (c - ZERO);
  }
  arcEnd = i;
  return v;
}

/** `compareOid` for any spelling (leading dot, empty arcs, leading zeros): arc by arc from the start. */
function compareArcs(a: string, b: string): number {
  let i = 0;
  let j = 0;
  for (;;) {
    const x = readArc(a, i);
    i = arcEnd;
    const y = readArc(b, j);
    j = arcEnd;
    if (x < 0 || y < 0) return x < 0 ? (y < 0 ? 0 : -1) : 1;
    if (x !== y) return x - y;
  }
}

/**
 * Negative when `a` comes before `b` in walk order, 0 when equal, positive after. Consecutive
 * OIDs of a walk share a long prefix, so it skips the common characters and compares only the
 * arc where they differ (digit count first, then digits); odd spellings take the slow path.
 */
export function compareOid(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  while (i > 0 && a.charCodeAt(i - 1) !== DOT) i--;
  let ea = i;
  while (ea < la && a.charCodeAt(ea) !== DOT) ea++;
  let eb = i;
  while (eb < lb && b.charCodeAt(eb) !== DOT) eb++;
  // An empty arc (a leading, doubled or trailing dot, or one OID ending here) or a leading zero: slow path.
  if (ea === i || eb === i || (a.charCodeAt(i) === ZERO && ea - i > 1) || (b.charCodeAt(i) === ZERO && eb - i > 1)) {
    return compareArcs(a, b);
  }
  if (ea !== eb) return ea - eb;
  for (let k = i; k < ea; k++) {
    const d = a.charCodeAt(k) - b.charCodeAt(k);
    if (d !== 0) return d;
  }
  // Same arc: the OIDs part after it.
  return compareArcs(a.slice(ea), b.slice(eb));
}

/** True when `oid` lies strictly under `root` (the root itself is not in its subtree). */
export function oidInSubtree(root: string, oid: string): boolean {
  const r0 = root.charCodeAt(0) === DOT ? 1 : 0;
  const r1 = root.length > r0 && root.charCodeAt(root.length - 1) === DOT ? root.length - 1 : root.length;
  const o0 = oid.charCodeAt(0) === DOT ? 1 : 0;
  const len = r1 - r0;
  if (oid.length - o0 <= len || oid.charCodeAt(o0 + len) !== DOT) return false;
  // No copy of the root when it is written plainly (the usual case).
  if (r0 === 0 && r1 === root.length) return oid.startsWith(root, o0);
  return oid.startsWith(root.slice(r0, r1), o0);
}
