/**
 * `vigie plugin init <name>`: scaffolds a probe-kind plugin folder — index.ts, README.md,
 * sample.yaml, a recorded-device fixture and a test that passes with the SDK test kit — so a
 * plugin author starts from working code. Refuses to overwrite an existing folder.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../host/registry.js';
import { pluginTemplate } from './plugin-template.js';

const NAME = /^[a-z][a-z0-9-]*$/;

export async function runPluginInit(name: string, parentDir: string): Promise<number> {
  if (!NAME.test(name)) {
    process.stderr.write(`vigie plugin init: "${name}" is not a valid name (lower case letters, digits and dashes, starting with a letter)\n`);
    return 2;
  }
  const dir = path.resolve(parentDir, name);
  if (existsSync(dir)) {
    process.stderr.write(`vigie plugin init: ${dir} already exists; nothing written\n`);
    return 2;
  }
  const sdk = path.relative(dir, path.join(REPO_ROOT, 'plugins', 'sdk')).split(path.sep).join('/');
  const files = pluginTemplate(name, sdk.startsWith('.') ? sdk : `./${sdk}`);
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  process.stdout.write(
    `created ${dir}\n` + Object.keys(files).map((f) => `  ${f}\n`).join('') +
      `next: npx mocha ${path.relative(process.cwd(), path.join(dir, 'test', `${name}.test.ts`))}\n` +
      `then add "${path.relative(process.cwd(), dir)}" to plugins: in your config and a probes: entry like sample.yaml\n`,
  );
  return 0;
}
