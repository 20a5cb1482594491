/**
 * What the UDP engine writes in Via and Contact. Bound to a wildcard, the host is the source
 * address the kernel routes from towards the target (looked up with a connected UDP socket, cached
 * per host): checked on loopback against the address a scripted trunk on 127.0.0.2 sees the
 * request come from, and in a network namespace the test creates (a dummy interface, else a veth
 * pair, holding 198.18.7.1/24) where it must be 198.18.7.1, not 127.0.0.1; a host without a route
 * falls back to loopback and the request still goes (its send fails). A non-wildcard bind and
 * `advertisedHost` keep their address. The cache (hit, one lookup for concurrent requests,
 * expiry, fallback, guard, bound) in virtual time with an injected probe.
 *
 * The namespace part needs root and `ip`: it fails in CI when they are missing and skips loudly
 * elsewhere; the namespace (and anything still running in it) is removed after the test, on
 * failure too, and at process exit.
 */
import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connectProbe, RouteSourceCache, type RouteProbe } from '../../../../probes/sip/engine/route-source.js';
import { SipUdpEngine, type InviteProgress, type SipUdpEngineOptions } from '../../../../probes/sip/engine/udp-engine.js';
import { scratchNetnsOrSkip, unavailableHere, type ScratchNetns } from '../../../setup/scratch-netns.js';

const CHILD = fileURLToPath(new URL('./advertised-address-child.ts', import.meta.url));

function header(text: string, name: string): string {
  return text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
}

/** Host and port of a request's Via sent-by, and the host of its Contact URI (IPv6 without brackets). */
function advertisedIn(text: string): { via: string; viaPort: number; contact: string } {
  const via = /^Via:\s*SIP\/2\.0\/UDP\s+(\[[^\]]+\]|[^;:\s]+):(\d+)/i.exec(header(text, 'Via'));
  const contact = /<sip:[^@>]+@(\[[^\]]+\]|[^;:>]+)/i.exec(header(text, 'Contact'));
  const bare = (h: string | undefined): string => (h ?? '').replace(/^\[|\]$/g, '');
  return { via: bare(via?.[1]), viaPort: Number(via?.[2]), contact: bare(contact?.[1]) };
}

/** A scripted trunk: records each request and answers 200 (Via, From, To + tag, Call-ID, CSeq; a Contact to `contact` for an INVITE). */
class Trunk {
  readonly got: { text: string; from: RemoteInfo }[] = [];
  contact?: string;
  private constructor(readonly socket: Socket, readonly host: string) {
    socket.on('message', (m, from) => {
      const text = m.toString();
      this.got.push({ text, from });
      if (/^(ACK|SIP\/2\.0) /.test(text)) return;
      const to = header(text, 'To');
      const lines = ['SIP/2.0 200 OK', header(text, 'Via'), header(text, 'From'), /;tag=/.test(to) ? to : `${to};tag=trunk`, header(text, 'Call-ID'), header(text, 'CSeq')];
      if (text.startsWith('INVITE ') && this.contact) lines.push(`Contact: <${this.contact}>`);
      socket.send([...lines, 'Content-Length: 0', '', ''].join('\r\n'), from.port, from.address);
    });
  }

