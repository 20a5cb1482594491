/**
 * SIMULATOR ONLY — fabricates calls on a simulated trunk so the demo's call KPIs and MOS move:
 * calls arrive at random (exponential gaps, mean 60 s / `callsPerMinute`, seeded), each one
 * planned by call-plan.ts, and every message of the trunk leg is mirrored as a HEPv3 packet (SIP,
 * protocol type 1) the moment it "happens"; answered calls also get an RTCP receiver report per
 * direction every 5 s (HEP protocol type 5, correlation id = Call-ID) whose loss, jitter and
 * LSR/DLSR follow the trunk's media quality at that moment; a third of answered calls are
 * reported after the hang-up by an RFC 6035 PUBLISH (see vq-publish.ts).
 *
 * Timing runs on the given RxJS scheduler (virtual time in tests), HEP timestamps are its
 * `now()`. Output goes to a `CallSink` (the service sends it over UDP to the configured
 * loopback collectors; tests collect it). `stop()` cancels everything pending; calls in progress
 * are abandoned without a BYE.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { arrivalGapMs, callRandom, callSteps, planCall, type SimCall, type SimStep } from './call-plan.js';
import { sipMessage, type SimLeg } from './call-messages.js';
import { encodeHep3, HEP_PROTO } from './hep-encode.js';
import { encodeReceiverReport, ntpMiddle32 } from './rtcp-encode.js';
import type { TrunkQuality } from './trunk-quality.js';
import { vqSessionReport, type VqCallStats } from './vq-publish.js';

/** Where the generator's output goes. */
export interface CallSink {
  /** One HEPv3 datagram (a SIP message or an RTCP report of the trunk leg). */
  hep?(datagram: Buffer): void;
  /** One RFC 6035 report body, to be PUBLISHed to the RTCP-XR collector. */
  vq?(body: string, call: SimCall): void;
}

export interface CallGeneratorOptions {
  trunk: string;
  seed: number;
  callsPerMinute: number;
  quality: TrunkQuality;
  leg: SimLeg;
  /** Epoch ms (scheduler clock) the quality timeline starts from. */
  startedAt: number;
  scheduler: SchedulerLike;
  /** HEP chunk 12 (default 2001). */
  captureId?: number;
  /** HEP chunk 14 (a secret). */
  hepAuthKey?: string;
  sink: CallSink;
}

export interface CallGeneratorStats {
  /** Calls whose first INVITE went out. */
  placed: number;
  answered: number;
  /** Calls ended by a non-2xx final response. */
  rejected: number;
  /** Calls that got no response at all (the trunk was silent). */
  timedOut: number;
  /** Answered calls not hung up yet. */
  active: number;
  hepPackets: number;
  vqReports: number;
}

export interface RunningCallGenerator {
  readonly stats: CallGeneratorStats;
  stop(): void;
}

/** Per direction of an answered call: what its receiver has counted so far. */
interface RtcpState {
  seq: number;
  cumulativeLost: number;
  lastReportAt?: number;
}

interface CallRun {
  call: SimCall;
  steps: SimStep[];
  next: number;
  answeredAt?: number;
  pbxRx: RtcpState;
  trunkRx: RtcpState;
  rounds: number;
  sums: { loss: number; jitter: number; maxJitter: number; rtt: number };
}

const PACKET_MS = 20;

