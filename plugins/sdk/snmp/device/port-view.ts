/**
 * How a port shows on the map: its topology facts, its raw state, and the port selection.
 *
 * Port state rule (`portState`), from IF-MIB ifAdminStatus/ifOperStatus:
 * | admin | oper | state | reason |
 * | --- | --- | --- | --- |
 * | any | up(1) | `up` | |
 * | down(2) | not up | `unknown` | `administratively down` (the port facts carry `adminDown: true`; no alarm) |
 * | up(1) or unknown | down(2), lowerLayerDown(7) | `down` | `oper status down` / `lowerLayerDown` |
 * | up(1) or unknown | testing(3), unknown(4), dormant(5), notPresent(6) | `unknown` | `oper status <name>` |
 * A port whose agent gives no oper status gets no state observation.
 *
 * Port selection (`portSelector(patterns)`): glob patterns on the port name, case-insensitive,
 * `*` any run of characters, `?` one; a pattern starting with `!` excludes. A port is selected
 * when it matches a positive pattern (or there is none) and no negative one. No patterns: all.
 */
import type { PortFacts, RawState } from '../../observation.js';
import type { PortInfo } from './interfaces.js';

const ADMIN = ['', 'up', 'down', 'testing'];
const OPER = ['', 'up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown'];

export function statusName(table: 'admin' | 'oper', v: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return (table === 'admin' ? ADMIN : OPER)[v] || `status-${v}`;
}

export function portState(admin: number | undefined, oper: number | undefined): { state: RawState; reason?: string } | undefined {
  if (oper === undefined) return undefined;
  if (oper === 1) return { state: 'up' };
  if (admin === 2) return { state: 'unknown', reason: 'administratively down' };
  if (oper === 2) return { state: 'down', reason: 'oper status down' };
  if (oper === 7) return { state: 'down', reason: 'oper status lowerLayerDown' };
  return { state: 'unknown', reason: `oper status ${statusName('oper', oper)}` };
}

/** What a poll knows of a port beyond its names. */
export interface PortStatus {
  admin?: number;
  oper?: number;
  /** MACs learnt behind the port (FDB), when read. */
  fdb?: string[];
}

/** Largest FDB list kept in a port's attrs. */
export const FDB_LIST_CAP = 256;

export function portFacts(node: string, p: PortInfo, s: PortStatus): PortFacts {
  const attrs: Record<string, unknown> = { ifIndex: p.ifIndex };
  if (p.ifName !== undefined) attrs.ifName = p.ifName;
  if (p.descr !== undefined) attrs.descr = p.descr;
  if (p.alias !== undefined) attrs.alias = p.alias;
  if (p.type !== undefined) attrs.type = p.type;
  if (p.speedBps !== undefined) attrs.speed = p.speedBps;
  if (p.mac !== undefined) attrs.mac = p.mac;
  attrs.hc = p.hc;
  const admin = statusName('admin', s.admin);
  const oper = statusName('oper', s.oper);
  if (admin) attrs.adminStatus = admin;
  if (oper) attrs.operStatus = oper;
  attrs.adminDown = s.admin === 2;
  if (s.fdb) {
    attrs.macs = s.fdb.length;
    attrs.fdb = s.fdb.slice(0, FDB_LIST_CAP);
    attrs.fdbTruncated = s.fdb.length > FDB_LIST_CAP;
  }
  return { node, name: p.name, attrs };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The selection function of `ports:` patterns, or undefined when every port is selected. */
export function portSelector(patterns: readonly string[] | undefined): ((name: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name));
}
