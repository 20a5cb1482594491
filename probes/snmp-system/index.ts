/**
 * The `snmp-system` plugin: one probe kind that polls an SNMP agent's system group (sysDescr,
 * sysObjectID, sysName, sysUpTime, sysLocation, sysContact) and yields the node, its up/down
 * state, its SNMP round-trip time and uptime, and reboots. See README.md.
 */
import { definePlugin, defineProbe } from '../../plugins/sdk/index.js';
import { snmpSystemProbe } from './probe.js';
import { SnmpSystemTargetSchema } from './schema.js';

export default definePlugin({
  name: 'snmp-system',
  version: '1.0.0',
  sdk: '^1',
  probes: {
    'snmp-system': defineProbe({
      description: 'Polls an SNMP agent (v1/v2c/v3) for its system group: node facts, up/down, RTT, uptime, reboots',
      configSchema: SnmpSystemTargetSchema,
      defaultIntervalMs: 30_000,
      create: (target, ctx) => snmpSystemProbe(target, ctx),
    }),
  },
});
