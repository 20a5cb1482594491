/**
 * SIMULATOR ONLY — what happens in one fabricated call on the simulated trunk, decided up front
 * from a seed (trunk name, seed, call index) and the trunk's quality timeline: its outcome, the
 * offsets of each SIP message from the first INVITE, and when RTCP reports and an RTCP-XR
 * session report go out. Pure: no I/O, no clock.
 *
 * Calls go from a simulated PBX to the trunk. Outcomes: answered (200, then ACK, BYE, 200),
 * busy (486, half of them after ringing), unavailable (503; more of them under strain),
 * no-answer (408 after 20–30 s of ringing) — every non-2xx final is ACKed. When the trunk is
 * silent the INVITE is retransmitted (RFC 3261 Timer A: +0.5, 1.5, 3.5 … 31.5 s): the first
 * retransmission that lands after the silence starts the normal flow; when none does, the call
 * times out with no response at all (`timeout`). Durations are 10–180 s (skewed short).
 */
import { hash32, prng } from '../../sdk/testkit/live.js';
import type { TrunkQuality } from './trunk-quality.js';

export type SimCallOutcome = 'answered' | 'busy' | 'unavailable' | 'no-answer' | 'timeout';

/** The audio codec the trunk picks from the PBX's offer (PCMU 0, G729 18, both 8 kHz RTP clocks). */
export interface SimCodec {
  name: 'PCMU' | 'G729';
  payloadType: number;
}

export const SIM_CODECS: readonly SimCodec[] = [
  { name: 'PCMU', payloadType: 0 },
  { name: 'G729', payloadType: 18 },
];

/** RTCP receiver reports go out every this many ms per direction while a call is up. */
export const RTCP_INTERVAL_MS = 5000;

/** Timer A retransmission offsets of an unanswered INVITE (T1 500 ms doubling, up to Timer B's 32 s). */
export const INVITE_RETRANSMITS_MS = [500, 1500, 3500, 7500, 15_500, 31_500] as const;

export interface SimCall {
  index: number;
  /** Elapsed ms (since the simulator started) of the first INVITE. */
  startMs: number;
  callId: string;
  /** E.164 numbers from the fictional 555-01XX ranges. */
  caller: string;
  callee: string;
  codec: SimCodec;
  fromTag: string;
  toTag: string;
  branches: { invite: string; ack: string; bye: string };
  pbxMediaPort: number;
  trunkMediaPort: number;
  pbxSsrc: number;
  trunkSsrc: number;
  outcome: SimCallOutcome;
  finalCode?: number;
  /** Offsets (ms from startMs) of INVITE retransmissions sent while the trunk was silent. */
  retransmitsMs: number[];
  /** Offsets of the responses, the ACK, the BYE and its 200; absent when they do not happen. */
  tryingMs?: number;
  ringingMs?: number;
  finalMs?: number;
  ackMs?: number;
  byeMs?: number;
  byeOkMs?: number;
  /** Who hangs up an answered call. */
  byeFrom: 'pbx' | 'trunk';
  /** Offsets of the RTCP report rounds (each: one RR per direction). */
  rtcpMs: number[];
  /** Offset of the RTCP-XR PUBLISH after the call, when this call is reported that way. */
  vqMs?: number;
}

/** One seeded random stream per (trunk, seed, index, purpose). */
export function callRandom(trunk: string, seed: number, index: number, purpose: string): () => number {
  return prng(hash32(`${trunk}|${seed}|${index}|${purpose}`));
}

/** Ms between call `index`'s INVITE and the next one: exponential with mean 60 s / callsPerMinute. */
export function arrivalGapMs(trunk: string, seed: number, index: number, callsPerMinute: number): number {
  const u = callRandom(trunk, seed, index, 'gap')();
  return Math.max(50, Math.round((-Math.log(1 - u) * 60_000) / callsPerMinute));
}

