/**
 * SIMULATOR ONLY — one simulated SIP trunk put together: its OPTIONS/REGISTER responder on
 * `host:port`, its quality timeline, and (when a HEP or RTCP-XR collector is configured and
 * `callsPerMinute` > 0) its call generator, whose output is sent over UDP from a socket bound to
 * loopback, to the configured loopback collectors and nowhere else. Answers to the PUBLISHes are
 * read and ignored. `stop()` releases every socket and cancels every pending timer.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import { VigieError } from '../../sdk/index.js';
import { isLoopback } from '../agent.js';
import { startCallGenerator, type RunningCallGenerator } from './call-generator.js';
import { pbxEndpoint, type SimEndpoint, type SimLeg } from './call-messages.js';
import type { ResolvedSipTrunk } from './sip-trunk-config.js';
import { hostPort } from './sip-text.js';
import { startTrunkResponder, type RunningTrunkResponder } from './trunk-responder.js';
import { trunkQuality, type TrunkQuality } from './trunk-quality.js';
import { vqPublishRequest } from './vq-publish.js';

/** What may be shown of a running trunk (no password, no HEP auth key). */
export interface PublicSipTrunk {
  name: string;
  host: string;
  port: number;
  /** Digest realm of its REGISTER challenges. */
  realm: string;
  /** The simulated PBX its calls come from (`host:port`). */
  pbx: string;
  hep?: string;
  rtcpXr?: string;
  callsPerMinute: number;
  seed: number;
}

export interface RunningSipTrunk {
  readonly info: PublicSipTrunk;
  readonly quality: TrunkQuality;
  readonly responder: RunningTrunkResponder;
  /** Absent when no collector is configured or callsPerMinute is 0. */
  readonly generator?: RunningCallGenerator;
  /** Datagrams the sender could not send (logged once). */
  readonly sendErrors: number;
  stop(): Promise<void>;
}

export interface SipTrunkEnv {
  /** Loopback address the responder binds. */
  host: string;
  log: Logger;
  scheduler: SchedulerLike;
  /** Epoch ms (scheduler clock) the quality timeline starts from. */
  startedAt: number;
}

function bindSender(host: string): Promise<Socket> {
  const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
  socket.on('message', () => undefined); // answers to PUBLISH: ignored
  return new Promise((resolve, reject) => {
    socket.once('error', (err) => {
      socket.close();
      reject(new VigieError('E_SIMULATOR', `simulator: cannot bind a UDP sender on ${host} (${err.message})`, { host }, { cause: err }));
    });
    socket.bind(0, host, () => resolve(socket));
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** Starts one trunk; on failure nothing stays open and the error is E_SIMULATOR or E_CONFIG. */
export async function startSipTrunk(cfg: ResolvedSipTrunk, env: SipTrunkEnv): Promise<RunningSipTrunk> {
  const quality = trunkQuality(cfg.seed, cfg.name, { silences: cfg.silences });
  const responder = await startTrunkResponder({
    name: cfg.name, host: env.host, port: cfg.port, realm: cfg.name, password: cfg.password, user: cfg.user, maxExpiresS: cfg.expires,
    quality, startedAt: env.startedAt, scheduler: env.scheduler, log: env.log,
  });
  const leg: SimLeg = { pbx: pbxEndpoint(env.host), trunk: { host: env.host, port: responder.port } };
  const senders = new Map<number, Socket>(); // by IP family, each bound to that family's loopback
  let sendErrors = 0;
  let generator: RunningCallGenerator | undefined;
  const generates = (cfg.hep !== undefined || cfg.rtcpXr !== undefined) && cfg.callsPerMinute > 0;
  try {
    for (const c of generates ? [cfg.hep, cfg.rtcpXr] : []) {
      const family = c ? isIP(c.host) : 0;
      if (c && !senders.has(family)) senders.set(family, await bindSender(family === 6 ? '::1' : '127.0.0.1'));
    }
  } catch (err) {
    await Promise.all([responder.close(), ...[...senders.values()].map(closeSocket)]);
    throw err;
  }

  const send = (to: SimEndpoint, data: Buffer | string): void => {
    const socket = senders.get(isIP(to.host));
    if (!socket || !isLoopback(to.host)) return; // never anything but a loopback collector
    socket.send(data, to.port, to.host, (err) => {
      if (!err) return;
      if (sendErrors++ === 0) env.log.warn({ trunk: cfg.name, to: hostPort(to.host, to.port), err: err.message }, 'simulator: SIP trunk cannot send to a collector');
    });
  };

  if (generates) {
    const { hep, rtcpXr } = cfg;
    generator = startCallGenerator({
      trunk: cfg.name, seed: cfg.seed, callsPerMinute: cfg.callsPerMinute, quality, leg, startedAt: env.startedAt, scheduler: env.scheduler,
      captureId: cfg.hepCaptureId, hepAuthKey: cfg.hepAuthKey,
      sink: {
        hep: hep ? (datagram) => send(hep, datagram) : undefined,
        vq: rtcpXr
          ? (body) => {
              const socket = senders.get(isIP(rtcpXr.host))!;
              const from = socket.address();
              send(rtcpXr, vqPublishRequest(body, { host: from.address, port: from.port }, rtcpXr, leg.pbx));
            }
          : undefined,
      },
    });
  }

  const info: PublicSipTrunk = {
    name: cfg.name, host: env.host, port: responder.port, realm: cfg.name, pbx: hostPort(leg.pbx.host, leg.pbx.port),
    ...(cfg.hep ? { hep: hostPort(cfg.hep.host, cfg.hep.port) } : {}),
    ...(cfg.rtcpXr ? { rtcpXr: hostPort(cfg.rtcpXr.host, cfg.rtcpXr.port) } : {}),
    callsPerMinute: cfg.callsPerMinute, seed: cfg.seed,
  };
  env.log.info({ trunk: cfg.name, host: env.host, port: responder.port, hep: info.hep, rtcpXr: info.rtcpXr, callsPerMinute: cfg.callsPerMinute }, 'simulator: SIP trunk started');

  let stopping: Promise<void> | undefined;
  return {
    info, quality, responder, generator,
    get sendErrors() {
      return sendErrors;
    },
    stop() {
      stopping ??= (async () => {
        generator?.stop();
        await Promise.all([responder.close(), ...[...senders.values()].map(closeSocket)]);
      })();
      return stopping;
    },
  };
}