  static async open(host: string): Promise<Trunk> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return new Trunk(socket, host);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get target(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  uri(user = 'ping'): string {
    return `sip:${user}@${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  last(method: string): { text: string; from: RemoteInfo } {
    const hit = this.got.filter((g) => g.text.startsWith(`${method} `)).at(-1);
    if (!hit) throw new Error(`the trunk on ${this.host} got no ${method}; got ${this.got.map((g) => g.text.split(' ')[0]).join(', ')}`);
    return hit;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A probe the test controls: answers from `routes` (host → source; an Error rejects), counting calls. */
function scriptedProbe(routes: Record<string, string | Error | undefined>): RouteProbe & { calls: string[] } {
  const calls: string[] = [];
  const probe = (host: string): Promise<string> => {
    calls.push(host);
    const r = routes[host];
    if (r instanceof Error) return Promise.reject(r);
    return r === undefined ? new Promise<string>(() => undefined) : Promise.resolve(r);
  };
  return Object.assign(probe, { calls });
}

function noRoute(): Error {
  return Object.assign(new Error('connect ENETUNREACH'), { code: 'ENETUNREACH' });
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sip engine: the address a wildcard-bound UDP engine advertises', () => {
  const engines: SipUdpEngine[] = [];
  const trunks: Trunk[] = [];
  const engine = (opts: SipUdpEngineOptions): SipUdpEngine => {
    const e = new SipUdpEngine({ timers: { t1Ms: 50, t2Ms: 400 }, ...opts });
    engines.push(e);
    return e;
  };
  const trunk = async (host: string): Promise<Trunk> => {
    const t = await Trunk.open(host);
    trunks.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await Promise.all(trunks.splice(0).map((t) => t.close()));
  });

  describe('on loopback (real sockets, the kernel picks the source)', () => {
    it('bound to 0.0.0.0: Via and Contact say the source address the trunk saw, with the bound port; the next request starts synchronously', async () => {
      const t = await trunk('127.0.0.2');
      const e = engine({ localAddress: '0.0.0.0' });
      const r = await firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      expect(r.response.statusCode).to.equal(200);
      const { text, from } = t.last('OPTIONS');
      const kernelSource = await connectProbe(t.host, t.port, 'udp4');
      expect(from.address, 'the trunk saw the request from the routed source').to.equal(kernelSource);
      expect(advertisedIn(text)).to.deep.equal({ via: from.address, viaPort: e.address()!.port, contact: from.address });
      expect(e.address()!.address).to.equal('0.0.0.0');

      // Cached: subscribing sends at once, with no promise turn in between.
      const sentBefore = e.counters.sent;
      const second = firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      expect(e.counters.sent).to.equal(sentBefore + 1);
      await second;
      expect(advertisedIn(t.last('OPTIONS').text).via).to.equal(t.last('OPTIONS').from.address);
    });

    it('bound to 0.0.0.0: advertises whatever the route lookup gives for each host (not blindly 127.0.0.1), one lookup per host', async () => {
      const [a, b] = [await trunk('127.0.0.2'), await trunk('127.0.0.3')];
      const probe = scriptedProbe({ '127.0.0.2': '127.0.0.7', '127.0.0.3': '127.0.0.8' });
      const e = engine({ localAddress: '0.0.0.0', routeProbe: probe });
      const results = await lastValueFrom(e.request(a.target, { method: 'OPTIONS', requestUri: a.uri() }).pipe(toArray()));
      await Promise.all([1, 2, 3].map(() => firstValueFrom(e.request(b.target, { method: 'OPTIONS', requestUri: b.uri() }))));
      await firstValueFrom(e.request(a.target, { method: 'OPTIONS', requestUri: a.uri() }));
      expect(results[0]!.response.statusCode).to.equal(200);
      expect(advertisedIn(a.last('OPTIONS').text)).to.include({ via: '127.0.0.7', contact: '127.0.0.7' });
      expect(b.got.map((g) => advertisedIn(g.text).via)).to.deep.equal(['127.0.0.8', '127.0.0.8', '127.0.0.8']);
      expect([...probe.calls].sort()).to.deep.equal(['127.0.0.2', '127.0.0.3']);
    });

    it('bound to 0.0.0.0 with no route: falls back to 127.0.0.1 and still sends the request', async () => {
      const t = await trunk('127.0.0.2');
      const e = engine({ localAddress: '0.0.0.0', routeProbe: scriptedProbe({ '127.0.0.2': noRoute() }) });
      const r = await firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      expect(r.response.statusCode).to.equal(200);
      expect(advertisedIn(t.last('OPTIONS').text)).to.include({ via: '127.0.0.1', contact: '127.0.0.1' });
    });

    it('a test call: INVITE, its ACK and BYE all carry the host chosen for the INVITE, even when the dialog goes elsewhere', async () => {
      const [proxy, uas] = [await trunk('127.0.0.2'), await trunk('127.0.0.3')];
      proxy.contact = uas.uri('uas');
      const probe = scriptedProbe({ '127.0.0.2': '127.0.0.7', '127.0.0.3': '127.0.0.8' });
      const e = engine({ localAddress: '0.0.0.0', routeProbe: probe });
      const progress: InviteProgress = await firstValueFrom(e.invite(proxy.target, { requestUri: proxy.uri('4000') }, { deadlineMs: 3000 }));
      expect(progress.type).to.equal('answered');
      if (progress.type !== 'answered') return;
      const bye = await firstValueFrom(progress.dialog.bye());
      expect(bye.response.statusCode).to.equal(200);
      const invite = advertisedIn(proxy.last('INVITE').text);
      expect(invite).to.include({ via: '127.0.0.7', contact: '127.0.0.7' });
      expect(header(proxy.last('INVITE').text, 'From')).to.contain('sip:vigie@127.0.0.7');
      expect(advertisedIn(uas.last('ACK').text).via).to.equal('127.0.0.7');
      expect(advertisedIn(uas.last('BYE').text).via).to.equal('127.0.0.7');
      expect(probe.calls).to.deep.equal(['127.0.0.2']);
    });

    it('bound to 127.0.0.1: advertises 127.0.0.1 and never looks a route up', async () => {
      const t = await trunk('127.0.0.2');
      const probe = scriptedProbe({ '127.0.0.2': '127.0.0.7' });
      const e = engine({ localAddress: '127.0.0.1', routeProbe: probe });
      await firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      expect(advertisedIn(t.last('OPTIONS').text)).to.deep.equal({ via: '127.0.0.1', viaPort: e.address()!.port, contact: '127.0.0.1' });
      expect(probe.calls).to.deep.equal([]);
    });

    it('advertisedHost overrides a wildcard bind and the route', async () => {
      const t = await trunk('127.0.0.2');
      const probe = scriptedProbe({ '127.0.0.2': '127.0.0.7' });
      const e = engine({ localAddress: '0.0.0.0', advertisedHost: 'sbc.vigie.test', routeProbe: probe });
      await firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      expect(advertisedIn(t.last('OPTIONS').text)).to.deep.equal({ via: 'sbc.vigie.test', viaPort: e.address()!.port, contact: 'sbc.vigie.test' });
      expect(probe.calls).to.deep.equal([]);
    });

    it('bound to ::: IPv6 source in brackets', async function () {
      let t: Trunk;
      try {
        t = await trunk('::1');
      } catch (err) {
        console.warn(`SKIPPED (IPv6 advertised address): cannot bind ::1: ${(err as Error).message}`);
        return this.skip();
      }
      const e = engine({ localAddress: '::' });
      await firstValueFrom(e.request(t.target, { method: 'OPTIONS', requestUri: t.uri() }));
      const { text, from } = t.last('OPTIONS');
      expect(header(text, 'Via')).to.match(/^Via: SIP\/2\.0\/UDP \[[0-9a-f:]+\]:\d+;/i);
      expect(advertisedIn(text)).to.deep.equal({ via: from.address, viaPort: e.address()!.port, contact: from.address });
    });
  });

  describe('the route source cache (virtual time, injected probe)', () => {
    const make = (source: string | undefined): { host: string } => ({ host: source ?? '127.0.0.1' });
    /** Moves virtual time forward by `ms`, running only what falls due by then. */
    const advance = (s: VirtualTimeScheduler, ms: number): void => {
      s.maxFrames = s.frame + ms;
      s.schedule(() => undefined, ms);
      s.flush();
    };

    it('hit: one lookup for concurrent requests, then synchronous reads of the same value', async () => {
      const scheduler = new VirtualTimeScheduler();
      const probe = scriptedProbe({ 'trunk.test': '198.18.7.1' });
      const cache = new RouteSourceCache({ make, type: 'udp4', scheduler, probe });
      expect(cache.get('trunk.test')).to.equal(undefined);
      const [a, b] = await Promise.all([cache.resolve('trunk.test', 5060), cache.resolve('trunk.test', 5060)]);
      expect(a).to.deep.equal({ host: '198.18.7.1' });
      expect(b).to.equal(a);
      expect(cache.get('trunk.test')).to.equal(a);
      expect(await cache.resolve('trunk.test', 5060)).to.equal(a);
      expect(probe.calls).to.deep.equal(['trunk.test']);
    });

    it('expiry: after ttlMs the entry is gone and a changed route is picked up', async () => {
      const scheduler = new VirtualTimeScheduler();
      const routes: Record<string, string> = { 'trunk.test': '198.18.7.1' };
      const probe = scriptedProbe(routes);
      const cache = new RouteSourceCache({ make, type: 'udp4', scheduler, probe, ttlMs: 60_000 });
      await cache.resolve('trunk.test', 5060);
      advance(scheduler, 59_999);
      expect(cache.get('trunk.test')).to.deep.equal({ host: '198.18.7.1' });
      routes['trunk.test'] = '198.18.7.2';
      advance(scheduler, 1);
      expect(cache.get('trunk.test')).to.equal(undefined);
      expect(await cache.resolve('trunk.test', 5060)).to.deep.equal({ host: '198.18.7.2' });
      expect(probe.calls).to.have.length(2);
    });

    it('fallback on error: make(undefined), kept only failureTtlMs, then looked up again', async () => {
      const scheduler = new VirtualTimeScheduler();
      const routes: Record<string, string | Error> = { 'trunk.test': noRoute() };
      const probe = scriptedProbe(routes);
      const cache = new RouteSourceCache({ make, type: 'udp4', scheduler, probe, failureTtlMs: 5000 });
      expect(await cache.resolve('trunk.test', 5060)).to.deep.equal({ host: '127.0.0.1' });
      expect(cache.get('trunk.test')).to.deep.equal({ host: '127.0.0.1' });
      routes['trunk.test'] = '198.18.7.1';
      advance(scheduler, 5000);
      expect(cache.get('trunk.test')).to.equal(undefined);
      expect(await cache.resolve('trunk.test', 5060)).to.deep.equal({ host: '198.18.7.1' });
    });

    it('a probe that throws, or answers a wildcard, falls back; a v4-mapped answer is unwrapped', async () => {
      const scheduler = new VirtualTimeScheduler();
      const throwing: RouteProbe = () => {
        throw new TypeError('bad');
      };
      expect(await new RouteSourceCache({ make, type: 'udp4', scheduler, probe: throwing }).resolve('h', 5060)).to.deep.equal({ host: '127.0.0.1' });
      const odd = scriptedProbe({ w: '0.0.0.0', m: '::ffff:198.18.7.1', v6: 'fd00::1' });
      const cache = new RouteSourceCache({ make, type: 'udp6', scheduler, probe: odd });
      expect(await cache.resolve('w', 5060)).to.deep.equal({ host: '127.0.0.1' });
      expect(await cache.resolve('m', 5060)).to.deep.equal({ host: '198.18.7.1' });
      expect(await cache.resolve('v6', 5060)).to.deep.equal({ host: 'fd00::1' });
    });

    it('guard: a lookup with no answer within guardMs falls back', async () => {
      const scheduler = new VirtualTimeScheduler();
      const cache = new RouteSourceCache({ make, type: 'udp4', scheduler, probe: scriptedProbe({}), guardMs: 2000 });
      let value: { host: string } | undefined;
      void cache.resolve('hangs.test', 5060).then((v) => (value = v));
      advance(scheduler, 1999);
      await settle();
      expect(value).to.equal(undefined);
      advance(scheduler, 1);
      await settle();
      expect(value).to.deep.equal({ host: '127.0.0.1' });
    });

    it('bounded: beyond maxEntries the oldest host is forgotten', async () => {
      const scheduler = new VirtualTimeScheduler();
      const probe = scriptedProbe({ a: '198.18.7.1', b: '198.18.7.2', c: '198.18.7.3' });
      const cache = new RouteSourceCache({ make, type: 'udp4', scheduler, probe, maxEntries: 2 });
      for (const h of ['a', 'b', 'c']) await cache.resolve(h, 5060);
      expect(cache.size).to.equal(2);
      expect(cache.get('a')).to.equal(undefined);
      expect(cache.get('b')).to.deep.equal({ host: '198.18.7.2' });
      expect(cache.get('c')).to.deep.equal({ host: '198.18.7.3' });
    });

    it('connectProbe sends nothing and answers the kernel source; a connect that throws rejects', async () => {
      const t = await trunk('127.0.0.2');
      expect(await connectProbe('127.0.0.2', t.port, 'udp4')).to.equal('127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(t.got).to.deep.equal([]);
      let failed: unknown;
      await connectProbe('127.0.0.2', 0, 'udp4').then(() => undefined, (err: unknown) => (failed = err));
      expect(failed, 'port 0 is replaced by 5060, so this connects').to.equal(undefined);
      await connectProbe('127.0.0.2', 70_000, 'udp4').then(() => undefined, (err: unknown) => (failed = err));
      expect(failed).to.be.instanceOf(Error);
    });
  });

  describe('in a network namespace (198.18.7.1 on a dummy interface, else a veth pair)', function () {
    this.timeout(60_000);
    const WHAT = 'advertised address in a network namespace';
    let ns: ScratchNetns | undefined;
    let link = '';

    before(function () {
      ns = scratchNetnsOrSkip(this, WHAT);
      try {
        try {
          ns.ip('link', 'add', 'd0', 'type', 'dummy');
          link = 'dummy';
        } catch {
          // A kernel without the dummy driver: a veth pair with both ends inside the namespace.
          ns.ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
          ns.ip('link', 'set', 'd1', 'up');
          link = 'veth';
        }
        ns.ip('addr', 'add', '198.18.7.1/24', 'dev', 'd0');
        ns.ip('link', 'set', 'd0', 'up');
      } catch (e) {
        ns.remove();
        unavailableHere(this, WHAT, `cannot set up an interface in the namespace: ${(e as Error).message.split('\n')[0]}`);
      }
    });

    after(() => ns?.remove());

    it('advertises 198.18.7.1 (the routed source), not 127.0.0.1; a host without a route falls back to 127.0.0.1 and fails on send', async () => {
      const result = await ns!.runChild<{
        routed: { via: string; contact: string; source: string; viaPort: number; enginePort: number; status: number };
        unroutable: { via: string; errorCode: string };
      }>(CHILD, { trunkAddress: '198.18.7.1', unroutableAddress: '198.19.0.1' }, 40_000);
      expect(result.routed.status, `(${link})`).to.equal(200);
      expect(result.routed.source, 'the trunk saw the request from 198.18.7.1').to.equal('198.18.7.1');
      expect(result.routed).to.include({ via: '198.18.7.1', contact: '198.18.7.1' });
      expect(result.routed.viaPort).to.equal(result.routed.enginePort);
      expect(result.unroutable).to.deep.equal({ via: '127.0.0.1', errorCode: 'E_SIP_TRANSPORT' });
    });
  });
});
