/**
 * Issue 4, the web app in a real browser: Debian Chromium (headless, playwright-core) against the
 * daemon polling the simulator's demo site (test/setup/demo-daemon.ts: the default config's
 * devices and probes, polled every 2 s), plus one recorded Cisco 2960-X (the demo's own devices
 * have no serial number to search for). Checked through the page (DOM contract of the app,
 * `window.__vigie.cy`) against `/api/topology`:
 * - the map shows exactly the nodes and links the API reports (site compound nodes aside);
 * - a simulated device stopped turns its node `down` within 2 s of the patch's arrival in the page,
 *   and back `up` when restarted, with no page reload (a per-load marker survives);
 * - searching a serial number lists the device; Enter centres the map on it and selects it;
 * - clicking a port row of the node panel opens a chart with data points;
 * - a node dragged keeps its position across a reload (saved through PUT /api/layout).
 * A screenshot of every test goes to test-artifacts/screenshots/.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TopologySnapshot } from '../../core/topology/types.js';
import { generateSite, siteCables, type SiteSpec } from '../../plugins/simulator/index.js';
import { launchChromium, requireChromium, screenshotEachTest, type BrowserSession } from '../setup/browser.js';
import { startDemoDaemon, type DemoDaemon } from '../setup/demo-daemon.js';
import { PAGE_HOOKS, type TestWindow } from './page-hooks.js';
import { waitFor } from '../setup/wait-for.js';

const SITE: SiteSpec = { switches: 10, portsPerSwitch: 8, seed: 1, routers: 1 };
const EXTRA = { file: 'ios_2960x', kind: 'switch' as const, name: 'access-2960x' };
/** The device stopped and restarted: a leaf of the generated cabling would do; this one is a switch. */
const STOPPED = 'sim-sw-10';
const PATCH_TO_MAP_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('web app in Chromium (demo site)', function () {
  this.timeout(60_000);
  let demo: DemoDaemon | undefined;
  let browser: BrowserSession | undefined;
  const page = (): Page => browser!.page;
  const topology = async (): Promise<TopologySnapshot> => (await fetch(`${demo!.url}/api/topology`)).json() as Promise<TopologySnapshot>;

  /** Opens the app and waits for `__vigie.ready` (the first snapshot drawn). */
  async function openApp(): Promise<void> {
    const res = await page().goto(demo!.url + '/', { waitUntil: 'load' });
    expect(res?.status(), `GET / (is the app built? npm run build:web)\n${await res?.text()}`).to.equal(200);
    await page().waitForFunction(() => Boolean((window as unknown as TestWindow).__vigie?.ready), undefined, { timeout: 10_000 });
    await page().evaluate(() => (window as unknown as TestWindow).__vigie!.ready.then(() => true));
  }

  before(async function () {
    this.timeout(60_000);
    requireChromium(this);
    demo = await startDemoDaemon({ extra: [EXTRA] });
    // The demo is complete once every polled device is up and LLDP has found the whole cabling.
    const polled = [...generateSite(SITE).map((d) => d.name), 'branch-router', 'ups-1', EXTRA.name].map((n) => `node:${n}`);
    const cables = siteCables(SITE).length;
    await waitFor(async () => {
      const t = await topology();
      const up = new Set(t.nodes.filter((n) => n.state === 'up').map((n) => n.id));
      const lldp = t.links.filter((l) => l.origin === 'lldp' || l.attrs?.protocol === 'lldp').length;
      return polled.every((id) => up.has(id)) && lldp >= cables ? true : undefined;
    }, 30_000, `every demo device up and ${cables} LLDP links (log: ${demo.logs().slice(-2000)})`);
    browser = await launchChromium();
    await browser.page.addInitScript(PAGE_HOOKS);
    await openApp();
  });

  screenshotEachTest(() => browser);

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows as many nodes and links as /api/topology reports (the same ids)', async () => {
    // The topology may still be moving (a neighbour found by a later poll): compare until both agree.
    let last = '';
    await waitFor(async () => {
      const t = await topology();
      const cy = await page().evaluate(() => {
        const c = (window as unknown as TestWindow).__vigie!.cy;
        return { nodes: c.nodes().map((n) => n.id()), edges: c.edges().map((e) => e.id()) };
      });
      const mapNodes = cy.nodes.filter((id) => !id.startsWith('site:')).sort();
      const apiNodes = t.nodes.map((n) => n.id).sort();
      const apiLinks = t.links.map((l) => l.id).sort();
      last = `map ${mapNodes.length} nodes / ${cy.edges.length} links, API ${apiNodes.length} / ${apiLinks.length}`;
      return JSON.stringify(mapNodes) === JSON.stringify(apiNodes) && JSON.stringify(cy.edges.sort()) === JSON.stringify(apiLinks) ? true : undefined;
    }, 8000, 'the map to hold the API topology').catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
    const t = await topology();
    expect(t.nodes.length, 'the demo has its 16 polled devices at least').to.be.at.least(16);
    expect(t.links.length).to.be.at.least(siteCables(SITE).length);
  });

  it(`turns a stopped device's node down within ${PATCH_TO_MAP_MS} ms of the patch, and up on restart, without reloading`, async function () {
    this.timeout(45_000);
    const id = `node:${STOPPED}`;
    const marker = await page().evaluate(() => (window as unknown as TestWindow).__vigieTest.marker);
    const stateOnMap = () => page().evaluate((n) => (window as unknown as TestWindow).__vigie!.cy.getElementById(n).data('state'), id);
    expect(await stateOnMap(), `${id} on the map before`).to.equal('up');

    const pulses: boolean[] = [];
    for (const [down, state] of [[true, 'down'], [false, 'up']] as const) {
      await page().evaluate(([n, s]) => (window as unknown as TestWindow).__vigieTest.armState(n, s), [id, state]);
      demo!.sim.setDown(STOPPED, down);
      const seen = await waitFor(
        () => page().evaluate(([n, s]) => (window as unknown as TestWindow).__vigieTest.seen[`${n}|${s}`], [id, state]),
        20_000,
        `${id} ${state} on the map`,
      );
      const patchAt = await page().evaluate(([n, s]) => (window as unknown as TestWindow).__vigieTest.patchAt(n, s), [id, state]);
      expect(patchAt, `a topology patch setting ${id} ${state} reached the page`).to.be.a('number');
      const delay = seen.t - patchAt!;
      console.log(`      ${id} ${state}: on the map ${delay.toFixed(0)} ms after the patch arrived`);
      expect(delay, `${state}: patch arrival → node state on the map`).to.be.below(PATCH_TO_MAP_MS);
      pulses.push(seen.pulse);
      expect((await topology()).nodes.find((n) => n.id === id)?.state, 'the API agrees').to.equal(state);
    }
    expect(pulses, `${id} pulses when it turns down, and when it turns up`).to.deep.equal([true, true]);
    expect(await page().evaluate(() => (window as unknown as TestWindow).__vigieTest.marker), 'the page was not reloaded').to.equal(marker);
    expect(await page().evaluate(() => performance.getEntriesByType('navigation').length)).to.equal(1);
    expect(await page().getAttribute('#conn-state', 'data-state')).to.equal('live');
  });

  it('finds a device by its serial number and centres the map on it', async () => {
    const t = await topology();
    const withSerial = t.nodes
      .map((n) => ({ id: n.id, serial: ((n.attrs.inventory as { serial?: string } | undefined)?.serial ?? n.attrs.serial) as string | undefined }))
      .find((n) => typeof n.serial === 'string' && /^[A-Z0-9]{6,}$/i.test(n.serial));
    expect(withSerial, 'a node of the topology has an inventory serial').to.not.equal(undefined);
    const { id, serial } = withSerial!;

    // Move the view a whole screen away, so a centred node can only come from the search.
    await page().evaluate(() => {
      const cy = (window as unknown as TestWindow).__vigie!.cy;
      cy.panBy({ x: cy.width(), y: cy.height() });
    });
    await page().press('body', '/');
    expect(await page().evaluate(() => document.activeElement?.id), '/ focuses the search').to.equal('search');
    await page().fill('#search', serial!);
    const hit = page().locator(`#search-results li[data-entity="${id}"]`);
    await hit.waitFor({ state: 'visible', timeout: 5000 });
    await page().press('#search', 'Enter');

    let last: unknown;
    const offCentre = await waitFor(async () => {
      const r = await page().evaluate((n) => {
        const w = window as unknown as TestWindow;
        const cy = w.__vigie!.cy;
        const p = cy.getElementById(n).renderedPosition();
        return { dx: Math.abs(p.x - cy.width() / 2), dy: Math.abs(p.y - cy.height() / 2), w: cy.width(), h: cy.height(), selected: w.__vigie!.ctx.selection.node };
      }, id);
      last = r;
      return r.dx < r.w * 0.05 && r.dy < r.h * 0.05 && r.selected === id ? r : undefined;
    }, 3000, `${id} centred and selected`).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
    expect(offCentre.dx).to.be.below(offCentre.w * 0.05);
  });

  it('clicking a port row opens its history chart with data points', async () => {
    const node = 'node:sim-sw-01';
    const port = 'port:sim-sw-01/eth1';
    await page().evaluate((n) => (window as unknown as TestWindow).__vigie!.ctx.focus(n), node);
    await page().locator(`#node-panel[data-node="${node}"]`).waitFor({ state: 'visible', timeout: 5000 });
    await page().locator(`#ports-table tr[data-port="${port}"]`).click();
    const chart = page().locator('#port-chart');
    await chart.locator('canvas').first().waitFor({ state: 'visible', timeout: 5000 });
    const points = await waitFor(async () => {
      const n = Number(await chart.getAttribute('data-points'));
      return n > 0 ? n : undefined;
    }, 10_000, '#port-chart[data-points] > 0');
    expect(points).to.be.above(0);
  });

  it('keeps a dragged node where it was put across a reload', async () => {
    const id = 'node:sim-sw-05';
    await page().keyboard.press('Escape');
    await page().evaluate((n) => (window as unknown as TestWindow).__vigie!.ctx.focus(n), id);
    await sleep(600); // the centring animation
    const at = await page().evaluate((n) => {
      const cy = (window as unknown as TestWindow).__vigie!.cy;
      const box = cy.container()!.getBoundingClientRect();
      const p = cy.getElementById(n).renderedPosition();
      return { x: box.left + p.x, y: box.top + p.y, model: cy.getElementById(n).position() };
    }, id);
    const saved = page().waitForResponse((r) => r.url().includes('/api/layout/') && r.request().method() === 'PUT', { timeout: 10_000 });
    await page().mouse.move(at.x, at.y);
    await page().mouse.down();
    for (let k = 1; k <= 8; k++) await page().mouse.move(at.x + 10 * k, at.y + 6 * k);
    await page().mouse.up();
    const res = await saved;
    expect(res.status(), 'PUT /api/layout answered').to.be.below(300);
    const moved = await page().evaluate((n) => (window as unknown as TestWindow).__vigie!.cy.getElementById(n).position(), id);
    expect(Math.hypot(moved.x - at.model.x, moved.y - at.model.y), 'the drag moved the node').to.be.above(20);

    await page().reload({ waitUntil: 'load' });
    await page().waitForFunction(() => Boolean((window as unknown as TestWindow).__vigie?.ready), undefined, { timeout: 10_000 });
    await page().evaluate(() => (window as unknown as TestWindow).__vigie!.ready.then(() => true));
    const after = await page().evaluate((n) => (window as unknown as TestWindow).__vigie!.cy.getElementById(n).position(), id);
    expect(Math.abs(after.x - moved.x), `x after reload (${after.x} vs ${moved.x})`).to.be.at.most(1);
    expect(Math.abs(after.y - moved.y), `y after reload (${after.y} vs ${moved.y})`).to.be.at.most(1);
  });

  it('the telephony view shows the demo trunk live: state, RTT, registration, and its calls as they end', async () => {
    await page().goto(`${demo!.url}/#telephony`, { waitUntil: 'load' });
    const row = page().locator('#trunks-table tr[data-trunk="trunk:sim-trunk-01"]');
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await waitFor(async () => (['up', 'degraded'].includes((await row.getAttribute('data-state')) ?? '') ? true : undefined), 15_000, 'the demo trunk up (or degraded)');
    expect(await row.locator('td[data-column="rtt"]').innerText(), 'OPTIONS RTT shown').to.match(/\d ms$/);
    await row.locator('[data-reg="registered"]').waitFor({ timeout: 15_000 });
    // Calls come from the simulated PBX mirrored as HEP to the daemon's collector: one appears without a reload.
    const calls = page().locator('#calls-table tbody tr[data-trunk="trunk:sim-trunk-01"]');
    const before = await calls.count();
    await waitFor(async () => ((await calls.count()) > before ? true : undefined), 45_000, `a new call of the demo trunk in the list (log: ${demo!.logs().slice(-1500)})`);
    await page().goto(`${demo!.url}/`, { waitUntil: 'load' });
  });
});
