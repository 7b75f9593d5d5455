import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/app.js';
import { browserAvailable, launchBrowser, artifactPath } from '../helpers/browser.js';
import { translatorFor } from '../../bot/i18n.js';

describe.skipIf(!browserAvailable())('the referral finder in Chromium', () => {
  let server: TestServer;
  let chromium: { browser: Browser; close(): Promise<void> };
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000' });
    chromium = await launchBrowser();
    page = await chromium.browser.newPage({ viewport: { width: 1100, height: 1400 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // Nothing may come from another origin (no CDN).
    await page.route('**/*', (route) => (route.request().url().startsWith(server.url) ? route.continue() : (errors.push(`external: ${route.request().url()}`), route.abort())));
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  /** Waits until the page shows the answer to its latest search. */
  async function settled(): Promise<void> {
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
  }
  async function resultIds(): Promise<string[]> {
    return page.locator('#results li.result').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!));
  }
  async function api(params: string): Promise<{ total: number; items: Array<{ id: string }> }> {
    return (await fetch(`${server.url}/api/services?${params}`)).json();
  }

  test('a plain question finds the services the API finds, and the URL carries it', async () => {
    await page.goto(`${server.url}/finder`);
    await settled();
    await page.fill('#q', 'Kita-Platz für meine Tochter');
    await page.selectOption('#town', 'goch');
    await page.click('#search button[type=submit]');
    await settled();
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe('Kita-Platz für meine Tochter');
    expect(url.searchParams.get('town')).toBe('goch');
    const expected = await api('q=Kita-Platz%20f%C3%BCr%20meine%20Tochter&town=goch&pageSize=10');
    expect(expected.total).toBeGreaterThan(0);
    expect(await resultIds()).toEqual(expected.items.map((i) => i.id));
    await page.screenshot({ path: artifactPath('finder-search.png'), fullPage: true });
  });

  test('a filter narrows the results and is kept in a shared link', async () => {
    await page.check('#childcare');
    await settled();
    expect(new URL(page.url()).searchParams.get('childcare')).toBe('true');
    const expected = await api('q=Kita-Platz%20f%C3%BCr%20meine%20Tochter&town=goch&childcare=true&pageSize=10');
    expect(await resultIds()).toEqual(expected.items.map((i) => i.id));

    // The same link opened afresh shows the same search.
    const shared = page.url();
    const other = await chromium.browser.newPage();
    await other.goto(shared);
    await other.waitForFunction(() => document.body.dataset.state === 'ready');
    expect(await other.inputValue('#q')).toBe('Kita-Platz für meine Tochter');
    expect(await other.isChecked('#childcare')).toBe(true);
    expect(await other.locator('#results li.result').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id))).toEqual(expected.items.map((i) => i.id));
    await other.close();
  });

  test('the query is echoed as text, never as markup', async () => {
    const evil = '<img src=x id=injected>';
    await page.goto(`${server.url}/finder?q=${encodeURIComponent(evil)}`);
    await settled();
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.textContent('#summary')).toContain(evil);
  });

  test('the language switch translates the page and the results, Arabic right to left', async () => {
    await page.goto(`${server.url}/finder?topic=counselling.youth`);
    await settled();
    await page.selectOption('#ui-lang', 'ar');
    await settled();
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('ar');
    const ar = translatorFor(server.app.i18n, 'ar', 'finder');
    expect(await page.textContent('h1')).toBe(ar('page.heading'));
    const first = (await api('topic=counselling.youth&language=ar&pageSize=1')).items[0] as unknown as { text: { title: string } };
    expect(await page.textContent('#results li.result h3')).toBe(first.text.title);
    await page.screenshot({ path: artifactPath('finder-ar.png'), fullPage: true });
  });

  test('two chosen services make an Arabic–German referral sheet', async () => {
    await page.goto(`${server.url}/finder?topic=counselling.youth`);
    await settled();
    const ids = (await resultIds()).slice(0, 2);
    expect(ids).toHaveLength(2);
    for (const id of ids) await page.check(`#results li.result[data-id="${id}"] input[name=pick]`);
    await page.selectOption('#family-lang', 'ar');
    await Promise.all([page.waitForURL(/\/finder\/sheet\?/), page.click('#make-sheet')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('ids')).toBe(ids.join(','));
    expect(url.searchParams.get('lang')).toBe('ar');
    expect(await page.locator('article.service').count()).toBe(2);
    expect(await page.locator('section.col[lang=ar][dir=rtl]').count()).toBe(2);
    expect(await page.locator('section.col[lang=de][dir=ltr]').count()).toBe(2);
    expect(await page.locator('figure.qr svg').count()).toBe(2);
    // Arabic really runs right to left: the column's text starts at its right edge.
    const align = await page.locator('section.col[lang=ar] h2').first().evaluate((h) => getComputedStyle(h).direction);
    expect(align).toBe('rtl');
    await page.screenshot({ path: artifactPath('sheet-ar-de.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.toolbar').isVisible()).toBe(false);
    await page.screenshot({ path: artifactPath('sheet-ar-de-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  test('no script errors and nothing fetched from another origin', () => {
    expect(errors).toEqual([]);
  });
});
