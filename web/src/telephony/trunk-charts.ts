/**
 * The selected trunk's history (`#trunk-charts[data-trunk]`): one uPlot chart per `TRUNK_CHARTS`
 * spec (`.trunk-chart[data-chart=<id>][data-points=<n>]`), over the last 1 h or 24 h
 * (`/api/series`, a step giving ~300 buckets), with a "no data" note per chart when the store has
 * nothing (a trunk without calls has no MOS; nothing is drawn as 0). Colours come from the theme's
 * CSS variables; the charts are redrawn when the theme changes and resized with their boxes.
 *
 * Contract: `show(trunkId)` loads and draws that trunk; `refresh()` reloads the shown trunk (the
 * caller throttles it); `close()` drops the plots. A slower answer for a trunk or range no longer
 * shown is ignored.
 */
import uPlot from 'uplot';
import { alignSeries, chooseStep, pointsDrawn, seriesUrl, type Aligned, type SeriesPoint } from '../chart/series.js';
import { h } from '../panel/dom.js';
import { formatTime } from '../panel/format.js';
import { chartMetrics, TRUNK_CHARTS, type TrunkChartSpec } from './chart-specs.js';

export type TrunkRange = '1h' | '24h';
export const TRUNK_RANGES: Record<TrunkRange, number> = { '1h': 3_600_000, '24h': 86_400_000 };
const HEIGHT = 170;

export type FetchJson = (url: string) => Promise<unknown>;

export interface TrunkCharts {
  readonly el: HTMLElement;
  show(trunkId: string): void;
  refresh(): void;
  close(): void;
}

