/**
 * The text layer of an RFC 6035 `application/vq-rtcpxr` body: logical lines (`Name:value`, with
 * folded continuation lines joined back on), `KEY=value` parameter lists, and lenient number
 * reading. Pure and total: nothing here throws on any input string.
 */

/** One logical line of a report: its name (before the first `:`) and its value, both trimmed. */
export interface VqLine {
  /** The name as written (`LocalAddr`), or `''` for a line without a `:` (e.g. `Type=… Severity=…`). */
  readonly name: string;
  readonly value: string;
}

const LINE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * Splits a body into logical lines. Accepts CRLF, LF or lone CR; a line starting with a space or tab
 * continues the previous one (RFC 6035 prints folded lines, e.g. `DialogID:…;` / `   from-tag=…`),
 * joined with one space; empty lines are skipped. A line whose text before the first `:` is not a
 * plain name (letters, digits, `_.-`) gets the name `''` and its whole text as value.
 */
export function splitVqLines(body: string): VqLine[] {
  const logical: string[] = [];
  for (const physical of body.split(/\r\n|\n|\r/)) {
    if (physical.trim() === '') continue;
    if ((physical[0] === ' ' || physical[0] === '\t') && logical.length > 0) {
      logical[logical.length - 1] += ' ' + physical.trim();
    } else {
      logical.push(physical.trim());
    }
  }
  return logical.map((text) => {
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).trim();
    if (colon < 0 || !LINE_NAME.test(name)) return { name: '', value: text };
    return { name, value: text.slice(colon + 1).trim() };
  });
}

/**
 * A whitespace-separated `KEY=value` list as a map, in order of appearance. A double-quoted value
 * may hold spaces (`FMTP="annexb=no"`); its quotes are removed. A token without `=` maps to `''`.
 * A repeated key keeps its first value. Keys are kept as written (case preserved).
 */
export function parseVqParams(value: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const token = /([^\s=]+)(?:=("[^"]*"?|\S*))?/g;
  for (let m = token.exec(value); m !== null; m = token.exec(value)) {
    const key = m[1];
    let v = m[2] ?? '';
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined);
    if (!(key in params)) params[key] = v;
  }
  return params;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$/;

/**
 * A decimal number, or `undefined` when the value is missing, empty, `NaN`, `unavailable` or
 * anything else that is not a plain finite number. A trailing `%` is tolerated (`NLR=5.0%`).
 */
export function vqNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!NUMBER.test(v)) return undefined;
  const n = Number(v.endsWith('%') ? v.slice(0, -1) : v);
  return Number.isFinite(n) ? n : undefined;
}

/** A param looked up case-insensitively (vendors write `Ip=`, `ssrc=`); exact spelling wins. */
export function vqParam(params: Readonly<Record<string, string>>, key: string): string | undefined {
  if (key in params) return params[key];
  const upper = key.toUpperCase();
  for (const k of Object.keys(params)) if (k.toUpperCase() === upper) return params[k];
  return undefined;
}

/** `vqNumber(vqParam(params, key))`. */
export function vqNumberParam(params: Readonly<Record<string, string>>, key: string): number | undefined {
  return vqNumber(vqParam(params, key));
}
