/**
 * Environment overrides: `VIGIE_` + the path of a config key, each segment upper-cased and
 * joined by `_` (`VIGIE_SERVER_PORT` → `server.port`). Keys match case-insensitively, and a
 * camelCase key matches with or without underscores (`VIGIE_STORE_BATCHSIZE` or
 * `VIGIE_STORE_BATCH_SIZE` → `store.batchSize`). A plain string key takes the value as is; any
 * other key parses it as YAML (`9090` → a number, `false` → a boolean, `[a, b]` → a list).
 * Any other `VIGIE_*` variable is an error, except the reserved ones (`VIGIE_CONFIG`: the
 * config file's path; `VIGIE_SNMPREC_DIR`: where the simulator and tests find recordings).
 */
import { parse as parseYaml } from 'yaml';
import { isSecretKey, REDACTED, suggest, type ConfigError, type PathSegment } from './errors.js';
import { ConfigSchema } from './schema.js';

export const ENV_PREFIX = 'VIGIE_';
/** `VIGIE_*` variables that are not config overrides. */
export const RESERVED_ENV_VARS: readonly string[] = ['VIGIE_CONFIG', 'VIGIE_SNMPREC_DIR'];

/** One override that was applied. */
export interface EnvOverride {
  variable: string;
  path: PathSegment[];
}

interface EnvKey {
  path: string[];
  /** Takes the raw string (a `type: 'string'` key) rather than a YAML-parsed value. */
  raw: boolean;
  /** A section (an object of keys), which cannot be set as a whole. */
  section: boolean;
}

type JsonSchema = Record<string, any>;

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function collect(schema: JsonSchema, path: string[], out: Map<string, EnvKey>): void {
  for (const [key, sub] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    const p = [...path, key];
    const section = sub.type === 'object' && !!sub.properties;
    const entry: EnvKey = { path: p, raw: sub.type === 'string', section };
    for (const name of new Set([p.map((s) => s.toUpperCase()).join('_'), p.map(snake).join('_')])) {
      const full = ENV_PREFIX + name;
      const prior = out.get(full);
      if (prior && prior.path.join('.') !== p.join('.')) throw new Error(`env names clash: ${full} is both ${prior.path.join('.')} and ${p.join('.')}`);
      out.set(full, entry);
    }
    if (section) collect(sub, p, out);
  }
}

/** Every accepted variable name → the key it sets (computed from the schema). */
export const ENV_KEYS: ReadonlyMap<string, EnvKey> = (() => {
  const m = new Map<string, EnvKey>();
  collect(ConfigSchema as JsonSchema, [], m);
  return m;
})();

/** The preferred variable name of each settable key (no sections), for docs and suggestions. */
export function envVariableNames(): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const [name, k] of ENV_KEYS) {
    const id = k.path.join('.');
    if (k.section || seen.has(id)) continue;
    seen.add(id);
    names.push(name);
  }
  return names;
}

function parseValue(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return text;
  }
}

/**
 * Applies every `VIGIE_*` variable of `env` to `data` (in name order), creating missing
 * sections. A section that the file set to a non-mapping is left alone (the schema check
 * reports it). Returns what was applied and the errors for unknown or section variables.
 */
export function applyEnvOverrides(data: Record<string, unknown>, env: NodeJS.ProcessEnv): { applied: EnvOverride[]; errors: ConfigError[] } {
  const applied: EnvOverride[] = [];
  const errors: ConfigError[] = [];
  const names = Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX) && !RESERVED_ENV_VARS.includes(n)).sort();
  for (const variable of names) {
    const text = env[variable];
    if (text === undefined) continue;
    const key = ENV_KEYS.get(variable.toUpperCase());
    if (!key || key.section) {
      const value = variable.split('_').some(isSecretKey) || isSecretKey(variable) ? REDACTED : text;
      const file = `env ${variable}`;
      if (key) {
        const keys = Object.keys(sectionSchema(key.path).properties ?? {}).map((k) => `${variable}_${k.toUpperCase()}`);
        errors.push({ file, path: key.path.join('.'), value, message: 'this variable names a section, not a key', expected: `one of ${keys.join(', ')}` });
      } else {
        errors.push({
          file, path: '', value, message: `unknown variable ${variable}`, expected: 'a VIGIE_ variable naming a config key',
          suggestion: suggest(variable, [...envVariableNames(), ...RESERVED_ENV_VARS]),
        });
      }
      continue;
    }
    let parent: Record<string, unknown> = data;
    let blocked = false;
    for (const seg of key.path.slice(0, -1)) {
      const next = parent[seg];
      if (next === undefined) parent[seg] = {};
      else if (!next || typeof next !== 'object' || Array.isArray(next)) {
        blocked = true;
        break;
      }
      parent = parent[seg] as Record<string, unknown>;
    }
    if (blocked) continue;
    parent[key.path[key.path.length - 1]!] = key.raw ? text : parseValue(text);
    applied.push({ variable, path: key.path });
  }
  return { applied, errors };
}

function sectionSchema(path: string[]): JsonSchema {
  let s = ConfigSchema as JsonSchema;
  for (const seg of path) s = s.properties?.[seg] ?? {};
  return s;
}

/** The override that set `path` or one of its ancestors, if any. */
export function overrideOf(path: readonly PathSegment[], applied: readonly EnvOverride[]): EnvOverride | undefined {
  return applied.find((o) => o.path.length <= path.length && o.path.every((seg, i) => seg === path[i]));
}

