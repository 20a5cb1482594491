/**
 * The published JSON Schema of the config file (`config/vigie.schema.json`), generated from the
 * TypeBox declaration so editors and the loader agree. A test fails when the committed file
 * differs from `renderJsonSchema()`; regenerate with `npx tsx core/config/write-schema.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigSchema } from './schema.js';

export const JSON_SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/vigie.schema.json');

/** The schema document as written to disk (stable key order, trailing newline). */
export function renderJsonSchema(): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...JSON.parse(JSON.stringify(ConfigSchema)),
    description: 'Configuration of the Vigie daemon (YAML). Durations: milliseconds, or strings like 500ms, 10s, 5m, 2h, 30d. ' +
      'A probe target or service config is checked against its kind\'s schema when the daemon loads its plugins. ' +
      'Any key can be overridden by an environment variable VIGIE_<PATH>, e.g. VIGIE_SERVER_PORT=9090.',
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
