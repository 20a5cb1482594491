/**
 * Issue 5 item 7, the telephony view in a real browser: Debian Chromium (headless, playwright-core)
 * against a daemon whose temp config has one `sip-trunk` probe (failureThreshold 1, 500 ms interval)
 * pinging a real Kamailio the test starts on loopback (test/setup/kamailio.ts), plus a test service
 * (an in-code plugin) through which the test emits `sip-call` events as a call-quality collector
 * would (built with the probe's own `callEvent`). Checked through the page:
 * - `#telephony` shows the trunk row up with an OPTIONS RTT, and "—" for what was never reported;
 *   a second trunk towards a port nothing listens on is down; the header buttons sort the rows;
 * - call reports appear live, newest first, MOS coloured by band; selecting the trunk filters the
 *   calls, opens its charts (with points from /api/series) and is deep-linkable after a reload
 *   (the calls then come from /api/events);
 * - Kamailio stopped → the row turns down without a reload, and up again once restarted;
 * - the Map ↔ Telephony switch works from the keyboard; Esc closes the trunk; light theme renders.
 * A screenshot of every test goes to test-artifacts/screenshots/.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import { Observable, Subject } from 'rxjs';
import { startDaemon, type Daemon } from '../../core/daemon.js';
import { Type, definePlugin, defineService, type Observation } from '../../plugins/sdk/index.js';
import { callEvent, type CallReport } from '../../probes/sip/call-report.js';
import { launchChromium, requireChromium, screenshot, screenshotEachTest, type BrowserSession } from '../setup/browser.js';
import { freeUdpPort } from '../setup/free-port.js';
import { startKamailioOrSkip, type KamailioHandle } from '../setup/kamailio.js';
import { writeTempConfig, type TempConfig } from '../setup/temp-config.js';
import { PAGE_HOOKS, type TestWindow } from './page-hooks.js';

const TRUNK = 'kam-trunk';
const TRUNK_ID = `trunk:${TRUNK}`;
const ROW = `#trunks-table tr[data-trunk="${TRUNK_ID}"]`;
/** A second trunk, towards a port nothing listens on. */
const DEAD = 'dead-trunk';

/** Observations the test pushes into the daemon, as a collector service would. */
const feed = new Subject<Observation>();
const callFeedPlugin = definePlugin({
  name: 'test-call-feed', version: '1.0.0', sdk: '^1',
  probes: {},
  services: {
    'test-call-feed': defineService({
      description: 'emits the observations the test pushes',
      configSchema: Type.Object({}),
      create: () => new Observable<Observation>((sub) => feed.subscribe(sub)),
    }),
  },
});

function report(trunk: string, callId: string, at: number, extra: Partial<CallReport>): CallReport {
  return { callId, trunk, source: 'hep', outcome: 'answered', from: 'sip:alice@127.0.0.1', to: 'sip:100@127.0.0.1', startedAt: at - 30_000, answeredAt: at - 29_000, endedAt: at, finalCode: 200, durationS: 29, ...extra };
}

