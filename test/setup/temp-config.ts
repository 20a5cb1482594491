/** Writes a daemon config into a fresh temp folder (store file included) and removes it after. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export interface TempConfig {
  dir: string;
  file: string;
  cleanup(): void;
}

/** `config` is the YAML document as an object; `store.path` defaults into the temp folder and the server to a free port. */
export function writeTempConfig(config: Record<string, unknown>): TempConfig {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigie-test-'));
  const file = path.join(dir, 'vigie.yaml');
  const doc = {
    ...config,
    server: { host: '127.0.0.1', port: 0, ...(config.server as object) },
    store: { path: path.join(dir, 'vigie.db'), ...(config.store as object) },
    log: { level: 'warn', pretty: false, ...(config.log as object) },
  };
  writeFileSync(file, stringify(doc));
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
