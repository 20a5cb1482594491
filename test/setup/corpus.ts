/**
 * Where the corpus of real-device recordings lives: `$VIGIE_SNMPREC_DIR`, else the copy shipped
 * with the simulator (`plugins/simulator/recordings`, the same bytes as the team's shared corpus,
 * checked by test/plugins/recordings-copy.test.ts), and a mocha helper that fails in CI and skips
 * loudly elsewhere when a file is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const SNMPREC_DIR = process.env.VIGIE_SNMPREC_DIR ?? resolve(fileURLToPath(new URL('../../plugins/simulator/recordings', import.meta.url)));

/** The team's shared corpus next to the repository, when this checkout has one (the copy's source). */
export const SHARED_SNMPREC_DIR = resolve(fileURLToPath(new URL('../../../shared/snmprec', import.meta.url)));

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
