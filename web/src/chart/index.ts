/**
 * The port history chart (`#port-chart`): in/out bits/s (left axis) and errors/s (right axis) of
 * one port over 1 h / 24 h / 7 d, read from `/api/series` with a step giving ~300 buckets, drawn
 * with uPlot. `data-points` on the element = points drawn (0 with a "no data" note when the store
 * has nothing for the range). Colours come from the theme's CSS variables; the chart is rebuilt
 * when the theme changes and resized with its container.
 */
import uPlot from 'uplot';
import { h } from '../panel/dom.js';
import { formatBps, formatErrorRate, formatTime } from '../panel/format.js';
import { alignSeries, chooseStep, pointsDrawn, RANGES, seriesUrl, sumSeries, type Aligned, type RangeName, type SeriesPoint } from './series.js';

const METRICS = ['if.in.bps', 'if.out.bps', 'if.in.errors', 'if.out.errors'] as const;
const HEIGHT = 220;

export interface PortChart {
  /** Shows `port` (labelled `label`) with the current range, fetching its series. */
  show(port: string, label: string): void;
  /** Hides the chart and drops the plot. */
  close(): void;
}

export type FetchJson = (url: string) => Promise<unknown>;

async function defaultFetch(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

async function loadSeries(fetchJson: FetchJson, port: string, range: RangeName): Promise<{ data: Aligned; failed: number }> {
  const span = RANGES[range];
  const step = chooseStep(span);
  const now = Date.now();
  const results = await Promise.allSettled(METRICS.map((m) => fetchJson(seriesUrl(port, m, now, span, step))));
  const points = results.map((r) => (r.status === 'fulfilled' && Array.isArray((r.value as { points?: unknown }).points) ? ((r.value as { points: SeriesPoint[] }).points) : []));
  const failed = results.filter((r) => r.status === 'rejected').length;
  return { data: alignSeries([points[0], points[1], sumSeries(points[2], points[3])], step), failed };
}

/** Builds the chart inside `el` (the `#port-chart` element, hidden until `show`). */
export function createPortChart(el: HTMLElement, onClose: () => void, fetchJson: FetchJson = defaultFetch): PortChart {
  let range: RangeName = '1h';
  let port: string | undefined;
  let plot: uPlot | undefined;
  let data: Aligned | undefined;
  let request = 0;

  const title = h('h3', { class: 'chart-title' });
  const rangeButtons = (Object.keys(RANGES) as RangeName[]).map((r) =>
    h('button', { type: 'button', 'data-range': r, 'aria-pressed': String(r === range), 'aria-label': `Show the last ${r}`, onclick: () => setRange(r) }, r));
  const closeBtn = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the port chart', onclick: () => { chart.close(); onClose(); } }, '×');
  const note = h('p', { class: 'chart-note', role: 'status', 'aria-live': 'polite' });
  const plotBox = h('div', { class: 'chart-plot' });
  el.classList.add('port-chart');
  el.hidden = true;
  el.setAttribute('data-points', '0');
  el.replaceChildren(h('div', { class: 'chart-head' }, title, h('div', { class: 'ranges', role: 'group', 'aria-label': 'Time range' }, ...rangeButtons), closeBtn), note, plotBox);

  function opts(width: number): uPlot.Options {
    const fg = cssVar(el, '--pn-fg', '#222');
    const grid = cssVar(el, '--pn-grid', 'rgba(128,128,128,0.25)');
    const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({ stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra });
    return {
      width,
      height: HEIGHT,
      scales: {
        x: { time: true },
        bps: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        err: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      series: [
        { value: (_u, v) => (v == null ? '—' : formatTime(v * 1000)) },
        { label: 'In', scale: 'bps', stroke: '#0072B2', width: 1.5, fill: 'rgba(0,114,178,0.12)', value: (_u, v) => formatBps(v ?? undefined) },
        { label: 'Out', scale: 'bps', stroke: '#E69F00', width: 1.5, value: (_u, v) => formatBps(v ?? undefined) },
        { label: 'Errors', scale: 'err', stroke: '#D55E00', width: 1, dash: [4, 4], value: (_u, v) => formatErrorRate(v ?? undefined) },
      ],
      axes: [
        axis({}),
        axis({ scale: 'bps', size: 72, values: (_u, splits) => splits.map((v) => formatBps(v)) }),
        axis({ scale: 'err', side: 1, size: 56, grid: { show: false }, values: (_u, splits) => splits.map((v) => formatErrorRate(v)) }),
      ],
      legend: { live: true },
    };
  }

  function draw(): void {
    plot?.destroy();
    plot = undefined;
    if (!data || el.hidden) return;
    plot = new uPlot(opts(Math.max(240, plotBox.clientWidth || el.clientWidth || 480)), data as uPlot.AlignedData, plotBox);
  }

  async function load(): Promise<void> {
    if (!port) return;
    const mine = ++request;
    const shownPort = port;
    el.setAttribute('aria-busy', 'true');
    note.textContent = `Loading the last ${range}…`;
    const { data: d, failed } = await loadSeries(fetchJson, shownPort, range);
    if (mine !== request || port !== shownPort) return;
    el.removeAttribute('aria-busy');
    data = d;
    const n = pointsDrawn(d);
    draw();
    el.setAttribute('data-points', String(n));
    if (failed === METRICS.length) note.textContent = 'Could not load the history (the daemon did not answer).';
    else if (n === 0) note.textContent = `No samples for this port in the last ${range}.`;
    else note.textContent = '';
  }

  function setRange(r: RangeName): void {
    range = r;
    for (const b of rangeButtons) b.setAttribute('aria-pressed', String(b.dataset.range === r));
    void load();
  }

  const resize = new ResizeObserver(() => {
    if (plot && plotBox.clientWidth > 0 && Math.abs(plot.width - plotBox.clientWidth) > 2) plot.setSize({ width: plotBox.clientWidth, height: HEIGHT });
  });
  resize.observe(plotBox);
  new MutationObserver(() => draw()).observe(document.body, { attributes: true, attributeFilter: ['data-theme'] });

  const chart: PortChart = {
    show(p, label) {
      port = p;
      el.hidden = false;
      el.dataset.port = p;
      el.setAttribute('data-points', '0');
      title.textContent = `${label} — traffic and errors`;
      data = undefined;
      plot?.destroy();
      plot = undefined;
      void load();
    },
    close() {
      request++;
      port = undefined;
      data = undefined;
      plot?.destroy();
      plot = undefined;
      el.hidden = true;
      delete el.dataset.port;
      el.setAttribute('data-points', '0');
    },
  };
  return chart;
}
