/**
 * JSON-Schema validation with ajv (all errors, defaults filled in place) and the translation of
 * ajv's errors into `ConfigIssue`s a person can act on: the path, the bad value, what was
 * expected in words, and a did-you-mean for unknown keys and enum values. Union failures are
 * reported once (not once per branch), or through the one branch that has the value's type.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { DURATION_EXPECTED } from './duration.js';
import { suggest, type PathSegment } from './errors.js';
import { NAME_EXPECTED, NAME_PATTERN } from './schema.js';

/** A problem found at a path, before it is located in the file (or env) and redacted. */
export interface ConfigIssue {
  path: PathSegment[];
  /** Point at the key (unknown keys) rather than at the value. */
  at?: 'key' | 'value';
  message: string;
  value?: unknown;
  expected?: string;
  suggestion?: string;
}

type JsonSchema = Record<string, any>;

const addFormats = ((formatsModule as any).default ?? formatsModule) as (ajv: Ajv) => Ajv;

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();
const compiled = new WeakMap<object, ValidateFunction>();

/** A cached validator for `schema` (compiled once per schema object). */
export function validatorFor(schema: object, transform: (s: JsonSchema) => JsonSchema = (s) => s): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(transform(schema as JsonSchema));
    compiled.set(schema, v);
  }
  return v;
}

/** Validates `data` in place (filling defaults); issues carry paths prefixed with `base`. */
export function validate(validator: ValidateFunction, data: unknown, base: PathSegment[] = []): ConfigIssue[] {
  if (validator(data)) return [];
  return toIssues(validator.errors ?? [], data, base);
}

/**
 * A copy of a kind's schema in which every object that lists `properties` and says nothing
 * about extra keys rejects them, so a misspelt target key is an error like everywhere else.
 * A kind that wants free-form keys says `additionalProperties: true` explicitly.
 */
export function rejectUnknownKeys(schema: JsonSchema): JsonSchema {
  const DATA_KEYS = new Set(['const', 'default', 'enum', 'examples']);
  const walk = (node: unknown, underAllOf: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, underAllOf));
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      if (DATA_KEYS.has(k)) out[k] = v;
      else if (k === 'properties' && v && typeof v === 'object') {
        out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, walk(s, false)]));
      } else out[k] = walk(v, k === 'allOf');
    }
    const isObject = out.type === 'object' || (out.properties && out.type === undefined);
    if (isObject && out.properties && !underAllOf && !('additionalProperties' in out) && !('unevaluatedProperties' in out) && !out.patternProperties) {
      out.additionalProperties = false;
    }
    return out;
  };
  return walk(schema, false) as JsonSchema;
}

// ---- ajv errors → issues ----

function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: PathSegment = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
  }
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Whether `branch` is the union member meant for a value of this type. */
function branchTakes(branch: JsonSchema, data: unknown): boolean {
  const t = jsonType(data);
  const types: string[] = branch.type === undefined ? [] : [].concat(branch.type);
  if ('const' in branch) return jsonType(branch.const) === t || (t === 'integer' && jsonType(branch.const) === 'number');
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

function drop(errors: ErrorObject[]): ErrorObject[] {
  const removed = new Set<ErrorObject>();
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (removed.has(u)) continue;
    const prefix = `${u.schemaPath}/`;
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix));
    const branches: JsonSchema[] = (u.parentSchema as JsonSchema)?.[u.keyword] ?? [];
    const structured = typeof u.data === 'object' && u.data !== null;
    const fitting = branches.map((b, i) => [b, i] as const).filter(([b]) => branchTakes(b, u.data));
    if (structured && fitting.length === 1 && inside.length > 0) {
      // The value is an object/array and one branch takes that shape: report that branch's complaints.
      const keep = `${prefix}${fitting[0]![1]}/`;
      removed.add(u);
      for (const e of inside) if (!e.schemaPath.startsWith(keep)) removed.add(e);
    } else {
      for (const e of inside) removed.add(e);
    }
  }
  return errors.filter((e) => !removed.has(e) && e.keyword !== 'if');
}

