/**
 * The target of a `switch` probe instance (and the base of `router`'s): the SNMP agent keys of
 * `snmp-system` plus what the switch poller reads. TypeBox: one declaration gives the JSON
 * Schema the host validates with and the TypeScript type. Defaults are applied again in code
 * (`switchTargetOf`, `snmpTargetOf`), so an instance behaves the same whether or not the host
 * filled them in.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import type { SnmpTarget } from '../types.js';

/** SNMPv3 USM security (keys are secrets, at least 8 characters). */
export const SnmpV3SecuritySchema = Type.Object(
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

/** The agent keys every SNMP device kind shares (same as `snmp-system`'s target). */
export const SnmpAgentProperties = {
  host: Type.String({ minLength: 1, description: 'Agent address (IP or DNS name); never part of the node id' }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 161 })),
  version: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2c'), Type.Literal('3')], { default: '2c' })),
  community: Type.Optional(Type.String({ minLength: 1, default: 'public', description: 'v1/v2c community (secret)' })),
  v3: Type.Optional(SnmpV3SecuritySchema),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, default: 2000, description: 'Per request, milliseconds' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Retransmissions after the first try' })),
  identity: Type.Optional(Type.String({ minLength: 1, description: 'Node identity override (else LLDP chassis id / sysName, see identity.ts)' })),
};

/** What the switch poller reads, on top of the agent keys. */
export const SwitchProperties = {
  ports: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'ifName glob patterns (`*`, `?`, case-insensitive) selecting the ports to poll; default all',
    }),
  ),
  maxRepetitions: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Initial GETBULK max-repetitions (adapts; default 25)' })),
  neighbours: Type.Optional(Type.Boolean({ default: true, description: 'Read LLDP and CDP neighbours (links)' })),
  fdb: Type.Optional(Type.Boolean({ default: true, description: 'Read the bridge forwarding table (MACs behind each port)' })),
  inventory: Type.Optional(Type.Boolean({ default: true, description: 'Read ENTITY-MIB inventory' })),
  deadlineMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Per-poll deadline, ms (default: 80% of the interval)' })),
  discoveryEvery: Type.Optional(
    Type.Integer({ minimum: 1, default: 10, description: 'Names, LLDP/CDP, FDB and inventory are re-read every N polls (the first poll reads all)' }),
  ),
};

export const SwitchTargetSchema = Type.Object({ ...SnmpAgentProperties, ...SwitchProperties }, { additionalProperties: false });

export type SwitchTarget = Static<typeof SwitchTargetSchema>;

/** Extends the switch target with more keys (the router kind's extras), keeping it closed. */
export function extendSwitchTarget<P extends TProperties>(extra: P): TObject<typeof SwitchTargetSchema.properties & P> {
  return Type.Object({ ...SwitchTargetSchema.properties, ...extra }, { additionalProperties: false });
}

/** The SNMP client's target, defaults applied. */
export function snmpTargetOf(t: Pick<SwitchTarget, 'host' | 'port' | 'version' | 'community' | 'v3' | 'timeoutMs' | 'retries'>): SnmpTarget {
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
