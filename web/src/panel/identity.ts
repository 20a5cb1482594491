/**
 * The identity and inventory lines of the node panel (no DOM): label/value pairs read from a
 * `TopoNode` — address, site, sysDescr, and the inventory (`attrs.inventory.{model, serial,
 * firmware, software, vendor, hardware}`, or the same keys directly in attrs). Absent fields are left out.
 */
import type { TopoNode } from '../context.js';

export interface Field {
  key: string;
  label: string;
  value: string;
}

/** A displayable value: numbers as is, trimmed non-empty strings other than placeholders such as `<private>`. */
function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' || /^<[^<>]*>$/.test(t) ? undefined : t;
}

/** The inventory value of `key`: the node's inventory first, then its chassis component, then attrs. */
function inventoryValue(attrs: Record<string, unknown>, key: string): string | undefined {
  const inv = attrs.inventory as Record<string, unknown> | undefined;
  if (inv && typeof inv === 'object') {
    const own = text(inv[key]);
    if (own) return own;
    const comps = Array.isArray(inv.components) ? (inv.components as Record<string, unknown>[]) : [];
    for (const c of comps) {
      const v = c && typeof c === 'object' ? text(c[key]) : undefined;
      if (v) return v;
    }
  }
  return text(attrs[key]);
}

export function identityFields(node: TopoNode): Field[] {
  const attrs = node.attrs ?? {};
  const candidates: [string, string, string | undefined][] = [
    ['address', 'Address', text(node.address)],
    ['site', 'Site', text(node.site)],
    ['sysDescr', 'Description', text(attrs.sysDescr)],
    ['vendor', 'Vendor', inventoryValue(attrs, 'vendor')],
    ['model', 'Model', inventoryValue(attrs, 'model')],
    ['serial', 'Serial', inventoryValue(attrs, 'serial')],
    ['firmware', 'Firmware', inventoryValue(attrs, 'firmware')],
    ['software', 'Software', inventoryValue(attrs, 'software')],
    ['hardware', 'Hardware', inventoryValue(attrs, 'hardware')],
    ['sysLocation', 'Location', text(attrs.sysLocation)],
    ['sysContact', 'Contact', text(attrs.sysContact)],
  ];
  return candidates.filter((c): c is [string, string, string] => c[2] !== undefined).map(([key, label, value]) => ({ key, label, value }));
}