async function defaultFetch(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

interface ChartBox {
  spec: TrunkChartSpec;
  el: HTMLElement;
  note: HTMLElement;
  plotBox: HTMLElement;
  plot?: uPlot;
  data?: Aligned;
  /** The time window requested, epoch ms. */
  window?: { from: number; to: number };
}

function plotOptions(box: ChartBox, root: Element, width: number): uPlot.Options {
  const { spec, window: win } = box;
  const fg = cssVar(root, '--pn-fg', '#222');
  const grid = cssVar(root, '--pn-grid', 'rgba(128,128,128,0.25)');
  const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({ stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra });
  // the whole requested window, so a trunk with a few minutes of history is not stretched over the width
  const scales: uPlot.Scales = { x: win ? { time: true, auto: false, range: [win.from / 1000, win.to / 1000] } : { time: true } };
  const axes: uPlot.Axis[] = [axis({})];
  for (const [name, s] of Object.entries(spec.scales)) {
    scales[name] = s.range
      ? { auto: false, range: s.range }
      : { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
    axes.push(axis({ scale: name, side: s.side === 1 ? 1 : 3, size: 64, grid: { show: s.side === 0 }, values: (_u, splits) => splits.map((v) => s.format(v)) }));
  }
  const lines = (spec.lines ?? []).map((l) => ({ ...l, colour: cssVar(root, l.colourVar, l.fallback) }));
  return {
    width,
    height: HEIGHT,
    scales,
    series: [
      { value: (_u, v) => (v == null ? '—' : formatTime(v * 1000)) },
      ...spec.series.map((s) => ({
        label: s.label,
        scale: s.scale,
        stroke: cssVar(root, s.colourVar, s.fallback),
        width: s.width ?? 1.5,
        dash: s.dash,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => spec.scales[s.scale].format(v ?? undefined),
      })),
    ],
    axes,
    legend: { live: true },
    hooks: lines.length === 0 ? {} : {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 5]);
        for (const l of lines) {
          const y = u.valToPos(l.value, l.scale, true);
          ctx.strokeStyle = l.colour;
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
}

export function createTrunkCharts(fetchJson: FetchJson = defaultFetch): TrunkCharts {
  let trunk: string | undefined;
  let range: TrunkRange = '1h';
  let request = 0;
  let loading = false;

  const rangeButtons = (Object.keys(TRUNK_RANGES) as TrunkRange[]).map((r) =>
    h('button', { type: 'button', 'data-range': r, 'aria-pressed': String(r === range), 'aria-label': `Show the last ${r}`, onclick: () => setRange(r) }, r));
  const status = h('p', { class: 'chart-note', role: 'status', 'aria-live': 'polite' });
  const boxes: ChartBox[] = TRUNK_CHARTS.map((spec) => {
    const note = h('p', { class: 'chart-note' });
    const plotBox = h('div', { class: 'chart-plot' });
    const el = h('figure', { class: 'trunk-chart', 'data-chart': spec.id, 'data-points': '0' },
      h('figcaption', { class: 'chart-title', text: spec.title }), note, plotBox);
    return { spec, el, note, plotBox };
  });
  const el = h('section', { id: 'trunk-charts', class: 'trunk-charts', 'aria-label': 'Trunk history' },
    h('div', { class: 'chart-head' }, h('h3', { class: 'chart-title', text: 'History' }),
      h('div', { class: 'ranges', role: 'group', 'aria-label': 'Time range' }, ...rangeButtons), status),
    h('div', { class: 'chart-grid' }, ...boxes.map((b) => b.el)));
  el.hidden = true;

  function draw(box: ChartBox): void {
    box.plot?.destroy();
    box.plot = undefined;
    if (!box.data || el.hidden) return;
    const width = Math.max(240, box.plotBox.clientWidth || box.el.clientWidth || 420);
    box.plot = new uPlot(plotOptions(box, el, width), box.data as uPlot.AlignedData, box.plotBox);
  }

  function drop(): void {
    for (const b of boxes) {
      b.plot?.destroy();
      b.plot = undefined;
      b.data = undefined;
      b.window = undefined;
      b.el.setAttribute('data-points', '0');
      b.note.textContent = '';
    }
  }

  async function load(): Promise<void> {
    if (!trunk) return;
    const mine = ++request;
    const shown = trunk;
    const span = TRUNK_RANGES[range];
    const step = chooseStep(span);
    const now = Date.now();
    loading = true;
    el.setAttribute('aria-busy', 'true');
    const metrics = chartMetrics();
    const results = await Promise.allSettled(metrics.map((m) => fetchJson(seriesUrl(shown, m, now, span, step))));
    if (mine !== request || trunk !== shown) return;
    loading = false;
    el.removeAttribute('aria-busy');
    const byMetric = new Map<string, SeriesPoint[]>();
    results.forEach((r, i) => {
      const pts = r.status === 'fulfilled' ? (r.value as { points?: unknown }).points : undefined;
      byMetric.set(metrics[i], Array.isArray(pts) ? (pts as SeriesPoint[]) : []);
    });
    const failed = results.filter((r) => r.status === 'rejected').length;
    status.textContent = failed === metrics.length ? 'Could not load the history (the daemon did not answer).' : '';
    for (const b of boxes) {
      b.data = alignSeries(b.spec.series.map((s) => byMetric.get(s.metric) ?? []), step);
      b.window = { from: now - span, to: now };
      const n = pointsDrawn(b.data);
      b.el.setAttribute('data-points', String(n));
      b.note.textContent = n === 0 && failed < metrics.length ? b.spec.empty : '';
      draw(b);
    }
  }

  function setRange(r: TrunkRange): void {
    range = r;
    for (const b of rangeButtons) b.setAttribute('aria-pressed', String(b.dataset.range === r));
    void load();
  }

  const resize = new ResizeObserver(() => {
    for (const b of boxes) {
      const w = b.plotBox.clientWidth;
      if (b.plot && w > 0 && Math.abs(b.plot.width - w) > 2) b.plot.setSize({ width: w, height: HEIGHT });
    }
  });
  for (const b of boxes) resize.observe(b.plotBox);
  new MutationObserver(() => boxes.forEach(draw)).observe(document.body, { attributes: true, attributeFilter: ['data-theme'] });

  return {
    el,
    show(id) {
      if (id === trunk && !el.hidden) return;
      trunk = id;
      el.dataset.trunk = id;
      el.hidden = false;
      drop();
      void load();
    },
    refresh() {
      if (trunk && !el.hidden && !loading) void load();
    },
    close() {
      request++;
      loading = false;
      trunk = undefined;
      delete el.dataset.trunk;
      el.hidden = true;
      drop();
    },
  };
}
