/**
 * `loadConfig`: reads the YAML file, applies `VIGIE_*` overrides, validates everything, and
 * returns the loaded config, or throws once with every error found:
 * - `E_CONFIG_READ`: the file cannot be read, or is not valid YAML (message has `file:line:col`);
 * - `E_CONFIG`: the content is invalid; the message is a one-line summary and `details.errors`
 *   the `ConfigError[]` (each with file, line:col or `env VIGIE_X`, path, redacted value,
 *   expectation, suggestion), to print with `formatConfigErrors`.
 * A plugin that the `kinds` callback cannot load (a `VigieError`) is reported as an error of the
 * `plugins` entry; any other exception from the callback propagates unchanged.
 */
import path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { isVigieError, VigieError } from '../../plugins/sdk/index.js';
import { dropEmptySections } from './empty-sections.js';
import { applyEnvOverrides, overrideOf, type EnvOverride } from './env.js';
import { formatPath, redactValue, isSecretKey, REDACTED, type ConfigError } from './errors.js';
import { checkInstances, type KindSchemas } from './instances.js';
import { durationIssues, resolveConfig } from './resolve.js';
import { ConfigSchema, type VigieConfig } from './schema.js';
import { rejectUnknownKeys, validate, validatorFor, type ConfigIssue } from './validation.js';
import { checkTopology } from './topology-checks.js';
import { locate, parseYamlSource, readConfigText, type YamlSource } from './yaml-source.js';

export { formatConfigErrors, formatConfigError, type ConfigError } from './errors.js';
export { parseDuration } from './duration.js';
export type { KindSchemas } from './instances.js';

export interface LoadConfigOptions {
  /** Where `VIGIE_*` overrides come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Loads the plugins the config names (paths relative to `configDir`) and returns their kinds' schemas. */
  kinds: (plugins: string[], configDir: string) => Promise<KindSchemas>;
}

export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  config: VigieConfig;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export async function loadConfig(file: string, opts: LoadConfigOptions): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  const src = parseYamlSource(file, await readConfigText(file));
  const data = src.data;
  const errors: ConfigError[] = [];
  let applied: EnvOverride[] = [];
  if (isObject(data)) {
    dropEmptySections(ConfigSchema, data);
    const env = applyEnvOverrides(data, opts.env ?? process.env);
    applied = env.applied;
    errors.push(...env.errors);
  }
  const place = (issues: ConfigIssue[]) => errors.push(...issues.map((i) => locateIssue(i, src, applied)));

  const schemaIssues = validate(validatorFor(ConfigSchema), data);
  place(schemaIssues);
  let kinds: KindSchemas | undefined;
  if (isObject(data)) {
    place(durationIssues(data));
    place(checkTopology(data));
    const plugins = data.plugins;
    const pluginsValid = Array.isArray(plugins) && plugins.every((p) => typeof p === 'string') && !schemaIssues.some((i) => i.path[0] === 'plugins');
    if (pluginsValid) {
      try {
        kinds = await opts.kinds(plugins, path.dirname(abs));
      } catch (e) {
        if (!isVigieError(e)) throw e;
        const spec = (e.details as { spec?: unknown; source?: unknown } | undefined)?.spec ?? e.details?.source;
        const index = plugins.indexOf(spec as string);
        place([{ path: index >= 0 ? ['plugins', index] : ['plugins'], message: `${e.message} [${e.code}]`, value: index >= 0 ? spec : undefined }]);
      }
      if (kinds) place(checkInstances(data, kinds, (p) => locate(src, p)?.line));
    }
  }
  if (errors.length > 0 || !kinds || !isObject(data)) {
    const sorted = sortErrors(errors);
    throw new VigieError('E_CONFIG', `invalid configuration ${file}: ${sorted.length} error${sorted.length === 1 ? '' : 's'}`, {
      file, errors: sorted,
    });
  }
  return { file: abs, config: resolveConfig(data, kinds) };
}

/** The issue's value as it may be shown: redacted under a secret key, or a misspelt one. */
function shownValue(issue: ConfigIssue): unknown {
  const value = redactValue(issue.path, issue.value);
  return value !== undefined && issue.suggestion && isSecretKey(issue.suggestion) ? REDACTED : value;
}

/** Names where the issue is: the env variable that set the value, else the file's line:col. */
function locateIssue(issue: ConfigIssue, src: YamlSource, applied: EnvOverride[]): ConfigError {
  const value = shownValue(issue);
  const base = { path: formatPath(issue.path), message: issue.message, value, expected: issue.expected, suggestion: issue.suggestion };
  const override = overrideOf(issue.path, applied);
  if (override) return { file: `env ${override.variable}`, ...base };
  const pos = locate(src, issue.path, issue.at);
  return { file: src.file, line: pos?.line, column: pos?.column, ...base };
}

/** Env errors first, then file errors in line order (stable for equal lines). */
function sortErrors(errors: ConfigError[]): ConfigError[] {
  const rank = (e: ConfigError) => (e.line === undefined ? -1 : e.line * 1e6 + (e.column ?? 0));
  return errors
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([e]) => strip(e));
}

function strip(e: ConfigError): ConfigError {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as ConfigError;
}

/**
 * Checks a value that does not come from a config file (a CLI's `--set`, a test's literal)
 * against a kind's schema, exactly as `loadConfig` checks a probe target: unknown keys rejected,
 * defaults filled in place. Returns the errors (empty when valid), paths prefixed by `basePath`.
 */
export function validateValue(schema: TSchema, value: unknown, opts: { file: string; basePath?: string }): ConfigError[] {
  const issues = validate(validatorFor(schema, rejectUnknownKeys), value);
  return issues.map((issue) => {
    const value = shownValue(issue);
    const rel = formatPath(issue.path);
    const full = !opts.basePath ? rel : !rel ? opts.basePath : rel.startsWith('[') ? opts.basePath + rel : `${opts.basePath}.${rel}`;
    return strip({ file: opts.file, path: full, message: issue.message, value, expected: issue.expected, suggestion: issue.suggestion });
  });
}
