/**
 * Small DOM helpers for the panels: `h(tag, attrs, ...children)` builds an element (text children
 * become text nodes: data never becomes HTML), `svg(...)` the same in the SVG namespace.
 * Attributes: `class`, `text` (textContent), `on<event>` (listener), booleans (present when true),
 * anything else via setAttribute; undefined/false are skipped.
 */
export type Attrs = Record<string, string | number | boolean | undefined | EventListener>;
export type Child = Node | string | undefined | null | false;

function apply(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) if (c !== undefined && c !== null && c !== false) el.append(c);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}
