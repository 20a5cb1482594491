import { expect } from 'chai';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { Ajv } from 'ajv';
import { loadConfig, ResolvedConfigSchema } from '../../../core/config/index.js';
import { columnOf, configErrors, errorAt, expectNamed, lineOf, load, SNMP_DEFAULT_INTERVAL_MS, tempDir } from './helpers.js';

describe('config/loadConfig: the file', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('fills every default for an empty file', async () => {
    const file = tmp.write('');
    const { config, file: abs } = await load(file);
    expect(abs).to.equal(file);
    expect(config.server).to.deep.equal({ host: '127.0.0.1', port: 8080, web: true });
    expect(config.log).to.deep.equal({ level: 'info', pretty: 'auto' });
    expect(config.store).to.deep.equal({
      adapter: 'embedded', path: './data/vigie.db', retentionMs: 30 * 86_400_000, batchSize: 500, flushIntervalMs: 1000, queueLimit: 100_000,
    });
    expect(config.bus).to.deep.equal({ bufferLimit: 10_000 });
    expect(config.correlation).to.deep.equal({ hysteresis: { down: 3, up: 1 } });
    expect(config.plugins).to.deep.equal([]);
    expect(config.services).to.deep.equal([]);
    expect(config.probes).to.deep.equal([]);
    expect(config.topology).to.deep.equal({ nodes: [], links: [] });
  });

  it('treats a section written with nothing after it as its defaults, but not a required key', async () => {
    const { config } = await load(tmp.write('server:\n#  port: 1\nprobes:\ncorrelation:\n  hysteresis:\n'), { env: { VIGIE_SERVER_PORT: '9' } });
    expect(config.server).to.deep.equal({ host: '127.0.0.1', port: 9, web: true });
    expect(config.probes).to.deep.equal([]);
    expect(config.correlation.hysteresis).to.deep.equal({ down: 3, up: 1 });
    const text = 'probes:\n  - kind: snmp-system\n    name: a\n    target:\n';
    const file = tmp.write(text);
    expectNamed(errorAt((await configErrors(file)).errors, 'probes[0].target'), { file, line: 4, path: 'probes[0].target', value: 'null' });
  });

  it('fills probe defaults: the kind interval, the kind schema defaults, enabled, hysteresis merged with correlation', async () => {
    const file = tmp.write(`
correlation: { hysteresis: { down: 4 } }
probes:
  - kind: snmp-system
    name: sw-01
    hysteresis: { up: 2 }
    target: { host: 127.0.0.1 }
  - kind: snmp-system
    name: sw-02
    interval: 1m
    target: { host: 127.0.0.1, port: 16101 }
services:
  - { kind: simulator, name: lab }
topology:
  nodes: [{ id: sw-01 }]
`);
    const { config } = await load(file);
    const [a, b] = config.probes;
    expect(a).to.deep.equal({
      kind: 'snmp-system', name: 'sw-01', enabled: true, intervalMs: SNMP_DEFAULT_INTERVAL_MS, hysteresis: { down: 4, up: 2 },
      target: { host: '127.0.0.1', port: 161, version: '2c', timeoutMs: 2000, retries: 1 },
    });
    expect(b!.intervalMs).to.equal(60_000);
    expect(b!.hysteresis).to.deep.equal({ down: 4, up: 1 });
    expect(b!.target.port).to.equal(16101);
    expect(b).to.not.have.property('interval');
    expect(config.services).to.deep.equal([{ kind: 'simulator', name: 'lab', config: { host: '127.0.0.1', basePort: 16100, community: 'public' } }]);
    expect(config.topology.nodes).to.deep.equal([{ id: 'sw-01', kind: 'unknown' }]);
    // The loaded config has exactly the shape its declared type (ResolvedConfigSchema) says.
    const check = new Ajv({ strict: false, allErrors: true }).compile(ResolvedConfigSchema);
    expect(check(config), JSON.stringify(check.errors)).to.equal(true);
    expect(check({ ...config, store: { ...config.store, retention: '30d' } })).to.equal(false);
  });

  it('reports an unknown key with file, line:col of the key, path, value and a did-you-mean', async () => {
    const text = 'server:\n  host: 127.0.0.1\n  prot: 9090\n';
    const file = tmp.write(text);
    const { errors, message } = await configErrors(file);
    const e = errorAt(errors, 'server.prot');
    const line = expectNamed(e, { file, line: lineOf(text, 'prot'), column: columnOf(text, 'prot'), path: 'server.prot', value: '9090' });
    expect(e.suggestion).to.equal('port');
    expect(line).to.match(/unknown key "prot".*— did you mean "port"\?$/);
    expect(e.expected).to.contain('host').and.to.contain('web');
    expect(message).to.equal(`invalid configuration ${file}: 1 error`);
    expect(errors).to.have.length(1);
  });

  it('gives no suggestion when no allowed key is close', async () => {
    const file = tmp.write('bus:\n  wholly: 1\n');
    const e = errorAt((await configErrors(file)).errors, 'bus.wholly');
    expect(e.suggestion).to.equal(undefined);
  });

  it('reports a wrong type with the value and what was expected', async () => {
    const text = 'store:\n  batchSize: lots\nserver: { web: "yes" }\n';
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const e = errorAt(errors, 'store.batchSize');
    expectNamed(e, { file, line: 2, column: columnOf(text, 'lots'), path: 'store.batchSize', value: '"lots"' });
    expect(e.message).to.equal('wrong type');
    expect(e.expected).to.equal('an integer >= 1');
    const w = errorAt(errors, 'server.web');
    expectNamed(w, { file, line: 3, path: 'server.web', value: '"yes"' });
    expect(w.expected).to.equal('true or false');
  });

  it('reports a missing required key at its parent, and a value out of range', async () => {
    const text = 'server: { port: 70000 }\nprobes:\n  - kind: snmp-system\n    target: { host: 127.0.0.1 }\ntopology:\n  links:\n    - { a: { node: sw-01 }, b: {} }\n';
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const name = errorAt(errors, 'probes[0].name');
    expectNamed(name, { file, line: lineOf(text, 'kind: snmp-system'), column: columnOf(text, 'kind: snmp-system'), path: 'probes[0].name' });
    expect(name.message).to.equal('missing required key "name"');
    expect(name.value).to.equal(undefined);
    const node = errorAt(errors, 'topology.links[0].b.node');
    expect(node.line).to.equal(lineOf(text, 'b: {}'));
    expect(node.column).to.equal(columnOf(text, '{ a:') + '{ a: { node: sw-01 }, b: '.length);
    const port = errorAt(errors, 'server.port');
    expectNamed(port, { file, line: 1, path: 'server.port', value: '70000' });
    expect(port.expected).to.equal('an integer from 0 to 65535');
  });

  it('reports a bad enum value with the allowed ones and a did-you-mean', async () => {
    const text = 'log:\n  level: inf\n  pretty: yes\ntopology:\n  nodes:\n    - { id: sw-01, kind: swtich }\nstore: { adapter: mongo }\n';
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const level = errorAt(errors, 'log.level');
    const line = expectNamed(level, { file, line: 2, path: 'log.level', value: '"inf"' });
    expect(level.expected).to.equal('one of "trace", "debug", "info", "warn", "error", "fatal", "silent"');
    expect(line).to.match(/did you mean "info"\?$/);
    const pretty = errorAt(errors, 'log.pretty');
    expectNamed(pretty, { file, line: 3, path: 'log.pretty', value: '"yes"' });
    expect(pretty.expected).to.equal('"auto" or true or false');
    expect(errorAt(errors, 'topology.nodes[0].kind').suggestion).to.equal('switch');
    expectNamed(errorAt(errors, 'store.adapter'), { file, line: 7, path: 'store.adapter', value: '"mongo"' });
  });

  it('reports bad durations: malformed, zero, wrong type', async () => {
    const text = [
      'store:',
      '  retention: 30x',
      '  flushInterval: 0s',
      'probes:',
      '  - { kind: snmp-system, name: a, interval: fast, target: { host: h } }',
      '  - { kind: snmp-system, name: b, interval: true, target: { host: h } }',
      '  - { kind: snmp-system, name: c, interval: -5, target: { host: h } }',
      '  - { kind: snmp-system, name: d, interval: 99999999999999999999d, target: { host: h } }',
    ].join('\n');
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const retention = errorAt(errors, 'store.retention');
    expectNamed(retention, { file, line: 2, column: columnOf(text, '30x'), path: 'store.retention', value: '"30x"' });
    expect(retention.message).to.equal('invalid duration');
    expect(retention.expected).to.contain('"10s"');
    expect(errorAt(errors, 'store.flushInterval').message).to.contain('0');
    expectNamed(errorAt(errors, 'probes[0].interval'), { file, line: 5, path: 'probes[0].interval', value: '"fast"' });
    expectNamed(errorAt(errors, 'probes[1].interval'), { file, line: 6, path: 'probes[1].interval', value: 'true' });
    expectNamed(errorAt(errors, 'probes[2].interval'), { file, line: 7, path: 'probes[2].interval', value: '-5' });
    expect(errorAt(errors, 'probes[3].interval').message).to.equal('duration too large');
    expect(errors).to.have.length(6);
  });

  it('lists every error of the file at once, in line order', async () => {
    const text = 'server:\n  prot: 1\nlog:\n  level: loud\nstore:\n  retention: soon\nbus:\n  bufferLimit: 0\nextra: 1\n';
    const file = tmp.write(text);
    const { errors, message } = await configErrors(file);
    expect(errors.map((e) => e.path)).to.deep.equal(['server.prot', 'log.level', 'store.retention', 'bus.bufferLimit', 'extra']);
    expect(errors.map((e) => e.line)).to.deep.equal([2, 4, 6, 8, 9]);
    expect(message).to.match(/5 errors/);
  });

  it('reports a duplicate topology node id', async () => {
    const text = 'topology:\n  nodes:\n    - { id: sw-01 }\n    - { id: sw-01 }\n';
    const file = tmp.write(text);
    const e = errorAt((await configErrors(file)).errors, 'topology.nodes[1].id');
    expectNamed(e, { file, line: 4, path: 'topology.nodes[1].id', value: '"sw-01"' });
    expect(e.message).to.contain('topology.nodes[0]');
  });

  it('refuses a document that is not a mapping', async () => {
    const file = tmp.write('- a\n- b\n');
    const { errors } = await configErrors(file);
    expect(errors).to.have.length(1);
    expect(errors[0]!.path).to.equal('');
    expect(errors[0]!.line).to.equal(1);
    expect(errors[0]!.expected).to.contain('mapping');
  });

  it('fails with E_CONFIG_READ and the line:col of a YAML syntax error', async () => {
    const text = 'server:\n  port: 8080\n log: x\n  host: [1, 2\n';
    const file = tmp.write(text);
    const err = await load(file).then(() => undefined, (e: unknown) => e);
    expect(isVigieError(err, 'E_CONFIG_READ'), String(err)).to.equal(true);
    const details = (err as { details: { line: number; column: number; file: string } }).details;
    expect(details.file).to.equal(file);
    expect(details.line).to.be.within(2, 4);
    expect((err as Error).message).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${details.line}:${details.column}: invalid YAML: `));
  });

  it('fails with E_CONFIG_READ on a duplicate key, naming its line', async () => {
    const text = 'server:\n  port: 1\n  port: 2\n';
    const err = await load(tmp.write(text)).then(() => undefined, (e: unknown) => e) as { code: string; details: { line: number } };
    expect(err.code).to.equal('E_CONFIG_READ');
    expect(err.details.line).to.equal(3);
  });

  it('fails with E_CONFIG_READ for a missing file', async () => {
    const missing = `${tmp.dir}/nope.yaml`;
    const err = await loadConfig(missing, { env: {}, kinds: async () => ({ probes: {}, services: {} }) }).then(() => undefined, (e: unknown) => e);
    expect(isVigieError(err, 'E_CONFIG_READ')).to.equal(true);
    expect((err as Error).message).to.contain(missing).and.to.contain('no such file');
  });
});
