import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { JSON_SCHEMA_FILE } from '../../../core/config/json-schema.js';
import { load, SNMP_DEFAULT_INTERVAL_MS } from './helpers.js';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config/examples');

describe('config/examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort();

  it('has the two annotated examples', () => {
    expect(files).to.include.members(['snmp-site.yaml', 'every-key.yaml']);
  });

  for (const name of files) {
    it(`${name} loads with the stand-in kinds and validates against the published schema`, async () => {
      const file = path.join(EXAMPLES, name);
      const { config } = await load(file);
      expect(config.probes.length).to.be.greaterThan(0);
      for (const p of config.probes) {
        expect(p.intervalMs).to.be.a('number').and.to.be.greaterThan(0);
        expect(p.target.host, 'examples poll loopback only').to.match(/^127\./);
      }
      const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(JSON_SCHEMA_FILE, 'utf8')));
      expect(validate(parse(readFileSync(file, 'utf8'))), JSON.stringify(validate.errors)).to.equal(true);
    });
  }

  it('every-key.yaml sets every key of the schema', async () => {
    const raw = parse(readFileSync(path.join(EXAMPLES, 'every-key.yaml'), 'utf8'));
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_FILE, 'utf8'));
    const missing: string[] = [];
    const walk = (s: any, v: any, at: string) => {
      if (s.type === 'array' && s.items?.properties) {
        const keys = new Set((v as any[]).flatMap((item) => Object.keys(item)));
        for (const k of Object.keys(s.items.properties)) if (!keys.has(k)) missing.push(`${at}[].${k}`);
        for (const item of v as any[]) for (const [k, sub] of Object.entries<any>(s.items.properties)) if (item[k] !== undefined) walk(sub, item[k], `${at}[].${k}`);
      } else if (s.properties) {
        for (const [k, sub] of Object.entries<any>(s.properties)) {
          if (v?.[k] === undefined) missing.push(`${at}.${k}`);
          else walk(sub, v[k], `${at}.${k}`);
        }
      }
    };
    walk(schema, raw, '');
    expect(missing).to.deep.equal([]);
  });

  it('snmp-site.yaml gives its probes the kind default interval unless set', async () => {
    const { config } = await load(path.join(EXAMPLES, 'snmp-site.yaml'));
    expect(config.probes.map((p) => p.intervalMs)).to.deep.equal([30_000, SNMP_DEFAULT_INTERVAL_MS, SNMP_DEFAULT_INTERVAL_MS]);
    expect(config.probes[2]!.hysteresis).to.deep.equal({ down: 5, up: 1 });
  });
});
