/**
 * Checks the configured instances against the loaded kinds: each probe's `target` and each
 * service's `config` against its kind's schema (defaults filled in place), an unknown kind
 * (with a did-you-mean among the loaded ones), and a name used twice within one kind.
 */
import type { TSchema } from '@sinclair/typebox';
import { VigieError } from '../../plugins/sdk/index.js';
import { formatPath, suggest, type PathSegment } from './errors.js';
import { rejectUnknownKeys, validate, validatorFor, type ConfigIssue } from './validation.js';

/** What the loaded plugins offer: the schema of each probe and service kind. */
export interface KindSchemas {
  probes: Record<string, { schema: TSchema; defaultIntervalMs: number }>;
  services: Record<string, { schema: TSchema }>;
}

const ROLES = [
  { list: 'probes', field: 'target', noun: 'probe', other: 'services' },
  { list: 'services', field: 'config', noun: 'service', other: 'probes' },
] as const;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Issues of every probe and service; `lineOf` helps name where a duplicate's first use is. */
export function checkInstances(data: Record<string, unknown>, kinds: KindSchemas, lineOf: (path: PathSegment[]) => number | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const role of ROLES) {
    const items = data[role.list];
    if (!Array.isArray(items)) continue;
    const known = kinds[role.list] as Record<string, { schema: TSchema }>;
    const firstUse = new Map<string, number>();
    items.forEach((item, i) => {
      if (!isObject(item) || typeof item.kind !== 'string') return;
      const kind = item.kind;
      const entry = Object.hasOwn(known, kind) ? known[kind] : undefined;
      if (!entry) {
        const names = Object.keys(known).sort();
        const elsewhere = Object.hasOwn(kinds[role.other], kind);
        issues.push({
          path: [role.list, i, 'kind'],
          message: elsewhere ? `"${kind}" is a ${role.other === 'services' ? 'service' : 'probe'} kind; list it under ${role.other}` : `unknown ${role.noun} kind "${kind}"`,
          value: kind,
          expected: names.length ? `one of the loaded ${role.noun} kinds: ${names.join(', ')}` : `a ${role.noun} kind from a loaded plugin (none is loaded; add one to plugins)`,
          suggestion: elsewhere ? undefined : suggest(kind, names),
        });
      }
      if (typeof item.name === 'string') {
        const id = `${kind}/${item.name}`;
        const first = firstUse.get(id);
        if (first === undefined) firstUse.set(id, i);
        else {
          const firstPath: PathSegment[] = [role.list, first, 'name'];
          const line = lineOf(firstPath);
          issues.push({
            path: [role.list, i, 'name'],
            message: `duplicate ${role.noun} name "${item.name}" for kind "${kind}", already used by ${formatPath([role.list, first])}${line !== undefined ? ` (line ${line})` : ''}`,
            value: item.name,
            expected: `a name unique among the ${kind} ${role.list}`,
          });
        }
      }
      if (entry && isObject(item[role.field])) {
        issues.push(...validate(kindValidator(entry.schema, kind), item[role.field], [role.list, i, role.field]));
      }
    });
  }
  return issues;
}

function kindValidator(schema: TSchema, kind: string) {
  try {
    return validatorFor(schema, rejectUnknownKeys);
  } catch (e) {
    throw new VigieError('E_PLUGIN_INVALID', `the schema of kind ${kind} cannot be compiled: ${(e as Error).message}`, { kind }, { cause: e });
  }
}