const hex = (r: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const between = (r: () => number, lo: number, hi: number): number => Math.round(lo + r() * (hi - lo));

/** Plans call `index` starting at `startMs` on trunk `trunk`. */
export function planCall(trunk: string, seed: number, index: number, startMs: number, quality: TrunkQuality): SimCall {
  const r = callRandom(trunk, seed, index, 'call');
  const ids = callRandom(trunk, seed, index, 'ids');
  const call: SimCall = {
    index,
    startMs,
    callId: `sim-${hex(ids, 16)}-${index}`,
    caller: `+1202555${String(100 + Math.floor(ids() * 100)).padStart(4, '0')}`,
    callee: `+1212555${String(100 + Math.floor(ids() * 100)).padStart(4, '0')}`,
    codec: SIM_CODECS[ids() < 0.8 ? 0 : 1],
    fromTag: hex(ids, 10),
    toTag: hex(ids, 10),
    branches: { invite: `z9hG4bK${hex(ids, 16)}`, ack: `z9hG4bK${hex(ids, 16)}`, bye: `z9hG4bK${hex(ids, 16)}` },
    pbxMediaPort: 40_000 + 2 * Math.floor(ids() * 5000),
    trunkMediaPort: 20_000 + 2 * Math.floor(ids() * 5000),
    pbxSsrc: Math.floor(ids() * 0xffffffff) >>> 0,
    trunkSsrc: Math.floor(ids() * 0xffffffff) >>> 0,
    outcome: 'timeout',
    retransmitsMs: [],
    byeFrom: r() < 0.6 ? 'pbx' : 'trunk',
    rtcpMs: [],
  };

  // The trunk answers the first transmission that does not land in a silence.
  let heardAt: number | undefined = quality.silentAt(startMs) ? undefined : 0;
  for (const at of INVITE_RETRANSMITS_MS) {
    if (heardAt !== undefined) break;
    call.retransmitsMs.push(at);
    if (!quality.silentAt(startMs + at)) heardAt = at;
  }
  if (heardAt === undefined) return call;

  const strain = quality.strainAt(startMs + heardAt);
  const u = r();
  const p503 = 0.03 + 0.25 * strain;
  call.outcome = u < p503 ? 'unavailable' : u < p503 + 0.09 ? 'busy' : u < p503 + 0.14 ? 'no-answer' : 'answered';
  call.tryingMs = heardAt + Math.round(quality.optionsDelayMs(startMs + heardAt));
  const ringing = (): number => (call.ringingMs = call.tryingMs! + between(r, 150, 2500));

  switch (call.outcome) {
    case 'unavailable':
      call.finalCode = 503;
      call.finalMs = call.tryingMs + between(r, 30, 400);
      break;
    case 'busy':
      call.finalCode = 486;
      call.finalMs = r() < 0.5 ? ringing() + between(r, 1000, 6000) : call.tryingMs + between(r, 50, 600);
      break;
    case 'no-answer':
      call.finalCode = 408;
      call.finalMs = ringing() + between(r, 20_000, 30_000);
      break;
    case 'answered': {
      call.finalCode = 200;
      call.finalMs = ringing() + between(r, 2000, 15_000);
      const u2 = r();
      call.byeMs = call.finalMs + Math.round(10_000 + 170_000 * u2 * u2);
      call.byeOkMs = call.byeMs + between(r, 3, 40);
      const phase = between(r, 500, RTCP_INTERVAL_MS);
      for (let at = call.finalMs + phase; at < call.byeMs; at += RTCP_INTERVAL_MS) call.rtcpMs.push(at);
      if (r() < 1 / 3) call.vqMs = call.byeOkMs + between(r, 50, 1500);
      break;
    }
  }
  call.ackMs = call.finalMs + between(r, 1, 10);
  return call;
}

/** A step of a call's timeline: which message goes out when (offset from the first INVITE). */
export interface SimStep {
  atMs: number;
  what: 'invite' | 'trying' | 'ringing' | 'final' | 'ack' | 'bye' | 'bye-ok' | 'rtcp' | 'vq';
}

/** The call's steps in time order (ties keep signalling order). */
export function callSteps(call: SimCall): SimStep[] {
  const steps: SimStep[] = [{ atMs: 0, what: 'invite' }, ...call.retransmitsMs.map((atMs) => ({ atMs, what: 'invite' as const }))];
  const add = (atMs: number | undefined, what: SimStep['what']) => {
    if (atMs !== undefined) steps.push({ atMs, what });
  };
  add(call.tryingMs, 'trying');
  add(call.ringingMs, 'ringing');
  add(call.finalMs, 'final');
  add(call.ackMs, 'ack');
  for (const at of call.rtcpMs) add(at, 'rtcp');
  add(call.byeMs, 'bye');
  add(call.byeOkMs, 'bye-ok');
  add(call.vqMs, 'vq');
  return steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.atMs - b.s.atMs || a.i - b.i).map(({ s }) => s);
}

/** How long the call keeps the generator busy: its last step's offset. */
export function callLengthMs(call: SimCall): number {
  const steps = callSteps(call);
  return steps[steps.length - 1].atMs;
}
