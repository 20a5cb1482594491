/**
 * A real Kamailio for tests: Debian's `/usr/sbin/kamailio`, run in the foreground (`-DD -E`) as
 * the current user on `udp:127.0.0.1:<port>`, with a generated config in a temporary directory
 * (also its runtime and working directory: nothing under /etc/kamailio or /run is used).
 *
 * Contract of `startKamailio(opts)`:
 * - resolves once Kamailio answers a real OPTIONS with a 200, with its port, its directory,
 *   `stop()` (SIGTERM, then SIGKILL after 3 s; resolves when the main process is gone, which
 *   takes its children with it) and `start()` (runs it again on the same port and config);
 * - the default route answers OPTIONS `200 OK` statelessly (`sl`) and anything else 404;
 *   `route` replaces the body of `request_route`, `modules`/`extraConfig` add to the config;
 * - with `tcp: true` it listens on `tcp:127.0.0.1:<port>` too (same port number, free for both);
 * - every Kamailio started here is killed when the test process exits, whatever the outcome;
 * - when the binary is missing it rejects with `PeerUnavailableError`; use
 *   `startKamailioOrSkip` in a mocha hook to fail in CI and skip loudly elsewhere.
 */
import { createSocket } from 'node:dgram';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, freeUdpPort } from './free-port.js';
import { peerProcess, peerTempDir } from './peer-process.js';
import { PeerUnavailableError } from './snmpd.js';

export { PeerUnavailableError };

export const KAMAILIO_PATH = '/usr/sbin/kamailio';
export const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export interface KamailioOptions {
  /** UDP port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Modules to load besides sl and textops (file names, e.g. `tm.so`). */
  modules?: string[];
  /** Lines placed before `request_route` (modparams, globals). */
  extraConfig?: string;
  /** Body of `request_route`; default: OPTIONS → 200 OK, else 404 (both stateless). */
  route?: string;
  /** Also listen on TCP, on the same port (default false: `disable_tcp=yes`). */
  tcp?: boolean;
}

export interface KamailioHandle {
  port: number;
  dir: string;
  /** Stops Kamailio; resolves when its main process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port and config. */
  start(): Promise<void>;
}

const DEFAULT_ROUTE = `
    if (is_method("OPTIONS")) {
        sl_send_reply("200", "OK");
        exit;
    }
    sl_send_reply("404", "Not here");`;

function configText(port: number, opts: KamailioOptions): string {
  const modules = ['sl.so', 'textops.so', ...(opts.modules ?? [])];
  return [
    '#!KAMAILIO',
    'debug=1',
    'log_stderror=yes',
    'fork=yes',
    'children=1',
    ...(opts.tcp ? ['tcp_children=1', `listen=tcp:127.0.0.1:${port}`] : ['disable_tcp=yes']),
    'auto_aliases=no',
    `listen=udp:127.0.0.1:${port}`,
    `mpath="${KAMAILIO_MODULES}"`,
    ...[...new Set(modules)].map((m) => `loadmodule "${m}"`),
    opts.extraConfig ?? '',
    'request_route {',
    opts.route ?? DEFAULT_ROUTE,
    '}',
    '',
  ].join('\n');
}

/** True once a 200 to an OPTIONS comes back within 300 ms. */
function answersOptions(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    sock.on('error', () => done(false));
    sock.on('message', (m) => done(m.toString().startsWith('SIP/2.0 200')));
    sock.bind(0, '127.0.0.1', () => {
      const local = sock.address().port;
      const id = `${Date.now()}${Math.random().toString(16).slice(2)}`;
      const msg = [
        `OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-ready-${id};rport`,
        'Max-Forwards: 70',
        `From: <sip:ready@127.0.0.1>;tag=${id}`,
        `To: <sip:ping@127.0.0.1:${port}>`,
        `Call-ID: ready-${id}@127.0.0.1`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      sock.send(msg, port, '127.0.0.1');
    });
  });
}

/** A port free on 127.0.0.1 for both TCP and UDP right now. */
async function freeUdpAndTcpPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1 after 20 tries');
}

export async function startKamailio(opts: KamailioOptions = {}): Promise<KamailioHandle> {
  if (!existsSync(KAMAILIO_PATH)) {
    throw new PeerUnavailableError(`${KAMAILIO_PATH} not found: install Debian package kamailio (apt-get install kamailio)`);
  }
  const port = opts.port ?? (opts.tcp ? await freeUdpAndTcpPort() : await freeUdpPort());
  const dir = peerTempDir('vigie-kamailio-');
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, configText(port, opts));

  const { start, stop } = peerProcess({
    what: `kamailio on udp${opts.tcp ? '+tcp' : ''}:127.0.0.1:${port}`,
    command: KAMAILIO_PATH,
    args: ['-f', cfg, '-DD', '-E', '-Y', dir, '-w', dir, '-m', '32', '-M', '4'],
    answers: () => answersOptions(port),
    killGraceMs: 3000,
  });

  await start();
  return { port, dir, stop, start };
}

/**
 * For a mocha `before` hook: starts Kamailio, or, when it cannot start, fails in CI
 * (`process.env.CI`) and skips the suite loudly elsewhere.
 */
export async function startKamailioOrSkip(ctx: Mocha.Context, opts?: KamailioOptions): Promise<KamailioHandle> {
  try {
    return await startKamailio(opts);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`Kamailio is needed for this test in CI and cannot start: ${why}`);
    console.warn(`SKIPPED (Kamailio unavailable): ${why}`);
    ctx.skip();
  }
}
