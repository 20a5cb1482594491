/**
 * Makes a recording "live": the values a real agent changes with time advance from the recorded
 * ones, deterministically (the same recording, seed and elapsed time give the same values).
 *
 * - sysUpTime (1.3.6.1.2.1.1.3.0) grows by the elapsed time in hundredths of a second (wraps at 2^32).
 * - Interface traffic counters (IF-MIB ifIn/OutOctets, ifIn/OutUcastPkts and their ifXTable HC
 *   twins) grow at a per-port byte rate that varies smoothly (a sine around a base load), chosen
 *   from the port's speed and a hash of (seed, recording name, ifIndex, direction). Ports whose
 *   ifOperStatus is recorded and not up(1) carry no traffic. A 32-bit and a 64-bit counter of the
 *   same port and direction grow by the same amount; each wraps at its own width.
 * Everything else keeps its recorded value.
 *
 * Used by the test kit's recorded SNMP client and by the simulator plugin.
 */
import type { Recording } from '../snmp/snmprec.js';
import type { Varbind } from '../snmp/types.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1.';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1.';
const IF_SPEED = 5;
const IF_OPER_STATUS = 8;
const IFX_HIGH_SPEED = 15;
const TWO32 = 1n << 32n;
const TWO64 = 1n << 64n;

type Direction = 'in' | 'out';
type Unit = 'octets' | 'packets';
/** Which counters advance: column number → [direction, unit]. */
const IF_COUNTERS: Record<number, [Direction, Unit]> = { 10: ['in', 'octets'], 11: ['in', 'packets'], 16: ['out', 'octets'], 17: ['out', 'packets'] };
const IFX_COUNTERS: Record<number, [Direction, Unit]> = { 6: ['in', 'octets'], 7: ['in', 'packets'], 10: ['out', 'octets'], 11: ['out', 'packets'] };

/** The smooth traffic of one port in one direction. */
export interface TrafficProfile {
  /** Mean load in bytes per second. */
  baseBytesPerSec: number;
  /** Relative swing of the rate around the mean, in [0, 1). */
  amplitude: number;
  periodSec: number;
  phase: number;
  meanPacketBytes: number;
}

/** Bytes sent in the first `sec` seconds: the integral of base·(1 + a·sin(2πt/P + φ)); never decreases. */
export function bytesAfter(p: TrafficProfile, sec: number): number {
  if (sec <= 0 || p.baseBytesPerSec <= 0) return 0;
  const w = (2 * Math.PI) / p.periodSec;
  return p.baseBytesPerSec * (sec + (p.amplitude / w) * (Math.cos(p.phase) - Math.cos(w * sec + p.phase)));
}

/** The instantaneous rate in bytes per second at `sec`. */
export function rateAt(p: TrafficProfile, sec: number): number {
  return p.baseBytesPerSec * (1 + p.amplitude * Math.sin((2 * Math.PI * sec) / p.periodSec + p.phase));
}

/** A deterministic profile for a port: 2–30 % mean load of `speedBps`, ±60 %, 5–20 min period. */
export function trafficProfile(speedBps: number, seedText: string): TrafficProfile {
  const rnd = prng(hash32(seedText));
  return {
    baseBytesPerSec: (speedBps / 8) * (0.02 + 0.28 * rnd()),
    amplitude: 0.6,
    periodSec: 300 + 900 * rnd(),
    phase: 2 * Math.PI * rnd(),
    meanPacketBytes: Math.round(300 + 1000 * rnd()),
  };
}

export interface LiveModel {
  /** `vb` (a record of the recording) as it reads `elapsedMs` after the recording was taken. */
  valueOf(vb: Varbind, elapsedMs: number): Varbind;
  /** The traffic profile of a port and direction, when that port carries traffic. */
  profile(ifIndex: number, dir: Direction): TrafficProfile | undefined;
}

/** Builds the live model of a recording. `seed` varies the traffic between otherwise equal runs. */
export function liveModel(rec: Recording, seed: string | number = 0): LiveModel {
  const profiles = new Map<string, TrafficProfile | undefined>();
  const profile = (ifIndex: number, dir: Direction): TrafficProfile | undefined => {
    const k = `${ifIndex}/${dir}`;
    if (!profiles.has(k)) {
      const oper = rec.get(`${IF_ENTRY}${IF_OPER_STATUS}.${ifIndex}`);
      const up = !oper || oper.value === 1;
      profiles.set(k, up ? trafficProfile(portSpeed(rec, ifIndex), `${seed}|${rec.name}|${ifIndex}|${dir}`) : undefined);
    }
    return profiles.get(k);
  };
  return {
    profile,
    valueOf(vb, elapsedMs) {
      if (elapsedMs <= 0) return vb;
      if (vb.oid === SYS_UPTIME && typeof vb.value === 'number') {
        return { ...vb, value: (vb.value + Math.floor(elapsedMs / 10)) % 2 ** 32 };
      }
      const c = counterOf(vb);
      if (!c) return vb;
      const p = profile(c.ifIndex, c.dir);
      if (!p) return vb;
      const bytes = bytesAfter(p, elapsedMs / 1000);
      const grown = BigInt(Math.floor(c.unit === 'octets' ? bytes : bytes / p.meanPacketBytes));
      if (vb.type === 'Counter64' && typeof vb.value === 'bigint') return { ...vb, value: (vb.value + grown) % TWO64 };
      if (vb.type === 'Counter32' && typeof vb.value === 'number') return { ...vb, value: Number((BigInt(vb.value) + grown) % TWO32) };
      return vb;
    },
  };
}

function counterOf(vb: Varbind): { ifIndex: number; dir: Direction; unit: Unit } | undefined {
  let table: Record<number, [Direction, Unit]>;
  let rest: string;
  if (vb.oid.startsWith(IF_ENTRY)) [table, rest] = [IF_COUNTERS, vb.oid.slice(IF_ENTRY.length)];
  else if (vb.oid.startsWith(IFX_ENTRY)) [table, rest] = [IFX_COUNTERS, vb.oid.slice(IFX_ENTRY.length)];
  else return undefined;
  const parts = rest.split('.');
  if (parts.length !== 2) return undefined;
  const spec = table[Number(parts[0])];
  return spec ? { ifIndex: Number(parts[1]), dir: spec[0], unit: spec[1] } : undefined;
}

/** Port speed in bit/s from ifHighSpeed (Mb/s) or ifSpeed; 100 Mb/s when neither is usable. */
function portSpeed(rec: Recording, ifIndex: number): number {
  const high = rec.get(`${IFX_ENTRY}${IFX_HIGH_SPEED}.${ifIndex}`)?.value;
  if (typeof high === 'number' && high > 0) return Math.min(high * 1e6, 4e11);
  const speed = rec.get(`${IF_ENTRY}${IF_SPEED}.${ifIndex}`)?.value;
  if (typeof speed === 'number' && speed > 0 && speed < 0xffffffff) return speed;
  return 1e8;
}

/** FNV-1a hash of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small deterministic PRNG (mulberry32) giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
