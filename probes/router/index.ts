/**
 * The `router` plugin: one probe kind that polls a router over SNMP for everything the `switch`
 * kind reads (system group, ports and rates, LLDP/CDP links, FDB, inventory) plus BGP peers,
 * the route count, and CPU, memory and storage. See README.md.
 *
 * Thin on purpose: the behaviour lives in the SDK's device readers (`pollRouter` runs
 * `pollSwitch` with the router's extra reads inside each poll).
 */
import { definePlugin, defineProbe } from '../../plugins/sdk/index.js';
import { RouterTargetSchema, pollRouter } from '../../plugins/sdk/snmp/device/router-poll.js';

export default definePlugin({
  name: 'router',
  version: '1.0.0',
  sdk: '^1',
  probes: {
    router: defineProbe({
      description: 'Polls a router over SNMP: switch data plus BGP peers, route count, CPU, memory and storage',
      configSchema: RouterTargetSchema,
      defaultIntervalMs: 60_000,
      create: (target, ctx) => pollRouter(target, ctx),
    }),
  },
});
