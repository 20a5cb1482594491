/**
 * Checks of the hand-written topology that a schema cannot express: node ids are unique.
 * (Links may name nodes that discovery will add, so their endpoints are not checked here.)
 */
import { formatPath } from './errors.js';
import type { ConfigIssue } from './validation.js';

export function checkTopology(data: Record<string, unknown>): ConfigIssue[] {
  const topology = data.topology as { nodes?: unknown } | undefined;
  const nodes = topology && Array.isArray(topology.nodes) ? topology.nodes : [];
  const issues: ConfigIssue[] = [];
  const first = new Map<string, number>();
  nodes.forEach((n, i) => {
    const id = (n as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const prior = first.get(id);
    if (prior === undefined) first.set(id, i);
    else {
      issues.push({
        path: ['topology', 'nodes', i, 'id'],
        message: `duplicate node id "${id}", already used by ${formatPath(['topology', 'nodes', prior])}`,
        value: id,
        expected: 'a node id unique in topology.nodes',
      });
    }
  });
  return issues;
}
