/**
 * Which trunk an RTCP-XR report belongs to. Contract of `trunkMatcher(rules, defaultTrunk)`: the
 * first rule (in configuration order) any of whose criteria matches wins; none → `defaultTrunk`.
 * - `addresses`: an `IP` or `IP:PORT` (`[v6]:PORT`) equal to the PUBLISH's source, the report's
 *   LocalAddr (the phone's media) or its RemoteAddr (the far media end, e.g. a trunk's SBC);
 *   IPv4-mapped IPv6 (`::ffff:192.0.2.1`) reads as IPv4.
 * - `domains`: the host of the remote party's URI (RemoteID) is the domain or under it.
 * - `prefixes`: the remote party's user part (RemoteID, `sip:`/`sips:`/`tel:`) starts with the
 *   prefix, visual separators (`-`, `.`, space, brackets) ignored on both sides.
 * Pure.
 */
import type { TrunkRule } from './collector-schema.js';

/** What a report says about its parties. */
export interface ReportParties {
  /** The UDP source of the PUBLISH. */
  source?: { address: string; port?: number };
  localAddr?: { ip?: string; port?: number };
  remoteAddr?: { ip?: string; port?: number };
  /** RemoteID as written (`Bill <sip:bill@example.net>`). */
  remoteId?: string;
}

function normalIp(ip: string): string {
  const s = ip.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  return mapped ? mapped[1] : s;
}

/** The keys an address is matched by: `ip` and, with a port, `ip:port` (`[v6]:port`). */
function addressKeys(ip: string | undefined, port: number | undefined): string[] {
  if (!ip) return [];
  const n = normalIp(ip);
  if (port === undefined) return [n];
  return [n, n.includes(':') ? `[${n}]:${port}` : `${n}:${port}`];
}

/** A configured address as a key: `IP`, `IP:PORT` or `[v6]:PORT`. */
function configKey(address: string): string {
  const a = address.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(a);
  if (v6) return `[${normalIp(v6[1])}]:${v6[2]}`;
  const v4 = /^([^:]+):(\d+)$/.exec(a);
  if (v4) return `${normalIp(v4[1])}:${v4[2]}`;
  return normalIp(a);
}

/** The URI inside a name-addr (`"Bill" <sip:bill@example.net>;tag=x`) or the bare URI. */
function uriOf(id: string): string {
  const angle = /<([^>]*)>/.exec(id);
  return (angle ? angle[1] : id.trim().split(/[\s;]/)[0]).trim();
}

/** User and host of a `sip:`/`sips:`/`tel:` URI. */
export function partyOf(id: string | undefined): { user?: string; host?: string } {
  if (!id) return {};
  const uri = uriOf(id);
  const tel = /^tel:([^;?]+)/i.exec(uri);
  if (tel) return { user: tel[1] };
  const sip = /^sips?:(?:([^@;?]+)@)?(\[[^\]]+\]|[^:;?>]+)/i.exec(uri);
  if (!sip) return {};
  const user = sip[1]?.split(':')[0];
  return { ...(user ? { user: decodeURIComponentSafe(user) } : {}), host: sip[2].toLowerCase().replace(/^\[|\]$/g, '') };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const digitsOnly = (s: string): string => s.replace(/[\s\-.()]/g, '');

export function trunkMatcher(rules: readonly TrunkRule[], defaultTrunk: string): (parties: ReportParties) => string {
  const compiled = rules.map((r) => ({
    name: r.name,
    addresses: new Set((r.match.addresses ?? []).map(configKey)),
    domains: (r.match.domains ?? []).map((d) => d.trim().toLowerCase().replace(/^\.+|\.+$/g, '')).filter((d) => d !== ''),
    prefixes: (r.match.prefixes ?? []).map(digitsOnly).filter((p) => p !== ''),
  }));
  return (p) => {
    const keys = [
      ...addressKeys(p.source?.address, p.source?.port),
      ...addressKeys(p.localAddr?.ip, p.localAddr?.port),
      ...addressKeys(p.remoteAddr?.ip, p.remoteAddr?.port),
    ];
    const remote = partyOf(p.remoteId);
    const user = remote.user === undefined ? undefined : digitsOnly(remote.user);
    for (const r of compiled) {
      if (keys.some((k) => r.addresses.has(k))) return r.name;
      if (remote.host && r.domains.some((d) => remote.host === d || remote.host!.endsWith(`.${d}`))) return r.name;
      if (user && r.prefixes.some((pre) => user.startsWith(pre))) return r.name;
    }
    return defaultTrunk;
  };
}
