/**
 * The target of an `snmp-system` probe instance: the SNMP agent keys every SNMP device kind
 * shares (`SnmpAgentProperties`, SDK), its node-name rule told in `identity`'s description.
 * Defaults are also applied in code by `snmpTargetOf` (SDK), so an instance behaves the same
 * whether or not the host filled them in.
 */
import { Type, type Static } from '../../plugins/sdk/index.js';
import { SnmpAgentProperties } from '../../plugins/sdk/snmp/device/switch-schema.js';

export { snmpTargetOf } from '../../plugins/sdk/snmp/device/switch-schema.js';

export const SnmpSystemTargetSchema = Type.Object(
  {
    ...SnmpAgentProperties,
    identity: Type.Optional(Type.String({ minLength: 1, description: 'Node identity override (else sysName, else the instance name)' })),
  },
  { additionalProperties: false },
);

export type SnmpSystemTarget = Static<typeof SnmpSystemTargetSchema>;
