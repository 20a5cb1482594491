/**
 * Which replies to an OPTIONS keepalive count as "alive", written as Kamailio's dispatcher
 * `ds_ping_reply_codes`: `class=2;code=404;code=501` (a class is the first digit of the code).
 * Any final reply not in the list, like no reply, is a failure.
 */
import { VigieError } from '../../plugins/sdk/index.js';

/** A parsed reply-code list; `matches(code)` says whether a status code counts as alive. */
export interface AliveCodes {
  classes: ReadonlySet<number>;
  codes: ReadonlySet<number>;
  matches(statusCode: number): boolean;
}

/** The grammar, also used as the schema's pattern: `class=N` (1-6) or `code=NNN` (100-699), `;`-separated. */
export const ALIVE_CODES_PATTERN = '^\\s*(class=[1-6]|code=[1-6][0-9][0-9])(\\s*;\\s*(class=[1-6]|code=[1-6][0-9][0-9]))*\\s*;?\\s*$';

/** Parses `class=2;code=404`; an invalid list throws VigieError E_CONFIG (call it inside `defer`). */
export function parseAliveCodes(text: string): AliveCodes {
  const classes = new Set<number>();
  const codes = new Set<number>();
  const items = text.split(';').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new VigieError('E_CONFIG', 'aliveCodes is empty: expected e.g. "class=2;code=404"', { value: text });
  for (const item of items) {
    const m = /^(class|code)\s*=\s*(\d+)$/.exec(item);
    const n = m ? Number(m[2]) : NaN;
    if (m?.[1] === 'class' && n >= 1 && n <= 6) classes.add(n);
    else if (m?.[1] === 'code' && n >= 100 && n <= 699) codes.add(n);
    else throw new VigieError('E_CONFIG', `aliveCodes: "${item}" is not class=1..6 or code=100..699`, { value: text });
  }
  return { classes, codes, matches: (c) => codes.has(c) || classes.has(Math.floor(c / 100)) };
}
