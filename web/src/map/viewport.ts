/**
 * The viewport (zoom and pan, cytoscape's model) that shows a box of model coordinates centred in a
 * canvas with `pad` pixels around it, the zoom kept within [minZoom, maxZoom]. Pure.
 */
export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function fitViewport(
  b: Bounds,
  size: { width: number; height: number },
  pad: number,
  minZoom: number,
  maxZoom: number,
): { zoom: number; pan: { x: number; y: number } } {
  const w = Math.max(1, size.width - 2 * pad);
  const h = Math.max(1, size.height - 2 * pad);
  const zoom = Math.max(minZoom, Math.min(maxZoom, w / Math.max(1, b.x2 - b.x1), h / Math.max(1, b.y2 - b.y1)));
  return { zoom, pan: { x: size.width / 2 - (zoom * (b.x1 + b.x2)) / 2, y: size.height / 2 - (zoom * (b.y1 + b.y2)) / 2 } };
}
