/**
 * Where the shared corpus of real-device recordings lives (`../shared/snmprec` next to the
 * repository, or `$VIGIE_SNMPREC_DIR`), and a mocha helper that fails in CI and skips loudly
 * elsewhere when it is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const SNMPREC_DIR = process.env.VIGIE_SNMPREC_DIR ?? resolve(fileURLToPath(new URL('../../../shared/snmprec', import.meta.url)));

/** The path of `<name>.snmprec` in the corpus. */
export function corpusFile(name: string): string {
  return join(SNMPREC_DIR, name.endsWith('.snmprec') ? name : `${name}.snmprec`);
}

/** In a mocha hook or test: make sure the corpus file exists, else fail (CI) or skip loudly. */
export function requireCorpus(ctx: Mocha.Context, name: string): string {
  const path = corpusFile(name);
  if (existsSync(path)) return path;
  const why = `recording ${path} not found (set VIGIE_SNMPREC_DIR to the snmprec corpus)`;
  if (process.env.CI) throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
  ctx.skip();
}
