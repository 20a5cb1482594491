/**
 * Web bench (`npx tsx bench/web/run.ts`): a generated site of 1,000 nodes and 1,500 links
 * (bench/web/site.ts) in the real daemon (started in this process with no probe; the site is
 * written into its topology model, so the page gets a real snapshot and real patches over the
 * real WebSocket), opened in Debian Chromium (headless, test/setup/browser.ts). Measured in the page:
 * - first complete render: navigation start → `window.__vigie.ready` resolved, plus the next
 *   animation frame; the first load has no saved layout, the reloads after it use whatever the app
 *   saved (reported as "saved positions");
 * - a 50-change patch: 50 nodes set down (then back up) in one model batch; from the patch's
 *   arrival in the page (first WebSocket listener) to the animation frame after the one where the
 *   map's data shows all 50 (data updated, then a frame rendered);
 * - page memory: CDP `Performance.getMetrics` JSHeapUsedSize (after a forced GC) and DOM nodes.
 * Not a test: prints a table; goals: first render < 3 s, patch < 100 ms.
 * Env: WEB_BENCH_NODES (1000), WEB_BENCH_LINKS (1500), WEB_BENCH_LOADS (3), WEB_BENCH_PATCHES (10).
 */
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { launchChromium, requireChromiumPath, screenshot, type BrowserSession } from '../../test/setup/browser.js';
import { writeTempConfig, type TempConfig } from '../../test/setup/temp-config.js';
import { PAGE_HOOKS, type TestWindow } from '../../test/web/page-hooks.js';
import { generateBenchSite, populate } from './site.js';

const NODES = Number(process.env.WEB_BENCH_NODES ?? 1000);
const LINKS = Number(process.env.WEB_BENCH_LINKS ?? 1500);
const LOADS = Number(process.env.WEB_BENCH_LOADS ?? 3);
const PATCHES = Number(process.env.WEB_BENCH_PATCHES ?? 10);
const CHANGES = 50;
const GOAL_RENDER_MS = 3000;
const GOAL_PATCH_MS = 100;

type W = TestWindow;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function load(page: Page, url: string): Promise<number> {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (res?.status() !== 200) throw new Error(`GET ${url}: ${res?.status()} (is the app built? npm run build:web)`);
  await page.waitForFunction(() => Boolean((window as unknown as W).__vigie?.ready), undefined, { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as W).__vigie!.ready.then(() => true));
  await page.waitForFunction(() => (window as unknown as W).__vigieTest.renderedAt !== undefined, undefined, { timeout: 10_000 });
  const { renderedAt, nodes } = await page.evaluate(() => {
    const w = window as unknown as W;
    return { renderedAt: w.__vigieTest.renderedAt!, nodes: w.__vigie!.cy.nodes().map((n) => n.id()).filter((id) => !id.startsWith('site:')).length };
  });
  if (nodes !== NODES) throw new Error(`the map shows ${nodes} nodes, the site has ${NODES}`);
  return renderedAt;
}

