/**
 * SIMULATOR ONLY — a simulated SIP trunk's signalling side on a loopback UDP port: a stateless
 * responder, enough for an OPTIONS keepalive and a REGISTER check to have something real to talk to.
 *
 * - `OPTIONS` → `200 OK` (Allow, Accept, Supported).
 * - `REGISTER` → `401 Unauthorized` with a `WWW-Authenticate: Digest` challenge (realm, nonce,
 *   qop=auth, MD5); with a right Authorization → `200 OK` with `Expires` and the request's
 *   Contact `;expires=N` (N = what was asked, at most `maxExpiresS`; default `maxExpiresS`);
 *   a wrong user or password → `403 Forbidden`; an unknown or expired nonce → a fresh 401 (stale).
 * - `ACK` → nothing; any other method → `501 Not Implemented`.
 *
 * Answers are delayed by the trunk's quality model (`optionsDelayMs`, 5–120 ms), scheduled on
 * the given RxJS scheduler; during a silence (see trunk-quality.ts), or while `down`, nothing is
 * answered. Answers go back to the datagram's source (as with `rport`), loopback sources only;
 * malformed datagrams are counted and dropped. The password is never logged.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { SchedulerLike, Subscription } from 'rxjs';
import { VigieError } from '../../sdk/index.js';
import { hash32 } from '../../sdk/testkit/live.js';
import { isLoopback } from '../agent.js';
import { DigestRegistrar } from './digest.js';
import { buildResponse, hasDialogHeaders, header, parseSipRequest, type SipRequestText } from './sip-text.js';
import type { TrunkQuality } from './trunk-quality.js';

export const SIM_SERVER_HEADER = 'Server: Vigie-simulator';
const ALLOW = 'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER';

export interface TrunkResponderOptions {
  name: string;
  /** Loopback address to bind. */
  host: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  /** Digest realm written in challenges. */
  realm: string;
  /** The REGISTER password (a secret: never logged). */
  password: string;
  /** When set, the only user name a REGISTER may authenticate as. */
  user?: string;
  /** Most seconds a registration is granted. */
  maxExpiresS: number;
  quality: TrunkQuality;
  /** Epoch ms (on the scheduler's clock) the quality timeline starts from. */
  startedAt: number;
  scheduler: SchedulerLike;
  log: Logger;
}

export interface RunningTrunkResponder {
  readonly name: string;
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** While true nothing is answered (the trunk is unreachable). */
  down: boolean;
  /** Counters: responses sent, datagrams dropped as malformed, registrations granted. */
  readonly stats: { answered: number; malformed: number; registered: number };
  /** Cancels pending answers and closes the socket; resolves once it is released. Idempotent. */
  close(): Promise<void>;
}

/** Binds the responder; rejects with `E_SIMULATOR` when the port cannot be bound, `E_CONFIG` for a non-loopback host. */
export function startTrunkResponder(opts: TrunkResponderOptions): Promise<RunningTrunkResponder> {
  if (!isLoopback(opts.host)) {
    return Promise.reject(new VigieError('E_CONFIG', `simulator: ${opts.host} is not a loopback address`, { host: opts.host }));
  }
  const socket: Socket = createSocket({ type: isIP(opts.host) === 6 ? 'udp6' : 'udp4' });
  const registrar = new DigestRegistrar(opts.realm, opts.password, opts.user, () => opts.scheduler.now());
  const pending = new Set<Subscription>();
  const stats = { answered: 0, malformed: 0, registered: 0 };
  let closing: Promise<void> | undefined;
  let port = 0;

  const responder: RunningTrunkResponder = {
    name: opts.name,
    host: opts.host,
    get port() {
      return port;
    },
    down: false,
    stats,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of pending) s.unsubscribe();
        pending.clear();
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // never bound, or already closed
        }
      });
      return closing;
    },
  };

  socket.on('message', (msg, rinfo) => {
    if (responder.down || closing || !isLoopback(rinfo.address)) return;
    const req = parseSipRequest(msg);
    if (!req || !hasDialogHeaders(req)) {
      stats.malformed++;
      opts.log.debug({ trunk: opts.name, from: rinfo.port }, 'simulator: dropped a datagram that is not a SIP request');
      return;
    }
    const elapsed = opts.scheduler.now() - opts.startedAt;
    if (opts.quality.silentAt(elapsed) || req.method === 'ACK') return;
    const text = answer(req, opts, registrar, stats);
    const sub = opts.scheduler.schedule(() => {
      pending.delete(sub);
      if (closing || responder.down) return;
      stats.answered++;
      socket.send(text, rinfo.port, rinfo.address);
    }, Math.round(opts.quality.optionsDelayMs(elapsed)));
    if (!sub.closed) pending.add(sub);
  });

  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      void responder.close();
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.message})`;
      reject(new VigieError('E_SIMULATOR', `simulator: SIP trunk ${opts.name}: UDP ${opts.host}:${opts.port} ${why}`, { host: opts.host, port: opts.port }, { cause: err }));
    };
    socket.once('error', onError);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', onError);
      socket.on('error', (err) => opts.log.warn({ trunk: opts.name, err: err.message }, 'simulator: SIP trunk socket error'));
      port = socket.address().port;
      resolve(responder);
    });
  });
}

/** The response text to one request (the registrar decides REGISTER's). */
function answer(req: SipRequestText, opts: TrunkResponderOptions, registrar: DigestRegistrar, stats: { registered: number }): string {
  const toTag = hash32(`${opts.name}|${header(req, 'call-id')}`).toString(16);
  switch (req.method) {
    case 'OPTIONS':
      return buildResponse(req, 200, 'OK', toTag, [ALLOW, 'Accept: application/sdp', 'Supported: path, replaces', SIM_SERVER_HEADER]);
    case 'REGISTER': {
      const verdict = registrar.verify(header(req, 'authorization'), 'REGISTER');
      if (verdict === 'wrong') return buildResponse(req, 403, 'Forbidden', toTag, [SIM_SERVER_HEADER]);
      if (verdict !== 'ok') {
        return buildResponse(req, 401, 'Unauthorized', toTag, [`WWW-Authenticate: ${registrar.challenge(verdict === 'stale')}`, SIM_SERVER_HEADER]);
      }
      stats.registered++;
      const contact = header(req, 'contact');
      const granted = grantedExpires(req, contact, opts.maxExpiresS);
      const bindings = contact && contact.trim() !== '*' && granted > 0 ? [`Contact: ${contact.replace(/;\s*expires=\d+/gi, '')};expires=${granted}`] : [];
      return buildResponse(req, 200, 'OK', toTag, [`Expires: ${granted}`, ...bindings, 'Date: ' + new Date(opts.scheduler.now()).toUTCString(), SIM_SERVER_HEADER]);
    }
    default:
      return buildResponse(req, 501, 'Not Implemented', toTag, [ALLOW, SIM_SERVER_HEADER]);
  }
}

/** Seconds asked for (the Contact's `expires` parameter, else the Expires header), capped; the cap when none is asked. */
function grantedExpires(req: SipRequestText, contact: string | undefined, max: number): number {
  const fromContact = contact ? /;\s*expires=(\d+)/i.exec(contact)?.[1] : undefined;
  const asked = fromContact ?? header(req, 'expires');
  const n = asked !== undefined && /^\d+$/.test(asked.trim()) ? Number(asked.trim()) : max;
  return Math.min(n, max);
}
