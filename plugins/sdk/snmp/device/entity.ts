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
 */
import { Observable, map } from 'rxjs';
import type { SnmpSession } from '../types.js';
import { ENTITY_MIB as E, ENT_PHYSICAL_CLASS } from './mibs.js';
import { num, readTable, text, type ColumnReadOptions, type Row } from './table.js';

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

function itemOf(index: number, row: Row): InventoryItem {
  const item: InventoryItem = { index, class: ENT_PHYSICAL_CLASS[num(row.get(E.entPhysicalClass)) ?? 2] ?? 'unknown' };
  const put = (k: keyof InventoryItem, col: number): void => {
    const v = text(row.get(col));
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
