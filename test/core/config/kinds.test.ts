import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import { VigieError } from '../../../plugins/sdk/index.js';
import { formatConfigErrors, validateValue, type KindSchemas } from '../../../core/config/index.js';
import { columnOf, configErrors, errorAt, expectNamed, lineOf, load, standInKinds, tempDir } from './helpers.js';

describe('config/loadConfig: probes and services against their kinds', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('checks a probe target with its kind schema, naming file, line, path and value', async () => {
    const text = [
      'probes:',
      '  - kind: snmp-system',
      '    name: sw-01',
      '    target:',
      '      host: 127.0.0.1',
      '      port: 70000',
      '      version: 4',
      '      retries: many',
      '  - kind: sip-trunk',
      '    name: carrier',
      '    target: { url: "sip:x" }',
    ].join('\n');
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const port = errorAt(errors, 'probes[0].target.port');
    expectNamed(port, { file, line: lineOf(text, '70000'), column: columnOf(text, '70000'), path: 'probes[0].target.port', value: '70000' });
    expect(port.expected).to.equal('an integer from 1 to 65535');
    const version = errorAt(errors, 'probes[0].target.version');
    expectNamed(version, { file, line: lineOf(text, 'version: 4'), path: 'probes[0].target.version', value: '4' });
    expect(version.expected).to.equal('"1" or "2c" or "3"');
    expectNamed(errorAt(errors, 'probes[0].target.retries'), { file, line: lineOf(text, 'many'), path: 'probes[0].target.retries', value: '"many"' });
    // The kind schema says nothing about extra keys: they are still rejected, with a suggestion.
    const url = errorAt(errors, 'probes[1].target.url');
    expectNamed(url, { file, line: lineOf(text, 'url:'), column: columnOf(text, 'url:'), path: 'probes[1].target.url', value: '"sip:x"' });
    expect(url.suggestion).to.equal('uri');
    const uri = errorAt(errors, 'probes[1].target.uri');
    expect(uri.message).to.equal('missing required key "uri"');
    expect(errors).to.have.length(5);
  });

  it('lets a kind accept free-form keys when its schema says additionalProperties: true', async () => {
    const kinds: KindSchemas = { probes: { free: { schema: Type.Object({ a: Type.Number() }, { additionalProperties: true }), defaultIntervalMs: 5 } }, services: {} };
    const file = tmp.write('probes: [{ kind: free, name: x, target: { a: 1, b: 2 } }]\n');
    const { config } = await load(file, { kinds: async () => kinds });
    expect(config.probes[0]!.target).to.deep.equal({ a: 1, b: 2 });
    expect(config.probes[0]!.intervalMs).to.equal(5);
  });

  it('reports an unknown probe kind with a did-you-mean among the loaded kinds', async () => {
    const text = 'probes:\n  - { kind: snmp-sytem, name: a, target: { host: h } }\n  - { kind: zzz, name: b, target: {} }\n  - { kind: simulator, name: c, target: {} }\n';
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    const e = errorAt(errors, 'probes[0].kind');
    const line = expectNamed(e, { file, line: 2, column: columnOf(text, 'snmp-sytem'), path: 'probes[0].kind', value: '"snmp-sytem"' });
    expect(line).to.match(/unknown probe kind "snmp-sytem".*did you mean "snmp-system"\?$/);
    expect(e.expected).to.equal('one of the loaded probe kinds: sip-trunk, snmp-system');
    expect(errorAt(errors, 'probes[1].kind').suggestion).to.equal(undefined);
    expect(errorAt(errors, 'probes[2].kind').message).to.equal('"simulator" is a service kind; list it under services');
    expect(errors).to.have.length(3);
  });

  it('reports a probe name used twice within one kind (but not across kinds)', async () => {
    const text = [
      'probes:',
      '  - { kind: snmp-system, name: core, target: { host: a } }',
      '  - { kind: sip-trunk, name: core, target: { uri: "sip:a" } }',
      '  - { kind: snmp-system, name: core, target: { host: b } }',
    ].join('\n');
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    expect(errors).to.have.length(1);
    const e = errorAt(errors, 'probes[2].name');
    expectNamed(e, { file, line: 4, path: 'probes[2].name', value: '"core"' });
    expect(e.message).to.equal('duplicate probe name "core" for kind "snmp-system", already used by probes[0] (line 2)');
  });

  it('checks a service config with its kind schema and reports an unknown service kind', async () => {
    const text = 'services:\n  - { kind: simulator, name: lab, config: { basePort: lots } }\n  - { kind: simulatr, name: x }\n  - { kind: simulator, name: "bad name" }\n';
    const file = tmp.write(text);
    const { errors } = await configErrors(file);
    expectNamed(errorAt(errors, 'services[0].config.basePort'), { file, line: 2, path: 'services[0].config.basePort', value: '"lots"' });
    expect(errorAt(errors, 'services[1].kind').suggestion).to.equal('simulator');
    const name = errorAt(errors, 'services[2].name');
    expectNamed(name, { file, line: 4, path: 'services[2].name', value: '"bad name"' });
    expect(name.message).to.equal('invalid name');
    expect(errors).to.have.length(3);
  });

  it('redacts secrets: bad values under secret keys, misspelt secret keys, secrets inside shown objects', async () => {
    const text = [
      'probes:',
      '  - kind: snmp-system',
      '    name: sw-01',
      '    target:',
      '      host: 127.0.0.1',
      '      community: 31337',
      '      comunity: hunter2-community',
      '      v3: { user: u, level: authPriv, authKey: abc12, privKey: 123456789 }',
      '  - kind: snmp-system',
      '    name: sw-02',
      '    target: { host: h, v3: { user: u, level: none, authKey: sekret-auth-key } }',
      '    extra: { token: tok-3-n, note: visible }',
    ].join('\n');
    const file = tmp.write(text);
    const { errors, message } = await configErrors(file);
    const all = formatConfigErrors(errors);
    for (const secret of ['31337', 'hunter2', 'abc12', '123456789', 'sekret', 'tok-3-n']) {
      expect(all, secret).to.not.contain(secret);
      expect(message, secret).to.not.contain(secret);
      expect(JSON.stringify(errors), secret).to.not.contain(secret);
    }
    expectNamed(errorAt(errors, 'probes[0].target.community'), { file, line: 6, path: 'probes[0].target.community', value: '<redacted>' });
    const typo = errorAt(errors, 'probes[0].target.comunity');
    expectNamed(typo, { file, line: 7, path: 'probes[0].target.comunity', value: '<redacted>' });
    expect(typo.suggestion).to.equal('community');
    expect(errorAt(errors, 'probes[0].target.v3.authKey').value).to.equal('<redacted>');
    expect(errorAt(errors, 'probes[0].target.v3.privKey').value).to.equal('<redacted>');
    // A non-secret value next to the secrets is still shown.
    expect(errorAt(errors, 'probes[1].target.v3.level').value).to.equal('none');
    expect(errorAt(errors, 'probes[1].extra').value).to.deep.equal({ token: '<redacted>', note: 'visible' });
  });

  it('calls kinds() with the plugins list and the config folder, and reports a plugin that cannot load at its entry', async () => {
    const text = 'plugins:\n  - ./ok-plugin\n  - ./missing-plugin\n';
    const file = tmp.write(text);
    const calls: [string[], string][] = [];
    const { errors } = await configErrors(file, {
      kinds: async (plugins, dir) => {
        calls.push([plugins, dir]);
        throw new VigieError('E_PLUGIN_LOAD', 'plugin ./missing-plugin: no such file or folder', { spec: './missing-plugin' });
      },
    });
    expect(calls).to.deep.equal([[['./ok-plugin', './missing-plugin'], path.dirname(file)]]);
    const e = errorAt(errors, 'plugins[1]');
    expectNamed(e, { file, line: 3, path: 'plugins[1]', value: '"./missing-plugin"' });
    expect(e.message).to.contain('[E_PLUGIN_LOAD]');
  });

  it('lets a non-Vigie exception from kinds() through unchanged', async () => {
    const file = tmp.write('plugins: []\n');
    const boom = new TypeError('bug in the registry');
    const err = await load(file, { kinds: async () => { throw boom; } }).then(() => undefined, (e: unknown) => e);
    expect(err).to.equal(boom);
  });

  it('still lists the file errors when the plugins key itself is wrong (kinds() is not called)', async () => {
    const file = tmp.write('plugins: ./one\nlog: { level: x }\n');
    let called = false;
    const { errors } = await configErrors(file, { kinds: async () => { called = true; return standInKinds; } });
    expect(called).to.equal(false);
    expect(errors.map((e) => e.path)).to.deep.equal(['plugins', 'log.level']);
  });
});

describe('config/validateValue', () => {
  it('checks a value against a kind schema like loadConfig does, paths under basePath, defaults filled', () => {
    const target: Record<string, unknown> = { host: 'h', comunity: 'abc', port: 0 };
    const errors = validateValue(standInKinds.probes['snmp-system']!.schema, target, { file: '--set', basePath: 'target' });
    expect(errors.map((e) => e.path).sort()).to.deep.equal(['target.comunity', 'target.port']);
    expect(errors.every((e) => e.file === '--set')).to.equal(true);
    expect(errors.find((e) => e.path === 'target.comunity')!.value).to.equal('<redacted>');
    const ok: Record<string, unknown> = { host: 'h' };
    expect(validateValue(standInKinds.probes['snmp-system']!.schema, ok, { file: 'x' })).to.deep.equal([]);
    expect(ok.port).to.equal(161);
  });
});
