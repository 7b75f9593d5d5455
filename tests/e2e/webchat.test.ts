import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/app.js';
import { browserAvailable, launchBrowser, artifactPath } from '../helpers/browser.js';

/**
 * The chat page in a real browser (Debian's chromium): the official Web Chat on our Direct Line.
 * Mobile viewport; screenshots go to test-artifacts/.
 */
describe.skipIf(!browserAvailable())('Web Chat page in chromium', () => {
  let server: TestServer;
  let browser: { browser: Browser; close(): Promise<void> };

  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage(path = '/'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'de-DE' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Only requests to our own server may leave the page (no CDN).
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith(server.url.replace('http', 'ws')) && !/^(data|blob):/.test(r.url())) errors.push(`foreign request ${r.url()}`);
    });
    await page.goto(`${server.url}${path}`);
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor();
    return { page, errors };
  }

  const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)').count();

  /** Sends a message and waits until the bot has answered it. */
  async function send(page: Page, text: string): Promise<void> {
    const before = await botBubbles(page);
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => botBubbles(page), { timeout: 15_000 }).toBeGreaterThan(before);
  }

  /** Picks a language in the page's own picker and waits for the bot's confirmation in it. */
  async function pick(page: Page, code: string): Promise<void> {
    await page.selectOption('#language', code);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(code);
  }

  const cases = [
    { code: 'ar', dir: 'rtl', question: 'أريد التسجيل في دورة اندماج لتعلم اللغة', town: 'كليفه', heading: 'Lotse', course: /اندماج/ },
    { code: 'uk', dir: 'ltr', question: 'Шукаю курс німецької мови', town: 'Клеве', heading: 'Lotse', course: /інтеграц|курс/i },
  ] as const;

  for (const c of cases) {
    test(`pick ${c.code}, ask about a German course, see the answer card (${c.dir})`, async () => {
      const { page, errors } = await openPage();
      // The conversation starts in the page language (the browser's German).
      await expect.poll(() => page.locator('.webchat__basic-transcript .webchat__bubble__content').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      const germanPlaceholder = await page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder');
      await pick(page, c.code);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe(c.dir);
      // Web Chat's own UI follows: its send box placeholder is no longer the German one.
      await expect.poll(() => page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder')).not.toBe(germanPlaceholder);
      await page.screenshot({ path: artifactPath(`webchat-${c.code}-start.png`) });

      await send(page, c.question);
      // The bot asks for the town first (courses are local), then answers with cards.
      await send(page, c.town);
      const card = page.locator('.ac-adaptiveCard').first();
      await card.waitFor({ timeout: 15_000 });
      expect(await card.innerText()).toMatch(c.course);
      expect(await card.evaluate((el) => getComputedStyle(el).direction)).toBe(c.dir);
      // Call, website and map buttons on the card.
      expect(await page.locator('.ac-adaptiveCard .ac-pushButton').count()).toBeGreaterThan(0);
      // Suggested actions (quick replies) under the answer.
      expect(await page.locator('.webchat__suggested-actions button').count()).toBeGreaterThan(0);
      await page.screenshot({ path: artifactPath(`webchat-${c.code}-answer.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  }

  test('a deep link opens in its language and asks about its topic', async () => {
    const { page, errors } = await openPage('/?lang=tr&topic=health');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('tr');
    expect(await page.locator('#language').inputValue()).toBe('tr');
    // The topic is answered without typing: cards or a follow-up question appear after the greeting.
    await expect.poll(() => page.locator('.webchat__basic-transcript .webchat__bubble__content').count(), { timeout: 15_000 }).toBeGreaterThan(2);
    await page.screenshot({ path: artifactPath('webchat-deeplink-tr.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('the page is labelled for screen readers and has a privacy notice', async () => {
    const { page } = await openPage('/?lang=fa');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.locator('label[for="language"]').innerText()).not.toBe('');
    expect(await page.locator('#webchat').getAttribute('aria-label')).not.toBe('');
    expect(await page.locator('.privacy summary').innerText()).not.toBe('');
    // The retention period is the server's, rendered into the strings of /static/locales.json with its plural form.
    const notice = await page.locator('.privacy p').first().textContent();
    expect(notice).toContain('30');
    expect(notice).not.toContain('{{');
    await page.close();
  }, 60_000);
});
