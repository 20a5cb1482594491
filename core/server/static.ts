/**
 * Serves the files of the web root: `/` is `index.html`, known extensions get their content
 * type, anything outside the root (`..`, encoded or not, symlinks out of it, NUL bytes), dot-files and
 * anything that is not a regular file is a 404. Answers `false` when there is no such file.
 * The web root is the built app (`web/dist`, made by `npm run build:web`); while it has no
 * `index.html`, page requests get a 503 page saying how to build it (`sendNotBuilt`).
 */
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** `<repo>/web/dist`: the output of `npm run build:web` (`web/build.ts`). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The command that builds the web root, named by the 503 page. */
export const WEB_BUILD_COMMAND = 'npm run build:web';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Only same-origin scripts, styles and connections (the WebSocket included). The one inline style
 * allowed is the rule cytoscape injects into `<head>` (`.__________cytoscape_container
 * { position: relative; }`), by its hash; element styles set from script are not affected by CSP.
 */
const CYTOSCAPE_STYLE_HASH = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='";
const HTML_CSP = `default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' ${CYTOSCAPE_STYLE_HASH}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The file a URL path names under `root`, or undefined when it is outside the root or not a file. */
export async function resolveStaticFile(root: string, rawPathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // No dot-files and no `..`: nothing hidden is served, whatever resolve() would make of it.
  if (decoded.split('/').some((seg) => seg.startsWith('.'))) return undefined;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const rootReal = await realpath(root).catch(() => undefined);
  if (!rootReal) return undefined;
  const candidate = resolve(rootReal, '.' + decoded);
  if (!inside(rootReal, candidate)) return undefined;
  const real = await realpath(candidate).catch(() => undefined);
  if (!real || !inside(rootReal, real)) return undefined;
  const st = await stat(real).catch(() => undefined);
  return st?.isFile() ? real : undefined;
}

export async function serveStatic(root: string, rawPathname: string, res: ServerResponse): Promise<boolean> {
  const file = await resolveStaticFile(root, rawPathname);
  if (!file) return false;
  const st = await stat(file);
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': st.size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'content-security-policy': HTML_CSP } : {}),
  });
  if (res.req.method === 'HEAD') {
    res.end();
    return true;
  }
  // pipeline destroys the file stream when the client goes away, so no descriptor is left open.
  await pipeline(createReadStream(file), res).catch(() => res.destroy());
  return true;
}

/** True when the web root holds a built app (an `index.html`). */
export function webRootBuilt(root: string): boolean {
  return existsSync(resolve(root, 'index.html'));
}

/** The 503 page answered at `/` while the web root is not built. */
export function sendNotBuilt(root: string, res: ServerResponse): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigie: web app not built</title></head>
<body><h1>The web app is not built</h1>
<p>The daemon serves the web app from <code>${escapeHtml(root)}</code>, which has no <code>index.html</code>.
Build it with <code>${WEB_BUILD_COMMAND}</code> (<code>npm start</code> builds it first), then reload this page.
The API (<a href="/api/health">/api/health</a>) works meanwhile.</p></body></html>\n`;
  res.writeHead(503, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'retry-after': '5',
    'x-content-type-options': 'nosniff',
    'content-security-policy': HTML_CSP,
  });
  res.end(res.req.method === 'HEAD' ? undefined : html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
