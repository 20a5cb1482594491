/**
 * The `sipTrunks` entries of the simulator's config: TypeBox schema and resolution (collector
 * addresses parsed and checked to be loopback, names and ports distinct). Errors are
 * `VigieError('E_CONFIG')` naming the path; secrets (`password`, `hepAuthKey`) never appear in them.
 */
import { Type, VigieError, type Static } from '../../sdk/index.js';
import { isLoopback } from '../agent.js';
import type { SimEndpoint } from './call-messages.js';

const LOOPBACK_HOST_PORT = '^(127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\]):\\d{1,5}$';

export const SipTrunkConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'trunk name (digest realm, RemoteGroup of RTCP-XR reports)' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'UDP port the trunk answers OPTIONS/REGISTER on, on the simulator host; 0 = a free port' }),
    password: Type.String({ default: 'demo', minLength: 1, description: 'REGISTER digest password (a secret: never logged nor in sim-started)' }),
    user: Type.Optional(Type.String({ minLength: 1, description: 'the only user name REGISTER may authenticate as (default: any)' })),
    expires: Type.Integer({ default: 300, minimum: 1, maximum: 86400, description: 'most seconds a registration is granted' }),
    hep: Type.Optional(Type.String({ pattern: LOOPBACK_HOST_PORT, description: 'HEPv3 collector (loopback host:port) the fabricated calls are mirrored to' })),
    hepAuthKey: Type.Optional(Type.String({ minLength: 1, description: 'HEP chunk 14 auth key (a secret)' })),
    hepCaptureId: Type.Integer({ default: 2001, minimum: 0, maximum: 4294967295, description: 'HEP capture agent id (chunk 12)' }),
    rtcpXr: Type.Optional(Type.String({ pattern: LOOPBACK_HOST_PORT, description: 'RTCP-XR collector (loopback host:port) receiving RFC 6035 PUBLISH reports' })),
    callsPerMinute: Type.Number({ default: 6, minimum: 0, maximum: 120, description: 'mean call arrival rate of the fabricated calls; 0 = none' }),
    seed: Type.Integer({ default: 1, description: 'same seed, same quality timeline and calls' }),
    silences: Type.Boolean({ default: true, description: 'go silent 30–60 s every ~10 min (the trunk goes down and back up)' }),
  },
  { additionalProperties: false },
);
export type SipTrunkConfig = Static<typeof SipTrunkConfig>;

/** One trunk with defaults applied and its collector addresses parsed. */
export interface ResolvedSipTrunk {
  name: string;
  port: number;
  password: string;
  user?: string;
  expires: number;
  hep?: SimEndpoint;
  hepAuthKey?: string;
  hepCaptureId: number;
  rtcpXr?: SimEndpoint;
  callsPerMinute: number;
  seed: number;
  silences: boolean;
}

/** `127.0.0.1:9060` or `[::1]:9060` → `{ host, port }`; undefined when malformed or not loopback. */
export function parseLoopbackHostPort(text: string): SimEndpoint | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (!isLoopback(host) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** The entries (already schema-valid, defaults applied) resolved; throws E_CONFIG on a bad address or a duplicate. */
export function resolveSipTrunks(entries: readonly SipTrunkConfig[]): ResolvedSipTrunk[] {
  const names = new Set<string>();
  const ports = new Set<number>();
  return entries.map((e, i) => {
    const at = `/sipTrunks/${i}`;
    if (names.has(e.name)) throw new VigieError('E_CONFIG', `simulator config ${at}/name: two SIP trunks are named ${e.name}`, { path: `${at}/name` });
    if (e.port > 0 && ports.has(e.port)) throw new VigieError('E_CONFIG', `simulator config ${at}/port: port ${e.port} is used by another SIP trunk`, { path: `${at}/port` });
    names.add(e.name);
    ports.add(e.port);
    const address = (key: 'hep' | 'rtcpXr'): SimEndpoint | undefined => {
      const text = e[key];
      if (text === undefined) return undefined;
      const ep = parseLoopbackHostPort(text);
      if (!ep) throw new VigieError('E_CONFIG', `simulator config ${at}/${key}: ${JSON.stringify(text)} is not a loopback host:port`, { path: `${at}/${key}` });
      return ep;
    };
    return {
      name: e.name, port: e.port, password: e.password, user: e.user, expires: e.expires,
      hep: address('hep'), hepAuthKey: e.hepAuthKey, hepCaptureId: e.hepCaptureId, rtcpXr: address('rtcpXr'),
      callsPerMinute: e.callsPerMinute, seed: e.seed, silences: e.silences,
    };
  });
}
