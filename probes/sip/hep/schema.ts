/**
 * The target of a `sip-hep` instance (a HEPv3 collector): where it listens, the optional auth key,
 * the trunks calls are mapped to, and the bounds of call tracking. `resolveHepTarget` applies the
 * defaults in code too (so an instance behaves the same whether or not the host filled them in)
 * and checks the listen address (VigieError E_HEP_LISTEN); trunk addresses and regexes are
 * checked by `TrunkMap.compile` (calls/trunk-map.ts, E_CONFIG).
 *
 * Secret: `authKey` is never logged nor put in observations or errors.
 */
import { isIP } from 'node:net';
import { Type, VigieError, type Static } from '../../../plugins/sdk/index.js';
import { DEFAULT_MAX_HEP_PAYLOAD } from './decode.js';
import { CodecProfileSchema } from '../quality/codecs.js';

const TrunkSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'trunk name (entity trunk:<name>), as the sip-trunk probe names it' }),
    addresses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      description: 'IP or IP:port ([v6]:port) the trunk sends from or receives at, matched against the HEP source and destination',
    })),
    match: Type.Optional(Type.Object(
      {
        requestUri: Type.Optional(Type.String({ description: 'regex (case-insensitive) on the INVITE Request-URI, e.g. ^sip:\\+33' })),
        to: Type.Optional(Type.String({ description: 'regex on the To URI, e.g. @carrier\\.example$' })),
        from: Type.Optional(Type.String({ description: 'regex on the From URI' })),
      },
      { additionalProperties: false, description: 'all given regexes must match the INVITE' },
    )),
  },
  { additionalProperties: false },
);


export const SipHepTargetSchema = Type.Object(
  {
    listen: Type.String({ minLength: 3, default: '127.0.0.1:9060', description: 'UDP HOST:PORT to receive HEPv3 on ([::1]:9060 for IPv6; 0.0.0.0 for every interface)' }),
    authKey: Type.Optional(Type.String({ minLength: 1, description: 'datagrams must carry this auth key (HEP chunk 14); secret' })),
    maxPayload: Type.Integer({ minimum: 512, maximum: 1024 * 1024, default: DEFAULT_MAX_HEP_PAYLOAD, description: 'largest payload accepted, raw or inflated, bytes' }),
    trunks: Type.Array(TrunkSchema, { default: [], description: 'calls are counted on the trunks they map to (by address, else by match)' }),
    codec: Type.String({ minLength: 1, default: 'G.711', description: 'E-model codec when the SDP names none the codec table knows' }),
    clockRateHz: Type.Integer({ minimum: 1000, maximum: 192000, default: 8000, description: 'RTP clock rate for jitter when the SDP gives none' }),
    codecs: Type.Optional(Type.Array(CodecProfileSchema, { description: 'extra or overriding E-model codec profiles (e.g. Opus)' })),
    setupTimeoutS: Type.Integer({ minimum: 1, maximum: 3600, default: 180, description: 'a call with no final response after this is concluded as not answered' }),
    maxCallDurationS: Type.Integer({ minimum: 60, maximum: 7 * 86400, default: 14400, description: 'an answered call with no BYE after this is ended with no known duration' }),
    maxCalls: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 50_000, description: 'calls followed at once; beyond, the oldest is dropped' }),
  },
  { additionalProperties: false },
);

export type SipHepTarget = Static<typeof SipHepTargetSchema>;
export type HepTrunkConfig = Static<typeof TrunkSchema>;

/** The target with every default applied and the listen address split. */
export interface ResolvedHepTarget {
  host: string;
  port: number;
  authKey?: string;
  maxPayload: number;
  trunks: HepTrunkConfig[];
  codec: string;
  clockRateHz: number;
  codecs: { name: string; ie: number; bpl: number }[];
  setupTimeoutMs: number;
  maxCallDurationMs: number;
  maxCalls: number;
}

/** `HOST:PORT` or `[V6]:PORT` with an IP literal host; throws VigieError E_HEP_LISTEN. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(listen.trim()) ?? /^([^:[\]]+):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || isIP(m[1]) === 0 || !(port >= 0 && port <= 65535)) {
    throw new VigieError('E_HEP_LISTEN', `listen must be IP:PORT or [IPv6]:PORT, got "${listen}"`, { value: listen });
  }
  return { host: m[1], port };
}

export function resolveHepTarget(t: Partial<SipHepTarget>): ResolvedHepTarget {
  const { host, port } = parseListen(t.listen ?? '127.0.0.1:9060');
  return {
    host, port,
    authKey: t.authKey,
    maxPayload: t.maxPayload ?? DEFAULT_MAX_HEP_PAYLOAD,
    trunks: t.trunks ?? [],
    codec: t.codec ?? 'G.711',
    clockRateHz: t.clockRateHz ?? 8000,
    codecs: t.codecs ?? [],
    setupTimeoutMs: (t.setupTimeoutS ?? 180) * 1000,
    maxCallDurationMs: (t.maxCallDurationS ?? 14400) * 1000,
    maxCalls: t.maxCalls ?? 50_000,
  };
}
