/**
 * IF-MIB ports: what they are (discovery) and their status and counters (every poll), reading
 * only the columns and rows needed.
 *
 * `readPorts(session, opts)` (discovery): walks ifDescr and ifName; names the ports (ifName,
 * else ifDescr, else `if<ifIndex>`; a name two ports share gets ` #<ifIndex>` on all but the
 * lowest ifIndex, so port ids stay unique); keeps those `opts.select` accepts; then reads their
 * type, speed (ifHighSpeed × 10^6, else ifSpeed), MAC, alias and whether they have 64-bit
 * counters (an ifHCInOctets instance of type Counter64). When the selection is at most half of
 * the ports those come by GETs of the selected rows only, else by walking the columns.
 *
 * `readCounters(session, ports, mode)` (every poll): admin/oper status, errors and discards, the
 * traffic counters (the HC columns for ports that have them, the 32-bit ones for the others) and
 * ifCounterDiscontinuityTime; `mode: 'walk'` walks the columns (all ports), `'get'` GETs the
 * rows of `ports` only. Rows that come back for unknown ifIndexes are kept too (the caller may
 * re-discover).
 */
import { Observable, map, mergeMap, of } from 'rxjs';
import type { SnmpSession } from '../types.js';
import { IF_MIB, IF_MIB_X } from './mibs.js';
import { bytes, counter, formatMac, getRows, num, readTables, text, type ColumnReadOptions, type Table } from './table.js';

export interface PortInfo {
  ifIndex: number;
  /** Unique port name on the device (see the module comment). */
  name: string;
  ifName?: string;
  descr?: string;
  alias?: string;
  type?: number;
  /** Bits per second, when the agent tells. */
  speedBps?: number;
  mac?: string;
  /** True when the port has 64-bit (HC) counters. */
  hc: boolean;
}

/** The names of a port (every port of the device, selected or not). */
export type PortName = Pick<PortInfo, 'ifIndex' | 'name' | 'ifName' | 'descr'>;

export interface PortsRead {
  /** The selected ports by ifIndex. */
  ports: Map<number, PortInfo>;
  /** Every port's names by ifIndex (to map LLDP local ports even when few ports are selected). */
  names: Map<number, PortName>;
  /** How many ports the device has in all. */
  total: number;
  /** Whether the selected rows are read by GET (`get`) or by walking columns (`walk`). */
  mode: 'get' | 'walk';
}

export interface ReadPortsOptions extends ColumnReadOptions {
  /** Keeps a port (by its name); all ports when absent. */
  select?: (name: string) => boolean;
}

/** The counters of a poll, by direction and kind. */
export type CounterName =
  | 'inOctets' | 'outOctets' | 'inUcast' | 'outUcast' | 'inMcast' | 'outMcast' | 'inBcast' | 'outBcast'
  | 'inNUcast' | 'outNUcast' | 'inErrors' | 'outErrors' | 'inDiscards' | 'outDiscards';

export interface PortCounters {
  ifIndex: number;
  admin?: number;
  oper?: number;
  /** ifCounterDiscontinuityTime (TimeTicks) when given. */
  discontinuity?: number;
  counters: Partial<Record<CounterName, { value: bigint; bits: 32 | 64 }>>;
}

const X = IF_MIB_X;
const I = IF_MIB;
const DETAIL_X = [X.ifHighSpeed, X.ifAlias, X.ifHCInOctets];
const DETAIL_I = [I.ifType, I.ifSpeed, I.ifPhysAddress];

/** Every poll, whatever the counter width. */
const STATUS_COLUMNS = [I.ifAdminStatus, I.ifOperStatus, I.ifInDiscards, I.ifInErrors, I.ifOutDiscards, I.ifOutErrors];
const HC_COLUMNS = [X.ifHCInOctets, X.ifHCInUcastPkts, X.ifHCInMulticastPkts, X.ifHCInBroadcastPkts, X.ifHCOutOctets, X.ifHCOutUcastPkts, X.ifHCOutMulticastPkts, X.ifHCOutBroadcastPkts, X.ifCounterDiscontinuityTime];
const LOW_COLUMNS = [I.ifInOctets, I.ifInUcastPkts, I.ifInNUcastPkts, I.ifOutOctets, I.ifOutUcastPkts, I.ifOutNUcastPkts];

