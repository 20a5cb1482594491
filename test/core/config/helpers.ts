/**
 * Shared by the config tests: temporary config files, stand-in kind schemas (the real probes
 * are written elsewhere), and assertions that an error names its file, line, path and value.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { formatConfigError, loadConfig, type ConfigError, type KindSchemas, type LoadConfigOptions } from '../../../core/config/index.js';

/** Stand-in for the `snmp-system` target schema. */
export const SnmpTargetStandIn = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 161 })),
  version: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2c'), Type.Literal('3')], { default: '2c' })),
  community: Type.Optional(Type.String({ minLength: 1 })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, default: 2000 })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 1 })),
  v3: Type.Optional(Type.Object({
    user: Type.String({ minLength: 1 }),
    level: Type.Union([Type.Literal('noAuthNoPriv'), Type.Literal('authNoPriv'), Type.Literal('authPriv')]),
    authProtocol: Type.Optional(Type.String()),
    authKey: Type.Optional(Type.String({ minLength: 8 })),
    privProtocol: Type.Optional(Type.String()),
    privKey: Type.Optional(Type.String({ minLength: 8 })),
  })),
});

/** Stand-in for the simulator service's config schema. */
export const SimulatorStandIn = Type.Object({
  host: Type.String({ default: '127.0.0.1' }),
  basePort: Type.Integer({ minimum: 0, maximum: 65535, default: 16100 }),
  community: Type.String({ minLength: 1, default: 'public' }),
  site: Type.Optional(Type.Object({ switches: Type.Integer({ minimum: 1 }), portsPerSwitch: Type.Integer({ minimum: 2 }), seed: Type.Integer() })),
});

export const SNMP_DEFAULT_INTERVAL_MS = 30_000;

export const standInKinds: KindSchemas = {
  probes: {
    'snmp-system': { schema: SnmpTargetStandIn, defaultIntervalMs: SNMP_DEFAULT_INTERVAL_MS },
    'sip-trunk': { schema: Type.Object({ uri: Type.String() }), defaultIntervalMs: 10_000 },
  },
  services: { simulator: { schema: SimulatorStandIn } },
};

/** A fresh temporary folder per test file; `cleanup()` removes it. */
export function tempDir(): { dir: string; write: (text: string, name?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigie-config-'));
  let n = 0;
  return {
    dir,
    write: (text, name = `config-${++n}.yaml`) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function load(file: string, opts: Partial<LoadConfigOptions> = {}) {
  return loadConfig(file, { env: {}, kinds: async () => standInKinds, ...opts });
}

/** Loads a config that must fail with `E_CONFIG`; returns its errors and message. */
export async function configErrors(file: string, opts: Partial<LoadConfigOptions> = {}): Promise<{ errors: ConfigError[]; message: string }> {
  try {
    await load(file, opts);
  } catch (e) {
    if (!isVigieError(e, 'E_CONFIG')) throw e;
    return { errors: (e.details as { errors: ConfigError[] }).errors, message: e.message };
  }
  throw new Error(`${file} was expected to be invalid but loaded`);
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" is not in the fixture`);
  return i + 1;
}

/** The 1-based column where `needle` starts on its line. */
export function columnOf(text: string, needle: string): number {
  return text.split('\n')[lineOf(text, needle) - 1]!.indexOf(needle) + 1;
}

/** The error at `path` (exactly one expected). */
export function errorAt(errors: ConfigError[], p: string): ConfigError {
  const found = errors.filter((e) => e.path === p);
  expect(found, `errors at ${p} among:\n${errors.map(formatConfigError).join('\n')}`).to.have.length(1);
  return found[0]!;
}

/** Asserts the error and its formatted line name the file, line, path and (shown) value. */
export function expectNamed(e: ConfigError, want: { file: string; line?: number; column?: number; path: string; value?: string }): string {
  const text = formatConfigError(e);
  expect(e.file).to.equal(want.file);
  expect(e.path).to.equal(want.path);
  if (want.line !== undefined) {
    expect(e.line, text).to.equal(want.line);
    expect(text.startsWith(`${want.file}:${want.line}:${e.column}: ${want.path}: `), text).to.equal(true);
  }
  if (want.column !== undefined) expect(e.column, text).to.equal(want.column);
  if (want.value !== undefined) expect(text).to.contain(`got ${want.value}`);
  return text;
}
