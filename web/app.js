/* global document, window, WebSocket, location, setTimeout, clearTimeout, requestAnimationFrame */
/**
 * The minimal live page: the topology (nodes with their state, links) and the latest events,
 * fed by the daemon's WebSocket (`/ws`): subscribe, apply the snapshot then the patches, ask for
 * a resync on a gap, reconnect with backoff. Everything is written with textContent (no HTML
 * from the data). The real map comes later.
 */
import { createLiveState, handle } from './live-state.js';

const TOPICS = ['topology', 'events'];
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const EVENTS_SHOWN = 50;

const state = createLiveState();
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function badge(s) {
  return el('span', { class: `state state-${s}`, text: s });
}

function byName(a, b) {
  return String(a.name ?? a.id).localeCompare(String(b.name ?? b.id), undefined, { numeric: true });
}

function endLabel(end) {
  const node = state.topology.nodes.get(end.node);
  const port = end.port ? state.topology.ports.get(end.port) : undefined;
  return (node?.name ?? end.node) + (port ? ` ${port.name}` : '');
}

function renderTopology() {
  const { nodes, ports, links } = state.topology;
  const portCount = new Map();
  for (const p of ports.values()) portCount.set(p.node, (portCount.get(p.node) ?? 0) + 1);
  $('nodes').replaceChildren(...[...nodes.values()].sort(byName).map((n) => el('tr', { 'data-id': n.id }, [
    el('td', {}, [badge(n.state)]),
    el('td', { text: n.name }),
    el('td', { text: n.kind }),
    el('td', { text: n.address ?? '' }),
    el('td', { class: 'num', text: String(portCount.get(n.id) ?? 0) }),
  ])));
  $('links').replaceChildren(...[...links.values()].map((l) => el('tr', { 'data-id': l.id }, [
    el('td', {}, [badge(l.state)]),
    el('td', { text: endLabel(l.a) }),
    el('td', { text: endLabel(l.b) }),
    el('td', { text: l.origin ?? '' }),
  ])));
  $('counts').textContent = `${nodes.size} nodes, ${ports.size} ports, ${links.size} links (seq ${state.topology.seq ?? '…'})`;
}

function renderEvents() {
  $('events').replaceChildren(...state.events.list.slice(0, EVENTS_SHOWN).map((e) => el('tr', {}, [
    el('td', { text: new Date(e.at).toLocaleTimeString() }),
    el('td', {}, [el('span', { class: `sev sev-${e.severity}`, text: e.severity })]),
    el('td', { text: e.entity }),
    el('td', { text: e.message }),
  ])));
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTopology();
    renderEvents();
  });
}

function showConnection(kind, text) {
  const c = $('connection');
  c.className = `conn conn-${kind}`;
  c.textContent = text;
}

let backoff = BACKOFF_MIN_MS;
let retryTimer;

function connect() {
  clearTimeout(retryTimer);
  showConnection('connecting', 'connecting…');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.addEventListener('open', () => {
    backoff = BACKOFF_MIN_MS;
    showConnection('live', 'live');
    ws.send(JSON.stringify({ op: 'subscribe', topics: TOPICS }));
  });
  ws.addEventListener('message', (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    const outcome = handle(state, msg);
    if (outcome === 'gap') ws.send(JSON.stringify({ op: 'resync', topic: msg.topic }));
    else if (outcome === 'error') console.warn('server refused a message:', msg.error);
    if (outcome === 'snapshot' || outcome === 'patch') scheduleRender();
  });
  ws.addEventListener('close', (ev) => {
    const wait = backoff;
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    const why = ev.code === 4008 ? 'too slow, dropped by the server' : ev.code === 1001 ? 'server stopped' : 'disconnected';
    showConnection('down', `${why}; retrying in ${Math.round(wait / 1000)} s`);
    retryTimer = setTimeout(connect, wait * (0.8 + Math.random() * 0.4));
  });
}

window.addEventListener('online', connect);
connect();
