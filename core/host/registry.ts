/**
 * The plugin registry: the only way core reaches a probe kind. It loads the built-in kinds from
 * `probes/<kind>/index.ts` and the plugins a config names (an npm package or a path), and refuses
 * a duplicate plugin or kind name, or a plugin whose `sdk` range this daemon does not satisfy,
 * with a coded error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { SDK_VERSION, VigieError, type Plugin, type ProbeKind, type ServiceKind } from '../../plugins/sdk/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILTIN_PROBES_DIR = path.join(REPO_ROOT, 'probes');

export interface LoadedPlugin {
  plugin: Plugin;
  /** Where it came from: `builtin:<dir>`, a path, or a package name. */
  source: string;
}

export class PluginRegistry {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly probeKinds = new Map<string, { kind: ProbeKind; plugin: string }>();
  private readonly serviceKinds = new Map<string, { kind: ServiceKind; plugin: string }>();

  /** Adds a plugin; throws E_PLUGIN_DUPLICATE / E_PLUGIN_SDK / E_PLUGIN_INVALID. */
  register(plugin: Plugin, source: string): void {
    if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string' || typeof plugin.probes !== 'object') {
      throw new VigieError('E_PLUGIN_INVALID', `${source} does not export a plugin made with definePlugin()`, { source });
    }
    if (!semver.validRange(plugin.sdk) || !semver.satisfies(SDK_VERSION, plugin.sdk)) {
      throw new VigieError('E_PLUGIN_SDK', `plugin ${plugin.name} (${source}) needs SDK ${plugin.sdk}; this daemon provides ${SDK_VERSION}`, {
        plugin: plugin.name, wanted: plugin.sdk, provided: SDK_VERSION,
      });
    }
    const prior = this.plugins.get(plugin.name);
    if (prior) {
      throw new VigieError('E_PLUGIN_DUPLICATE', `plugin name ${plugin.name} is declared twice: ${prior.source} and ${source}`, { plugin: plugin.name });
    }
    for (const [table, entries, what] of [
      [this.probeKinds, Object.entries(plugin.probes), 'probe'],
      [this.serviceKinds, Object.entries(plugin.services ?? {}), 'service'],
    ] as const) {
      for (const [name] of entries) {
        const other = table.get(name);
        if (other) {
          throw new VigieError('E_PLUGIN_DUPLICATE', `${what} kind ${name} is declared by both ${other.plugin} and ${plugin.name}`, { kind: name });
        }
      }
    }
    this.plugins.set(plugin.name, { plugin, source });
    for (const [name, kind] of Object.entries(plugin.probes)) this.probeKinds.set(name, { kind, plugin: plugin.name });
    for (const [name, kind] of Object.entries(plugin.services ?? {})) this.serviceKinds.set(name, { kind, plugin: plugin.name });
  }

  probeKind(name: string): ProbeKind | undefined {
    return this.probeKinds.get(name)?.kind;
  }

  serviceKind(name: string): ServiceKind | undefined {
    return this.serviceKinds.get(name)?.kind;
  }

  pluginOf(kind: string): string | undefined {
    return this.probeKinds.get(kind)?.plugin ?? this.serviceKinds.get(kind)?.plugin;
  }

  get probeKindNames(): string[] {
    return [...this.probeKinds.keys()].sort();
  }

  get serviceKindNames(): string[] {
    return [...this.serviceKinds.keys()].sort();
  }

  get loaded(): LoadedPlugin[] {
    return [...this.plugins.values()];
  }

  /** Loads every built-in kind: each folder of `probes/` with an index.ts or index.js. */
  async loadBuiltins(dir = BUILTIN_PROBES_DIR): Promise<void> {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const folder = path.join(dir, entry);
      if (!statSync(folder).isDirectory()) continue;
      const file = moduleFileIn(folder);
      if (file) this.register(await importPlugin(file, `builtin:${entry}`), `builtin:${entry}`);
    }
  }

  /** Loads a plugin named in a config: a path (relative to `baseDir`) or an npm package name. */
  async loadPlugin(spec: string, baseDir: string): Promise<void> {
    const file = resolvePluginSpec(spec, baseDir);
    this.register(await importPlugin(file, spec), spec);
  }
}

function moduleFileIn(folder: string): string | undefined {
  for (const name of ['index.ts', 'index.js', 'index.mjs']) {
    const f = path.join(folder, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** A path (`./x`, `../x`, `/x`) is a file or a folder with an index; anything else is a package name. */
export function resolvePluginSpec(spec: string, baseDir: string): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const p = path.resolve(baseDir, spec);
    if (existsSync(p) && statSync(p).isDirectory()) {
      const f = moduleFileIn(p);
      if (f) return f;
      const pkg = path.join(p, 'package.json');
      if (existsSync(pkg)) return createRequire(pkg).resolve(p);
      throw new VigieError('E_PLUGIN_LOAD', `plugin folder ${p} has no index.ts, index.js or package.json`, { spec });
    }
    if (existsSync(p)) return p;
    throw new VigieError('E_PLUGIN_LOAD', `plugin ${spec}: no such file or folder ${p}`, { spec });
  }
  try {
    return createRequire(path.join(baseDir, 'noop.js')).resolve(spec);
  } catch (e) {
    throw new VigieError('E_PLUGIN_LOAD', `plugin package ${spec} is not installed (npm install ${spec})`, { spec }, { cause: e });
  }
}

async function importPlugin(file: string, source: string): Promise<Plugin> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new VigieError('E_PLUGIN_LOAD', `plugin ${source} cannot be imported: ${(e as Error).message}`, { source }, { cause: e });
  }
  const plugin = (mod.default ?? mod.plugin) as Plugin | undefined;
  if (!plugin) throw new VigieError('E_PLUGIN_LOAD', `plugin ${source} has no default export`, { source });
  return plugin;
}