export function startCallGenerator(opts: CallGeneratorOptions): RunningCallGenerator {
  const stats: CallGeneratorStats = { placed: 0, answered: 0, rejected: 0, timedOut: 0, active: 0, hepPackets: 0, vqReports: 0 };
  const pending = new Set<Subscription>();
  let stopped = false;
  const elapsed = (): number => opts.scheduler.now() - opts.startedAt;
  const { leg } = opts;

  const schedule = <T>(work: (state: T) => void, delay: number, state: T): void => {
    if (stopped) return;
    const sub: Subscription = opts.scheduler.schedule<T>((s?: T) => {
      pending.delete(sub);
      work(s as T);
    }, Math.max(0, Math.round(delay)), state);
    if (!sub.closed) pending.add(sub);
  };

  const hep = (src: { host: string; port: number }, dst: { host: string; port: number }, protocolType: number, payload: Buffer, correlationId?: string): void => {
    if (!opts.sink.hep) return;
    stats.hepPackets++;
    opts.sink.hep(encodeHep3({
      srcAddress: src.host, srcPort: src.port, dstAddress: dst.host, dstPort: dst.port, timeMs: opts.scheduler.now(), protocolType,
      captureId: opts.captureId ?? 2001, payload, correlationId, authKey: opts.hepAuthKey, nodeName: 'vigie-sim',
    }));
  };

  const rtcpRound = (run: CallRun): void => {
    const { call } = run;
    const now = opts.scheduler.now();
    const media = opts.quality.mediaAt(elapsed());
    const r = callRandom(opts.trunk, opts.seed, call.index, `rtcp${run.rounds}`);
    const rtt = media.rttMs * (0.9 + 0.2 * r());
    run.rounds++;
    for (const dir of ['pbx', 'trunk'] as const) {
      const rx = dir === 'pbx' ? run.pbxRx : run.trunkRx;
      const farSide = dir === 'pbx' ? 0.6 : 1; // the PBX's reports (trunk → PBX stream) carry the worst of it
      const since = now - (rx.lastReportAt ?? run.answeredAt ?? now);
      const expected = Math.max(1, Math.round(since / PACKET_MS));
      const lossPct = media.lossPct * (0.6 + 0.8 * r()) * (dir === 'pbx' ? 1 : farSide);
      const lost = Math.min(expected, Math.round((expected * lossPct) / 100));
      const jitterMs = media.jitterMs * (0.7 + 0.6 * r()) * (dir === 'pbx' ? 1 : 0.8);
      const dlsrMs = 200 + r() * 4600;
      rx.seq += expected;
      rx.cumulativeLost += lost;
      const first = rx.lastReportAt === undefined;
      rx.lastReportAt = now;
      if (dir === 'pbx') {
        run.sums.loss += (lost / expected) * 100;
        run.sums.jitter += jitterMs;
        run.sums.maxJitter = Math.max(run.sums.maxJitter, jitterMs);
        run.sums.rtt += rtt;
      }
      const rr = encodeReceiverReport(dir === 'pbx' ? call.pbxSsrc : call.trunkSsrc, {
        ssrc: dir === 'pbx' ? call.trunkSsrc : call.pbxSsrc,
        fractionLost: lost / expected,
        cumulativeLost: rx.cumulativeLost,
        extendedHighestSeq: rx.seq,
        jitter: jitterMs * 8, // 8 kHz RTP clock (PCMU, G729)
        lsr: first ? 0 : ntpMiddle32(now - rtt - dlsrMs),
        dlsr: first ? 0 : Math.round((dlsrMs / 1000) * 65536),
      });
      const pbxRtcp = { host: leg.pbx.host, port: call.pbxMediaPort + 1 };
      const trunkRtcp = { host: leg.trunk.host, port: call.trunkMediaPort + 1 };
      hep(dir === 'pbx' ? pbxRtcp : trunkRtcp, dir === 'pbx' ? trunkRtcp : pbxRtcp, HEP_PROTO.RTCP, rr, call.callId);
    }
  };

  const vqReport = (run: CallRun): void => {
    if (!opts.sink.vq || run.rounds === 0) return;
    const n = run.rounds;
    const call = run.call;
    const s: VqCallStats = {
      startedAt: run.answeredAt ?? opts.scheduler.now(),
      stoppedAt: opts.startedAt + call.startMs + (call.byeMs ?? 0),
      lossPct: run.sums.loss / n,
      jitterMs: run.sums.jitter / n,
      maxJitterMs: run.sums.maxJitter,
      rttMs: run.sums.rtt / n,
    };
    stats.vqReports++;
    opts.sink.vq(vqSessionReport(opts.trunk, call, leg, s), call);
  };

  const runStep = (run: CallRun, what: SimStep['what']): void => {
    const { call } = run;
    if (what === 'rtcp') return rtcpRound(run);
    if (what === 'vq') return vqReport(run);
    const msg = sipMessage(call, what, leg);
    if (msg) {
      const [src, dst] = msg.from === 'pbx' ? [leg.pbx, leg.trunk] : [leg.trunk, leg.pbx];
      hep(src, dst, HEP_PROTO.SIP, Buffer.from(msg.text, 'utf8'));
    }
    if (what === 'invite' && run.next === 1) stats.placed++;
    if (what === 'final') {
      if (call.finalCode === 200) {
        stats.answered++;
        stats.active++;
        run.answeredAt = opts.scheduler.now();
      } else stats.rejected++;
    }
    if (what === 'bye') stats.active--;
  };

  const advanceCall = (run: CallRun): void => {
    const step = run.steps[run.next++];
    runStep(run, step.what);
    if (run.next < run.steps.length) {
      schedule((r: CallRun) => advanceCall(r), opts.startedAt + run.call.startMs + run.steps[run.next].atMs - opts.scheduler.now(), run);
    } else if (run.call.outcome === 'timeout') stats.timedOut++;
  };

  const arrive = (index: number): void => {
    const call = planCall(opts.trunk, opts.seed, index, elapsed(), opts.quality);
    const run: CallRun = {
      call, steps: callSteps(call), next: 0, rounds: 0,
      pbxRx: { seq: call.trunkSsrc & 0xffff, cumulativeLost: 0 },
      trunkRx: { seq: call.pbxSsrc & 0xffff, cumulativeLost: 0 },
      sums: { loss: 0, jitter: 0, maxJitter: 0, rtt: 0 },
    };
    advanceCall(run);
    schedule((i: number) => arrive(i), arrivalGapMs(opts.trunk, opts.seed, index + 1, opts.callsPerMinute), index + 1);
  };

  if (opts.callsPerMinute > 0) schedule((i: number) => arrive(i), arrivalGapMs(opts.trunk, opts.seed, 0, opts.callsPerMinute), 0);

  return {
    stats,
    stop() {
      stopped = true;
      for (const s of pending) s.unsubscribe();
      pending.clear();
      stats.active = 0;
    },
  };
}
