/**
 * The media side of a test call: an RTP socket of its own that sends one G.711 stream (8 kHz,
 * one packet per ptime, sequence and timestamp counting up from random starts, a random SSRC,
 * marker on the first packet) to the address of the SDP answer, and measures what comes back
 * from the far end's echo service with ./echo-meter.ts.
 *
 * Packets are paced on the RxJS scheduler (packet k at start + k·ptime, so timer drift does not
 * accumulate); send and arrival instants are read from `now` (default `performance.now()`, sub-ms),
 * because `scheduler.now()` is `Date.now()` with 1 ms steps, too coarse for loopback round trips.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Observable, Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { VigieError } from '../../../plugins/sdk/index.js';
import { EchoMeter, type EchoStats } from './echo-meter.js';
import { buildRtpPacket, g711Silence, parseRtpPacket } from './rtp-packet.js';

/** Where the RTP socket binds. */
export interface RtpSocketOptions {
  localAddress: string;
  /** 0: any free port. */
  port: number;
  /** Clock of send/arrival instants, ms (default `performance.now()`). */
  now?: () => number;
}

/** One stream to send and measure. */
export interface RtpStreamPlan {
  remote: { host: string; port: number };
  codec: 'PCMU' | 'PCMA';
  payloadType: number;
  durationMs: number;
  /** Default 20. */
  ptimeMs?: number;
  /** Time echoes are still awaited after the last packet; later ones count as lost (default 500). */
  graceMs?: number;
}

/** A bound RTP socket. */
export interface RtpEchoEndpoint {
  readonly address: string;
  readonly port: number;
  /**
   * Sends the stream when subscribed and emits its {@link EchoStats} `graceMs` after the last
   * packet (or after `stop` emits: sending stops there), then completes. Errors with E_RTP_SOCKET
   * when not one packet could be sent. One stream per endpoint at a time.
   */
  measure(plan: RtpStreamPlan, scheduler: SchedulerLike, stop?: Observable<unknown>): Observable<EchoStats>;
}

export const DEFAULT_PTIME_MS = 20;
export const DEFAULT_ECHO_GRACE_MS = 500;

/**
 * Binds an RTP socket when subscribed and emits its endpoint once; the socket stays open until
 * unsubscribed. A bind failure is an E_RTP_SOCKET error.
 */
export function openRtpEcho(opts: RtpSocketOptions): Observable<RtpEchoEndpoint> {
  return new Observable<RtpEchoEndpoint>((subscriber) => {
    const now = opts.now ?? (() => performance.now());
    const socket = createSocket({ type: isIP(opts.localAddress) === 6 ? 'udp6' : 'udp4' });
    const onBindError = (err: Error): void =>
      subscriber.error(new VigieError('E_RTP_SOCKET', `cannot bind the RTP socket to ${opts.localAddress}:${opts.port}: ${err.message}`, { localAddress: opts.localAddress, port: opts.port }, { cause: err }));
    socket.once('error', onBindError);
    socket.bind(opts.port, opts.localAddress, () => {
      socket.off('error', onBindError);
      socket.on('error', () => undefined);
      const { address, port } = socket.address();
      subscriber.next({ address, port, measure: (plan, scheduler, stop) => measure(socket, now, plan, scheduler, stop) });
    });
    return () => {
      socket.removeAllListeners('message');
      try {
        socket.close();
      } catch {
        // not bound yet, or already closed
      }
    };
  });
}

function measure(socket: Socket, now: () => number, plan: RtpStreamPlan, scheduler: SchedulerLike, stop?: Observable<unknown>): Observable<EchoStats> {
  return new Observable<EchoStats>((subscriber) => {
    const ptime = plan.ptimeMs ?? DEFAULT_PTIME_MS;
    const samples = Math.round((8000 * ptime) / 1000);
    const total = Math.max(1, Math.round(plan.durationMs / ptime));
    const ssrc = randomInt(1, 2 ** 32 - 1);
    const firstSeq = randomInt(0, 0x10000);
    const firstTs = randomInt(0, 2 ** 32 - 1);
    const payload = g711Silence(plan.codec, samples);
    const meter = new EchoMeter(ssrc);
    const started = scheduler.now();
    let sendErrors = 0;
    let k = 0;
    let grace: Subscription | undefined;
    const stopSub = new Subscription();

    const onMessage = (msg: Buffer): void => {
      const at = now();
      const header = parseRtpPacket(msg);
      if (header) meter.onReceived(header, at);
      else meter.onForeign();
    };
    socket.on('message', onMessage);

    const finish = (): void => {
      const stats = meter.stats();
      if (stats.sent > 0 && sendErrors === stats.sent) {
        subscriber.error(new VigieError('E_RTP_SOCKET', `no RTP packet could be sent to ${plan.remote.host}:${plan.remote.port}`, { remote: plan.remote, sent: stats.sent }));
        return;
      }
      subscriber.next(stats);
      subscriber.complete();
    };
    const endSending = (): void => {
      if (grace) return;
      ticker.unsubscribe();
      stopSub.unsubscribe();
      grace = scheduler.schedule(finish, plan.graceMs ?? DEFAULT_ECHO_GRACE_MS);
    };
    const sendOne = (): void => {
      const sequence = (firstSeq + k) & 0xffff;
      const packet = buildRtpPacket({ payloadType: plan.payloadType, marker: k === 0, sequence, timestamp: (firstTs + k * samples) >>> 0, ssrc }, payload);
      meter.onSent(sequence, now());
      try {
        socket.send(packet, plan.remote.port, plan.remote.host, (err) => {
          if (err) sendErrors++;
        });
      } catch {
        sendErrors++;
      }
      k++;
    };
    const ticker = scheduler.schedule(function (this: SchedulerAction<unknown>) {
      sendOne();
      if (k >= total) {
        endSending();
        return;
      }
      this.schedule(undefined, Math.max(0, started + k * ptime - scheduler.now()));
    });
    if (stop) stopSub.add(stop.subscribe(() => endSending()));

    return () => {
      ticker.unsubscribe();
      grace?.unsubscribe();
      stopSub.unsubscribe();
      socket.off('message', onMessage);
    };
  });
}
