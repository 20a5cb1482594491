/**
 * `ResourceMetrics`: turns HOST-RESOURCES-MIB and UCD-SNMP-MIB readings of one device into node
 * metrics. Stateful only for the raw CPU counters (their rates need two polls).
 *
 * Contract of `observe(node, at, reading)`; every part of the reading is optional and each
 * metric is emitted only when its inputs are there:
 * - `cpu.load_pct`: the average of hrProcessorLoad, and `cpu.load_pct.<n>` per processor
 *   (`n` = 0, 1, … in hrDeviceIndex order). Without hrProcessorLoad, `cpu.load_pct` is the busy
 *   share of the UCD ssCpuRaw counters between this poll and the previous one. When those
 *   counters moved, `cpu.user_pct`, `cpu.system_pct` and `cpu.iowait_pct` too;
 * - `mem.total_bytes`, `mem.used_bytes`, `mem.used_pct`: from UCD (used = total − available −
 *   buffers − cached), else from hrStorage's RAM row (minus net-snmp's "Memory buffers" and
 *   "Cached memory" rows when present); `swap.*` likewise from UCD when the device has swap;
 * - per fixed disk (hrStorageFixedDisk): `storage.used_pct.<name>`, `storage.used_bytes.<name>`,
 *   `storage.total_bytes.<name>`, `name` = `storageMetricName(hrStorageDescr)` (unique per poll:
 *   a clash gets `_<hrStorageIndex>`);
 * - `load.1`, `load.5`, `load.15`: UCD laLoad.
 */
import { CounterRate } from '../../rate.js';
import type { EntityId, MetricObservation } from '../../observation.js';
import { round2, type ProcessorRow, type StorageRow } from './resources.js';
import type { UcdCpuRaw, UcdReading } from './router-ucd.js';

export interface ResourceReading {
  processors?: ProcessorRow[];
  storage?: StorageRow[];
  ucd?: UcdReading;
  /** sysUpTime (hundredths), to tell a restart from a counter wrap. */
  uptime?: number;
}

/** A metric-name part from hrStorageDescr: `/` → `root`, `/var/log` → `var_log`, `C:\ Label:…` → `c`. */
export function storageMetricName(descr: string): string {
  const s = descr.trim();
  if (s === '/') return 'root';
  const name = s
    .replace(/\s+Label:.*$/i, '')
    .replace(/^\/+/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return name || 'unnamed';
}

const NET_SNMP_BUFFERS = /^memory buffers$/i;
const NET_SNMP_CACHED = /^cached memory$/i;

export class ResourceMetrics {
  private readonly cpu = new Map<keyof UcdCpuRaw, CounterRate>();

  observe(node: EntityId, at: number, r: ResourceReading): MetricObservation[] {
    const out: MetricObservation[] = [];
    const metric = (name: string, value: number): void => {
      if (Number.isFinite(value)) out.push({ kind: 'metric', at, entity: node, name, value });
    };
    const raw = r.ucd?.cpuRaw ? this.cpuShares(r.ucd.cpuRaw, at, r.uptime) : undefined;
    const procs = [...(r.processors ?? [])].sort((a, b) => a.index - b.index);
    if (procs.length > 0) {
      metric('cpu.load_pct', round2(procs.reduce((s, p) => s + p.loadPct, 0) / procs.length));
      procs.forEach((p, i) => metric(`cpu.load_pct.${i}`, p.loadPct));
    } else if (raw) {
      metric('cpu.load_pct', raw.busy);
    }
    if (raw) {
      metric('cpu.user_pct', raw.user);
      metric('cpu.system_pct', raw.system);
      metric('cpu.iowait_pct', raw.iowait);
    }
    const mem = memoryOf(r);
    if (mem) {
      metric('mem.total_bytes', mem.total);
      metric('mem.used_bytes', mem.used);
      if (mem.total > 0) metric('mem.used_pct', round2((mem.used / mem.total) * 100));
    }
    const m = r.ucd?.memory;
    if (m?.totalSwapKb && m.availSwapKb !== undefined) {
      const total = m.totalSwapKb * 1024;
      const used = Math.max(0, total - m.availSwapKb * 1024);
      metric('swap.total_bytes', total);
      metric('swap.used_bytes', used);
      metric('swap.used_pct', round2((used / total) * 100));
    }
    const names = new Set<string>();
    for (const s of r.storage ?? []) {
      if (s.class !== 'fixed-disk') continue;
      let name = storageMetricName(s.descr);
      if (names.has(name)) name = `${name}_${s.index}`;
      names.add(name);
      if (s.usedPct !== undefined) metric(`storage.used_pct.${name}`, s.usedPct);
      metric(`storage.used_bytes.${name}`, s.usedBytes);
      metric(`storage.total_bytes.${name}`, s.totalBytes);
    }
    const load = r.ucd?.load;
    if (load) {
      metric('load.1', load.load1);
      metric('load.5', load.load5);
      metric('load.15', load.load15);
    }
    return out;
  }

  /** Shares (%) of CPU time since the previous poll, from the ssCpuRaw counters' rates. */
  private cpuShares(raw: UcdCpuRaw, at: number, uptime?: number): { busy: number; user: number; system: number; iowait: number } | undefined {
    const rates: Partial<Record<keyof UcdCpuRaw, number>> = {};
    for (const key of Object.keys(raw) as (keyof UcdCpuRaw)[]) {
      let r = this.cpu.get(key);
      if (!r) this.cpu.set(key, (r = new CounterRate({ bits: 32 })));
      const v = r.update({ value: BigInt(raw[key] ?? 0), at, uptime });
      if (v !== undefined) rates[key] = v;
    }
    // ssCpuRawSystem already holds interrupt and softirq time on Linux; kernel is a subset of it.
    const user = (rates.user ?? 0) + (rates.nice ?? 0);
    const system = rates.system ?? 0;
    const steal = rates.steal ?? 0;
    const wait = rates.wait ?? 0;
    const idle = rates.idle;
    if (idle === undefined || rates.user === undefined) return undefined;
    const total = user + system + steal + wait + idle;
    if (!(total > 0)) return undefined;
    const pct = (x: number): number => round2((x / total) * 100);
    return { busy: pct(user + system + steal), user: pct(user), system: pct(system), iowait: pct(wait) };
  }
}

/** Memory totals in bytes, from UCD when given, else from hrStorage's RAM row. */
function memoryOf(r: ResourceReading): { total: number; used: number } | undefined {
  const m = r.ucd?.memory;
  if (m && m.totalRealKb > 0) {
    const free = m.availRealKb + (m.bufferKb ?? 0) + (m.cachedKb ?? 0);
    return { total: m.totalRealKb * 1024, used: Math.max(0, (m.totalRealKb - free) * 1024) };
  }
  const storage = r.storage ?? [];
  const ram = storage.find((s) => s.class === 'ram' && /physical/i.test(s.descr)) ?? storage.find((s) => s.class === 'ram');
  if (!ram || ram.totalBytes <= 0) return undefined;
  const other = storage.filter((s) => s.class === 'other');
  const cache = other.filter((s) => NET_SNMP_BUFFERS.test(s.descr) || NET_SNMP_CACHED.test(s.descr)).reduce((sum, s) => sum + s.usedBytes, 0);
  return { total: ram.totalBytes, used: Math.max(0, ram.usedBytes - cache) };
}
