/**
 * snmpsim `.snmprec` recordings: one managed object per line, `<oid>|<tag>|<value>`.
 *
 * `parseSnmprec` turns the text into a `Recording`: the records typed as `Varbind`s and sorted in
 * numeric OID order (`…2.10` after `…2.9`), with GET / GETNEXT / subtree lookups by binary search.
 * A malformed line is a `VigieError('E_RECORDING')` naming the file and the line.
 *
 * Tags: 2 Integer, 4 OctetString, 5 Null, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32,
 * 67 TimeTicks, 68 Opaque, 70 Counter64. An `x` suffix (`4x`, `64x`, `68x`) means the value is
 * written as hex digits. Blank lines and `#` comments are ignored.
 *
 * Real recordings are sanitised by hand and sometimes carry placeholders inside hex values
 * (`58AC78XXYYZZ`, a redacted MAC in LibreNMS' iosxe.snmprec) or in place of an address
 * (`64|<private>` in nxos). Such a pair of letters decodes as a 0x00 byte, an `<…>` address as
 * 0.0.0.0, and the recording lists each in `warnings`; any other bad value is an error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { VigieError } from '../errors.js';
import type { SnmpType, Varbind } from './types.js';

const OID_RE = /^\d+(\.\d+)+$/;
const TAG_RE = /^(\d+)(x?)$/;
/** Hex digits in pairs; letters beyond `f` are tolerated as redaction placeholders (see `decodeHex`). */
const HEX_RE = /^([0-9a-zA-Z]{2})*$/;
const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;

const TAGS: Record<number, SnmpType> = {
  2: 'Integer', 4: 'OctetString', 5: 'Null', 6: 'OID', 64: 'IpAddress', 65: 'Counter32',
  66: 'Gauge32', 67: 'TimeTicks', 68: 'Opaque', 70: 'Counter64',
};
/** Tags whose value may be hex-encoded (`<tag>x`). */
const HEX_TAGS = new Set([4, 64, 68]);

/** Numeric sub-identifiers of a dotted OID (a leading dot is tolerated). */
export function oidKey(oid: string): number[] {
  const s = oid.startsWith('.') ? oid.slice(1) : oid;
  return s === '' ? [] : s.split('.').map(Number);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** Numeric OID order: negative when `a` sorts before `b`, 0 when equal, positive after. */
export function compareOids(a: string, b: string): number {
  return Math.sign(compareKeys(oidKey(a), oidKey(b)));
}

/**
 * A device snapshot: records in numeric OID order (no duplicates). Immutable; `withValues`
 * gives a modified copy. `get` is an exact lookup, `next` the first record strictly after an
 * OID (GETNEXT), `walk` every record strictly under a root (what a GETBULK walk returns).
 */
export class Recording {
  readonly records: readonly Varbind[];
  /** Oddities tolerated while parsing (`<file>:<line>: …`), e.g. hex placeholders. */
  warnings: string[] = [];
  private readonly keys: readonly number[][];

  /** `records` may come in any order; a duplicated OID keeps its last record. */
  constructor(readonly name: string, records: readonly Varbind[]) {
    const byOid = new Map<string, Varbind>();
    for (const r of records) byOid.set(r.oid, r);
    const keyed = [...byOid.values()].map((vb) => ({ vb, key: oidKey(vb.oid) }));
    keyed.sort((x, y) => compareKeys(x.key, y.key));
    this.records = keyed.map((k) => k.vb);
    this.keys = keyed.map((k) => k.key);
  }

  get size(): number {
    return this.records.length;
  }

  /** Index of the first record whose OID is `>= oid` (or `> oid` when `strict`); `size` if none. */
  lowerBound(oid: string, strict = false): number {
    const key = oidKey(oid);
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.keys[mid], key);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the record with exactly this OID, or -1. */
  indexOf(oid: string): number {
    const i = this.lowerBound(oid);
    return i < this.keys.length && compareKeys(this.keys[i], oidKey(oid)) === 0 ? i : -1;
  }

  get(oid: string): Varbind | undefined {
    const i = this.indexOf(oid);
    return i < 0 ? undefined : this.records[i];
  }

  /** The first record strictly after `oid` in numeric order (GETNEXT), or undefined at the end. */
  next(oid: string): Varbind | undefined {
    return this.records[this.lowerBound(oid, true)];
  }

  /** Index range `[from, to)` of the records strictly under `root`. */
  subtreeRange(root: string): [number, number] {
    const rootKey = oidKey(root);
    const from = this.lowerBound(root, true);
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isUnder(this.keys[mid], rootKey)) lo = mid + 1;
      else hi = mid;
    }
    return [from, lo];
  }

  /** Every record strictly under `root`, in OID order. */
  walk(root: string): Varbind[] {
    const [from, to] = this.subtreeRange(root);
    return this.records.slice(from, to);
  }

  /**
   * The exception a GET of a missing `oid` answers: `NoSuchInstance` when its object (the OID
   * minus its last sub-identifier, e.g. a table column) has instances here, else `NoSuchObject`.
   */
  missingType(oid: string): 'NoSuchObject' | 'NoSuchInstance' {
    const key = oidKey(oid);
    if (key.length < 2) return 'NoSuchObject';
    const [from, to] = this.subtreeRange(key.slice(0, -1).join('.'));
    return to > from ? 'NoSuchInstance' : 'NoSuchObject';
  }

  /** A copy with these records added or replaced. */
  withValues(vbs: readonly Varbind[]): Recording {
    const copy = new Recording(this.name, [...this.records, ...vbs]);
    copy.warnings = [...this.warnings];
    return copy;
  }
}

