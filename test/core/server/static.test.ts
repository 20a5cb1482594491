import { expect } from 'chai';
import { symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startServer } from '../../../core/server/index.js';
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

  it('serves the repository web app by default', async () => {
    const model = new TopologyModel();
    const server = await startServer(
      { host: '127.0.0.1', port: 0 },
      { topology: model, events: new MemoryFeed(), store: new MemoryStore(), registry: new Registry(), health: () => ({}), log: pino({ level: 'silent' }) },
    );
    try {
      const index = await rawGet(server.url, '/');
      expect(index.status).to.equal(200);
      expect(index.body).to.include('app.js');
      const app = await rawGet(server.url, '/app.js');
      expect(app.status).to.equal(200);
      expect(app.type).to.match(/^text\/javascript/);
    } finally {
      await server.close();
    }
  });
});
