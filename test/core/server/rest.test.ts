import { expect } from 'chai';
import { startHarness, TestClient, eventually, type Harness } from './helpers.js';

async function get(h: Harness, path: string): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(h.server.url + path);
  const type = res.headers.get('content-type');
  const text = await res.text();
  return { status: res.status, body: type?.includes('json') ? JSON.parse(text) : text, type };
}

function expectBadParam(r: { status: number; body: any }, param: string): void {
  expect(r.status, JSON.stringify(r.body)).to.equal(400);
  expect(r.body.error.code).to.equal('E_HTTP_BAD_REQUEST');
  expect(r.body.error.param).to.equal(param);
  expect(r.body.error.message).to.include(param);
}

/** Two switches linked port to port, with history in the store. */
function seed(h: Harness, now: number): void {
  const m = h.model;
  m.upsertNode('node:sw-01', { name: 'sw-01', kind: 'switch', address: '127.0.0.2' });
  m.upsertNode('node:sw-02', { name: 'sw-02', kind: 'switch' });
  m.upsertPort('port:sw-01/Gi1/0/1', { node: 'node:sw-01', name: 'Gi1/0/1' });
  m.upsertPort('port:sw-02/Gi1/0/2', { node: 'node:sw-02', name: 'Gi1/0/2' });
  m.upsertLink({ a: { node: 'node:sw-01', port: 'port:sw-01/Gi1/0/1' }, b: { node: 'node:sw-02', port: 'port:sw-02/Gi1/0/2' } }, 'lldp');
  m.setState('node:sw-01', 'up', now - 1000);
  h.store.samples.push(
    { entity: 'port:sw-01/Gi1/0/1', metric: 'if.in.bps', at: now - 30 * 60_000, value: 10 },
    { entity: 'port:sw-01/Gi1/0/1', metric: 'if.in.bps', at: now - 30 * 60_000 + 1, value: 30 },
    { entity: 'port:sw-01/Gi1/0/1', metric: 'if.out.bps', at: now - 10 * 60_000, value: 5 },
    { entity: 'node:sw-01', metric: 'snmp.rtt_ms', at: now - 5 * 60_000, value: 2 },
    { entity: 'port:sw-01/Gi1/0/1', metric: 'if.in.bps', at: now - 3 * 3_600_000, value: 99 },
  );
  h.store.stored.push(
    { id: 'e1', at: now - 3000, entity: 'node:sw-01', type: 'reboot', severity: 'major', message: 'rebooted' },
    { id: 'e2', at: now - 2000, entity: 'port:sw-01/Gi1/0/1', type: 'linkDown', severity: 'minor', message: 'Gi1/0/1 down' },
    { id: 'e3', at: now - 1000, entity: 'node:sw-02', type: 'reboot', severity: 'info', message: 'sw-02 rebooted' },
    { id: 'e4', at: now - 500, entity: 'trunk:ovh', type: 'sip-503', severity: 'warning', message: 'trunk answered 503' },
  );
}

