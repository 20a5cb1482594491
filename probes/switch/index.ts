/**
 * The `switch` plugin: one probe kind that polls a switch over SNMP (v1/v2c/v3): everything of
 * `snmp-system`, plus ports (state, traffic rates, errors), LLDP/CDP neighbours as links, the
 * bridge forwarding table and the ENTITY-MIB inventory. The behaviour lives in the SDK
 * (`pollSwitch`), so the router kind reuses it. See README.md.
 */
import { definePlugin, defineProbe } from '../../plugins/sdk/index.js';
import { pollSwitch, SwitchTargetSchema } from '../../plugins/sdk/snmp/device/switch-poll.js';

export default definePlugin({
  name: 'switch',
  version: '1.0.0',
  sdk: '^1',
  probes: {
    switch: defineProbe({
      description: 'Polls a switch over SNMP: node, ports (state, rates, errors), LLDP/CDP links, FDB, inventory',
      configSchema: SwitchTargetSchema,
      defaultIntervalMs: 60_000,
      create: (target, ctx) => pollSwitch(target, ctx),
    }),
  },
});
