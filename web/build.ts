/**
 * Builds the browser app into `web/dist`, the folder the daemon serves at `/`:
 * - `web/src/main.ts` → `dist/app.js` (one ES module: cytoscape, uPlot and the app bundled, no CDN),
 * - every `web/src/style/*.css` (`base.css` first, then by name) plus uPlot's stylesheet → `dist/app.css`,
 * - `web/index.html` copied as is (it loads `app.css` and `app.js`),
 * each minified with an external source map; licences of bundled libraries go to `*.LEGAL.txt`.
 *
 * The build writes a fresh folder next to `dist` and swaps it in, so a daemon serving `dist` never
 * sees half a build. Run: `npm run build:web` (`npm start` and `npm test` run it first);
 * `--watch` rebuilds on change (not minified). Exits 1 with the reason on failure.
 *
 * CSS comes from `web/src/style/`, never from a TypeScript import: the unit tests import the app's
 * modules in Node, which cannot load `.css`.
 */
import { build, context, type BuildOptions } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const WEB_SRC = join(WEB_DIR, 'src');
export const WEB_ENTRY = join(WEB_SRC, 'main.ts');
export const WEB_INDEX = join(WEB_DIR, 'index.html');
export const WEB_DIST = join(WEB_DIR, 'dist');

export interface WebBuildOptions {
  /** Output folder (default `web/dist`). */
  outDir?: string;
  /** Default true. */
  minify?: boolean;
}

export interface WebBuildResult {
  outDir: string;
  /** Output file (relative to `outDir`) → bytes. */
  files: Record<string, number>;
}

/** The stylesheets bundled into `app.css`, in cascade order: uPlot's, `base.css`, then the others by name. */
export function styleSheets(srcDir = WEB_SRC): string[] {
  const require = createRequire(import.meta.url);
  const uplotCss = join(dirname(require.resolve('uplot')), 'uPlot.min.css');
  const styleDir = join(srcDir, 'style');
  const own = existsSync(styleDir) ? readdirSync(styleDir).filter((f) => f.endsWith('.css')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)) : [];
  return [uplotCss, ...own.map((f) => join(styleDir, f))];
}

function rank(file: string): number {
  return file === 'base.css' ? 0 : 1;
}

function missing(what: string, path: string, hint: string): Error {
  return new Error(`web build: missing ${what} ${relative(process.cwd(), path) || path} (${hint})`);
}

function jsOptions(outDir: string, minify: boolean): BuildOptions {
  return {
    entryPoints: [WEB_ENTRY],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify,
    sourcemap: 'linked',
    legalComments: minify ? 'linked' : 'none',
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    metafile: true,
    logLevel: 'silent',
  };
}

function cssOptions(outDir: string, minify: boolean): BuildOptions {
  const contents = styleSheets().map((f) => `@import ${JSON.stringify(f)};`).join('\n');
  return {
    stdin: { contents, loader: 'css', resolveDir: WEB_SRC, sourcefile: 'app.css' },
    outfile: join(outDir, 'app.css'),
    bundle: true,
    minify,
    sourcemap: 'linked',
    legalComments: minify ? 'linked' : 'none',
    metafile: true,
    logLevel: 'silent',
  };
}

/** CSS imported from TypeScript would land in an `app.css` of its own and break the unit tests: refused. */
function refuseCssImports(metafile: { outputs: Record<string, unknown> }): void {
  const css = Object.keys(metafile.outputs).filter((f) => f.endsWith('.css'));
  if (css.length) throw new Error('web build: a TypeScript module imports CSS; put stylesheets in web/src/style/ (bundled into app.css) instead');
}

function checkInputs(): void {
  if (!existsSync(WEB_ENTRY)) throw missing('the app entry', WEB_ENTRY, 'the browser app starts there');
  if (!existsSync(WEB_INDEX)) throw missing('the page', WEB_INDEX, 'copied to dist/index.html');
}

function sizes(dir: string): Record<string, number> {
  const files: Record<string, number> = {};
  for (const f of readdirSync(dir).sort()) files[f] = statSync(join(dir, f)).size;
  return files;
}

/** Builds into a fresh folder, then swaps it in place of `outDir`. Rejects with the reason. */
export async function buildWeb(options: WebBuildOptions = {}): Promise<WebBuildResult> {
  const outDir = resolve(options.outDir ?? WEB_DIST);
  const minify = options.minify ?? true;
  checkInputs();
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const js = await build(jsOptions(tmp, minify));
    refuseCssImports(js.metafile!);
    await build(cssOptions(tmp, minify));
    copyFileSync(WEB_INDEX, join(tmp, 'index.html'));
    const old = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { outDir, files: sizes(outDir) };
}

/** Rebuilds `outDir` in place whenever a source changes (development; not minified). */
async function watchWeb(outDir = WEB_DIST): Promise<void> {
  checkInputs();
  mkdirSync(outDir, { recursive: true });
  const copyIndex = { name: 'copy-index', setup: (b: { onEnd(cb: () => void): void }) => b.onEnd(() => copyFileSync(WEB_INDEX, join(outDir, 'index.html'))) };
  const js = await context({ ...jsOptions(outDir, false), logLevel: 'info', plugins: [copyIndex] });
  const css = await context({ ...cssOptions(outDir, false), logLevel: 'info' });
  await Promise.all([js.watch(), css.watch()]);
  console.log(`web build: watching ${relative(process.cwd(), WEB_SRC)} → ${relative(process.cwd(), outDir)} (new stylesheets need a restart)`);
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function describeError(e: unknown): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (Array.isArray(errors) && errors.length) {
    return errors.map((x) => `web build: ${x.location ? `${x.location.file}:${x.location.line}:${x.location.column}: ` : ''}${x.text}`).join('\n');
  }
  return e instanceof Error ? e.message : String(e);
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--watch')) return watchWeb();
  const t0 = Date.now();
  const { outDir, files } = await buildWeb({ minify: !argv.includes('--no-minify') });
  const list = Object.entries(files).map(([f, n]) => `${f} ${kb(n)}`).join(', ');
  console.log(`web build: ${relative(process.cwd(), outDir)} in ${Date.now() - t0} ms: ${list}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(describeError(e));
    process.exitCode = 1;
  });
}
