/**
 * The target of an `snmp-trap` instance (TypeBox: one declaration gives the JSON Schema the host
 * validates with and the TypeScript type). `resolveTrapTarget` applies the defaults in code too,
 * so an instance behaves the same whether or not the host filled them in.
 *
 * Secrets: `communities` and the keys of `v3Users` are never logged nor put in observations.
 */
import { Type, type Static } from '../../plugins/sdk/index.js';

const V3User = Type.Object(
  {
    user: Type.String({ minLength: 1, description: 'USM user name' }),
    level: Type.Union([Type.Literal('noAuthNoPriv'), Type.Literal('authNoPriv'), Type.Literal('authPriv')]),
    authProtocol: Type.Optional(
      Type.Union([Type.Literal('md5'), Type.Literal('sha'), Type.Literal('sha224'), Type.Literal('sha256'), Type.Literal('sha384'), Type.Literal('sha512')], {
        default: 'sha',
      }),
    ),
    authKey: Type.Optional(Type.String({ minLength: 8, description: 'authentication pass phrase (secret)' })),
    privProtocol: Type.Optional(
      Type.Union([Type.Literal('des'), Type.Literal('aes'), Type.Literal('aes256b'), Type.Literal('aes256r')], { default: 'aes' }),
    ),
    privKey: Type.Optional(Type.String({ minLength: 8, description: 'privacy pass phrase (secret)' })),
  },
  { additionalProperties: false },
);

export const SnmpTrapTargetSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to bind (0.0.0.0 or :: for every interface)' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 162, description: 'UDP port (162 needs privileges; any high port works)' })),
    communities: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { default: ['public'], description: 'accepted v1/v2c communities (secrets); [] accepts v3 only' }),
    ),
    v3Users: Type.Optional(Type.Array(V3User, { description: 'accepted SNMPv3 users (keys are secrets)' })),
    engineID: Type.Optional(
      Type.String({ pattern: '^(0x)?([0-9a-fA-F]{2}){5,32}$', description: 'this receiver\'s SNMPv3 engine ID (hex), for v3 INFORMs; random when absent' }),
    ),
    sources: Type.Optional(
      Type.Array(
        Type.Object(
          {
            address: Type.String({ minLength: 1, description: 'an address the device sends traps from (or puts in agent-addr / snmpTrapAddress)' }),
            identity: Type.String({ minLength: 1, description: 'the node identity, as the polling probe names it (e.g. its sysName)' }),
          },
          { additionalProperties: false },
        ),
        { description: 'source address → node identity; unmatched sources fall back to an address-derived id' },
      ),
    ),
    stormLimit: Type.Optional(
      Type.Object(
        {
          perSourcePerSecond: Type.Number({ exclusiveMinimum: 0, default: 100 }),
          burst: Type.Integer({ minimum: 1, default: 200 }),
        },
        { additionalProperties: false, description: 'token bucket per source address; datagrams past it are dropped and counted' },
      ),
    ),
    mibs: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'extra MIB files to load to name trap OIDs' })),
    maxMessageBytes: Type.Optional(
      Type.Integer({ minimum: 484, maximum: 65535, default: 16384, description: 'larger datagrams are dropped as malformed' }),
    ),
  },
  { additionalProperties: false },
);

export type SnmpTrapTarget = Static<typeof SnmpTrapTargetSchema>;
export type TrapV3User = Static<typeof V3User>;

/** The target with every default applied. */
export interface ResolvedTrapTarget {
  host: string;
  port: number;
  communities: string[];
  v3Users: TrapV3User[];
  engineID?: string;
  sources: { address: string; identity: string }[];
  stormLimit: { perSourcePerSecond: number; burst: number };
  mibs: string[];
  maxMessageBytes: number;
}

export function resolveTrapTarget(t: SnmpTrapTarget): ResolvedTrapTarget {
  return {
    host: t.host ?? '127.0.0.1',
    port: t.port ?? 162,
    communities: t.communities ?? ['public'],
    v3Users: t.v3Users ?? [],
    engineID: t.engineID?.replace(/^0x/, ''),
    sources: t.sources ?? [],
    stormLimit: { perSourcePerSecond: t.stormLimit?.perSourcePerSecond ?? 100, burst: t.stormLimit?.burst ?? 200 },
    mibs: t.mibs ?? [],
    maxMessageBytes: t.maxMessageBytes ?? 16384,
  };
}

/** Every secret of a target (to scrub from anything shown). */
export function secretsOf(t: ResolvedTrapTarget): string[] {
  const keys = t.v3Users.flatMap((u) => [u.authKey, u.privKey]);
  return [...t.communities, ...keys].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
