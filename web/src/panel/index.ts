/**
 * The node panel (`#panel` → `#node-panel[data-node]`): shows the selected node's identity and
 * inventory, a sortable ports table, the port history chart and the neighbours. It follows
 * `ctx.selection` (hidden without one) and `ctx.live.onTopology`, patching only what a change
 * touches (header, one table row, the neighbour list). Esc or the close button clears the selection;
 * a neighbour's button calls `ctx.focus`.
 */
import type { AppContext, TopoNode, TopoPort } from '../context.js';
import { createPortChart } from '../chart/index.js';
import { h } from './dom.js';
import { formatSince, formatUptime } from './format.js';
import { stateIcon } from './icons.js';
import { identityFields } from './identity.js';
import { neighboursOf } from './neighbours.js';
import { createPortsTable } from './ports-table.js';
import { fetchUptime, uptimeNow, type UptimeSample } from './uptime.js';

const TICK_MS = 5_000;
const UPTIME_REFRESH_MS = 60_000;

function portsOf(ports: ReadonlyMap<string, TopoPort>, node: string): TopoPort[] {
  const out: TopoPort[] = [];
  for (const p of ports.values()) if (p.node === node) out.push(p);
  return out;
}

export function mountPanel(ctx: AppContext, el: HTMLElement): void {
  if (!el.id) el.id = 'panel';
  el.classList.add('panel');
  el.setAttribute('role', 'complementary');
  el.setAttribute('aria-label', 'Node details');
  el.hidden = true;

  let node: string | undefined;
  let uptime: UptimeSample | undefined;
  let uptimeFetchedAt = 0;
  let tick: ReturnType<typeof setInterval> | undefined;

  const title = h('h2', { class: 'node-name', id: 'node-panel-title' });
  const headIcon = h('span', { class: 'node-state-icon' });
  const kind = h('span', { class: 'node-kind' });
  const stateLine = h('p', { class: 'node-state' });
  const closeBtn = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the node panel (Esc)', onclick: () => ctx.selection.set(undefined) }, '×');
  const identity = h('dl', { class: 'identity' });
  const uptimeValue = h('dd', { class: 'uptime' });
  const portsHeading = h('h3', { text: 'Ports' });
  const chartEl = h('div', { id: 'port-chart', role: 'region', 'aria-label': 'Port history' });
  const table = createPortsTable((port) => openChart(port));
  const chart = createPortChart(chartEl, () => table.setActive(undefined));
  const neighbours = h('ul', { class: 'neighbours' });
  const body = h('div', { id: 'node-panel', 'aria-labelledby': 'node-panel-title' },
    h('header', { class: 'panel-head' }, headIcon, title, kind, closeBtn),
    stateLine,
    identity,
    h('section', { class: 'ports-section', 'aria-label': 'Ports' }, portsHeading, chartEl, h('div', { class: 'table-scroll' }, table.el)),
    h('section', { class: 'neighbours-section', 'aria-label': 'Neighbours' }, h('h3', { text: 'Neighbours' }), neighbours),
  );
  el.replaceChildren(body);

  function openChart(portId: string): void {
    const port = ctx.live.ports.get(portId);
    const label = port ? `${ctx.live.nodes.get(port.node)?.name ?? port.node} ${port.name}` : portId;
    table.setActive(portId);
    chart.show(portId, label);
    chartEl.scrollIntoView?.({ block: 'nearest' });
  }

  function renderHeader(n: TopoNode | undefined, id: string): void {
    const state = n?.state ?? 'unknown';
    headIcon.replaceChildren(stateIcon(state));
    title.textContent = n?.name ?? id.replace(/^node:/, '');
    kind.textContent = n?.kind ?? '';
    body.dataset.state = state;
    renderStateLine(n);
    const rows = n ? identityFields(n) : [];
    identity.replaceChildren(
      ...rows.flatMap((f) => [h('dt', { text: f.label }), h('dd', { 'data-field': f.key, text: f.value })]),
      h('dt', { text: 'Uptime' }), uptimeValue,
    );
    if (!n) stateLine.textContent = 'Not in the topology (yet).';
  }

  function renderStateLine(n: TopoNode | undefined): void {
    if (!n) return;
    stateLine.textContent = n.since !== undefined ? `${n.state} for ${formatSince(n.since, Date.now())}` : n.state;
  }

  function renderUptime(): void {
    uptimeValue.textContent = formatUptime(uptimeNow(uptime, Date.now()));
  }

  function refreshUptime(id: string, force: boolean): void {
    if (!force && Date.now() - uptimeFetchedAt < UPTIME_REFRESH_MS) return;
    uptimeFetchedAt = Date.now();
    fetchUptime(id).then((u) => {
      if (node !== id) return;
      uptime = u;
      renderUptime();
    }, () => undefined);
  }

  function renderPorts(id: string): void {
    const ports = portsOf(ctx.live.ports, id);
    portsHeading.textContent = `Ports (${ports.length})`;
    table.update(ports);
  }

  let neighboursShown = '';

  function renderNeighbours(id: string): void {
    const list = neighboursOf(id, ctx.live.links.values(), ctx.live.nodes, ctx.live.ports);
    const signature = JSON.stringify(list);
    if (signature === neighboursShown) return;
    neighboursShown = signature;
    if (list.length === 0) {
      neighbours.replaceChildren(h('li', { class: 'empty', text: 'No known links.' }));
      return;
    }
    neighbours.replaceChildren(...list.map((nb) => h('li', { 'data-link': nb.link, 'data-state': nb.state },
      stateIcon(nb.state),
      h('button', { type: 'button', class: 'link-like', 'data-node': nb.node, 'aria-label': `Show ${nb.name} on the map`, onclick: () => ctx.focus(nb.node) }, nb.name),
      h('span', { class: 'ports-pair', text: [nb.localPort, nb.remotePort].every((p) => p === undefined) ? '' : `${nb.localPort ?? '?'} → ${nb.remotePort ?? '?'}` }),
      nb.origin ? h('span', { class: 'origin', text: nb.origin }) : undefined,
    )));
  }

  function open(id: string): void {
    const switched = node !== id;
    node = id;
    body.dataset.node = id;
    el.hidden = false;
    if (switched) {
      uptime = undefined;
      neighboursShown = '';
      chart.close();
      table.setActive(undefined);
      table.update([]);
    }
    renderHeader(ctx.live.nodes.get(id), id);
    renderUptime();
    renderPorts(id);
    renderNeighbours(id);
    refreshUptime(id, switched);
    tick ??= setInterval(() => {
      if (!node) return;
      renderStateLine(ctx.live.nodes.get(node));
      renderUptime();
    }, TICK_MS);
  }

  function close(): void {
    node = undefined;
    el.hidden = true;
    delete body.dataset.node;
    chart.close();
    if (tick !== undefined) clearInterval(tick);
    tick = undefined;
  }

  ctx.selection.on((id) => (id ? open(id) : close()));
  ctx.live.onTopology((changed) => {
    const id = node;
    if (!id) return;
    if (changed.snapshot) {
      open(id);
      return;
    }
    const nodeChanged = changed.nodes.includes(id);
    if (nodeChanged) {
      renderHeader(ctx.live.nodes.get(id), id);
      renderUptime();
      refreshUptime(id, false);
    }
    if (changed.ports.some((p) => p.startsWith(`port:${id.slice('node:'.length)}/`) || ctx.live.ports.get(p)?.node === id)) renderPorts(id);
    if (changed.links.length > 0 || changed.nodes.length > 0) renderNeighbours(id);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && node && !e.defaultPrevented) ctx.selection.set(undefined);
  });
  if (ctx.selection.node) open(ctx.selection.node);
}
