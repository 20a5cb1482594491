/**
 * ENTITY-MIB inventory: `readInventory(session, opts)` reads entPhysicalTable (descr, contained
 * in, class, name, hardware/firmware/software revisions, serial, manufacturer, model; only those
 * columns) and summarises it.
 *
 * Contract: `undefined` when the table is empty; otherwise an `Inventory` whose top fields
 * describe the chassis: the entPhysicalClass chassis(3) entry that is not contained in another
 * (else the lowest-numbered chassis, else the lowest-numbered entry), with `model`
 * (entPhysicalModelName, else entPhysicalName, else entPhysicalDescr), `serial`, `firmware`
 * (entPhysicalFirmwareRev), `software` (entPhysicalSoftwareRev), `hardware`
 * (entPhysicalHardwareRev), `vendor` (entPhysicalMfgName), `description` — empty strings left
 * out. `components` lists the chassis, stack, module, power supply, fan and CPU entries (not
 * ports, sensors, containers or backplanes) in index order, capped at `maxComponents` (default
 * 64; `componentsTotal` gives the uncapped count). A stack shows as several chassis components.
 *
 * Every text column goes through `entityText`: some agents (EdgeOS) pad their strings with NULs
 * and append a hex dump of the buffer; the value is cut at the first NUL, trimmed, and dropped
 * when what is left is not printable text (invalid UTF-8, or control characters other than
 * tab, CR and LF), so no binary junk reaches the node's `attrs.inventory`.
 */
import { Observable, map } from 'rxjs';
import type { SnmpSession, Varbind } from '../types.js';
import { vbMissing } from '../types.js';
import { ENTITY_MIB as E, ENT_PHYSICAL_CLASS } from './mibs.js';
import { num, readTable, type ColumnReadOptions, type Row } from './table.js';

export interface InventoryItem {
  index: number;
  class: string;
  name?: string;
  model?: string;
  serial?: string;
  hardware?: string;
  firmware?: string;
  software?: string;
  vendor?: string;
  description?: string;
}

export interface Inventory extends Omit<InventoryItem, 'index' | 'class' | 'name'> {
  components: InventoryItem[];
  componentsTotal: number;
}

export interface ReadInventoryOptions extends ColumnReadOptions {
  maxComponents?: number;
}

const CHASSIS = 3;
const LISTED = new Set(['chassis', 'stack', 'module', 'powerSupply', 'fan', 'cpu']);
const COLUMNS = [
  E.entPhysicalDescr, E.entPhysicalContainedIn, E.entPhysicalClass, E.entPhysicalName, E.entPhysicalHardwareRev,
  E.entPhysicalFirmwareRev, E.entPhysicalSoftwareRev, E.entPhysicalSerialNum, E.entPhysicalMfgName, E.entPhysicalModelName,
];

/** True when `s` has a control character other than tab, LF and CR (C0, DEL, C1). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/**
 * The text of an ENTITY-MIB string column: cut at the first NUL, trimmed; undefined when absent,
 * empty, or not printable text (bytes that are not valid UTF-8, control characters other than
 * tab/CR/LF). Numbers are given as text.
 */
export function entityText(vb: Varbind | undefined): string | undefined {
  if (!vb || vbMissing(vb) || vb.value === null) return undefined;
  let s: string;
  if (Buffer.isBuffer(vb.value)) {
    const nul = vb.value.indexOf(0);
    const raw = nul >= 0 ? vb.value.subarray(0, nul) : vb.value;
    s = raw.toString('utf8');
    // Invalid UTF-8 decodes to U+FFFD and does not round-trip: binary, not text.
    if (!Buffer.from(s, 'utf8').equals(raw)) return undefined;
  } else {
    s = String(vb.value);
    const nul = s.indexOf('\0');
    if (nul >= 0) s = s.slice(0, nul);
  }
  s = s.trim();
  return s && !hasControl(s) ? s : undefined;
}

function itemOf(index: number, row: Row): InventoryItem {
  const item: InventoryItem = { index, class: ENT_PHYSICAL_CLASS[num(row.get(E.entPhysicalClass)) ?? 2] ?? 'unknown' };
  const put = (k: keyof InventoryItem, col: number): void => {
    const v = entityText(row.get(col));
    if (v) (item as unknown as Record<string, string>)[k] = v;
  };
  put('name', E.entPhysicalName);
  put('model', E.entPhysicalModelName);
  put('serial', E.entPhysicalSerialNum);
  put('hardware', E.entPhysicalHardwareRev);
  put('firmware', E.entPhysicalFirmwareRev);
  put('software', E.entPhysicalSoftwareRev);
  put('vendor', E.entPhysicalMfgName);
  put('description', E.entPhysicalDescr);
  return item;
}

export function readInventory(session: SnmpSession, opts: ReadInventoryOptions = {}): Observable<Inventory | undefined> {
  const max = Math.max(0, opts.maxComponents ?? 64);
  return readTable(session, E.entPhysicalEntry, COLUMNS, opts).pipe(
    map((table) => {
      const rows = [...table]
        .filter(([index]) => /^\d+$/.test(index))
        .map(([index, row]) => ({ index: Number(index), row }))
        .sort((a, b) => a.index - b.index);
      if (rows.length === 0) return undefined;
      const chassis = rows.filter((r) => num(r.row.get(E.entPhysicalClass)) === CHASSIS);
      const top = chassis.find((r) => (num(r.row.get(E.entPhysicalContainedIn)) ?? 0) === 0) ?? chassis[0] ?? rows[0];
      const main = itemOf(top.index, top.row);
      const listed = rows.map((r) => itemOf(r.index, r.row)).filter((i) => LISTED.has(i.class));
      const inv: Inventory = { components: listed.slice(0, max), componentsTotal: listed.length };
      const model = main.model ?? main.name ?? main.description;
      if (model) inv.model = model;
      for (const k of ['serial', 'firmware', 'software', 'hardware', 'vendor', 'description'] as const) {
        if (main[k]) inv[k] = main[k];
      }
      return inv;
    }),
  );
}
