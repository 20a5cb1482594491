/**
 * Logging: pino, pretty on a terminal and JSON otherwise, secrets redacted wherever they sit
 * (communities, SNMPv3 keys, passwords, tokens), to depth 4 of any logged object.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Keys whose values are secrets. Matched exactly (pino redaction) and by `redactSecrets`. */
export const SECRET_KEYS = ['community', 'password', 'secret', 'token', 'authKey', 'privKey', 'authorization', 'apiKey'];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of SECRET_KEYS) {
    let prefix = '';
    for (let depth = 0; depth < 5; depth++) {
      paths.push(prefix + k);
      prefix += '*.';
    }
  }
  return paths;
}

export interface LogOptions {
  level: string;
  /** `auto` = pretty when stdout is a terminal. */
  pretty: 'auto' | 'true' | 'false' | boolean;
}

export function createLogger(opts: LogOptions, destination?: NodeJS.WritableStream): Logger {
  const wantPretty = opts.pretty === true || opts.pretty === 'true' || (opts.pretty === 'auto' && !destination && process.stdout.isTTY);
  const base = { level: opts.level, redact: { paths: redactPaths(), censor: '<redacted>' }, base: { name: 'vigie' } };
  if (wantPretty) return pino(base, pretty({ colorize: true, sync: true, ignore: 'pid,hostname,name' }));
  return destination ? pino(base, destination as pino.DestinationStream) : pino(base);
}

/** A deep copy with every secret-named key replaced by `<redacted>` (for API responses and errors). */
export function redactSecrets<T>(value: T): T {
  const keys = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keys.has(k.toLowerCase()) && x !== undefined ? '<redacted>' : walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
