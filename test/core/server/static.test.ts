import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startServer } from '../../../core/server/index.js';
import { DEFAULT_WEB_ROOT } from '../../../core/server/static.js';
import { TopologyModel } from '../../../core/topology/model.js';
import { MemoryFeed, MemoryStore, startHarness, type Harness } from './helpers.js';

/** A raw GET: unlike fetch, node:http sends the path exactly as given (no `..` normalisation). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string; type?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server static files', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('serves index.html at / and files with their content type', async () => {
    const index = await rawGet(h.server.url, '/');
    expect(index.status).to.equal(200);
    expect(index.type).to.equal('text/html; charset=utf-8');
    expect(index.body).to.include('<title>t</title>');
    const js = await rawGet(h.server.url, '/app.js');
    expect(js.status).to.equal(200);
    expect(js.type).to.match(/^text\/javascript/);
    expect((await rawGet(h.server.url, '/style.css')).type).to.match(/^text\/css/);
    expect((await rawGet(h.server.url, '/index.html?v=2')).status).to.equal(200);
  });

  it('answers 404 for a missing file', async () => {
    const r = await rawGet(h.server.url, '/nope.js');
    expect(r.status).to.equal(404);
    expect(JSON.parse(r.body).error.code).to.equal('E_HTTP_NOT_FOUND');
  });

  it('blocks directory traversal in every spelling, dot-files and symlinks out of the root', async () => {
    symlinkSync(join(dirname(h.webRoot), 'secret.txt'), join(h.webRoot, 'link.txt'));
    const attempts = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/./../secret.txt',
      '/web/../../secret.txt',
      '//..//secret.txt',
      '/%00/../secret.txt',
      '/.env',
      '/%2eenv',
      '/link.txt',
      '/%ZZ',
    ];
    for (const path of attempts) {
      const r = await rawGet(h.server.url, path);
      expect(r.status, path).to.equal(404);
      expect(r.body, path).not.to.include('TOP-SECRET');
      expect(r.body, path).not.to.include('HIDDEN');
    }
  });

  it('serves the built web app (web/dist) by default, or a 503 page naming the build command', async () => {
    expect(DEFAULT_WEB_ROOT.replaceAll('\\', '/')).to.match(/\/web\/dist\/?$/);
    const model = new TopologyModel();
    const server = await startServer(
      { host: '127.0.0.1', port: 0 },
      { topology: model, events: new MemoryFeed(), store: new MemoryStore(), registry: new Registry(), health: () => ({}), log: pino({ level: 'silent' }) },
    );
    try {
      const index = await rawGet(server.url, '/');
      if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
        console.warn('    web/dist is not built (npm run build:web): only the 503 page is checked');
        expect(index.status).to.equal(503);
        expect(index.body).to.include('npm run build:web');
        return;
      }
      expect(index.status).to.equal(200);
      expect(index.body).to.include('app.js');
      expect(index.body).to.include('app.css');
      const app = await rawGet(server.url, '/app.js');
      expect(app.status).to.equal(200);
      expect(app.type).to.match(/^text\/javascript/);
      expect((await rawGet(server.url, '/app.css')).type).to.match(/^text\/css/);
      // bundled: no import of a bare module or of anything off this origin
      expect(app.body).not.to.match(/\bfrom\s*["'](?!\.)/);
      expect(app.body).not.to.match(/https?:\/\/(?!localhost|127\.0\.0\.1|www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s]*\.(?:js|css|woff2?)\b/i);
    } finally {
      await server.close();
    }
  });

  it('webRoot false (server.web: false): no page, 404 for every non-API path, the API still works', async () => {
    const server = await startServer(
      { host: '127.0.0.1', port: 0, webRoot: false },
      { topology: new TopologyModel(), events: new MemoryFeed(), store: new MemoryStore(), registry: new Registry(), health: () => ({}), log: pino({ level: 'silent' }) },
    );
    try {
      for (const path of ['/', '/index.html', '/app.js']) expect((await rawGet(server.url, path)).status, path).to.equal(404);
      expect((await rawGet(server.url, '/api/health')).status).to.equal(200);
    } finally {
      await server.close();
    }
  });

  it('answers a 503 page naming `npm run build:web` while the web root is not built; the API still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-nodist-'));
    const server = await startServer(
      { host: '127.0.0.1', port: 0, webRoot: join(dir, 'dist') },
      { topology: new TopologyModel(), events: new MemoryFeed(), store: new MemoryStore(), registry: new Registry(), health: () => ({}), log: pino({ level: 'silent' }) },
    );
    try {
      for (const path of ['/', '/index.html', '/app.js']) {
        const r = await rawGet(server.url, path);
        expect(r.status, path).to.equal(503);
        expect(r.type, path).to.equal('text/html; charset=utf-8');
        expect(r.body, path).to.include('npm run build:web');
      }
      expect((await rawGet(server.url, '/api/health')).status).to.equal(200);
      expect((await rawGet(server.url, '/api/nope')).status).to.equal(404);
      // once built, the same server serves it without a restart
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>built</title>');
      const r = await rawGet(server.url, '/');
      expect(r.status).to.equal(200);
      expect(r.body).to.include('built');
      expect((await rawGet(server.url, '/missing.js')).status).to.equal(404);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends a CSP allowing only same-origin resources (and cytoscape\'s one inline rule, by hash)', async () => {
    const res = await fetch(h.server.url + '/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("default-src 'self'");
    expect(csp).to.include("connect-src 'self'");
    expect(csp).not.to.include('unsafe-inline');
    const rule = '.__________cytoscape_container { position: relative; }';
    expect(csp).to.include(`'sha256-${createHash('sha256').update(rule).digest('base64')}'`);
    await res.text();
  });
});
