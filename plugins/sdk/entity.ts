/**
 * Stable entity ids. Ids derive from identity (sysName, chassis id, serial, a configured name),
 * never from an address alone: a device reached through two addresses stays one node, and a
 * device whose address changes keeps its history.
 */
import type { EntityId, LinkEnd } from './observation.js';
import { VigieError } from './errors.js';

/** Lower-case, trims, and replaces characters that would break the id grammar (`/`, spaces, `--`). */
export function normaliseIdentity(raw: string): string {
  const s = raw.trim().toLowerCase().replace(/\s+/g, '-').replace(/\//g, '_').replace(/-{2,}/g, '-');
  if (!s) throw new VigieError('E_ENTITY_ID', 'an entity identity cannot be empty');
  return s;
}

/** `node:<identity>`; pass the best identity you have: sysName, else chassis id, else serial. */
export function nodeId(identity: string): EntityId {
  return `node:${normaliseIdentity(identity)}`;
}

/** `port:<node identity>/<ifName>`; the port name keeps its case (`GigabitEthernet1/0/1`). */
export function portId(node: EntityId, ifName: string): EntityId {
  const n = node.startsWith('node:') ? node.slice(5) : normaliseIdentity(node);
  const name = ifName.trim();
  if (!name) throw new VigieError('E_ENTITY_ID', `empty port name on ${node}`);
  return `port:${n}/${name}`;
}

/** The node id a port id belongs to. */
export function nodeOfPort(port: EntityId): EntityId {
  const m = /^port:([^/]+)\//.exec(port);
  if (!m) throw new VigieError('E_ENTITY_ID', `not a port id: ${port}`);
  return `node:${m[1]}`;
}

/** `link:<a>--<b>` with the two ends in a canonical order, so both sides of a link agree. */
export function linkId(a: LinkEnd, b: LinkEnd): EntityId {
  const ea = a.port ?? a.node;
  const eb = b.port ?? b.node;
  const [x, y] = ea <= eb ? [ea, eb] : [eb, ea];
  return `link:${x}--${y}`;
}

export function trunkId(name: string): EntityId {
  return `trunk:${normaliseIdentity(name)}`;
}

export function roomId(name: string): EntityId {
  return `room:${normaliseIdentity(name)}`;
}

export function dbId(cluster: string, member: string): EntityId {
  return `db:${normaliseIdentity(cluster)}/${normaliseIdentity(member)}`;
}

/** The prefix of an entity id: `node`, `port`, `link`, `trunk`, `room`, `db`, `probe`. */
export function entityType(id: EntityId): string {
  const i = id.indexOf(':');
  return i < 0 ? 'unknown' : id.slice(0, i);
}