describe('web app in Chromium: telephony view (Kamailio trunk)', function () {
  this.timeout(60_000);
  let kamailio: KamailioHandle | undefined;
  let cfg: TempConfig | undefined;
  let daemon: Daemon | undefined;
  let browser: BrowserSession | undefined;
  let logs = '';
  const page = (): Page => browser!.page;
  const rowState = () => page().getAttribute(ROW, 'data-state');

  async function openTelephony(hash = '#telephony'): Promise<void> {
    const res = await page().goto(`${daemon!.url}/${hash}`, { waitUntil: 'load' });
    expect(res?.status(), `GET / (is the app built? npm run build:web)\n${await res?.text()}`).to.equal(200);
    await page().locator(ROW).waitFor({ state: 'visible', timeout: 10_000 });
  }

  before(async function () {
    requireChromium(this);
    kamailio = await startKamailioOrSkip(this);
    cfg = writeTempConfig({
      services: [{ kind: 'test-call-feed', name: 'feed', config: {} }],
      probes: [{
        kind: 'sip-trunk', name: TRUNK, interval: '500ms', hysteresis: { down: 1, up: 1 },
        target: { uri: `sip:127.0.0.1:${kamailio!.port}`, timeoutMs: 300, failureThreshold: 1, successThreshold: 1 },
      }, {
        // nothing answers there: a trunk that is down from the start (loopback only)
        kind: 'sip-trunk', name: DEAD, interval: '1s', hysteresis: { down: 1, up: 1 },
        target: { uri: `sip:127.0.0.1:${await freeUdpPort()}`, timeoutMs: 300, failureThreshold: 1, successThreshold: 1 },
      }],
    });
    const sink = new Writable({ write: (c, _e, cb) => { logs = (logs + String(c)).slice(-20_000); cb(); } });
    daemon = await startDaemon({ configFile: cfg.file, logDestination: sink, plugins: [callFeedPlugin] });
    browser = await launchChromium();
    await browser.page.addInitScript(PAGE_HOOKS);
    await openTelephony();
  });

  screenshotEachTest(() => browser);

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    await kamailio?.stop();
    cfg?.cleanup();
  });

  it('opens #telephony with the trunk up, its OPTIONS RTT, and — for what was never reported', async () => {
    await page().locator(`${ROW}[data-state="up"]`).waitFor({ timeout: 10_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\ndaemon log: ${logs.slice(-2000)}`);
    });
    const rtt = (await page().textContent(`${ROW} td[data-column="rtt"]`))?.trim();
    expect(rtt, 'OPTIONS RTT cell').to.match(/^\d+(\.\d+)? ms$/);
    expect(Number.parseFloat(rtt!)).to.be.within(0, 300);
    for (const col of ['mos', 'asr', 'ner', 'jitter', 'loss', 'registration', 'concurrent']) {
      expect((await page().textContent(`${ROW} td[data-column="${col}"]`))?.trim(), `${col}: never reported`).to.equal('—');
    }

    // sorting: worst state first by default; then by name, both ways, from the header buttons
    await page().locator(`#trunks-table tr[data-trunk="trunk:${DEAD}"][data-state="down"]`).waitFor({ timeout: 10_000 });
    const order = () => page().locator('#trunks-table tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.trunk));
    expect(await order(), 'worst state first').to.deep.equal([`trunk:${DEAD}`, TRUNK_ID]);
    const byName = page().locator('#trunks-table th[data-column="name"]');
    await byName.locator('button').click();
    expect(await byName.getAttribute('aria-sort')).to.equal('ascending');
    expect(await order()).to.deep.equal([`trunk:${DEAD}`, TRUNK_ID]);
    await byName.locator('button').click();
    expect(await byName.getAttribute('aria-sort')).to.equal('descending');
    expect(await order()).to.deep.equal([TRUNK_ID, `trunk:${DEAD}`]);
    await page().locator('#trunks-table th[data-column="rtt"] button').click();
    expect(await order(), 'RTT worst first, the unknown RTT last').to.deep.equal([TRUNK_ID, `trunk:${DEAD}`]);
    expect(await page().textContent('.tel-summary')).to.match(/2 trunks: (1 up, 1 down|1 down, 1 up)/);

    expect(await page().getAttribute('body', 'data-view')).to.equal('telephony');
    expect(await page().getAttribute('#view-nav a[data-view="telephony"]', 'aria-current')).to.equal('page');
    expect(await page().evaluate(() => getComputedStyle(document.querySelector('.layout')!).visibility), 'the map is under the view').to.equal('hidden');
    expect(await page().title()).to.match(/telephony/);
  });

  it('lists call reports live, newest first, MOS coloured by band; selecting the trunk filters them and opens its charts', async () => {
    const now = Date.now();
    feed.next(callEvent(report(TRUNK, 'call-good', now - 2000, { quality: { mos: 4.31, jitterMs: 2.1, lossPct: 0, codec: 'PCMU' } }), now - 2000));
    feed.next(callEvent(report(TRUNK, 'call-poor', now - 1000, { quality: { mos: 3.21, jitterMs: 31, lossPct: 4.5, codec: 'PCMU' } }), now - 1000));
    feed.next(callEvent(report('other-trunk', 'call-busy', now, { outcome: 'rejected', finalCode: 486, durationS: undefined }), now));
    const rows = page().locator('#calls-table tbody tr');
    await page().waitForFunction(() => document.querySelectorAll('#calls-table tbody tr').length === 3, undefined, { timeout: 5000 });
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.callId))).to.deep.equal(['call-busy', 'call-poor', 'call-good']);
    expect(await page().getAttribute('#calls-table tr[data-call-id="call-good"] .mos', 'data-band')).to.equal('good');
    expect(await page().getAttribute('#calls-table tr[data-call-id="call-poor"] .mos', 'data-band')).to.equal('poor');
    expect(await page().textContent('#calls-table tr[data-call-id="call-busy"] .outcome')).to.equal('rejected 486');
    expect(await page().textContent('#calls-table tr[data-call-id="call-poor"]')).to.contain('4.5 %').and.contain('31.0 ms').and.contain('alice → 100');
    expect((await page().textContent(`${ROW} td[data-column="calls"]`))?.trim(), 'calls of the last hour on the trunk').to.equal('2');

    await page().locator(ROW).click();
    expect(await page().evaluate(() => location.hash)).to.equal(`#telephony/${TRUNK}`);
    await page().waitForFunction(() => document.querySelectorAll('#calls-table tbody tr').length === 2, undefined, { timeout: 3000 });
    expect(await page().isVisible('#calls-trunk-filter')).to.equal(true);
    const chart = page().locator('#trunk-charts .trunk-chart[data-chart="rtt"]');
    await chart.locator('canvas').first().waitFor({ state: 'visible', timeout: 5000 });
    // the store batches its writes: the RTT samples arrive within a few seconds
    let points = 0;
    for (let i = 0; i < 40 && points === 0; i++) {
      points = Number(await chart.getAttribute('data-points'));
      if (points === 0) {
        await page().locator('#trunk-charts button[data-range="24h"]').click();
        await page().waitForTimeout(500);
      }
    }
    expect(points, 'RTT chart points from /api/series').to.be.above(0);
    expect(await page().getAttribute('#trunk-charts .trunk-chart[data-chart="mos"]', 'data-points'), 'no MOS series: nothing drawn').to.equal('0');

    await page().reload({ waitUntil: 'load' });
    await page().locator('#trunk-detail[data-trunk="trunk:kam-trunk"]').waitFor({ state: 'visible', timeout: 10_000 });
    await page().waitForFunction(() => document.querySelectorAll('#calls-table tbody tr').length === 2, undefined, { timeout: 5000 });
    expect(await page().locator(`${ROW}`).getAttribute('aria-current'), 'deep link selects the trunk').to.equal('true');
  });

  it('turns the trunk row down without a reload when Kamailio stops, and up when it restarts', async function () {
    this.timeout(45_000);
    const marker = await page().evaluate(() => (window as unknown as TestWindow).__vigieTest.marker);
    expect(await rowState()).to.equal('up');
    await kamailio!.stop();
    await page().locator(`${ROW}[data-state="down"]`).waitFor({ timeout: 10_000 });
    expect((await page().textContent('#trunk-detail .trunk-info'))?.startsWith('down'), 'the open trunk header follows').to.equal(true);
    await kamailio!.start();
    await page().locator(`${ROW}[data-state="up"]`).waitFor({ timeout: 10_000 });
    expect(await page().evaluate(() => (window as unknown as TestWindow).__vigieTest.marker), 'the page was not reloaded').to.equal(marker);
    expect(await page().evaluate(() => performance.getEntriesByType('navigation').length)).to.equal(1);
  });

  it('switches Map ↔ Telephony from the keyboard, and Esc closes the trunk', async () => {
    await page().locator(ROW).focus();
    await page().keyboard.press('Escape');
    expect(await page().evaluate(() => location.hash)).to.equal('#telephony');
    expect(await page().isHidden('#trunk-detail')).to.equal(true);
    expect(await page().locator('#calls-table tbody tr').count(), 'every trunk\'s calls again').to.equal(3);
    await page().keyboard.press('Enter');
    expect(await page().evaluate(() => location.hash), 'Enter on a focused row selects it').to.equal(`#telephony/${TRUNK}`);

    await page().focus('#view-nav a[data-view="map"]');
    await page().keyboard.press('Enter');
    await page().waitForFunction(() => document.body.dataset.view === 'map', undefined, { timeout: 3000 });
    expect(await page().isHidden('#telephony-view')).to.equal(true);
    expect(await page().evaluate(() => getComputedStyle(document.querySelector('#map')!).visibility)).to.equal('visible');
    await page().keyboard.press('Tab');
    expect(await page().evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.view), 'Tab reaches the Telephony link').to.equal('telephony');
    await page().keyboard.press('Enter');
    await page().waitForFunction(() => document.body.dataset.view === 'telephony', undefined, { timeout: 3000 });
    await page().goBack();
    await page().waitForFunction(() => document.body.dataset.view === 'map', undefined, { timeout: 3000 });
    await page().goForward();
    await page().waitForFunction(() => document.body.dataset.view === 'telephony', undefined, { timeout: 3000 });

    // "Show on map" from the trunk's header: the map view, the trunk node selected
    await page().locator(ROW).click();
    await page().getByRole('button', { name: 'Show this trunk on the map' }).click();
    await page().waitForFunction((id) => document.body.dataset.view === 'map' && (window as unknown as TestWindow).__vigie?.ctx.selection.node === id, TRUNK_ID, { timeout: 3000 });
    await page().goBack();
    await page().locator(`#trunk-detail[data-trunk="${TRUNK_ID}"]`).waitFor({ state: 'visible', timeout: 3000 });
    expect(await page().evaluate(() => location.hash), 'Back returns to the trunk').to.equal(`#telephony/${TRUNK}`);
  });

  it('renders in the dark and the light theme', async () => {
    await page().setViewportSize({ width: 1400, height: 1250 }); // charts and calls in one screenshot
    await page().evaluate(() => (location.hash = `#telephony/kam-trunk`));
    await page().locator('#trunk-detail').waitFor({ state: 'visible', timeout: 3000 });
    const colours: Record<string, string> = {};
    for (let i = 0; i < 2; i++) {
      const theme = (await page().getAttribute('body', 'data-theme'))!;
      colours[theme] = await page().evaluate(() => getComputedStyle(document.querySelector('.mos-good')!).color);
      await screenshot(page(), `telephony-view-${theme}-theme-trunk`);
      await page().keyboard.press('Escape');
      await page().locator('#trunk-detail').waitFor({ state: 'hidden', timeout: 3000 });
      await screenshot(page(), `telephony-view-${theme}-theme`);
      await page().click('#theme-toggle');
      await page().evaluate(() => (location.hash = `#telephony/kam-trunk`));
      await page().locator('#trunk-detail').waitFor({ state: 'visible', timeout: 3000 });
      await page().waitForTimeout(300); // the charts' data
    }
    await page().setViewportSize({ width: 1400, height: 900 });
    expect(Object.keys(colours).sort()).to.deep.equal(['dark', 'light']);
    expect(colours.light, 'the MOS band colour follows the theme').to.not.equal(colours.dark);
  });
});