function toIssues(errors: ErrorObject[], root: unknown, base: PathSegment[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of drop(errors)) {
    const issue = toIssue(e, [...base, ...pointerToPath(e.instancePath, root)]);
    const key = JSON.stringify([issue.path, issue.message]);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(e: ErrorObject, path: PathSegment[]): ConfigIssue {
  const schema = (e.parentSchema ?? {}) as JsonSchema;
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required': {
      const name = String(p.missingProperty);
      return { path: [...path, name], message: `missing required key "${name}"`, expected: describe(schema.properties?.[name]) };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty);
      const allowed = Object.keys(schema.properties ?? {});
      return {
        path: [...path, name],
        at: 'key',
        message: `unknown key "${name}"`,
        value: (e.data as Record<string, unknown>)?.[name],
        expected: allowed.length ? `one of the keys ${allowed.join(', ')}` : 'no keys here',
        suggestion: suggest(name, allowed),
      };
    }
    case 'type':
      return { path, message: 'wrong type', value: e.data, expected: describe(schema) };
    case 'enum':
    case 'const': {
      const options = e.keyword === 'enum' ? (schema.enum as unknown[]) : [schema.const];
      const strings = options.filter((o): o is string => typeof o === 'string');
      return {
        path, message: 'not an allowed value', value: e.data, expected: describe(schema),
        suggestion: typeof e.data === 'string' ? suggest(e.data, strings) : undefined,
      };
    }
    case 'anyOf':
    case 'oneOf': {
      const consts = ((schema[e.keyword] ?? []) as JsonSchema[]).map((b) => b.const).filter((c): c is string => typeof c === 'string');
      return {
        path, message: 'not an allowed value', value: e.data, expected: describe(schema),
        suggestion: typeof e.data === 'string' ? suggest(e.data, consts) : undefined,
      };
    }
    case 'pattern': {
      const what = schema.title === 'duration' ? 'invalid duration' : schema.pattern === NAME_PATTERN ? 'invalid name' : 'does not match the expected pattern';
      return { path, message: what, value: e.data, expected: describe(schema) };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: 'out of range', value: e.data, expected: describe(schema) };
    case 'minLength':
      return { path, message: e.data === '' ? 'must not be empty' : 'too short', value: e.data, expected: describe(schema) };
    case 'format':
      return { path, message: `not a valid ${p.format}`, value: e.data, expected: `a ${p.format}` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}`, value: e.data };
  }
}

function range(s: JsonSchema): string {
  const lo = s.minimum;
  const hi = s.maximum;
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`;
  const parts: string[] = [];
  if (lo !== undefined) parts.push(`>= ${lo}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (hi !== undefined) parts.push(`<= ${hi}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** What a schema accepts, in words: `an integer from 0 to 65535`, `one of "info", "debug"`, ... */
export function describe(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as JsonSchema;
  if (s.title === 'duration') return DURATION_EXPECTED;
  if (s.pattern === NAME_PATTERN) return NAME_EXPECTED;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  const union = s.anyOf ?? s.oneOf;
  if (Array.isArray(union)) {
    const parts = union.map(describe).filter((d): d is string => !!d);
    return parts.length ? parts.join(' or ') : undefined;
  }
  const types: string[] = s.type === undefined ? [] : [].concat(s.type);
  const words = types.map((t) => {
    switch (t) {
      case 'integer': return `an integer${range(s)}`;
      case 'number': return `a number${range(s)}`;
      case 'string': {
        let w = s.minLength >= 1 ? 'a non-empty string' : 'a string';
        if (s.pattern) w += ` matching /${s.pattern}/`;
        if (s.format) w += ` (${s.format})`;
        return w;
      }
      case 'boolean': return 'true or false';
      case 'object': return 'a mapping of keys to values';
      case 'array': {
        const item = s.items && !Array.isArray(s.items) ? describe(s.items) : undefined;
        return item ? `a list (each item: ${item})` : 'a list';
      }
      case 'null': return 'null';
      default: return t;
    }
  });
  return words.length ? words.join(' or ') : undefined;
}
