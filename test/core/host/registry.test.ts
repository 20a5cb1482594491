import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Observable } from 'rxjs';
import { PluginRegistry, REPO_ROOT } from '../../../core/host/registry.js';
import { Type, definePlugin, defineProbe, isVigieError, type Plugin } from '../../../plugins/sdk/index.js';

function plugin(name: string, kinds: string[], sdk = '^1'): Plugin {
  return definePlugin({
    name, version: '1.0.0', sdk,
    probes: Object.fromEntries(kinds.map((k) => [k, defineProbe({
      description: k, defaultIntervalMs: 1000, configSchema: Type.Object({}), create: () => new Observable(),
    })])),
  });
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isVigieError(e) ? e.code : `not coded: ${(e as Error).message}`;
  }
  return undefined;
}

describe('plugin registry', () => {
  it('loads the built-in probe kinds from probes/', async () => {
    const r = new PluginRegistry();
    await r.loadBuiltins();
    expect(r.probeKindNames).to.include('snmp-system');
    expect(r.pluginOf('snmp-system')).to.equal('snmp-system');
  });

  it('refuses a duplicate plugin name or probe kind with E_PLUGIN_DUPLICATE', () => {
    const r = new PluginRegistry();
    r.register(plugin('a', ['x']), 'test');
    expect(codeOf(() => r.register(plugin('a', ['y']), 'test2'))).to.equal('E_PLUGIN_DUPLICATE');
    expect(codeOf(() => r.register(plugin('b', ['x']), 'test3'))).to.equal('E_PLUGIN_DUPLICATE');
    expect(r.probeKindNames).to.deep.equal(['x']);
  });

  it('refuses an incompatible sdk range with E_PLUGIN_SDK', () => {
    const r = new PluginRegistry();
    expect(codeOf(() => r.register(plugin('future', ['z'], '^2'), 'test'))).to.equal('E_PLUGIN_SDK');
    expect(codeOf(() => r.register(plugin('junk', ['z'], 'not a range'), 'test'))).to.equal('E_PLUGIN_SDK');
    expect(r.probeKindNames).to.deep.equal([]);
  });

  it('loads a plugin by path (folder or file) relative to the config folder', async () => {
    const r = new PluginRegistry();
    await r.loadPlugin('./plugins/simulator', REPO_ROOT);
    expect(r.serviceKindNames).to.deep.equal(['simulator']);
  });

  it('says what is wrong with a missing path, a missing package, or a module without a plugin', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-reg-'));
    try {
      writeFileSync(path.join(dir, 'empty.mjs'), 'export const x = 1;\n');
      const r = new PluginRegistry();
      const err = async (spec: string) => r.loadPlugin(spec, dir).then(() => undefined, (e: unknown) => e as Error & { code?: string });
      const a = await err('./nope');
      expect(a?.code).to.equal('E_PLUGIN_LOAD');
      expect(a?.message).to.match(/no such file or folder/);
      const b = await err('vigie-plugin-that-does-not-exist');
      expect(b?.code).to.equal('E_PLUGIN_LOAD');
      expect(b?.message).to.match(/npm install vigie-plugin-that-does-not-exist/);
      const c = await err('./empty.mjs');
      expect(c?.code).to.equal('E_PLUGIN_LOAD');
      expect(c?.message).to.match(/no default export/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