describe('server REST API', () => {
  let h: Harness;
  // 5 s before a whole minute: the samples' buckets (10 s and 60 s) never straddle a boundary
  const now = Math.floor(Date.now() / 60_000) * 60_000 - 5_000;

  beforeEach(async () => {
    h = await startHarness({}, () => ({ probes: 3, status: 'ok', snmp: { community: 'public-secret' } }));
    seed(h, now);
  });
  afterEach(async () => h.close());

  it('GET /api/health merges the daemon health into status, uptime and version', async () => {
    const r = await get(h, '/api/health');
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('ok');
    expect(r.body.uptime_s).to.be.a('number').and.at.least(0);
    expect(r.body.version).to.match(/^\d+\.\d+\.\d+/);
    expect(r.body.probes).to.equal(3);
    expect(JSON.stringify(r.body)).not.to.include('public-secret');
  });

  it('GET /api/topology is the model snapshot at its seq', async () => {
    const r = await get(h, '/api/topology');
    expect(r.status).to.equal(200);
    expect(r.body.seq).to.equal(h.model.currentSeq).and.above(0);
    expect(r.body.nodes.map((n: any) => n.id).sort()).to.deep.equal(['node:sw-01', 'node:sw-02']);
    expect(r.body.nodes.find((n: any) => n.id === 'node:sw-01')).to.include({ name: 'sw-01', kind: 'switch', state: 'up' });
    expect(r.body.links).to.have.length(1);
    expect(r.body.links[0].a).to.deep.equal({ node: 'node:sw-01', port: 'port:sw-01/Gi1/0/1' });
    expect(r.body.ports).to.have.length(2);
  });

  it('GET /api/entities/:id answers a node with its ports, links, metrics and events (its ports\' too)', async () => {
    const r = await get(h, '/api/entities/' + encodeURIComponent('node:sw-01'));
    expect(r.status).to.equal(200);
    expect(r.body.type).to.equal('node');
    expect(r.body.entity).to.include({ id: 'node:sw-01', state: 'up' });
    expect(r.body.ports.map((p: any) => p.id)).to.deep.equal(['port:sw-01/Gi1/0/1']);
    expect(r.body.links).to.have.length(1);
    expect(r.body.metrics).to.deep.equal(['snmp.rtt_ms']);
    expect(r.body.events.map((e: any) => e.id)).to.deep.equal(['e2', 'e1']);
  });

  it('GET /api/entities/:id answers a port and a link', async () => {
    const port = await get(h, '/api/entities/' + encodeURIComponent('port:sw-01/Gi1/0/1'));
    expect(port.status).to.equal(200);
    expect(port.body.type).to.equal('port');
    expect(port.body.metrics).to.deep.equal(['if.in.bps', 'if.out.bps']);
    expect(port.body.links).to.have.length(1);
    expect(port.body.events.map((e: any) => e.id)).to.deep.equal(['e2']);
    const linkId = h.model.snapshot().links[0].id;
    const link = await get(h, '/api/entities/' + encodeURIComponent(linkId));
    expect(link.status).to.equal(200);
    expect(link.body.entity.id).to.equal(linkId);
    expect(link.body.entity.origin).to.equal('lldp');
  });

  it('GET /api/entities/:id knows an entity only the store has, and 404s an unknown one', async () => {
    const trunk = await get(h, '/api/entities/trunk%3Aovh');
    expect(trunk.status).to.equal(200);
    expect(trunk.body.entity).to.equal(null);
    expect(trunk.body.events[0].id).to.equal('e4');
    const missing = await get(h, '/api/entities/node%3Anope');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('E_HTTP_NOT_FOUND');
    expect(missing.body.error.message).to.include('node:nope');
  });

  it('GET /api/series defaults to the last hour with a step giving at most ~500 points', async () => {
    const r = await get(h, `/api/series?entity=${encodeURIComponent('port:sw-01/Gi1/0/1')}&metric=if.in.bps`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ entity: 'port:sw-01/Gi1/0/1', metric: 'if.in.bps' });
    expect(r.body.to - r.body.from).to.equal(3_600_000);
    expect(Math.abs(r.body.to - Date.now())).to.be.below(5000);
    expect(Math.ceil((r.body.to - r.body.from) / r.body.step)).to.be.at.most(500);
    // the 3-hour-old sample is outside the default window; the two recent ones share a bucket
    expect(r.body.points).to.have.length(1);
    expect(r.body.points[0]).to.include({ avg: 20, min: 10, max: 30, count: 2 });
  });

  it('GET /api/series takes from/to as epoch ms or ISO and an explicit step', async () => {
    const from = new Date(now - 4 * 3_600_000).toISOString();
    const r = await get(h, `/api/series?entity=${encodeURIComponent('port:sw-01/Gi1/0/1')}&metric=if.in.bps&from=${from}&to=${now}&step=60000`);
    expect(r.status).to.equal(200);
    expect(r.body.step).to.equal(60000);
    expect(h.store.seriesCalls.at(-1)).to.deep.include({ from: Date.parse(from), to: now, step: 60000 });
    expect(r.body.points.map((p: any) => p.max)).to.deep.equal([99, 30]);
  });

  it('GET /api/series answers 400 naming the bad or missing parameter', async () => {
    expectBadParam(await get(h, '/api/series?metric=x'), 'entity');
    expectBadParam(await get(h, '/api/series?entity=node%3Asw-01'), 'metric');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&from=yesterday'), 'from');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&to=2024-13-45T99:00:00Z'), 'to');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&step=0'), 'step');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&step=1.5'), 'step');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&from=2000&to=1000'), 'from');
    expectBadParam(await get(h, '/api/series?entity=a&metric=b&step=1'), 'step'); // 3.6 M points
  });

  it('GET /api/events filters and answers newest first', async () => {
    const all = await get(h, '/api/events');
    expect(all.status).to.equal(200);
    expect(all.body.events.map((e: any) => e.id)).to.deep.equal(['e4', 'e3', 'e2', 'e1']);
    const reboots = await get(h, '/api/events?type=reboot');
    expect(reboots.body.events.map((e: any) => e.id)).to.deep.equal(['e3', 'e1']);
    const serious = await get(h, '/api/events?severity=minor');
    expect(serious.body.events.map((e: any) => e.id)).to.deep.equal(['e2', 'e1']);
    const one = await get(h, `/api/events?entity=${encodeURIComponent('node:sw-02')}`);
    expect(one.body.events.map((e: any) => e.id)).to.deep.equal(['e3']);
    const window = await get(h, `/api/events?from=${now - 2500}&to=${new Date(now - 800).toISOString()}&limit=1`);
    expect(window.body.events.map((e: any) => e.id)).to.deep.equal(['e3']);
  });

  it('GET /api/events answers 400 naming the bad parameter', async () => {
    expectBadParam(await get(h, '/api/events?severity=loud'), 'severity');
    expectBadParam(await get(h, '/api/events?limit=0'), 'limit');
    expectBadParam(await get(h, '/api/events?limit=100000'), 'limit');
    expectBadParam(await get(h, '/api/events?limit=ten'), 'limit');
    expectBadParam(await get(h, '/api/events?from=soon'), 'from');
    expectBadParam(await get(h, `/api/events?from=${now}&to=${now - 1}`), 'from');
  });

  it('answers 404 for an unknown API path, 405 for a wrong method, 503 when the store is closed', async () => {
    const unknown = await get(h, '/api/nope');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('E_HTTP_NOT_FOUND');
    const post = await fetch(h.server.url + '/api/topology', { method: 'POST', body: '{}' });
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.include('GET');
    expect((await post.json()).error.code).to.equal('E_HTTP_METHOD');
    await h.store.close();
    const down = await get(h, '/api/events');
    expect(down.status).to.equal(503);
    expect(down.body.error.code).to.equal('E_STORE_CLOSED');
  });

  it('GET /metrics exposes the WebSocket clients gauge and HTTP request counts', async () => {
    const before = await get(h, '/metrics');
    expect(before.status).to.equal(200);
    expect(before.type).to.include('text/plain');
    expect(before.body).to.match(/^vigie_ws_clients 0$/m);
    const c = await TestClient.connect(h.server.url);
    try {
      await eventually(async () => /^vigie_ws_clients 1$/m.test((await get(h, '/metrics')).body), 2000, 'gauge at 1');
      const text = (await get(h, '/metrics')).body as string;
      expect(text).to.match(/^vigie_http_requests_total\{method="GET",route="\/metrics",status="200"\} [1-9]/m);
    } finally {
      await c.close();
    }
    await eventually(async () => /^vigie_ws_clients 0$/m.test((await get(h, '/metrics')).body), 2000, 'gauge back at 0');
  });
});
