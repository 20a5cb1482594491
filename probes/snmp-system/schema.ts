/**
 * The target of an `snmp-system` probe instance (TypeBox: one declaration gives the JSON Schema
 * the host validates with and the TypeScript type). Defaults are also applied in code by
 * `snmpTargetOf`, so an instance behaves the same whether or not the host filled them in.
 */
import { Type, type Static, type SnmpTarget } from '../../plugins/sdk/index.js';

const V3Security = Type.Object(
  {
    user: Type.String({ minLength: 1, description: 'USM user name' }),
    level: Type.Union([Type.Literal('noAuthNoPriv'), Type.Literal('authNoPriv'), Type.Literal('authPriv')]),
    authProtocol: Type.Optional(
      Type.Union([Type.Literal('md5'), Type.Literal('sha'), Type.Literal('sha224'), Type.Literal('sha256'), Type.Literal('sha384'), Type.Literal('sha512')], {
        default: 'sha',
        description: 'Authentication protocol (default sha)',
      }),
    ),
    authKey: Type.Optional(Type.String({ minLength: 8, description: 'Authentication pass phrase (secret)' })),
    privProtocol: Type.Optional(
      Type.Union([Type.Literal('des'), Type.Literal('aes'), Type.Literal('aes256b'), Type.Literal('aes256r')], {
        default: 'aes',
        description: 'Privacy protocol (default aes)',
      }),
    ),
    privKey: Type.Optional(Type.String({ minLength: 8, description: 'Privacy pass phrase (secret)' })),
  },
  { additionalProperties: false },
);

export const SnmpSystemTargetSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Agent address (IP or DNS name); never part of the node id' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 161 })),
    version: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2c'), Type.Literal('3')], { default: '2c' })),
    community: Type.Optional(Type.String({ minLength: 1, default: 'public', description: 'v1/v2c community (secret)' })),
    v3: Type.Optional(V3Security),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, default: 2000, description: 'Per request, milliseconds' })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Retransmissions after the first try' })),
    identity: Type.Optional(Type.String({ minLength: 1, description: 'Node identity override (else sysName, else the instance name)' })),
  },
  { additionalProperties: false },
);

export type SnmpSystemTarget = Static<typeof SnmpSystemTargetSchema>;

/** The client's target, defaults applied. */
export function snmpTargetOf(t: SnmpSystemTarget): SnmpTarget {
  return {
    host: t.host,
    port: t.port ?? 161,
    version: t.version ?? '2c',
    community: t.community ?? 'public',
    v3: t.v3,
    timeoutMs: t.timeoutMs ?? 2000,
    retries: t.retries ?? 1,
  };
}
