/**
 * Shared by the router tests: which observations are the router's own (not the switch part's),
 * and a summary of them to compare with the corpus README by eye.
 */
import type { Observation } from '../../../plugins/sdk/index.js';

const ROUTER_METRIC = /^(routes|cpu|mem|swap|storage|load)\./;

/** The observations the router adds to the switch's. */
export function routerOwn(o: Observation): boolean {
  if (o.entity.startsWith('bgp:')) return true;
  if (o.kind === 'metric') return ROUTER_METRIC.test(o.name);
  return o.kind === 'topology' && o.element === 'node' && o.node.attrs?.bgpPeers !== undefined;
}

/** Counts to compare with the corpus README by eye. */
export function summarise(obs: Observation[]): Record<string, unknown> {
  const metric = (name: string) => obs.find((o) => o.kind === 'metric' && o.name === name) as { value: number } | undefined;
  const peers = obs.filter((o) => o.kind === 'state' && o.entity.startsWith('bgp:'));
  const byState: Record<string, number> = {};
  const node = obs.find((o) => o.kind === 'topology' && o.element === 'node') as { node: { attrs: { bgpPeers: { state: string }[] } } } | undefined;
  for (const p of node?.node.attrs.bgpPeers ?? []) byState[p.state] = (byState[p.state] ?? 0) + 1;
  return {
    bgpPeers: peers.length,
    bgpPeerStates: byState,
    routes: metric('routes.count')?.value ?? null,
    cpus: obs.filter((o) => o.kind === 'metric' && /^cpu\.load_pct\.\d+$/.test(o.name)).length,
    cpuLoadPct: metric('cpu.load_pct')?.value ?? null,
    memUsedPct: metric('mem.used_pct')?.value ?? null,
    fixedDisks: obs.filter((o) => o.kind === 'metric' && o.name.startsWith('storage.used_bytes.')).length,
    load1: metric('load.1')?.value ?? null,
  };
}
