/**
 * Script injected into the page before the app (`page.addInitScript(PAGE_HOOKS)`) so tests and the
 * bench measure from inside the page, whatever the app's own code does:
 * - every WebSocket the page opens gets a first `message` listener (registered before the app's)
 *   that stamps each `topology` message on arrival: `__vigieTest.messages` holds
 *   `{t, seq, snapshot, nodes: [{id, state}], ops}` (t = performance.now());
 * - `__vigieTest.armState(id, state)` polls the map every 10 ms and records in
 *   `__vigieTest.seen['<id>|<state>']` `{t, pulse}` the first time the cytoscape node's data
 *   `state` equals `state` (pulse: whether the node had class `pulse` within 500 ms after);
 * - `__vigieTest.patchAt(id, state, since?)`: arrival time of the first patch (arrived at or after
 *   `since`) setting that node to that state;
 * - `__vigieTest.readyAt` / `renderedAt`: performance.now() when `__vigie.ready` resolved, and at
 *   the animation frame after it (caught by a setter on `window.__vigie`, so no polling delay);
 * - `__vigieTest.frameWhen(ids, state)`: resolves with performance.now() at the animation frame
 *   after the one where every listed node shows `state` (data updated, then a frame rendered).
 * Kept as plain JavaScript text: functions compiled by tsx carry helpers the page does not have.
 */
export const PAGE_HOOKS = String.raw`
(() => {
  if (window.__vigieTest) return;
  const T = (window.__vigieTest = { messages: [], seen: {}, marker: Math.random() });
  const Native = window.WebSocket;
  class HookedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (ev) => {
        const t = performance.now();
        if (typeof ev.data !== 'string' || ev.data.indexOf('"topology"') < 0) return;
        let m;
        try { m = JSON.parse(ev.data); } catch { return; }
        if (!m || m.topic !== 'topology') return;
        if (m.snapshot) { T.messages.push({ t, seq: m.seq, snapshot: true, nodes: [], ops: 0 }); return; }
        if (!Array.isArray(m.patch)) return;
        const nodes = [];
        for (const op of m.patch) if (op.op === 'upsert' && op.type === 'node' && op.value) nodes.push({ id: op.value.id, state: op.value.state });
        T.messages.push({ t, seq: m.seq, snapshot: false, nodes, ops: m.patch.length });
        if (T.messages.length > 5000) T.messages.splice(0, 1000);
      });
    }
  }
  window.WebSocket = HookedWebSocket;

  let app;
  Object.defineProperty(window, '__vigie', {
    configurable: true,
    enumerable: true,
    get() { return app; },
    set(v) {
      app = v;
      if (v && v.ready && typeof v.ready.then === 'function' && T.readyAt === undefined) {
        v.ready.then(() => {
          T.readyAt = performance.now();
          requestAnimationFrame(() => { T.renderedAt = performance.now(); });
        });
      }
    },
  });

  const cyNode = (id) => {
    const cy = window.__vigie && window.__vigie.cy;
    if (!cy) return undefined;
    const n = cy.getElementById(id);
    return n && n.length > 0 ? n : undefined;
  };
  T.armState = (id, state) => {
    const key = id + '|' + state;
    delete T.seen[key];
    const timer = setInterval(() => {
      const n = cyNode(id);
      if (!n) return;
      const rec = T.seen[key];
      if (!rec) {
        if (n.data('state') === state) T.seen[key] = { t: performance.now(), pulse: n.hasClass('pulse') };
        return;
      }
      if (!rec.pulse && n.hasClass('pulse')) rec.pulse = true;
      if (performance.now() - rec.t > 500) clearInterval(timer);
    }, 10);
  };
  T.patchAt = (id, state, since) => {
    const m = T.messages.find((x) => x.t >= (since || 0) && x.nodes.some((n) => n.id === id && n.state === state));
    return m ? m.t : undefined;
  };
  T.frameWhen = (ids, state) => new Promise((resolve) => {
    const check = () => {
      const done = ids.every((id) => { const n = cyNode(id); return n && n.data('state') === state; });
      if (done) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    check();
  });
})();
`;

/** What PAGE_HOOKS puts on `window`, for typed `page.evaluate` callbacks. */
export interface VigieTestHooks {
  messages: { t: number; seq: number; snapshot: boolean; nodes: { id: string; state: string }[]; ops: number }[];
  seen: Record<string, { t: number; pulse: boolean } | undefined>;
  /** Random per page load: a value that survives means no reload happened. */
  marker: number;
  armState(id: string, state: string): void;
  patchAt(id: string, state: string, since?: number): number | undefined;
  readyAt?: number;
  renderedAt?: number;
  frameWhen(ids: string[], state: string): Promise<number>;
}

/** The slice of cytoscape the tests use (the app's `window.__vigie.cy`). */
export interface CyNodeLike {
  id(): string;
  data(key: string): unknown;
  position(): { x: number; y: number };
  renderedPosition(): { x: number; y: number };
  selected(): boolean;
  hasClass(c: string): boolean;
  length: number;
}
export interface CyLike {
  nodes(): { map<T>(f: (n: CyNodeLike) => T): T[] };
  edges(): { map<T>(f: (n: CyNodeLike) => T): T[] };
  getElementById(id: string): CyNodeLike;
  width(): number;
  height(): number;
  panBy(p: { x: number; y: number }): void;
  container(): HTMLElement | null;
}

/** `window` with the app's hook and the test hooks. */
export interface TestWindow {
  __vigie?: { cy: CyLike; ctx: { selection: { node: string | undefined }; focus(id: string): void }; ready: Promise<unknown> };
  __vigieTest: VigieTestHooks;
}