const IF_COUNTER: Partial<Record<number, CounterName>> = {
  [I.ifInOctets]: 'inOctets', [I.ifInUcastPkts]: 'inUcast', [I.ifInNUcastPkts]: 'inNUcast', [I.ifOutOctets]: 'outOctets',
  [I.ifOutUcastPkts]: 'outUcast', [I.ifOutNUcastPkts]: 'outNUcast', [I.ifInErrors]: 'inErrors', [I.ifOutErrors]: 'outErrors',
  [I.ifInDiscards]: 'inDiscards', [I.ifOutDiscards]: 'outDiscards',
};
const IFX_COUNTER: Partial<Record<number, CounterName>> = {
  [X.ifHCInOctets]: 'inOctets', [X.ifHCInUcastPkts]: 'inUcast', [X.ifHCInMulticastPkts]: 'inMcast', [X.ifHCInBroadcastPkts]: 'inBcast',
  [X.ifHCOutOctets]: 'outOctets', [X.ifHCOutUcastPkts]: 'outUcast', [X.ifHCOutMulticastPkts]: 'outMcast', [X.ifHCOutBroadcastPkts]: 'outBcast',
};

/** Unique names: a repeated name gets ` #<ifIndex>` on all but its lowest ifIndex. */
function nameAll(rows: { ifIndex: number; base: string }[]): Map<number, string> {
  const out = new Map<number, string>();
  const seen = new Set<string>();
  for (const r of [...rows].sort((a, b) => a.ifIndex - b.ifIndex)) {
    const name = seen.has(r.base) ? `${r.base} #${r.ifIndex}` : r.base;
    seen.add(r.base);
    out.set(r.ifIndex, name);
  }
  return out;
}

export function readPorts(session: SnmpSession, opts: ReadPortsOptions = {}): Observable<PortsRead> {
  const names$ = readTables(session, [{ entry: I.ifEntry, columns: [I.ifDescr] }, { entry: X.ifXEntry, columns: [X.ifName] }], opts);
  return names$.pipe(
    mergeMap(([ifTable, ifxTable]) => {
      const indexes = new Set<number>();
      for (const t of [ifTable, ifxTable]) for (const k of t.keys()) if (/^\d+$/.test(k)) indexes.add(Number(k));
      const rows = [...indexes].map((ifIndex) => {
        const ifName = text(ifxTable.get(String(ifIndex))?.get(X.ifName)) || undefined;
        const descr = text(ifTable.get(String(ifIndex))?.get(I.ifDescr)) || undefined;
        return { ifIndex, ifName, descr, base: ifName ?? descr ?? `if${ifIndex}` };
      });
      const names = nameAll(rows);
      const chosen = rows.filter((r) => !opts.select || opts.select(names.get(r.ifIndex)!));
      const total = rows.length;
      const mode: PortsRead['mode'] = opts.select && chosen.length <= total / 2 ? 'get' : 'walk';
      const selected = chosen.map((r) => String(r.ifIndex));
      const specs = [
        { entry: I.ifEntry, columns: DETAIL_I, indexes: selected },
        { entry: X.ifXEntry, columns: DETAIL_X, indexes: selected },
      ];
      const details$ = chosen.length === 0 ? of([new Map(), new Map()] as Table[]) : mode === 'get' ? getRows(session, specs) : readTables(session, specs, opts);
      const all = new Map<number, PortName>(rows.map((r) => [r.ifIndex, { ifIndex: r.ifIndex, name: names.get(r.ifIndex)!, ifName: r.ifName, descr: r.descr }]));
      return details$.pipe(map(([it, xt]): PortsRead => ({ ports: portInfos(chosen, names, it, xt), names: all, total, mode })));
    }),
  );
}

