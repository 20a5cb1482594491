/** Writes config/vigie.schema.json from the TypeBox declaration: `npx tsx core/config/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_FILE, renderJsonSchema } from './json-schema.js';

writeFileSync(JSON_SCHEMA_FILE, renderJsonSchema());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
