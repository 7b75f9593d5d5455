import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { HttpError } from '../http.js';

/**
 * Flags for a server without network access: no background connections, no GPU.
 * @remarks `--no-sandbox` because containers commonly run as root; the page is our own HTML,
 * rendered with JavaScript off and the network cut (see {@link PdfRenderer.render}).
 */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Renders at most this many PDFs at once; more waiting requests get a 503. */
const CONCURRENT = 2;
const QUEUE = 8;

/**
 * Server-side PDF of the referral sheet through Debian's Chromium (playwright-core `page.pdf()`).
 * @remarks The browser starts on the first request and is reused; without Chromium the sheet offers the
 * browser's own print dialog instead ({@link available} is false).
 */
export class PdfRenderer {
  private browser?: Promise<Browser>;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly executablePath: string) {}

  available(): boolean {
    return existsSync(this.executablePath);
  }

  async render(html: string): Promise<Buffer> {
    if (!this.available()) throw new HttpError(503, 'pdf_unavailable', 'PDF rendering is not installed here; use the print dialog');
    await this.slot();
    try {
      const browser = await this.launch();
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load', timeout: 10_000 });
        return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
      } finally {
        await context.close();
      }
    } finally {
      // The slot passes straight to the next waiting request.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close();
  }

  private async slot(): Promise<void> {
    if (this.running < CONCURRENT) {
      this.running++;
      return;
    }
    if (this.waiting.length >= QUEUE) throw new HttpError(503, 'pdf_busy', 'too many PDFs at once, try again shortly');
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      // playwright-core gives the browser a fresh temporary profile and removes it on close.
      const launching = chromium.launch({ executablePath: this.executablePath, args: ARGS });
      // A failed start is retried by the next request rather than cached.
      launching.catch(() => (this.browser = undefined));
      this.browser = launching.then((b) => {
        b.on('disconnected', () => (this.browser = undefined));
        return b;
      });
    }
    return this.browser;
  }
}