function portInfos(rows: { ifIndex: number; ifName?: string; descr?: string }[], names: Map<number, string>, it: Table, xt: Table): Map<number, PortInfo> {
  const ports = new Map<number, PortInfo>();
  for (const r of rows) {
    const a = it.get(String(r.ifIndex));
    const b = xt.get(String(r.ifIndex));
    const high = num(b?.get(X.ifHighSpeed));
    const low = num(a?.get(I.ifSpeed));
    const speedBps = high && high > 0 ? high * 1e6 : low && low > 0 && low < 0xffffffff ? low : undefined;
    const p: PortInfo = { ifIndex: r.ifIndex, name: names.get(r.ifIndex)!, hc: b?.get(X.ifHCInOctets)?.type === 'Counter64' };
    if (r.ifName) p.ifName = r.ifName;
    if (r.descr) p.descr = r.descr;
    const alias = text(b?.get(X.ifAlias));
    if (alias) p.alias = alias;
    const type = num(a?.get(I.ifType));
    if (type !== undefined) p.type = type;
    if (speedBps !== undefined) p.speedBps = speedBps;
    const macBytes = bytes(a?.get(I.ifPhysAddress));
    const mac = macBytes && macBytes.length > 0 ? formatMac(macBytes) : undefined;
    if (mac && mac !== '00:00:00:00:00:00') p.mac = mac;
    ports.set(r.ifIndex, p);
  }
  return ports;
}

/** The columns a counters poll reads for these ports. */
function columnsFor(ports: Iterable<PortInfo>): { ifCols: number[]; ifxCols: number[] } {
  let hc = false;
  let low = false;
  for (const p of ports) {
    if (p.hc) hc = true;
    else low = true;
  }
  return { ifCols: low ? [...STATUS_COLUMNS, ...LOW_COLUMNS] : STATUS_COLUMNS, ifxCols: hc ? HC_COLUMNS : [] };
}

export function readCounters(session: SnmpSession, ports: ReadonlyMap<number, PortInfo>, mode: 'get' | 'walk', opts: ColumnReadOptions = {}): Observable<Map<number, PortCounters>> {
  const { ifCols, ifxCols } = columnsFor(ports.values());
  const specs = [
    { entry: I.ifEntry, columns: ifCols, indexes: [...ports.keys()].map(String) },
    { entry: X.ifXEntry, columns: ifxCols, indexes: [...ports.values()].filter((p) => p.hc).map((p) => String(p.ifIndex)) },
  ];
  const read$ = mode === 'get' ? getRows(session, specs) : readTables(session, specs, opts);
  return read$.pipe(map(([it, xt]) => countersOf(it, xt, ports)));
}

function countersOf(it: Table, xt: Table, ports: ReadonlyMap<number, PortInfo>): Map<number, PortCounters> {
  const out = new Map<number, PortCounters>();
  const entry = (index: string): PortCounters | undefined => {
    if (!/^\d+$/.test(index)) return undefined;
    const ifIndex = Number(index);
    let c = out.get(ifIndex);
    if (!c) out.set(ifIndex, (c = { ifIndex, counters: {} }));
    return c;
  };
  for (const [index, row] of it) {
    const c = entry(index);
    if (!c) continue;
    c.admin = num(row.get(I.ifAdminStatus));
    c.oper = num(row.get(I.ifOperStatus));
    const hc = ports.get(c.ifIndex)?.hc ?? false;
    for (const [col, vb] of row) {
      const name = IF_COUNTER[col];
      const v = counter(vb);
      // A port with HC counters takes its traffic counters from ifXTable only.
      if (!name || !v || (hc && ['inOctets', 'outOctets', 'inUcast', 'outUcast', 'inNUcast', 'outNUcast'].includes(name))) continue;
      c.counters[name] = v;
    }
  }
  for (const [index, row] of xt) {
    const c = entry(index);
    if (!c) continue;
    const disc = num(row.get(X.ifCounterDiscontinuityTime));
    if (disc !== undefined) c.discontinuity = disc;
    for (const [col, vb] of row) {
      const name = IFX_COUNTER[col];
      const v = counter(vb);
      if (name && v) c.counters[name] = v;
    }
  }
  for (const c of out.values()) if (c.admin === undefined) delete c.admin;
  for (const c of out.values()) if (c.oper === undefined) delete c.oper;
  return out;
}