function isUnder(key: readonly number[], root: readonly number[]): boolean {
  if (key.length <= root.length) return false;
  for (let i = 0; i < root.length; i++) if (key[i] !== root[i]) return false;
  return true;
}

/**
 * Parses `.snmprec` text. `name` names the recording; `source` (default `name`) is what error
 * messages call the file.
 */
export function parseSnmprec(text: string, name: string, source: string = name): Recording {
  const records: Varbind[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fail = (why: string): never => {
      throw new VigieError('E_RECORDING', `${source}:${i + 1}: ${why}`, { file: source, line: i + 1, text: line.slice(0, 120) });
    };
    const vb = parseLine(line, fail, (why) => warnings.push(`${source}:${i + 1}: ${why}`));
    if (seen.has(vb.oid)) fail(`duplicate OID ${vb.oid}`);
    seen.add(vb.oid);
    records.push(vb);
  }
  const rec = new Recording(name, records);
  rec.warnings = warnings;
  return rec;
}

/** Reads and parses a `.snmprec` file; the recording is named after the file (without `.snmprec`). */
export function loadSnmprec(path: string): Recording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VigieError('E_RECORDING', `${path}: cannot read the recording (${(err as Error).message})`, { file: path }, { cause: err });
  }
  return parseSnmprec(text, basename(path).replace(/\.snmprec$/, ''), path);
}

type Fail = (why: string) => never;
type Warn = (why: string) => void;

function parseLine(line: string, fail: Fail, warn: Warn): Varbind {
  const p1 = line.indexOf('|');
  const p2 = p1 < 0 ? -1 : line.indexOf('|', p1 + 1);
  if (p2 < 0) fail('expected <oid>|<tag>|<value>');
  let oid = line.slice(0, p1).trim();
  if (oid.startsWith('.')) oid = oid.slice(1);
  const tagText = line.slice(p1 + 1, p2).trim();
  const raw = line.slice(p2 + 1);
  if (!OID_RE.test(oid)) fail(`bad OID "${oid}"`);
  const m = TAG_RE.exec(tagText);
  if (!m) fail(`bad tag "${tagText}" (variation modules are not supported)`);
  const tag = Number(m![1]);
  const hex = m![2] === 'x';
  const type = TAGS[tag];
  if (!type) fail(`unknown tag ${tag}`);
  if (hex && !HEX_TAGS.has(tag)) fail(`tag ${tag} cannot be hex-encoded`);
  if (hex && !HEX_RE.test(raw)) fail(`bad hex value "${raw.slice(0, 40)}"`);
  return { oid, type, value: parseValue(tag, hex ? decodeHex(raw, warn) : undefined, raw, fail, warn) };
}

/** Hex pairs to bytes; a pair that is not hex (a redaction placeholder like `XX`) gives 0x00 and a warning. */
function decodeHex(raw: string, warn: Warn): Buffer {
  const out = Buffer.alloc(raw.length / 2);
  let placeholders = 0;
  for (let i = 0; i < out.length; i++) {
    const pair = raw.slice(2 * i, 2 * i + 2);
    if (/^[0-9a-fA-F]{2}$/.test(pair)) out[i] = parseInt(pair, 16);
    else placeholders++;
  }
  if (placeholders) warn(`hex value "${raw.slice(0, 40)}" has ${placeholders} placeholder byte(s), read as 00`);
  return out;
}

/** `hex` is the decoded bytes when the tag had the `x` suffix. */
function parseValue(tag: number, hex: Buffer | undefined, raw: string, fail: Fail, warn: Warn): Varbind['value'] {
  switch (tag) {
    case 2: {
      const n = intOf(raw, fail);
      if (n < -0x80000000 || n > 0x7fffffff) fail(`Integer out of range: ${raw}`);
      return n;
    }
    case 4:
    case 68:
      return hex ?? Buffer.from(raw, 'utf8');
    case 5:
      return null;
    case 6:
      if (!OID_RE.test(raw.replace(/^\./, ''))) fail(`bad OID value "${raw}"`);
      return raw.replace(/^\./, '');
    case 64:
      if (!hex && /^<[^>]*>$/.test(raw.trim())) {
        warn(`IpAddress placeholder "${raw.trim()}" read as 0.0.0.0`);
        return '0.0.0.0';
      }
      return ipOf(hex, raw, fail);
    case 65:
    case 66:
    case 67: {
      const n = intOf(raw, fail);
      if (n < 0 || n > U32_MAX) fail(`unsigned 32-bit value out of range: ${raw}`);
      return n;
    }
    case 70: {
      if (!/^\d+$/.test(raw.trim())) fail(`bad Counter64 "${raw}"`);
      const b = BigInt(raw.trim());
      if (b > U64_MAX) fail(`Counter64 out of range: ${raw}`);
      return b;
    }
  }
  return fail(`unknown tag ${tag}`);
}

function intOf(raw: string, fail: Fail): number {
  const s = raw.trim();
  if (!/^-?\d+$/.test(s)) fail(`bad number "${raw}"`);
  return Number(s);
}

function ipOf(hex: Buffer | undefined, raw: string, fail: Fail): string {
  if (hex) {
    if (hex.length !== 4) fail(`bad hex IpAddress "${raw}"`);
    return [...hex].join('.');
  }
  const parts = raw.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) fail(`bad IpAddress "${raw}"`);
  return parts.map(Number).join('.');
}
