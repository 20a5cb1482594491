/**
 * The target of a `sip-rtcpxr` instance: where the RTCP-XR collector listens, how reports are
 * mapped to trunks, the E-model codec table and the limits. `resolveRtcpXrTarget` applies the
 * defaults in code too, so an instance behaves the same whether or not the host filled them in.
 */
import { isIP } from 'node:net';
import { Type, VigieError, type Static } from '../../../plugins/sdk/index.js';
import { CodecProfileSchema } from '../quality/codecs.js';

/** `IP:PORT`, IPv6 in brackets (`[::1]:5065`); an IP literal, never a name (no DNS lookup to bind). */
export const LISTEN_PATTERN = '^((?:[0-9]{1,3}\\.){3}[0-9]{1,3}|\\[[0-9a-fA-F:.]+\\]):[0-9]{1,5}$';

const TrunkRuleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'trunk name (entity trunk:<name>), as the sip-trunk instance names it' }),
    match: Type.Object(
      {
        addresses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
          description: 'IP or IP:PORT ([v6]:PORT) of the reporting phone (PUBLISH source, LocalAddr) or of the remote media (RemoteAddr)',
        })),
        domains: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'host of the remote party (RemoteID URI), or a parent domain of it' })),
        prefixes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'start of the remote party\'s number (RemoteID user part, separators ignored)' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);


export const SipRtcpXrTargetSchema = Type.Object(
  {
    listen: Type.Optional(Type.String({ pattern: LISTEN_PATTERN, default: '127.0.0.1:5065', description: 'UDP IP:PORT ([IPv6]:PORT) the collector listens on (0.0.0.0:5065 for every interface)' })),
    trunks: Type.Optional(Type.Array(TrunkRuleSchema, { description: 'trunk rules, first match wins; a report no rule matches goes to defaultTrunk' })),
    defaultTrunk: Type.Optional(Type.String({ minLength: 1, description: 'trunk of unmatched reports; default the instance name' })),
    codecs: Type.Optional(Type.Array(CodecProfileSchema, { description: 'codec profiles added to (or replacing) the E-model defaults G.711, G.729, G.722' })),
    maxMessageBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 65507, default: 16384, description: 'larger datagrams are answered 413 (or dropped when their headers do not parse)' })),
    maxExpiresS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, default: 3600, description: 'largest Expires granted to a PUBLISH (RFC 3903); the default when it asks for none' })),
    duplicateWindowS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400, default: 600, description: 'a report body seen again within this window is answered but not counted again' })),
  },
  { additionalProperties: false },
);

export type SipRtcpXrTarget = Static<typeof SipRtcpXrTargetSchema>;
export type TrunkRule = Static<typeof TrunkRuleSchema>;
export type CodecConfig = Static<typeof CodecProfileSchema>;

/** The target with every default applied. */
export interface ResolvedRtcpXrTarget {
  host: string;
  port: number;
  trunks: TrunkRule[];
  defaultTrunk: string;
  codecs: CodecConfig[];
  maxMessageBytes: number;
  maxExpiresS: number;
  duplicateWindowMs: number;
}

/** `IP:PORT` → parts; throws `E_CONFIG` on anything else (port 0 is allowed: any free port, for tests). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = new RegExp(LISTEN_PATTERN).exec(listen.trim());
  const host = m ? m[1].replace(/^\[|\]$/g, '') : '';
  const port = m ? Number(listen.trim().slice(listen.trim().lastIndexOf(':') + 1)) : NaN;
  if (!m || isIP(host) === 0 || !(port >= 0 && port <= 65535)) {
    throw new VigieError('E_CONFIG', `listen must be IP:PORT ([IPv6]:PORT), got ${JSON.stringify(listen)}`, { value: listen });
  }
  return { host, port };
}

export function resolveRtcpXrTarget(t: SipRtcpXrTarget, instanceName: string): ResolvedRtcpXrTarget {
  const { host, port } = parseListen(t.listen ?? '127.0.0.1:5065');
  return {
    host,
    port,
    trunks: t.trunks ?? [],
    defaultTrunk: t.defaultTrunk ?? instanceName,
    codecs: t.codecs ?? [],
    maxMessageBytes: t.maxMessageBytes ?? 16384,
    maxExpiresS: t.maxExpiresS ?? 3600,
    duplicateWindowMs: (t.duplicateWindowS ?? 600) * 1000,
  };
}
