import { expect } from 'chai';
import { envVariableNames, RESERVED_ENV_VARS } from '../../../core/config/index.js';
import { configErrors, errorAt, expectNamed, load, tempDir } from './helpers.js';

describe('config/loadConfig: VIGIE_* environment overrides', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('applies overrides over the file, parsing scalars as YAML and keeping strings raw', async () => {
    const file = tmp.write('server: { port: 8080 }\nstore: { batchSize: 10 }\n');
    const { config } = await load(file, {
      env: {
        VIGIE_SERVER_PORT: '9090',
        VIGIE_SERVER_WEB: 'false',
        VIGIE_LOG_LEVEL: 'debug',
        VIGIE_LOG_PRETTY: 'false',
        VIGIE_STORE_PATH: '#data/x.db',
        VIGIE_STORE_RETENTION: '2d',
        VIGIE_STORE_BATCHSIZE: '1000',
        VIGIE_STORE_FLUSH_INTERVAL: '250',
        VIGIE_CORRELATION_HYSTERESIS_DOWN: '5',
        VIGIE_PLUGINS: '[]',
        VIGIE_CONFIG: '/elsewhere.yaml',
        OTHER: 'ignored',
      },
    });
    expect(config.server).to.deep.equal({ host: '127.0.0.1', port: 9090, web: false });
    expect(config.log).to.deep.equal({ level: 'debug', pretty: false });
    expect(config.store.path).to.equal('#data/x.db');
    expect(config.store.retentionMs).to.equal(2 * 86_400_000);
    expect(config.store.batchSize).to.equal(1000);
    expect(config.store.flushIntervalMs).to.equal(250);
    expect(config.correlation.hysteresis).to.deep.equal({ down: 5, up: 1 });
  });

  it('names the variable (not a line) when an override is invalid', async () => {
    const file = tmp.write('server: { port: 8080 }\n');
    const { errors, message } = await configErrors(file, { env: { VIGIE_SERVER_PORT: 'abc', VIGIE_STORE_RETENTION: 'forever' } });
    const port = errorAt(errors, 'server.port');
    const line = expectNamed(port, { file: 'env VIGIE_SERVER_PORT', path: 'server.port', value: '"abc"' });
    expect(port.line).to.equal(undefined);
    expect(line).to.equal('env VIGIE_SERVER_PORT: server.port: wrong type (got "abc"; expected an integer from 0 to 65535)');
    expectNamed(errorAt(errors, 'store.retention'), { file: 'env VIGIE_STORE_RETENTION', path: 'store.retention', value: '"forever"' });
    expect(message).to.equal(`invalid configuration ${file}: 2 errors`);
  });

  it('reports an unknown VIGIE_ variable with a did-you-mean, and one that names a section', async () => {
    const file = tmp.write('');
    const { errors } = await configErrors(file, { env: { VIGIE_SERVR_PORT: '1', VIGIE_STORE: 'x', VIGIE_SNMP_COMMUNITY: 'hush-hush' } });
    const unknown = errors.find((e) => e.file === 'env VIGIE_SERVR_PORT')!;
    expect(unknown, JSON.stringify(errors)).to.not.equal(undefined);
    expect(unknown.message).to.equal('unknown variable VIGIE_SERVR_PORT');
    expect(unknown.suggestion).to.equal('VIGIE_SERVER_PORT');
    expect(unknown.value).to.equal('1');
    const section = errors.find((e) => e.file === 'env VIGIE_STORE')!;
    expect(section.path).to.equal('store');
    expect(section.expected).to.contain('VIGIE_STORE_RETENTION');
    const secret = errors.find((e) => e.file === 'env VIGIE_SNMP_COMMUNITY')!;
    expect(secret.value).to.equal('<redacted>');
    expect(JSON.stringify(errors)).to.not.contain('hush-hush');
    expect(errors).to.have.length(3);
  });

  it('leaves a section the file set to a scalar for the schema to report', async () => {
    const file = tmp.write('server: 5\n');
    const { errors } = await configErrors(file, { env: { VIGIE_SERVER_PORT: '9090' } });
    expect(errors).to.have.length(1);
    expectNamed(errors[0]!, { file, line: 1, path: 'server', value: '5' });
  });

  it('offers a variable for every settable key, each one accepted', async () => {
    const names = envVariableNames();
    expect(names).to.include.members(['VIGIE_SERVER_PORT', 'VIGIE_LOG_LEVEL', 'VIGIE_STORE_PATH', 'VIGIE_STORE_RETENTION', 'VIGIE_STORE_BATCHSIZE', 'VIGIE_BUS_BUFFERLIMIT', 'VIGIE_CORRELATION_HYSTERESIS_UP']);
    expect(names).to.not.include('VIGIE_STORE');
    for (const r of RESERVED_ENV_VARS) expect(names).to.not.include(r);
    const file = tmp.write('');
    // Every name maps to a key: an empty value is invalid for each (a type error, or an empty string), never "unknown variable".
    const { errors } = await configErrors(file, { env: Object.fromEntries(names.map((n) => [n, ''])) });
    expect(errors.filter((e) => e.message.startsWith('unknown variable'))).to.deep.equal([]);
    expect(new Set(errors.map((e) => e.file)).size).to.equal(names.length);
  });
});
