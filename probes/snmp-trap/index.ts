/**
 * The `snmp-trap` plugin: one probe kind that listens for SNMP v1/v2c/v3 traps and INFORMs
 * (acknowledged), maps linkDown/linkUp to port events and states, coldStart/warmStart to
 * reboots, keeps any other trap as an event with its OIDs named, and asks the polling probes to
 * re-poll the node a trap concerns. See README.md.
 */
import { definePlugin, defineProbe } from '../../plugins/sdk/index.js';
import { snmpTrapProbe } from './probe.js';
import { SnmpTrapTargetSchema } from './schema.js';

export default definePlugin({
  name: 'snmp-trap',
  version: '1.0.0',
  sdk: '^1',
  probes: {
    'snmp-trap': defineProbe({
      description: 'Receives SNMP v1/v2c/v3 traps and INFORMs: port up/down, reboots, other traps as events; triggers re-polls',
      configSchema: SnmpTrapTargetSchema,
      // Only paces the receiver's own counters (trap.received, trap.dropped, …): traps are handled as they come.
      defaultIntervalMs: 60_000,
      create: (target, ctx) => snmpTrapProbe(target, ctx),
    }),
  },
});
