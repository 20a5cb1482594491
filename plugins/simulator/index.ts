/**
 * The `simulator` plugin: a service that runs simulated SNMP agents on loopback (a generated
 * site of LLDP-cabled switches and routers, and/or `.snmprec` recordings), so the daemon, its demo and the
 * tests have devices to poll without any hardware; and simulated SIP trunks (an OPTIONS/REGISTER
 * responder each, with fabricated calls mirrored to HEP and RTCP-XR collectors). See README.md.
 *
 * The service is a cold observable: subscribing starts the agents and emits one `event`
 * (`sim-started`, on `node:vigie`, the devices in `data.devices`, the SIP trunks in
 * `data.sipTrunks`, communities and passwords left out); its timing runs on `ctx.scheduler`;
 * unsubscribing stops them and releases every socket. A start failure (a port taken, a bad
 * recording) arrives as the observable's error.
 */
import { Observable } from 'rxjs';
import { defineService, definePlugin, type Observation } from '../sdk/index.js';
import { SimulatorConfig } from './config.js';
import { publicDevices, publicSipTrunks, startSimulator, type RunningSimulator } from './simulator.js';

export { SimulatorConfig, resolveConfig, resolveRecordingFile, recordingsDir, type ResolvedSimulatorConfig } from './config.js';
export { startSimulator, siteLinks, publicDevices, publicSipTrunks, type RunningSimulator, type SimulatedDevice } from './simulator.js';
export { SipTrunkConfig, type ResolvedSipTrunk } from './sip/sip-trunk-config.js';
export type { PublicSipTrunk, RunningSipTrunk } from './sip/sip-trunks.js';
export { trunkQuality, type TrunkQuality, type MediaQuality, type Silence } from './sip/trunk-quality.js';
export { generateSite, siteCables, switchName, type SiteSpec, type SiteSwitch, type SiteDevice, type SiteLink } from './site.js';
export { routerName, ROUTER_BGP_PEERS, ROUTER_LOCAL_AS, ROUTER_PORTS, ROUTER_UPLINKS } from './site-router.js';
export { controllablePorts, type ControllablePorts, type PortOper } from './port-control.js';
export { bgpPeerAt, dynamicLive, BGP_STATE, type SimBgpPeer, type BgpPeerNow, type DynamicValues } from './router-live.js';

export const simulatorService = defineService({
  description: 'Simulated SNMP v1/v2c agents on loopback (a generated LLDP site and/or .snmprec recordings) and simulated SIP trunks',
  configSchema: SimulatorConfig,
  create(config, ctx) {
    return new Observable<Observation>((subscriber) => {
      let running: RunningSimulator | undefined;
      let closed = false;
      startSimulator(config, ctx.log, () => ctx.scheduler.now(), ctx.scheduler).then(
        (sim) => {
          if (closed) {
            void sim.stop();
            return;
          }
          running = sim;
          const devices = publicDevices(sim);
          const sipTrunks = publicSipTrunks(sim);
          const snmp = devices.length > 0 ? `${devices.length} devices on ${devices[0].host}, ports ${devices[0].port}…${devices[devices.length - 1].port}` : 'no SNMP devices';
          const sip = sipTrunks.length > 0 ? `; SIP trunks ${sipTrunks.map((t) => `${t.name} on ${t.host}:${t.port}`).join(', ')}` : '';
          subscriber.next({
            kind: 'event',
            at: ctx.scheduler.now(),
            entity: 'node:vigie',
            type: 'sim-started',
            severity: 'info',
            message: `simulator: ${snmp}${sip}`,
            data: { devices, sipTrunks },
          });
        },
        (err: unknown) => {
          if (!closed) subscriber.error(err);
        },
      );
      return () => {
        closed = true;
        void running?.stop();
      };
    });
  },
});

export default definePlugin({
  name: 'simulator',
  version: '1.0.0',
  sdk: '^1',
  probes: {},
  services: { simulator: simulatorService },
});
