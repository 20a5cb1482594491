/**
 * CPU, memory and storage of a device over SNMP, from HOST-RESOURCES-MIB (RFC 2790):
 * hrProcessorLoad per processor and hrStorageTable (RAM, virtual memory, disks, …). The UCD-SNMP
 * side (load averages, memory, raw CPU counters) is in `router-ucd.ts`.
 *
 * Contracts (cold observables, one emission then completion; a failing walk fails the read):
 * - `readProcessors(session)`: one row per hrProcessorLoad instance (index = hrDeviceIndex), in
 *   index order; none when the agent gives no load (net-snmp gives none in its first minute).
 * - `readStorage(session)`: one row per hrStorageTable entry that has a size, in index order,
 *   sizes in bytes (allocation units × blocks; Integer32 values the agent overflowed into
 *   negatives are read back as unsigned), `usedPct` when the size is not 0, `class` from
 *   hrStorageType.
 */
import { map, type Observable } from 'rxjs';
import { vbMissing, vbNumber, vbString, type SnmpSession, type Varbind } from '../types.js';
import { walkColumns } from './router-table.js';

/** HOST-RESOURCES-MIB, mib-2.25. */
export const HOST_RESOURCES_MIB = {
  hrMemorySize: '1.3.6.1.2.1.25.2.2.0',
  hrStorageTypes: '1.3.6.1.2.1.25.2.1',
  hrStorageEntry: '1.3.6.1.2.1.25.2.3.1',
  hrStorageType: '1.3.6.1.2.1.25.2.3.1.2',
  hrStorageDescr: '1.3.6.1.2.1.25.2.3.1.3',
  hrStorageAllocationUnits: '1.3.6.1.2.1.25.2.3.1.4',
  hrStorageSize: '1.3.6.1.2.1.25.2.3.1.5',
  hrStorageUsed: '1.3.6.1.2.1.25.2.3.1.6',
  hrProcessorEntry: '1.3.6.1.2.1.25.3.3.1',
  hrProcessorLoad: '1.3.6.1.2.1.25.3.3.1.2',
} as const;

/** hrStorageType values (OBJECT IDENTITIES under hrStorageTypes) and the class each gives. */
export const HR_STORAGE_TYPES = {
  '1.3.6.1.2.1.25.2.1.1': 'other', // hrStorageOther
  '1.3.6.1.2.1.25.2.1.2': 'ram', // hrStorageRam
  '1.3.6.1.2.1.25.2.1.3': 'virtual-memory', // hrStorageVirtualMemory
  '1.3.6.1.2.1.25.2.1.4': 'fixed-disk', // hrStorageFixedDisk
  '1.3.6.1.2.1.25.2.1.5': 'removable-disk', // hrStorageRemovableDisk
  '1.3.6.1.2.1.25.2.1.6': 'removable-disk', // hrStorageFloppyDisk
  '1.3.6.1.2.1.25.2.1.7': 'removable-disk', // hrStorageCompactDisc
  '1.3.6.1.2.1.25.2.1.8': 'ram-disk', // hrStorageRamDisk
  '1.3.6.1.2.1.25.2.1.9': 'flash', // hrStorageFlashMemory
  '1.3.6.1.2.1.25.2.1.10': 'network-disk', // hrStorageNetworkDisk
} as const;

export type StorageClass = (typeof HR_STORAGE_TYPES)[keyof typeof HR_STORAGE_TYPES];

export interface ProcessorRow {
  /** hrDeviceIndex of the processor. */
  index: number;
  /** hrProcessorLoad: % of the last minute the processor was not idle. */
  loadPct: number;
}

export interface StorageRow {
  /** hrStorageIndex. */
  index: number;
  class: StorageClass;
  descr: string;
  /** Bytes per allocation unit. */
  allocationUnit: number;
  totalBytes: number;
  usedBytes: number;
  /** used / total × 100, absent when the size is 0. */
  usedPct?: number;
}

const col = (oid: string): number => Number(oid.slice(oid.lastIndexOf('.') + 1));
const TWO32 = 2 ** 32;

/** The class of an hrStorageType OID (`other` for anything unknown). */
export function storageClass(typeOid: string): StorageClass {
  return (HR_STORAGE_TYPES as Record<string, StorageClass>)[typeOid.replace(/^\./, '')] ?? 'other';
}

/** Integer32 read as unsigned: agents overflow hrStorageSize/Used into negatives on big disks. */
function unsigned(vb: Varbind | undefined): number | undefined {
  const n = vbNumber(vb);
  if (n === undefined) return undefined;
  return n < 0 ? n + TWO32 : n;
}

export function readProcessors(session: SnmpSession): Observable<ProcessorRow[]> {
  return walkColumns(session, HOST_RESOURCES_MIB.hrProcessorEntry, { load: col(HOST_RESOURCES_MIB.hrProcessorLoad) }).pipe(
    map((t) => {
      const out: ProcessorRow[] = [];
      for (const [index, r] of t) {
        const load = vbNumber(r.load);
        if (load !== undefined && /^\d+$/.test(index)) out.push({ index: Number(index), loadPct: load });
      }
      return out;
    }),
  );
}

export function readStorage(session: SnmpSession): Observable<StorageRow[]> {
  const columns = {
    type: col(HOST_RESOURCES_MIB.hrStorageType),
    descr: col(HOST_RESOURCES_MIB.hrStorageDescr),
    units: col(HOST_RESOURCES_MIB.hrStorageAllocationUnits),
    size: col(HOST_RESOURCES_MIB.hrStorageSize),
    used: col(HOST_RESOURCES_MIB.hrStorageUsed),
  };
  return walkColumns(session, HOST_RESOURCES_MIB.hrStorageEntry, columns).pipe(
    map((t) => {
      const out: StorageRow[] = [];
      for (const [index, r] of t) {
        const size = unsigned(r.size);
        if (size === undefined || !/^\d+$/.test(index)) continue;
        const unit = Math.max(1, vbNumber(r.units) ?? 1);
        const used = Math.min(unsigned(r.used) ?? 0, size);
        const typeOid = r.type && !vbMissing(r.type) ? String(r.type.value) : '';
        const row: StorageRow = {
          index: Number(index),
          class: storageClass(typeOid),
          descr: vbString(r.descr).trim() || `storage ${index}`,
          allocationUnit: unit,
          totalBytes: size * unit,
          usedBytes: used * unit,
        };
        if (size > 0) row.usedPct = round2((used / size) * 100);
        out.push(row);
      }
      return out;
    }),
  );
}

/** Two decimals: percentages and loads are not more precise than that. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
