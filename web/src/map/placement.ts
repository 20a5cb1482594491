/**
 * Where a node without a saved position goes: next to its placed neighbours (their average plus
 * a small offset that differs per node, so siblings don't stack), never by moving placed nodes.
 * Nodes with no placed neighbour (even through other new nodes) are left for a layout run.
 * Pure, tested in Node.
 */
export interface Point {
  x: number;
  y: number;
}

export const OFFSET_RADIUS = 70;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * Places `unplaced` ids using `neighbours(id)` and the known `positions` (not mutated).
 * Nodes placed in one pass count as placed for the next, so a chain of new nodes grows outwards.
 * Returns the new positions and the ids still unplaced.
 */
export function placeNewNodes(
  unplaced: Iterable<string>,
  neighbours: (id: string) => Iterable<string>,
  positions: ReadonlyMap<string, Point>,
): { placed: Map<string, Point>; rest: string[] } {
  const placed = new Map<string, Point>();
  const pos = (id: string) => placed.get(id) ?? positions.get(id);
  /** How many new nodes were put around each anchor point (to spread them). */
  const crowd = new Map<string, number>();
  let pending = [...new Set(unplaced)].filter((id) => !positions.has(id));
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    const next: string[] = [];
    const round = new Map<string, Point>();
    for (const id of pending) {
      const anchors = [...new Set(neighbours(id))].map(pos).filter((p): p is Point => p !== undefined);
      if (!anchors.length) {
        next.push(id);
        continue;
      }
      const cx = anchors.reduce((s, p) => s + p.x, 0) / anchors.length;
      const cy = anchors.reduce((s, p) => s + p.y, 0) / anchors.length;
      const key = `${Math.round(cx)},${Math.round(cy)}`;
      const k = crowd.get(key) ?? 0;
      crowd.set(key, k + 1);
      const angle = k * GOLDEN_ANGLE + Math.PI / 4;
      const radius = OFFSET_RADIUS * (1 + Math.floor(k / 6) * 0.6);
      round.set(id, { x: cx + Math.cos(angle) * radius, y: cy + Math.sin(angle) * radius });
      progress = true;
    }
    for (const [id, p] of round) placed.set(id, p);
    pending = next;
  }
  return { placed, rest: pending };
}
