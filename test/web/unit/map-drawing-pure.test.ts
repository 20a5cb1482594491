/**
 * The map's pure drawing parts, without a browser: site boxes (siteBox, siteFontSize), the fitted
 * viewport (fitViewport) and the hovered-link label (formatBps, edgeHoverLabel).
 */
import { expect } from 'chai';
import { edgeHoverLabel, formatBps } from '../../../web/src/map/edge-label.js';
import { SITE_BOX_LABEL_ROOM, SITE_BOX_MARGIN, siteBox, siteFontSize } from '../../../web/src/map/site-boxes.js';
import { fitViewport, type Bounds } from '../../../web/src/map/viewport.js';
import type { Point } from '../../../web/src/map/placement.js';
import { boundsOf, boxRect, rng } from './layout-helpers.js';

describe('web map site boxes (siteBox, siteFontSize)', () => {
  it('has no box for no members; one member sits in the middle of a minimal box', () => {
    expect(siteBox([])).to.equal(undefined);
    const b = siteBox([{ x: 7, y: -3 }])!;
    expect(b.w).to.equal(2 * SITE_BOX_MARGIN);
    expect(b.h).to.equal(2 * SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM);
    expect(b.x).to.equal(7);
    const r = boxRect(b);
    expect(-3 - r.y1).to.equal(SITE_BOX_MARGIN);
    expect(r.y2 - -3).to.equal(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM);
  });

  it('holds every member with the margin on each side (and label room below), tightly', () => {
    const rand = rng(12);
    for (let t = 0; t < 50; t++) {
      const n = 1 + Math.floor(rand() * 30);
      const points = Array.from({ length: n }, () => ({ x: (rand() - 0.5) * 4000, y: (rand() - 0.3) * 2500 }));
      // any iterable will do, a generator included
      const b = siteBox(
        (function* () {
          yield* points;
        })(),
      )!;
      const r = boxRect(b);
      const eps = 1e-9;
      for (const p of points) {
        expect(p.x - r.x1).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(r.x2 - p.x).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(p.y - r.y1).to.be.at.least(SITE_BOX_MARGIN - eps);
        expect(r.y2 - p.y).to.be.at.least(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM - eps);
      }
      const m = boundsOf(points);
      expect(m.x1 - r.x1).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(r.x2 - m.x2).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(m.y1 - r.y1).to.be.closeTo(SITE_BOX_MARGIN, 1e-6);
      expect(r.y2 - m.y2).to.be.closeTo(SITE_BOX_MARGIN + SITE_BOX_LABEL_ROOM, 1e-6);
    }
  });

  it('sizes the label within [13, 60], never smaller for a bigger box, growing in between', () => {
    const sizes = [0, 50, 86, 102, 130, 200, 260, 400, 600, 900, 1500, 5000];
    const seen = new Set<number>();
    for (const w of sizes) {
      for (const h of sizes) {
        const fs = siteFontSize({ x: 0, y: 0, w, h });
        seen.add(fs);
        expect(Number.isInteger(fs), `${w}×${h}`).to.equal(true);
        expect(fs, `${w}×${h}`).to.be.within(13, 60);
        for (const w2 of sizes.filter((v) => v > w)) expect(siteFontSize({ x: 0, y: 0, w: w2, h }), `${w2}×${h} ≥ ${w}×${h}`).to.be.at.least(fs);
        for (const h2 of sizes.filter((v) => v > h)) expect(siteFontSize({ x: 0, y: 0, w, h: h2 }), `${w}×${h2} ≥ ${w}×${h}`).to.be.at.least(fs);
      }
    }
    expect(seen.has(13) && seen.has(60), 'both bounds are reached').to.equal(true);
    expect(seen.size, 'and sizes in between').to.be.greaterThan(3);
    expect(siteFontSize(siteBox([{ x: 0, y: 0 }])!), 'a one-node site gets the smallest label').to.equal(13);
  });
});

