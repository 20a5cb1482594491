/**
 * UCD-SNMP-MIB (net-snmp's enterprise 2021): load averages, memory and raw CPU counters, which
 * Linux-based routers (EdgeOS, VyOS, …) and servers serve next to HOST-RESOURCES-MIB.
 *
 * Contract of `readUcd(session)` (a cold observable, one emission then completion; three walks
 * in parallel; a failing walk fails the read): each part is present only when the agent gives it:
 * - `load`: laLoad 1/5/15 min (the text column, else laLoadInt / 100);
 * - `memory` (kB): memTotalReal and memAvailReal are required; the 64-bit `…X` twins win when given;
 *   buffers, cached and swap when given;
 * - `cpuRaw`: the ssCpuRaw* counters (ticks, Counter32) the agent gives; `system` on Linux
 *   net-snmp already includes interrupt and softirq time.
 */
import { forkJoin, map, type Observable } from 'rxjs';
import { vbMissing, vbNumber, vbString, type SnmpSession, type Varbind } from '../types.js';
import { walkColumns } from './router-table.js';

/** UCD-SNMP-MIB, enterprises.2021. */
export const UCD_SNMP_MIB = {
  laEntry: '1.3.6.1.4.1.2021.10.1',
  laLoad: '1.3.6.1.4.1.2021.10.1.3',
  laLoadInt: '1.3.6.1.4.1.2021.10.1.5',
  memory: '1.3.6.1.4.1.2021.4',
  memTotalSwap: '1.3.6.1.4.1.2021.4.3.0',
  memAvailSwap: '1.3.6.1.4.1.2021.4.4.0',
  memTotalReal: '1.3.6.1.4.1.2021.4.5.0',
  memAvailReal: '1.3.6.1.4.1.2021.4.6.0',
  memBuffer: '1.3.6.1.4.1.2021.4.14.0',
  memCached: '1.3.6.1.4.1.2021.4.15.0',
  memTotalSwapX: '1.3.6.1.4.1.2021.4.18.0',
  memAvailSwapX: '1.3.6.1.4.1.2021.4.19.0',
  memTotalRealX: '1.3.6.1.4.1.2021.4.20.0',
  memAvailRealX: '1.3.6.1.4.1.2021.4.21.0',
  memBufferX: '1.3.6.1.4.1.2021.4.24.0',
  memCachedX: '1.3.6.1.4.1.2021.4.25.0',
  systemStats: '1.3.6.1.4.1.2021.11',
  ssCpuRawUser: '1.3.6.1.4.1.2021.11.50.0',
  ssCpuRawNice: '1.3.6.1.4.1.2021.11.51.0',
  ssCpuRawSystem: '1.3.6.1.4.1.2021.11.52.0',
  ssCpuRawIdle: '1.3.6.1.4.1.2021.11.53.0',
  ssCpuRawWait: '1.3.6.1.4.1.2021.11.54.0',
  ssCpuRawKernel: '1.3.6.1.4.1.2021.11.55.0',
  ssCpuRawInterrupt: '1.3.6.1.4.1.2021.11.56.0',
  ssCpuRawSoftIRQ: '1.3.6.1.4.1.2021.11.61.0',
  ssCpuRawSteal: '1.3.6.1.4.1.2021.11.64.0',
} as const;

export interface UcdLoad {
  load1: number;
  load5: number;
  load15: number;
}

/** UCD memory, in kB (as the MIB counts it). */
export interface UcdMemory {
  totalRealKb: number;
  availRealKb: number;
  bufferKb?: number;
  cachedKb?: number;
  totalSwapKb?: number;
  availSwapKb?: number;
}

/** Raw CPU time counters (ticks): those the agent gives. */
export type UcdCpuRaw = Partial<Record<'user' | 'nice' | 'system' | 'idle' | 'wait' | 'kernel' | 'interrupt' | 'softirq' | 'steal', number>>;

export interface UcdReading {
  load?: UcdLoad;
  memory?: UcdMemory;
  cpuRaw?: UcdCpuRaw;
}

