/**
 * Turns a validated config into its loaded form: every duration `<key>` (any key whose schema
 * is a duration) becomes `<key>Ms`, a number of ms; a probe without `interval` gets its kind's
 * `defaultIntervalMs` as `intervalMs`; and a probe's `hysteresis` is completed from
 * `correlation.hysteresis`.
 */
import { isVigieError } from '../../plugins/sdk/index.js';
import { DURATION_EXPECTED, DURATION_PATTERN, parseDuration } from './duration.js';
import type { PathSegment } from './errors.js';
import type { KindSchemas } from './instances.js';
import { ConfigSchema, type VigieConfig } from './schema.js';
import type { ConfigIssue } from './validation.js';

type JsonSchema = Record<string, any>;

const DURATION_RE = new RegExp(DURATION_PATTERN);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Calls `visit` for every duration value present in `data` (a key whose schema is a duration).
 * With `rename`, the key `<k>` is replaced by `<k>Ms` holding `visit`'s result.
 */
function eachDuration(schema: JsonSchema, data: unknown, path: PathSegment[], visit: (path: PathSegment[], v: unknown) => unknown, rename: boolean): void {
  if (schema.properties && isObject(data)) {
    for (const [k, sub] of Object.entries<JsonSchema>(schema.properties)) {
      if (data[k] === undefined) continue;
      if (sub.title === 'duration') {
        const out = visit([...path, k], data[k]);
        if (rename) {
          delete data[k];
          data[`${k}Ms`] = out;
        }
      } else {
        eachDuration(sub, data[k], [...path, k], visit, rename);
      }
    }
  } else if (schema.items && Array.isArray(data)) {
    data.forEach((item, i) => eachDuration(schema.items, item, [...path, i], visit, rename));
  }
}

/** Durations that pass the schema but still cannot be used (`0s`, or too large). Leaves `data` unchanged. */
export function durationIssues(data: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  eachDuration(ConfigSchema, data, [], (path, v) => {
    // Wrong types, negative or zero numbers and malformed strings are the schema's to report.
    if (typeof v === 'number' ? !(v > 0) : typeof v !== 'string' || !DURATION_RE.test(v)) return;
    try {
      if (parseDuration(v as string | number) === 0) issues.push({ path, message: 'a duration of 0 is not allowed', value: v, expected: DURATION_EXPECTED });
    } catch (e) {
      if (!isVigieError(e, 'E_CONFIG')) throw e;
      issues.push({ path, message: 'duration too large', value: v, expected: DURATION_EXPECTED });
    }
  }, false);
  return issues;
}

/** The loaded config; `data` must have passed every check (it is modified in place). */
export function resolveConfig(data: Record<string, unknown>, kinds: KindSchemas): VigieConfig {
  eachDuration(ConfigSchema, data, [], (_path, v) => parseDuration(v as string | number), true);
  const config = data as unknown as VigieConfig;
  const global = config.correlation.hysteresis;
  for (const probe of config.probes) {
    const p = probe as Partial<typeof probe>;
    p.intervalMs ??= kinds.probes[probe.kind]!.defaultIntervalMs;
    p.hysteresis = { down: p.hysteresis?.down ?? global.down, up: p.hysteresis?.up ?? global.up };
  }
  return config;
}
