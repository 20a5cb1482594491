/**
 * Agent addresses as users write them: `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6
 * address, and `NAME=HOST:PORT` map entries. Names are resolved to an address before the
 * allow-list is consulted, so the allow-list always judges the address that will be contacted.
 */
import { lookup } from 'node:dns/promises';
import { VigieError, type SnmpV3Security } from '../../plugins/sdk/index.js';
import { normaliseIp } from './cidr.js';
import type { Endpoint } from './types.js';

/** `HOST[:PORT]` → host (unresolved) and port (`defaultPort` when absent). Throws `E_DISCOVERY`. */
export function parseEndpoint(text: string, defaultPort: number): Endpoint {
  const t = text.trim();
  let host = t;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) [, host, port] = bracket;
  else if ((t.match(/:/g) ?? []).length === 1) [host, port] = t.split(':');
  const n = port === undefined ? defaultPort : Number(port);
  if (!host || !/^[\w.:%-]+$/.test(host) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new VigieError('E_DISCOVERY', `"${text}" is not HOST[:PORT] (e.g. 198.18.0.1:16161 or [2001:db8::1]:161)`, { endpoint: text });
  }
  return { host: normaliseIp(host) ?? host, port: n };
}

/** `NAME=HOST[:PORT]` → [name, endpoint]. */
export function parseMapEntry(text: string, defaultPort: number): [string, Endpoint] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new VigieError('E_DISCOVERY', `"${text}" is not NAME=HOST[:PORT] (e.g. sw-02=127.0.0.1:16102)`, { map: text });
  return [text.slice(0, eq).trim(), parseEndpoint(text.slice(eq + 1), defaultPort)];
}

/** The endpoint with its host as an address: a name is resolved (first address). Throws `E_DISCOVERY`. */
export async function resolveEndpoint(e: Endpoint): Promise<Endpoint> {
  const ip = normaliseIp(e.host);
  if (ip) return { host: ip, port: e.port };
  try {
    const { address } = await lookup(e.host);
    return { host: normaliseIp(address) ?? address, port: e.port };
  } catch (err) {
    throw new VigieError('E_DISCOVERY', `cannot resolve ${e.host}: ${(err as Error).message}`, { host: e.host }, { cause: err });
  }
}

/** SNMPv3 options as given on the command line or in the config (level follows from the keys given). */
export interface V3Options {
  user: string;
  level?: SnmpV3Security['level'];
  authProtocol?: SnmpV3Security['authProtocol'];
  authKey?: string;
  privProtocol?: SnmpV3Security['privProtocol'];
  privKey?: string;
}

const AUTH = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const PRIV = ['des', 'aes', 'aes256b', 'aes256r'] as const;

/** USM security from the options: authPriv with both keys, authNoPriv with the auth key, else noAuthNoPriv. */
export function v3Security(o: V3Options): SnmpV3Security {
  if (o.authProtocol && !(AUTH as readonly string[]).includes(o.authProtocol)) {
    throw new VigieError('E_DISCOVERY', `unknown SNMPv3 auth protocol "${o.authProtocol}" (one of ${AUTH.join(', ')})`);
  }
  if (o.privProtocol && !(PRIV as readonly string[]).includes(o.privProtocol)) {
    throw new VigieError('E_DISCOVERY', `unknown SNMPv3 privacy protocol "${o.privProtocol}" (one of ${PRIV.join(', ')})`);
  }
  if (o.privKey && !o.authKey) throw new VigieError('E_DISCOVERY', 'an SNMPv3 privacy key needs an authentication key too');
  const level = o.level ?? (o.privKey ? 'authPriv' : o.authKey ? 'authNoPriv' : 'noAuthNoPriv');
  return {
    user: o.user,
    level,
    ...(o.authKey ? { authProtocol: o.authProtocol ?? 'sha', authKey: o.authKey } : {}),
    ...(o.privKey ? { privProtocol: o.privProtocol ?? 'aes', privKey: o.privKey } : {}),
  };
}