const CPU_RAW: [keyof UcdCpuRaw, string][] = [
  ['user', UCD_SNMP_MIB.ssCpuRawUser],
  ['nice', UCD_SNMP_MIB.ssCpuRawNice],
  ['system', UCD_SNMP_MIB.ssCpuRawSystem],
  ['idle', UCD_SNMP_MIB.ssCpuRawIdle],
  ['wait', UCD_SNMP_MIB.ssCpuRawWait],
  ['kernel', UCD_SNMP_MIB.ssCpuRawKernel],
  ['interrupt', UCD_SNMP_MIB.ssCpuRawInterrupt],
  ['softirq', UCD_SNMP_MIB.ssCpuRawSoftIRQ],
  ['steal', UCD_SNMP_MIB.ssCpuRawSteal],
];

const col = (oid: string): number => Number(oid.slice(oid.lastIndexOf('.') + 1));

function byOid(vbs: Varbind[]): Map<string, Varbind> {
  return new Map(vbs.filter((vb) => !vbMissing(vb)).map((vb) => [vb.oid.replace(/^\./, ''), vb]));
}

function parseLoad(t: Map<string, { text?: Varbind; int?: Varbind }>): UcdLoad | undefined {
  const one = (i: string): number | undefined => {
    const r = t.get(i);
    const text = Number.parseFloat(vbString(r?.text));
    if (Number.isFinite(text)) return text;
    const n = vbNumber(r?.int);
    return n === undefined ? undefined : n / 100;
  };
  const [load1, load5, load15] = [one('1'), one('2'), one('3')];
  return load1 !== undefined && load5 !== undefined && load15 !== undefined ? { load1, load5, load15 } : undefined;
}

function parseMemory(m: Map<string, Varbind>): UcdMemory | undefined {
  const kb = (x: string, plain: string): number | undefined => vbNumber(m.get(x)) ?? vbNumber(m.get(plain));
  const total = kb(UCD_SNMP_MIB.memTotalRealX, UCD_SNMP_MIB.memTotalReal);
  const avail = kb(UCD_SNMP_MIB.memAvailRealX, UCD_SNMP_MIB.memAvailReal);
  if (total === undefined || avail === undefined) return undefined;
  const mem: UcdMemory = { totalRealKb: total, availRealKb: avail };
  const optional: [keyof UcdMemory, string, string][] = [
    ['bufferKb', UCD_SNMP_MIB.memBufferX, UCD_SNMP_MIB.memBuffer],
    ['cachedKb', UCD_SNMP_MIB.memCachedX, UCD_SNMP_MIB.memCached],
    ['totalSwapKb', UCD_SNMP_MIB.memTotalSwapX, UCD_SNMP_MIB.memTotalSwap],
    ['availSwapKb', UCD_SNMP_MIB.memAvailSwapX, UCD_SNMP_MIB.memAvailSwap],
  ];
  for (const [key, x, plain] of optional) {
    const v = kb(x, plain);
    if (v !== undefined) mem[key] = v;
  }
  return mem;
}

function parseCpuRaw(m: Map<string, Varbind>): UcdCpuRaw | undefined {
  const raw: UcdCpuRaw = {};
  for (const [key, oid] of CPU_RAW) {
    const v = vbNumber(m.get(oid));
    if (v !== undefined) raw[key] = v;
  }
  return raw.idle !== undefined && raw.user !== undefined ? raw : undefined;
}

export function readUcd(session: SnmpSession): Observable<UcdReading> {
  const la = walkColumns(session, UCD_SNMP_MIB.laEntry, { text: col(UCD_SNMP_MIB.laLoad), int: col(UCD_SNMP_MIB.laLoadInt) });
  return forkJoin([la, session.walk(UCD_SNMP_MIB.memory), session.walk(UCD_SNMP_MIB.systemStats)]).pipe(
    map(([loads, mem, stats]) => {
      const out: UcdReading = {};
      const load = parseLoad(loads);
      if (load) out.load = load;
      const memory = parseMemory(byOid(mem));
      if (memory) out.memory = memory;
      const cpuRaw = parseCpuRaw(byOid(stats));
      if (cpuRaw) out.cpuRaw = cpuRaw;
      return out;
    }),
  );
}
