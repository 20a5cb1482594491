/**
 * Which trunk(s) an observed INVITE belongs to.
 *
 * A trunk is configured by `addresses` (`198.51.100.7` = any port of that IP, `198.51.100.7:5080`,
 * `[2001:db8::1]:5060`, `2001:db8::1`) that the INVITE's capture source or destination must be,
 * and/or by `match` regexes on the INVITE's Request-URI, To and From URIs (all given must match).
 * A trunk with both matches when either does.
 *
 * Contract of `resolve(src, dst, invite)`: the matching trunks in configuration order, at most one
 * hit per trunk, each with its *anchor*: the first address entry that matched (so one trunk
 * reached through two of its addresses, e.g. a gateway failover, gives two attempts), or `''` for
 * a regex match (so the two mirrored legs of a proxied call, both matching the regex, are one
 * attempt; listing the capturing proxy's own address makes a catch-all trunk, each call counted on
 * its first leg). Addresses are compared as IP literals (IPv4-mapped IPv6 folded to IPv4); no
 * name is ever resolved.
 * `TrunkMap.compile` throws VigieError E_CONFIG on a malformed address or regex, naming the trunk.
 */
import { isIP } from 'node:net';
import { VigieError } from '../../../plugins/sdk/index.js';
import type { ObservedRequest } from './sip-observed.js';

/** A trunk as configured. */
export interface TrunkRule {
  name: string;
  addresses?: string[];
  match?: { requestUri?: string; to?: string; from?: string };
}

/** One end of a captured packet. */
export interface Endpoint {
  address?: string;
  port?: number;
}

export interface TrunkHit {
  trunk: string;
  anchor: string;
}

interface AddressEntry {
  ip: string;
  port?: number;
  text: string;
}

interface CompiledTrunk {
  name: string;
  addresses: AddressEntry[];
  match?: { requestUri?: RegExp; to?: RegExp; from?: RegExp };
}

/** Canonical text of an IP literal: IPv6 in RFC 5952 form (as the HEP decoder writes it), `::ffff:a.b.c.d` folded to `a.b.c.d`. */
export function canonicalIp(ip: string): string {
  const s = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) return mapped[1];
  if (!s.includes(':')) return s;
  try {
    return new URL(`http://[${s}]/`).hostname.slice(1, -1); // WHATWG URL serialises IPv6 per RFC 5952
  } catch {
    return s;
  }
}

/** Parses `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`; `undefined` when not an IP literal (with port 1..65535). */
export function parseAddressEntry(text: string): AddressEntry | undefined {
  const t = text.trim();
  let ip: string;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(t);
  const v4port = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(t);
  if (bracketed) [ip, port] = [bracketed[1], bracketed[2] === undefined ? undefined : Number(bracketed[2])];
  else if (v4port) [ip, port] = [v4port[1], Number(v4port[2])];
  else ip = t;
  if (isIP(ip) === 0) return undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const canonical = canonicalIp(ip);
  const shown = canonical.includes(':') ? `[${canonical}]` : canonical;
  return { ip: canonical, port, text: port === undefined ? shown : `${shown}:${port}` };
}

function compileRegex(trunk: string, field: string, source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, 'i');
  } catch (e) {
    throw new VigieError('E_CONFIG', `trunk ${trunk}: match.${field} is not a valid regular expression: ${(e as Error).message}`, { trunk, field, value: source });
  }
}

export class TrunkMap {
  private constructor(private readonly trunks: readonly CompiledTrunk[]) {}

  /** Compiles the configured trunks (see the module doc); throws VigieError E_CONFIG. */
  static compile(rules: readonly TrunkRule[]): TrunkMap {
    const seen = new Set<string>();
    const trunks = rules.map((r): CompiledTrunk => {
      if (seen.has(r.name)) throw new VigieError('E_CONFIG', `trunk ${r.name} is configured twice`, { trunk: r.name });
      seen.add(r.name);
      const addresses = (r.addresses ?? []).map((a) => {
        const entry = parseAddressEntry(a);
        if (!entry) throw new VigieError('E_CONFIG', `trunk ${r.name}: "${a}" is not an IP address or IP:port`, { trunk: r.name, value: a });
        return entry;
      });
      const m = r.match;
      const match = m && (m.requestUri !== undefined || m.to !== undefined || m.from !== undefined)
        ? { requestUri: compileRegex(r.name, 'requestUri', m.requestUri), to: compileRegex(r.name, 'to', m.to), from: compileRegex(r.name, 'from', m.from) }
        : undefined;
      if (addresses.length === 0 && !match) {
        throw new VigieError('E_CONFIG', `trunk ${r.name} needs addresses or a match rule`, { trunk: r.name });
      }
      return { name: r.name, addresses, match };
    });
    return new TrunkMap(trunks);
  }

  /** Configured trunk names, in order. */
  get names(): string[] {
    return this.trunks.map((t) => t.name);
  }

  /** Trunks an INVITE seen from `src` to `dst` belongs to (see the module doc). */
  resolve(src: Endpoint, dst: Endpoint, invite: ObservedRequest): TrunkHit[] {
    const hits: TrunkHit[] = [];
    for (const t of this.trunks) {
      const address = t.addresses.find((a) => hitsEndpoint(a, src) || hitsEndpoint(a, dst));
      if (address) hits.push({ trunk: t.name, anchor: address.text });
      else if (t.match && matches(t.match, invite)) hits.push({ trunk: t.name, anchor: '' });
    }
    return hits;
  }
}

function hitsEndpoint(a: AddressEntry, e: Endpoint): boolean {
  if (!e.address || canonicalIp(e.address) !== a.ip) return false;
  return a.port === undefined || a.port === e.port;
}

function matches(m: NonNullable<CompiledTrunk['match']>, invite: ObservedRequest): boolean {
  const test = (re: RegExp | undefined, value: string | undefined): boolean => re === undefined || (value !== undefined && re.test(value));
  return test(m.requestUri, invite.requestUri) && test(m.to, invite.to) && test(m.from, invite.from);
}
