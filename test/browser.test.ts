/**
 * The web page in real Chromium (Debian `chromium` driven by playwright-core): paste a spun paragraph,
 * see the highlights, open a finding with the keyboard, accept a suggestion, and read the restored text.
 * Needs UNSPIN_TEST_CHROMIUM (set by .ci/run); skipped with a reason otherwise, failed when
 * UNSPIN_REQUIRE_SERVICES=1. Screenshots go to test-results/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.UNSPIN_TEST_CHROMIUM;
const REQUIRED = process.env.UNSPIN_REQUIRE_SERVICES === '1';
/** The example's second paragraph: the one with the most spinner evidence ("have actually", "past due"). */
const SPUN = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8')
  .split('\n\n')[1]
  .trim();

/** The launch flags that work with Debian's Chromium here (no sandbox in containers, nothing phoning home). */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

interface ApiFinding {
  start: number;
  end: number;
  text: string;
  suggestions: Array<{ text: string; probability: number }>;
}

describe.runIf(CHROMIUM || REQUIRED)('web page in Chromium', () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('UNSPIN_TEST_CHROMIUM is not set but UNSPIN_REQUIRE_SERVICES=1');
    app = buildServer({ workers: 1 });
    await app.unspinPool.ready();
    base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/`;
    // playwright-core gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    mkdirSync(RESULTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page that records every request it makes and every console error or uncaught exception. */
  async function openPage(viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(base);
    return { page, requests, problems, context };
  }

  async function pasteAndWait(page: Page, text: string): Promise<void> {
    await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
    await page.locator('#text').focus();
    await page.keyboard.press('Control+V');
    await page.locator('#marked button.finding').first().waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('highlights a pasted spun paragraph, accepts a suggestion by keyboard, and restores the text', async () => {
    // The same check through the API first, to know what the page should show.
    const api = (await (
      await fetch(`${base}api/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: SPUN, options: { minConfidence: 0.5 } }),
      })
    ).json()) as { verdict: string; findings: ApiFinding[] };
    expect(api.findings.length, 'the engine no longer flags anything in this paragraph').toBeGreaterThan(0);

    const { page, requests, problems, context } = await openPage({ width: 1280, height: 900 });
    await pasteAndWait(page, SPUN);
    expect(await page.locator('#text').inputValue()).toBe(SPUN);

    const spans = page.locator('#marked button.finding');
    expect(await spans.count()).toBe(api.findings.length);
    expect(await spans.allTextContents()).toEqual(api.findings.map((f) => f.text));
    await expect.poll(() => page.locator('#verdict .badge').textContent()).toBe(api.verdict);
    expect(await page.locator('#verdict').getAttribute('aria-live')).toBe('polite');
    // The marked view shows the whole text, unchanged.
    expect(await page.locator('#marked').textContent()).toBe(SPUN);

    // Keyboard: Tab from the toolbar reaches the first finding, Enter opens its suggestions, Escape
    // closes them and returns the focus.
    await page.locator('#undo-all').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.dataset.index')).toBe('0');
    await page.keyboard.press('Enter');
    const popover = page.locator('#popover');
    await popover.waitFor({ state: 'visible' });
    const first = api.findings[0];
    const shown = await page.locator('#suggestions button.suggestion strong').allTextContents();
    expect(shown).toEqual(first.suggestions.map((s) => s.text));
    expect(await page.locator('#suggestions button.suggestion').first().textContent()).toMatch(/\d+%/);
    await page.keyboard.press('Escape');
    await popover.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.dataset.index')).toBe('0');

    // Open again and accept the top suggestion with Enter (focus starts on it).
    await page.keyboard.press('Enter');
    await popover.waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await popover.waitFor({ state: 'hidden' });

    const top = first.suggestions[0].text;
    const expected = SPUN.slice(0, first.start) + top + SPUN.slice(first.end);
    expect(await page.locator('#marked button.finding').first().textContent()).toBe(top);
    expect(await page.locator('#restored ins').allTextContents()).toEqual([top]);
    expect(await page.locator('#restored del').allTextContents()).toEqual([first.text]);
    // The restored view is the text with the struck-out words followed by the restored ones.
    expect(await page.locator('#restored').textContent()).toBe(
      SPUN.slice(0, first.start) + first.text + top + SPUN.slice(first.end),
    );

    // Copy puts the same text on the clipboard.
    await page.locator('#copy-text').click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(expected);

    // Accept all: every finding shows its top suggestion.
    await page.locator('#accept-all').click();
    expect(await page.locator('#marked button.finding').allTextContents()).toEqual(
      api.findings.map((f) => f.suggestions[0].text),
    );

    // Download of the restored text (a blob: link, allowed by the page's CSP) carries the same text.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#download-text').click(),
    ]);
    expect(download.suggestedFilename()).toBe('text-restored.txt');
    const saved = await download.path();
    const allTop = api.findings.reduceRight(
      (t, f) => t.slice(0, f.start) + f.suggestions[0].text + t.slice(f.end),
      SPUN,
    );
    expect(readFileSync(saved, 'utf8')).toBe(allTop);

    await page.screenshot({ path: join(RESULTS, 'browser-check.png'), fullPage: true });
    // Nothing but this server was asked for anything, and nothing broke (a CSP violation logs an error).
    expect(requests.every((u) => u.startsWith(base))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('checks a .txt file opened from a 375 px wide phone screen, and stays readable', async () => {
    const { page, problems, context } = await openPage({ width: 375, height: 800 });
    await page.locator('#file').setInputFiles({
      name: 'story.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(SPUN, 'utf8'),
    });
    await page.locator('#marked button.finding').first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('#text').inputValue()).toBe(SPUN);
    await page.locator('#marked button.finding').first().click();
    await page.locator('#popover').waitFor({ state: 'visible' });
    const fits = await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    expect(fits).toBe(true);
    const box = await page.locator('#popover').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
    await page.screenshot({ path: join(RESULTS, 'browser-phone.png'), fullPage: false });
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe.skipIf(CHROMIUM || REQUIRED)('web page in Chromium (skipped)', () => {
  it.skip('needs UNSPIN_TEST_CHROMIUM=/usr/bin/chromium (set by .ci/run)', () => {});
});
