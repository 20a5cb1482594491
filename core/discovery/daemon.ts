/**
 * The daemon's hook for periodic discovery: with a `discovery:` section, checks it, registers
 * the internal discovery plugin and returns its supervised service instance (`discovery/lldp`)
 * for the bus; without one, returns undefined and registers nothing.
 */
import type { Observable } from 'rxjs';
import type { Observation } from '../../plugins/sdk/index.js';
import { runInstances, type HostDeps } from '../host/host.js';
import { DISCOVERY_INSTANCE, DISCOVERY_KIND, checkDiscoveryConfig, discoveryPlugin, type DiscoveryConfig } from './service.js';

export function discoveryInstances(config: DiscoveryConfig | undefined, deps: HostDeps): Observable<Observation> | undefined {
  if (!config) return undefined;
  checkDiscoveryConfig(config);
  deps.registry.register(discoveryPlugin, 'core:discovery');
  return runInstances('service', [{ kind: DISCOVERY_KIND, name: DISCOVERY_INSTANCE, config }], deps);
}