describe('web map fit viewport (fitViewport)', () => {
  const project = (v: { zoom: number; pan: Point }, p: Point): Point => ({ x: v.zoom * p.x + v.pan.x, y: v.zoom * p.y + v.pan.y });

  it('shows every node inside the padded canvas, centred, filling one side', () => {
    const rand = rng(13);
    for (let t = 0; t < 100; t++) {
      const n = 1 + Math.floor(rand() * 20);
      const points = Array.from({ length: n }, () => ({ x: (rand() - 0.5) * 3000 + 500, y: (rand() - 0.5) * 2000 - 800 }));
      const b: Bounds = boundsOf(points);
      const size = { width: 300 + Math.floor(rand() * 1500), height: 200 + Math.floor(rand() * 1000) };
      const pad = Math.floor(rand() * 60);
      const v = fitViewport(b, size, pad, 1e-4, 1e4);
      const c = project(v, { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
      expect(c.x).to.be.closeTo(size.width / 2, 1e-6);
      expect(c.y).to.be.closeTo(size.height / 2, 1e-6);
      const eps = 1e-6;
      for (const p of points) {
        const s = project(v, p);
        expect(s.x).to.be.within(pad - eps, size.width - pad + eps);
        expect(s.y).to.be.within(pad - eps, size.height - pad + eps);
      }
      if (n > 1) {
        const tl = project(v, { x: b.x1, y: b.y1 });
        const br = project(v, { x: b.x2, y: b.y2 });
        const fillsWidth = Math.abs(tl.x - pad) < 1e-6 && Math.abs(br.x - (size.width - pad)) < 1e-6;
        const fillsHeight = Math.abs(tl.y - pad) < 1e-6 && Math.abs(br.y - (size.height - pad)) < 1e-6;
        expect(fillsWidth || fillsHeight, `case ${t}`).to.equal(true);
      }
    }
  });

  it('keeps the zoom within [minZoom, maxZoom], still centred', () => {
    const size = { width: 800, height: 600 };
    // one node: zero-size bounds, zoomed in only as far as allowed
    const one = fitViewport({ x1: 40, y1: -20, x2: 40, y2: -20 }, size, 30, 0.1, 2);
    expect(one.zoom).to.equal(2);
    expect(project(one, { x: 40, y: -20 })).to.deep.equal({ x: 400, y: 300 });
    // a huge map: zoomed out only as far as allowed, centred (overflowing the canvas)
    const huge = fitViewport({ x1: -1e6, y1: -1e6, x2: 1e6, y2: 1e6 }, size, 30, 0.1, 2);
    expect(huge.zoom).to.equal(0.1);
    expect(project(huge, { x: 0, y: 0 })).to.deep.equal({ x: 400, y: 300 });
    // within the range the zoom follows the box
    const mid = fitViewport({ x1: 0, y1: 0, x2: 1480, y2: 100 }, size, 30, 0.1, 2);
    expect(mid.zoom).to.be.closeTo(740 / 1480, 1e-12);
  });

  it('stays finite and within range for a canvas smaller than its padding', () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 500, y2: 500 }, { width: 20, height: 0 }, 30, 0.05, 3);
    expect(Number.isFinite(v.zoom) && Number.isFinite(v.pan.x) && Number.isFinite(v.pan.y)).to.equal(true);
    expect(v.zoom).to.be.within(0.05, 3);
    expect(project(v, { x: 250, y: 250 })).to.deep.equal({ x: 10, y: 0 });
  });
});

describe('web map hovered-link label (formatBps, edgeHoverLabel)', () => {
  const UNITS = ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s'];
  const parse = (s: string): { value: number; unit: number; text: string } => {
    const m = /^(\d+(?:\.\d)?) (\S+)$/.exec(s);
    expect(m, s).to.not.equal(null);
    const unit = UNITS.indexOf(m![2]);
    expect(unit, s).to.be.at.least(0);
    return { value: Number(m![1]), unit, text: m![1] };
  };

  it('shows nothing for no speed', () => {
    expect(formatBps(0)).to.equal('');
    expect(edgeHoverLabel(12.4, 0)).to.equal('12 %');
  });

  it('picks the unit that keeps the number under 1000, one decimal at most, close to the value', () => {
    const rand = rng(14);
    const samples = [1, 999, 1000, 1500, 999_949, 999_999, 1e6, 1.544e6, 1e8, 1e9, 2.5e9, 1e10, 4e10, 1e11, 999_999_999_999, 1e12, 3e15];
    for (let i = 0; i < 200; i++) samples.push(Math.round(10 ** (rand() * 14)));
    for (const bps of samples) {
      const s = formatBps(bps);
      const { value, unit, text } = parse(s);
      if (unit < UNITS.length - 1) expect(value, `${bps} → ${s}`).to.be.lessThan(1000);
      if (unit > 0) expect(value, `${bps} → ${s}`).to.be.at.least(1);
      const back = value * 1000 ** unit;
      expect(Math.abs(back - bps) / bps, `${bps} → ${s}`).to.be.at.most(0.051);
      if (Number.isInteger(bps / 1000 ** unit)) expect(text, `${bps} → ${s}: whole numbers have no decimal`).to.not.include('.');
    }
  });

  it('reads "<util> % of <speed>", "no rate" when unknown, the util alone without a speed', () => {
    expect(edgeHoverLabel(42, 1e10)).to.equal(`42 % of ${formatBps(1e10)}`);
    expect(edgeHoverLabel(42, 1e10)).to.equal('42 % of 10 Gb/s'); // the doc comment's example
    expect(edgeHoverLabel(-1, 1e9)).to.equal(`no rate of ${formatBps(1e9)}`);
    expect(edgeHoverLabel(Number.NaN, 0)).to.equal('no rate');
    expect(edgeHoverLabel(3.14159, 1e9)).to.match(/^3\.1 % of /);
    expect(edgeHoverLabel(87.6, 1e9)).to.match(/^88 % of /);
  });
});
