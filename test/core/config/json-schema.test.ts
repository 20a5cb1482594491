import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../../../core/config/json-schema.js';

describe('config/vigie.schema.json', () => {
  it('is in sync with the TypeBox declaration (regenerate: npx tsx core/config/write-schema.ts)', () => {
    const committed = readFileSync(JSON_SCHEMA_FILE, 'utf8');
    expect(committed === renderJsonSchema(), 'config/vigie.schema.json is out of date: run npx tsx core/config/write-schema.ts').to.equal(true);
  });

  it('is a valid draft-07 schema that rejects unknown keys and accepts durations in both forms', () => {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_FILE, 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate({ store: { retention: '30d', flushInterval: 500 }, probes: [{ kind: 'k', name: 'n', target: {} }] }), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate({ sever: {} })).to.equal(false);
    expect(validate({ store: { retention: '30 days' } })).to.equal(false);
    expect(validate({ probes: [{ kind: 'k', name: 'bad name', target: {} }] })).to.equal(false);
  });
});
