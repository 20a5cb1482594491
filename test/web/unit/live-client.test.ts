/**
 * The browser's WebSocket client (web/src/live/live-client.ts): with a scripted socket and manual
 * timers (connection states, resync on a gap, reconnect with a growing backoff, state reset on
 * reconnect), and against a real server through the `ws` package.
 */
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { LiveClient, type SocketLike } from '../../../web/src/live/live-client.js';
import type { ConnectionState } from '../../../web/src/context.js';
import { eventually, startHarness, type Harness } from '../../core/server/helpers.js';

type Handler = (ev: any) => void;

class FakeSocket implements SocketLike {
  sent: any[] = [];
  closed = false;
  private handlers = new Map<string, Handler[]>();
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  addEventListener(type: string, listener: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }
  fire(type: string, ev: any = {}): void {
    for (const h of this.handlers.get(type) ?? []) h(ev);
  }
  deliver(msg: unknown): void {
    this.fire('message', { data: JSON.stringify(msg) });
  }
}

function node(id: string, state = 'up') {
  return { id, name: id.slice(5), kind: 'switch', state, attrs: {} };
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const client = new LiveClient({
    url: 'ws://test/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    random: () => 0.5,
    backoffMinMs: 100,
    backoffMaxMs: 1000,
  });
  const states: ConnectionState[] = [];
  client.onConnection((s) => states.push(s));
  return { client, sockets, timers, states };
}

describe('web live client (connection state, resync, reconnect)', () => {
  it('subscribes on open, goes live on the topology snapshot, and reports patches', () => {
    const { client, sockets, states } = setup();
    client.connect();
    const s = sockets[0];
    s.fire('open');
    expect(s.sent).to.deep.equal([{ op: 'subscribe', topics: ['topology', 'events'] }]);
    expect(client.connection).to.equal('resyncing');
    const changes: any[] = [];
    client.onTopology((c) => changes.push(c));
    s.deliver({ topic: 'topology', seq: 3, snapshot: { seq: 3, nodes: [node('node:a')], ports: [], links: [] } });
    expect(client.connection).to.equal('live');
    expect(states).to.deep.equal(['resyncing', 'live']);
    s.deliver({ topic: 'topology', seq: 4, patch: [{ op: 'upsert', type: 'node', value: node('node:a', 'down') }] });
    expect(client.nodes.get('node:a')!.state).to.equal('down');
    expect(client.seq).to.equal(4);
    expect(changes.map((c) => [c.snapshot, c.nodes])).to.deep.equal([[true, ['node:a']], [false, ['node:a']]]);
  });

  it('asks for a resync on a gap and shows it until the snapshot', () => {
    const { client, sockets } = setup();
    client.connect();
    const s = sockets[0];
    s.fire('open');
    s.deliver({ topic: 'topology', seq: 1, snapshot: { nodes: [node('node:a')], ports: [], links: [] } });
    s.deliver({ topic: 'topology', seq: 3, patch: [{ op: 'upsert', type: 'node', value: node('node:b') }] });
    expect(s.sent.at(-1)).to.deep.equal({ op: 'resync', topic: 'topology' });
    expect(client.connection).to.equal('resyncing');
    expect(client.nodes.has('node:b')).to.equal(false);
    s.deliver({ topic: 'topology', seq: 4, patch: [{ op: 'upsert', type: 'node', value: node('node:c') }] });
    expect(client.nodes.has('node:c')).to.equal(false);
    s.deliver({ topic: 'topology', seq: 4, snapshot: { nodes: [node('node:a'), node('node:b'), node('node:c')], ports: [], links: [] } });
    expect(client.connection).to.equal('live');
    expect([...client.nodes.keys()]).to.deep.equal(['node:a', 'node:b', 'node:c']);
  });

  it('reconnects with a doubling backoff (capped), reset once a connection opens', () => {
    const { client, sockets, timers, states } = setup();
    client.connect();
    sockets[0].fire('close', { code: 1006 });
    expect(client.connection).to.equal('offline');
    expect(timers.map((t) => t.ms)).to.deep.equal([100]);
    timers[0].fn();
    expect(sockets).to.have.length(2);
    sockets[1].fire('close', { code: 1006 });
    timers[1].fn();
    sockets[2].fire('close', { code: 1006 });
    expect(timers.map((t) => t.ms)).to.deep.equal([100, 200, 400]);
    for (let i = 0; i < 5; i++) {
      timers.at(-1)!.fn();
      sockets.at(-1)!.fire('close', { code: 1006 });
    }
    expect(timers.at(-1)!.ms).to.equal(1000);
    timers.at(-1)!.fn();
    sockets.at(-1)!.fire('open');
    sockets.at(-1)!.fire('close', { code: 1001 });
    expect(timers.at(-1)!.ms).to.equal(100);
    expect(states.slice(0, 3)).to.deep.equal(['offline', 'connecting', 'offline']);
  });

  it('after a reconnect ignores patches until the new snapshot, and stop() ends retries', () => {
    const { client, sockets, timers } = setup();
    client.connect();
    sockets[0].fire('open');
    sockets[0].deliver({ topic: 'topology', seq: 1, snapshot: { nodes: [node('node:a')], ports: [], links: [] } });
    sockets[0].fire('close', { code: 1006 });
    timers[0].fn();
    const s = sockets[1];
    s.fire('open');
    s.deliver({ topic: 'topology', seq: 2, patch: [{ op: 'remove', type: 'node', id: 'node:a' }] });
    expect(client.nodes.has('node:a')).to.equal(true);
    s.deliver({ topic: 'topology', seq: 7, snapshot: { nodes: [node('node:z')], ports: [], links: [] } });
    expect([...client.nodes.keys()]).to.deep.equal(['node:z']);
    client.stop();
    expect(s.closed).to.equal(true);
    s.fire('close', { code: 1000 });
    expect(timers).to.have.length(1);
    expect(client.connection).to.equal('offline');
  });

  describe('against a real server', () => {
    let h: Harness;
    let client: LiveClient | undefined;
    beforeEach(async () => {
      h = await startHarness();
    });
    afterEach(async () => {
      client?.stop();
      await h.close();
    });

    it('follows the model live, and catches up after the server drops it', async () => {
      h.model.upsertNode('node:a', { name: 'a', kind: 'switch' });
      const opened: WebSocket[] = [];
      client = new LiveClient({
        url: h.server.url.replace(/^http/, 'ws') + '/ws',
        createSocket: (url) => {
          const ws = new WebSocket(url);
          opened.push(ws);
          return ws as unknown as SocketLike;
        },
        backoffMinMs: 50,
      });
      client.connect();
      await eventually(() => client!.connection === 'live', 3000, 'live');
      h.model.upsertNode('node:b', { name: 'b', kind: 'router' });
      await eventually(() => client!.seq === h.model.currentSeq, 3000, 'patches applied');
      expect([...client.nodes.keys()].sort()).to.deep.equal(['node:a', 'node:b']);
      // the connection drops: the client reconnects and resyncs
      const before = h.model.currentSeq;
      opened.at(-1)!.terminate();
      await eventually(() => client!.connection !== 'live', 3000, 'noticed the drop');
      h.model.upsertNode('node:c', { name: 'c', kind: 'server' });
      await eventually(() => client!.connection === 'live' && client!.nodes.has('node:c'), 5000, 'resynced');
      expect(client.seq).to.be.greaterThan(before);
      expect(opened.length).to.be.greaterThan(1);
    });
  });
});

