/**
 * Config errors: one `ConfigError` per problem, each naming where it is (file and line:col, or
 * `env VIGIE_X` for an environment override), the path inside the config, the bad value (secrets
 * redacted), what was expected and, for a misspelling, a suggestion.
 */
import { closest, distance } from 'fastest-levenshtein';

export interface ConfigError {
  /** The config file, or `env VIGIE_X` when the value came from that variable. */
  file: string;
  /** 1-based, when the value is written in the file. */
  line?: number;
  column?: number;
  /** Where in the config, e.g. `probes[0].target.port`; `''` for the whole document. */
  path: string;
  /** The offending value; `<redacted>` under a secret-named key. */
  value?: unknown;
  message: string;
  expected?: string;
  suggestion?: string;
}

export type PathSegment = string | number;

export const REDACTED = '<redacted>';

/** `['probes', 0, 'target', 'port']` → `probes[0].target.port`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** True for keys that hold secrets: community, password, secret, token, authKey, privKey, key, ... */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return /community|passw|passphrase|secret|token|authorization|credential/.test(k) || k.endsWith('key');
}

/** The value as it may be shown: `<redacted>` under a secret key, secret-named fields masked inside objects. */
export function redactValue(path: readonly PathSegment[], value: unknown): unknown {
  if (path.some((seg) => typeof seg === 'string' && isSecretKey(seg))) return REDACTED;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSecretKey(k) ? REDACTED : walk(x)]));
    }
    return v;
  };
  return walk(value);
}

/** The closest of `candidates` to `word`, when close enough to be a likely misspelling. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || !word) return undefined;
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const best = closest(lower, candidates.map((c) => c.toLowerCase()));
  const match = candidates.find((c) => c.toLowerCase() === best)!;
  const limit = Math.max(2, Math.floor(Math.max(word.length, match.length) / 3));
  return distance(lower, best) <= limit ? match : undefined;
}

function showValue(v: unknown): string {
  if (v === REDACTED) return REDACTED;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One error as one line: `file:line:col: path: message (got <value>; expected <expected>) — did you mean "x"?` */
export function formatConfigError(e: ConfigError): string {
  const where = e.line !== undefined ? `${e.file}:${e.line}:${e.column ?? 1}` : e.file;
  const details: string[] = [];
  if (e.value !== undefined) details.push(`got ${showValue(e.value)}`);
  if (e.expected) details.push(`expected ${e.expected}`);
  let line = `${where}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
  if (details.length) line += ` (${details.join('; ')})`;
  if (e.suggestion) line += ` — did you mean "${e.suggestion}"?`;
  return line;
}

/** Every error, one line each, in the order given. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map(formatConfigError).join('\n');
}
