import { expect } from 'chai';
import { request } from 'node:http';
import WebSocket from 'ws';
import type { StoredEvent } from '../../../core/store/port.js';
import { eventually, metricValue, startHarness, TestClient, type Harness } from './helpers.js';

function ev(i: number): StoredEvent {
  return { id: `e${i}`, at: 1_700_000_000_000 + i, entity: 'node:sw-01', type: 'test', severity: 'info', message: `event ${i}` };
}

/** The status line a plain upgrade request to `path` gets. */
function upgradeStatus(url: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname, port, path, agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server WebSocket', () => {
  let h: Harness;
  const clients: TestClient[] = [];
  const connect = async (options?: WebSocket.ClientOptions) => {
    const c = await TestClient.connect(h.server.url, options);
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await h.close();
  });

  describe('protocol', () => {
    beforeEach(async () => {
      h = await startHarness();
      h.model.upsertNode('node:sw-01', { name: 'sw-01', kind: 'switch' });
    });

    it('sends a topology snapshot then patches with consecutive seq', async () => {
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['topology'] });
      const snap = await c.next();
      expect(snap.topic).to.equal('topology');
      expect(snap.seq).to.equal(h.model.currentSeq);
      expect(snap.snapshot.nodes.map((n: any) => n.id)).to.deep.equal(['node:sw-01']);

      h.model.setState('node:sw-01', 'up', 1);
      h.model.upsertNode('node:sw-02', { name: 'sw-02', kind: 'router' });
      h.model.remove('node:sw-01');
      const patches = [await c.next(), await c.next(), await c.next()];
      expect(patches.map((p) => p.seq)).to.deep.equal([snap.seq + 1, snap.seq + 2, snap.seq + 3]);
      expect(patches.every((p) => p.topic === 'topology')).to.equal(true);
      expect(patches[0].patch).to.have.length(1);
      expect(patches[0].patch[0]).to.include({ op: 'upsert', type: 'node' });
      expect(patches[0].patch[0].value).to.include({ id: 'node:sw-01', state: 'up' });
      expect(patches[1].patch[0].value).to.include({ id: 'node:sw-02', kind: 'router' });
      expect(patches[2].patch).to.deep.equal([{ op: 'remove', type: 'node', id: 'node:sw-01' }]);
    });

    it('numbers events itself: snapshot of the recent events, then one event per patch', async () => {
      h.feed.publish(ev(1));
      h.feed.publish(ev(2));
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['events', 'topology'] });
      const first = await c.next();
      const second = await c.next();
      const evSnap = [first, second].find((m) => m.topic === 'events')!;
      expect([first.topic, second.topic].sort()).to.deep.equal(['events', 'topology']);
      expect(evSnap.snapshot.map((e: any) => e.id)).to.deep.equal(['e2', 'e1']);
      h.feed.publish(ev(3));
      h.feed.publish(ev(4));
      const p1 = await c.next();
      const p2 = await c.next();
      expect([p1.seq, p2.seq]).to.deep.equal([evSnap.seq + 1, evSnap.seq + 2]);
      expect([p1.patch.id, p2.patch.id]).to.deep.equal(['e3', 'e4']);
    });

    it('two clients subscribed at different times each get consecutive seq from their own snapshot', async () => {
      const a = await connect();
      a.send({ op: 'subscribe', topics: ['topology'] });
      const snapA = await a.next();
      h.model.upsertNode('node:x1', { name: 'x1', kind: 'server' });
      const b = await connect();
      b.send({ op: 'subscribe', topics: ['topology'] });
      const snapB = await b.next();
      expect(snapB.seq).to.equal(snapA.seq + 1);
      expect(snapB.snapshot.nodes.map((n: any) => n.id)).to.include('node:x1');
      h.model.upsertNode('node:x2', { name: 'x2', kind: 'server' });
      expect((await a.next()).seq).to.equal(snapA.seq + 1);
      expect((await a.next()).seq).to.equal(snapA.seq + 2);
      expect((await b.next()).seq).to.equal(snapB.seq + 1);
      expect(await b.quiet()).to.equal(true);
    });

    it('answers resync with a fresh snapshot and continues from its seq', async () => {
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['topology'] });
      await c.next();
      h.model.upsertNode('node:sw-03', { name: 'sw-03', kind: 'switch' });
      await c.next();
      c.send({ op: 'resync', topic: 'topology' });
      const fresh = await c.next();
      expect(fresh.seq).to.equal(h.model.currentSeq);
      expect(fresh.snapshot.nodes.map((n: any) => n.id).sort()).to.deep.equal(['node:sw-01', 'node:sw-03']);
      h.model.setState('node:sw-03', 'down', 2);
      expect((await c.next()).seq).to.equal(fresh.seq + 1);
    });

    it('never sends a gap: when the model jumps (restore), the client gets a fresh snapshot', async () => {
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['topology'] });
      const snap = await c.next();
      h.model.restore({ ...h.model.snapshot(), seq: snap.seq + 10 });
      h.model.upsertNode('node:after', { name: 'after', kind: 'server' });
      const msg = await c.next();
      expect(msg.seq).to.equal(snap.seq + 11);
      expect(msg).to.have.property('snapshot');
      expect(msg.snapshot.nodes.map((n: any) => n.id)).to.include('node:after');
      h.model.setState('node:after', 'up', 3);
      const next = await c.next();
      expect(next).to.have.property('patch');
      expect(next.seq).to.equal(snap.seq + 12);
    });

    it('stops patches after unsubscribe; a reconnecting client just subscribes again', async () => {
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['topology'] });
      await c.next();
      c.send({ op: 'unsubscribe', topics: ['topology'] });
      await eventually(async () => (await metricValue(h.registry, 'vigie_ws_messages_total', { direction: 'in' })) >= 2, 2000, 'unsubscribe received');
      h.model.upsertNode('node:quiet', { name: 'quiet', kind: 'server' });
      expect(await c.quiet()).to.equal(true);
      await c.close();
      const again = await connect();
      again.send({ op: 'subscribe', topics: ['topology'] });
      const snap = await again.next();
      expect(snap.seq).to.equal(h.model.currentSeq);
      expect(snap.snapshot.nodes.map((n: any) => n.id)).to.include('node:quiet');
    });

    it('answers bad JSON, unknown ops and unknown topics with an error and keeps the connection', async () => {
      const c = await connect();
      for (const bad of ['not json', JSON.stringify([1, 2]), JSON.stringify({ op: 'dance' }), JSON.stringify({ op: 'subscribe', topics: ['weather'] }), JSON.stringify({ op: 'subscribe' }), JSON.stringify({ op: 'resync' })]) {
        c.send(bad);
        const answer = await c.next();
        expect(answer.error?.code, bad).to.equal('E_WS_MESSAGE');
        expect(answer.error.message, bad).to.be.a('string').with.length.above(10);
      }
      c.send({ op: 'subscribe', topics: ['topology'] });
      expect((await c.next()).topic).to.equal('topology');
      expect(c.ws.readyState).to.equal(WebSocket.OPEN);
    });

    it('refuses upgrades on other paths and from another origin', async () => {
      expect(await upgradeStatus(h.server.url, '/other')).to.equal(404);
      expect(await upgradeStatus(h.server.url, '/api/ws')).to.equal(404);
      expect(await upgradeStatus(h.server.url, '/ws', { Origin: 'http://evil.example' })).to.equal(403);
      const { host } = new URL(h.server.url);
      expect(await upgradeStatus(h.server.url, '/ws', { Origin: `http://${host}` })).to.equal(101);
    });

    it('close() closes every client with 1001 and resolves once sockets ended', async () => {
      const c = await connect();
      c.send({ op: 'subscribe', topics: ['topology'] });
      await c.next();
      await h.server.close();
      const closed = await c.closed;
      expect(closed.code).to.equal(1001);
      expect(await metricValue(h.registry, 'vigie_ws_clients')).to.equal(0);
      expect(await metricValue(h.registry, 'vigie_ws_disconnects_total', { reason: 'shutdown' })).to.equal(1);
      let refused = false;
      await fetch(h.server.url + '/api/health').catch(() => (refused = true));
      expect(refused).to.equal(true);
    });
  });

  describe('heartbeat', () => {
    beforeEach(async () => {
      h = await startHarness({ wsHeartbeatMs: 80 });
    });

    it('terminates a client that does not answer pings, keeps one that does', async () => {
      const mute = await connect({ autoPong: false });
      const polite = await connect();
      const closed = await Promise.race([mute.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
      expect(closed, 'the mute client was not terminated').to.not.equal(undefined);
      expect(closed!.code).to.equal(1006);
      expect(polite.ws.readyState).to.equal(WebSocket.OPEN);
      await eventually(async () => (await metricValue(h.registry, 'vigie_ws_disconnects_total', { reason: 'heartbeat' })) === 1, 2000, 'heartbeat disconnect counted');
      expect(await metricValue(h.registry, 'vigie_ws_clients')).to.equal(1);
      expect(polite.ws.readyState).to.equal(WebSocket.OPEN);
    });
  });

  describe('slow clients', () => {
    beforeEach(async () => {
      h = await startHarness({ wsMaxBufferedBytes: 256 * 1024 });
    });

    it('closes a client that stops reading with 4008 instead of buffering without bound', async () => {
      const slow = await connect();
      const fast = await connect();
      slow.send({ op: 'subscribe', topics: ['topology'] });
      fast.send({ op: 'subscribe', topics: ['topology'] });
      await slow.next();
      const fastSnap = await fast.next();
      slow.ws.pause();
      const blob = 'x'.repeat(64 * 1024);
      let pushed = 0;
      // at most 64 MiB; the slow client must be dropped long before that
      while (pushed < 1024 && (await metricValue(h.registry, 'vigie_ws_dropped_messages_total')) === 0) {
        h.model.upsertNode('node:big', { name: 'big', kind: 'server', attrs: { blob: blob + pushed } });
        pushed++;
        if (pushed % 8 === 0) {
          // let the fast client read so it stays under the limit
          while (fast.queueLength < pushed) await new Promise((r) => setTimeout(r, 1));
        }
      }
      expect(pushed, 'the slow client was never dropped').to.be.below(1024);
      slow.ws.resume();
      const closed = await slow.closed;
      expect(closed.code).to.equal(4008);
      expect(closed.reason).to.match(/^too slow: \d+ bytes waiting, limit 262144$/);
      await eventually(async () => (await metricValue(h.registry, 'vigie_ws_disconnects_total', { reason: 'slow' })) === 1, 2000, 'slow disconnect counted');
      // the fast client got every patch, in order
      for (let i = 1; i <= pushed; i++) expect((await fast.next()).seq).to.equal(fastSnap.seq + i);
      expect(fast.ws.readyState).to.equal(WebSocket.OPEN);
    });
  });
});
