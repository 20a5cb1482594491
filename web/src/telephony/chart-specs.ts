/**
 * What each trunk chart plots (no DOM, no uPlot): its metrics (names from `vocabulary.ts`), their
 * labels, colours (a theme CSS variable with an Okabe-Ito fallback), scales with units and fixed
 * ranges where the quantity has one (MOS 1–5, ratios 0–100 %), and reference lines (the MOS bands).
 */
import { MOS_FAIR, MOS_GOOD, TRUNK_METRICS as M } from './vocabulary.js';
import { formatLoss, formatMos, formatMs, formatRatio } from './format.js';

export type TrunkChartId = 'rtt' | 'mos' | 'ratios' | 'media';

export interface ChartSeriesSpec {
  metric: string;
  label: string;
  /** CSS variable giving the colour in the current theme. */
  colourVar: string;
  fallback: string;
  scale: string;
  width?: number;
  dash?: number[];
}

export interface ChartScaleSpec {
  /** Fixed range; else from 0 to the data's maximum plus 10 %. */
  range?: [number, number];
  /** 0: left axis, 1: right axis. */
  side: 0 | 1;
  format: (v: number | undefined) => string;
}

export interface TrunkChartSpec {
  id: TrunkChartId;
  title: string;
  series: ChartSeriesSpec[];
  scales: Record<string, ChartScaleSpec>;
  /** Horizontal reference lines on a scale. */
  lines?: { scale: string; value: number; label: string; colourVar: string; fallback: string }[];
  /** Shown when the store has no sample for the range. */
  empty: string;
}

const S1 = { colourVar: '--tel-s1', fallback: '#56B4E9' };
const S2 = { colourVar: '--tel-s2', fallback: '#E69F00' };
const S3 = { colourVar: '--tel-s3', fallback: '#CC79A7' };

export const TRUNK_CHARTS: readonly TrunkChartSpec[] = [
  {
    id: 'rtt',
    title: 'OPTIONS round-trip time',
    series: [
      { metric: M.optionsRtt, label: 'RTT', scale: 'ms', width: 1, ...S1 },
      { metric: M.optionsRttAvg, label: 'Moving average', scale: 'ms', width: 2, ...S2 },
    ],
    scales: { ms: { side: 0, format: formatMs } },
    empty: 'No OPTIONS answered in this range.',
  },
  {
    id: 'mos',
    title: 'MOS (E-model)',
    series: [
      { metric: M.mosAvg, label: 'Average', scale: 'mos', width: 2, ...S1 },
      { metric: M.mosMin, label: 'Minimum', scale: 'mos', width: 1, dash: [5, 4], ...S2 },
    ],
    scales: { mos: { side: 0, range: [1, 5], format: formatMos } },
    lines: [
      { scale: 'mos', value: MOS_GOOD, label: `good ≥ ${MOS_GOOD}`, colourVar: '--tel-good', fallback: '#009E73' },
      { scale: 'mos', value: MOS_FAIR, label: `fair ≥ ${MOS_FAIR}`, colourVar: '--tel-poor', fallback: '#D55E00' },
    ],
    empty: 'No call quality reported in this range.',
  },
  {
    id: 'ratios',
    title: 'ASR / NER',
    series: [
      { metric: M.asr, label: 'ASR', scale: 'pct', width: 2, ...S1 },
      { metric: M.ner, label: 'NER', scale: 'pct', width: 1.5, dash: [5, 4], ...S2 },
    ],
    scales: { pct: { side: 0, range: [0, 100], format: formatRatio } },
    empty: 'No call attempts in this range.',
  },
  {
    id: 'media',
    title: 'Packet loss / jitter',
    series: [
      { metric: M.loss, label: 'Loss', scale: 'loss', width: 2, ...S3 },
      { metric: M.jitter, label: 'Jitter', scale: 'jitter', width: 1.5, dash: [5, 4], ...S1 },
    ],
    scales: { loss: { side: 0, format: formatLoss }, jitter: { side: 1, format: formatMs } },
    empty: 'No media statistics in this range.',
  },
];

/** Every metric the charts read, once. */
export function chartMetrics(specs: readonly TrunkChartSpec[] = TRUNK_CHARTS): string[] {
  return [...new Set(specs.flatMap((s) => s.series.map((x) => x.metric)))];
}
