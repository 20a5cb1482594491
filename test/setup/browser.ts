/**
 * Debian Chromium, headless, driven by playwright-core, for the browser tests and the web bench.
 *
 * Contract:
 * - `requireChromium(mochaContext)` in a `before` hook: when `/usr/bin/chromium` (or
 *   `$VIGIE_CHROMIUM`) is missing, fails in CI (`process.env.CI`) with a message naming the Debian
 *   package, and skips loudly (console.warn + `this.skip()`) elsewhere.
 * - `launchChromium()` starts it with the flags and a fresh temp user-data-dir (a persistent
 *   context, so nothing of a previous run is reused); `close()` closes the browser and removes that
 *   folder, and may be called more than once. Page errors and console errors are collected in
 *   `problems` (a failing test prints them).
 * - `screenshotEachTest(() => page)` registers a mocha `afterEach` that saves
 *   `test-artifacts/screenshots/<test title>.png` after every test, and `<test title>.FAILED.png`
 *   when it failed (git-ignored folder).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/host/registry.js';

export const CHROMIUM_PATH = process.env.VIGIE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-artifacts', 'screenshots');

export interface BrowserSession {
  context: BrowserContext;
  /** The first page of the context. */
  page: Page;
  userDataDir: string;
  /** Uncaught page errors and console errors, newest last. */
  problems: string[];
  close(): Promise<void>;
}

const MISSING = `Chromium not found at ${CHROMIUM_PATH} (Debian package \`chromium\`; .ci/run installs it, or set VIGIE_CHROMIUM)`;

/** Throws (naming the package to install) when Chromium is missing: for scripts such as the bench. */
export function requireChromiumPath(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(MISSING);
}

/** Returns when Chromium is installed; otherwise fails (CI) or skips the suite loudly. */
export function requireChromium(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const why = MISSING;
  if (process.env.CI) throw new Error(why);
  console.warn(`    SKIPPED (browser tests): ${why}`);
  ctx.skip();
}

/** `extraArgs` go after the flags. */
export async function launchChromium(opts: { width?: number; height?: number; extraArgs?: string[] } = {}): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'vigie-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
      viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 },
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  let closing: Promise<void> | undefined;
  return {
    context,
    page,
    userDataDir,
    problems,
    close() {
      closing ??= context
        .close()
        .catch(() => undefined)
        .finally(() => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
      return closing;
    },
  };
}

/** A test title as a file name (at most `max` characters). */
export function screenshotName(title: string, max = 120): string {
  return title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max) || 'screenshot';
}

/** Saves a full-page screenshot under test-artifacts/screenshots; resolves with its path (undefined if the page is gone). */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${screenshotName(name, 200)}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
    return file;
  } catch {
    return undefined;
  }
}

/** Registers an afterEach: a screenshot after every test, `.FAILED` in the name when it failed, plus the page's errors. */
export function screenshotEachTest(session: () => BrowserSession | undefined): void {
  afterEach(async function () {
    const s = session();
    const test = this.currentTest;
    if (!s || !test) return;
    const failed = test.state === 'failed';
    const file = await screenshot(s.page, `${screenshotName(test.fullTitle())}${failed ? '.FAILED' : ''}`);
    if (failed) {
      console.log(`    screenshot: ${file ?? '(page gone)'}`);
      if (s.problems.length > 0) console.log(`    page errors:\n      ${s.problems.slice(-20).join('\n      ')}`);
    }
  });
}