async function heap(page: Page): Promise<{ heapMiB: number; domNodes: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return { heapMiB: get('JSHeapUsedSize') / 2 ** 20, domNodes: get('Nodes') };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function patchRound(page: Page, daemon: Daemon, ids: string[], state: 'down' | 'up'): Promise<number> {
  const since = await page.evaluate(() => performance.now());
  const frame = page.evaluate(([xs, s]) => (window as unknown as W).__vigieTest.frameWhen(xs, s), [ids, state] as const);
  const at = Date.now();
  daemon.topology.batch(() => {
    for (const id of ids) daemon.topology.setState(id, state, at);
  });
  const frameAt = await frame;
  const arrivedAt = await page.evaluate(([id, s, t]) => (window as unknown as W).__vigieTest.patchAt(id, s, t), [ids[0], state, since] as const);
  if (arrivedAt === undefined) throw new Error(`no patch setting ${ids[0]} ${state} reached the page`);
  return frameAt - arrivedAt;
}

async function main(): Promise<void> {
  requireChromiumPath();
  const site = generateBenchSite({ nodes: NODES, links: LINKS, sites: 10, seed: 1 });
  let logs = '';
  const sink = new Writable({ write: (c, _e, cb) => ((logs = (logs + String(c)).slice(-10_000)), cb()) });
  let temp: TempConfig | undefined;
  let daemon: Daemon | undefined;
  let browser: BrowserSession | undefined;
  const stop = async () => {
    await browser?.close();
    await daemon?.stop();
    temp?.cleanup();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    temp = writeTempConfig({ probes: [], log: { level: 'warn' } });
    daemon = await startDaemon({ configFile: temp.file, logDestination: sink });
    populate(daemon.topology, site);
    const snap = daemon.topology.snapshot();
    console.log(`site: ${snap.nodes.length} nodes, ${snap.links.length} links, ${snap.ports.length} ports in 10 sites; daemon ${daemon.url}`);

    browser = await launchChromium({ width: 1600, height: 1000 });
    const page = browser.page;
    await page.addInitScript(PAGE_HOOKS);
    const renders: number[] = [];
    for (let k = 0; k < LOADS; k++) renders.push(await load(page, `${daemon.url}/`));
    const saved = (await (await fetch(`${daemon.url}/api/layout`)).json().catch(() => ({}))) as { sites?: Record<string, Record<string, unknown>> };
    const savedCount = Object.values(saved.sites ?? {}).reduce((n, s) => n + Object.keys(s).length, 0);
    const memAfterLoad = await heap(page);
    await screenshot(page, 'bench-web-1000-nodes');

    const ids = site.nodes.filter((_, i) => i % Math.floor(NODES / CHANGES) === 0).slice(0, CHANGES).map((n) => n.id);
    const patches: number[] = [];
    for (let k = 0; k < PATCHES; k++) patches.push(await patchRound(page, daemon, ids, k % 2 === 0 ? 'down' : 'up'));
    const memAfterPatches = await heap(page);
    const version = browser.context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.replace(/^.*Chrome\/(\S+).*$/, '$1')));

    const rows: [string, string, string][] = [
      ['first render, no saved layout', fmt(renders[0]), renders[0] < GOAL_RENDER_MS ? `< ${GOAL_RENDER_MS} ms: met` : `< ${GOAL_RENDER_MS} ms: MISSED`],
    ];
    if (renders.length > 1) {
      const again = renders.slice(1);
      rows.push([`first render, reload (${savedCount} saved positions), median of ${again.length}`, fmt(median(again)), median(again) < GOAL_RENDER_MS ? 'met' : 'MISSED']);
    }
    rows.push(
      [`${CHANGES}-change patch, median of ${patches.length}`, fmt(median(patches)), median(patches) < GOAL_PATCH_MS ? `< ${GOAL_PATCH_MS} ms: met` : `< ${GOAL_PATCH_MS} ms: MISSED`],
      [`${CHANGES}-change patch, max`, fmt(Math.max(...patches)), ''],
      ['JS heap used after load (after GC)', `${memAfterLoad.heapMiB.toFixed(1)} MiB`, `${memAfterLoad.domNodes} DOM nodes`],
      [`JS heap used after ${patches.length} patches (after GC)`, `${memAfterPatches.heapMiB.toFixed(1)} MiB`, `${memAfterPatches.domNodes} DOM nodes`],
    );
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`\nweb map, ${NODES} nodes / ${LINKS} links, Chromium ${version} headless (--disable-gpu)`);
    for (const [a, b, c] of rows) console.log(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    console.log(`  (renders: ${renders.map(fmt).join(', ')}; patches: ${patches.map(fmt).join(', ')})`);
    if (browser.problems.length > 0) console.log(`page errors:\n  ${browser.problems.slice(-10).join('\n  ')}`);
  } catch (err) {
    console.error(`bench/web failed: ${(err as Error).message}${logs ? `\ndaemon log tail:\n${logs.slice(-3000)}` : ''}`);
    process.exitCode = 1;
  } finally {
    await stop();
  }
}

await main();
