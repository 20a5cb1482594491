/**
 * Durations in the config: a number of milliseconds, or a string of one or more `<n><unit>`
 * parts (`500ms`, `10s`, `5m`, `2h`, `30d`, `1w`, `1h30m`). A bare digit string (`"500"`) is
 * milliseconds. `parseDuration` turns either form into a whole number of milliseconds.
 */
import { VigieError } from '../../plugins/sdk/index.js';

/** JSON-Schema pattern (applies to strings only) of a duration string. */
export const DURATION_PATTERN = '^(?:(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d|w))+|\\d+)$';

/** What a duration must look like, for error messages. */
export const DURATION_EXPECTED = 'a duration above 0: milliseconds as a number, or a string like "500ms", "10s", "5m", "2h", "30d"';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

function invalid(v: unknown): VigieError {
  return new VigieError('E_CONFIG', `invalid duration ${JSON.stringify(v)}: expected ${DURATION_EXPECTED}`, { value: v });
}

/**
 * Milliseconds of a duration (rounded to a whole ms). Throws `E_CONFIG` for a negative or
 * non-finite number, a malformed string, or a result beyond `Number.MAX_SAFE_INTEGER`.
 */
export function parseDuration(v: string | number): number {
  let ms: number;
  if (typeof v === 'number') {
    ms = v;
  } else if (typeof v === 'string' && WHOLE.test(v)) {
    if (/^\d+$/.test(v)) {
      ms = Number(v);
    } else {
      ms = 0;
      for (const [, n, unit] of v.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
    }
  } else {
    throw invalid(v);
  }
  if (!Number.isFinite(ms) || ms < 0) throw invalid(v);
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) throw invalid(v);
  return rounded;
}
