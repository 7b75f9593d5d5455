import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/app.js';
import { browserAvailable, artifactPath } from '../helpers/browser.js';
import { translatorFor } from '../../bot/i18n.js';
import { MAX_SHEET_SERVICES } from '../../bot/finder/sheet.js';
import type { ServiceEntry } from '../../knowledge/schema.js';

let server: TestServer;
/** Two entries with Arabic texts, one of them local with opening hours. */
let picked: ServiceEntry[];
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000', PUBLIC_URL: 'https://lotse.example.de' });
  const withArabic = server.app.kb.services.filter((e) => e.texts.ar && e.texts.ar.bring.length > 0);
  picked = [withArabic.find((e) => e.contact.openingHours.length > 0)!, withArabic.find((e) => e.topics[0] !== withArabic[0]!.topics[0])!];
});
afterAll(async () => server.close());

const sheetUrl = (ids: string[], lang?: string) => `${server.url}/finder/sheet?ids=${ids.join(',')}${lang ? `&lang=${lang}` : ''}`;

describe('GET /finder/sheet', () => {
  test('German and Arabic side by side, Arabic right to left, with contact, what to bring and the chat link', async () => {
    const res = await fetch(sheetUrl(picked.map((e) => e.id), 'ar'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    const ar = translatorFor(server.app.i18n, 'ar', 'finder');
    expect(html).toContain(ar('sheet.title'));
    for (const entry of picked) {
      expect(html).toContain(`<section class="col" lang="de" dir="ltr">\n        <h2>${entry.texts.de!.title}</h2>`.replace(/&/g, '&amp;'));
      expect(html).toMatch(new RegExp(`<section class="col" lang="ar" dir="rtl">\\s*<h2>`));
      for (const item of entry.texts.ar!.bring) expect(html).toContain(item.replace(/&/g, '&amp;'));
      if (entry.contact.phone) expect(html).toContain(entry.contact.phone);
      // The QR code opens the web chat in Arabic with the service's topic chosen.
      expect(html).toContain(`https://lotse.example.de/?lang=ar&amp;topic=${entry.topics[0]}`);
    }
    expect(html.match(/<svg /g)).toHaveLength(picked.length);
    expect(html).not.toMatch(/<script>|<style>| style=/);
  });

  test('without a family language it is German only and offers the language choice', async () => {
    const html = await (await fetch(sheetUrl([picked[0]!.id]))).text();
    expect(html).not.toContain('dir="rtl"');
    expect(html).toContain('name="lang"');
    expect(html).toContain(`/?lang=de&amp;topic=${picked[0]!.topics[0]}`);
  });

  test.each([
    ['no ids', 'ids=', 400, 'invalid_parameter'],
    ['too many ids', `ids=${Array.from({ length: MAX_SHEET_SERVICES + 1 }, (_, i) => `x-${i}`).join(',')}`, 400, 'invalid_parameter'],
    ['markup as an id', `ids=${encodeURIComponent('<script>alert(1)</script>')}`, 400, 'invalid_parameter'],
    ['an unknown id', 'ids=no-such-service', 404, 'unknown_service'],
    ['an unknown language', 'ids=jmd-kleve&lang=xx', 400, 'invalid_parameter'],
    ['an unknown parameter', 'ids=jmd-kleve&x=1', 400, 'unknown_parameter'],
  ])('%s → %i %s', async (_name, query, status, reason) => {
    const res = await fetch(`${server.url}/finder/sheet?${query}`);
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error).toBe(reason);
    expect(JSON.stringify(body)).not.toContain('<script>');
  });
});

describe.skipIf(!browserAvailable())('GET /finder/sheet.pdf (Chromium)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lotse-sheet-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('renders a PDF with the German and the Arabic text, which pdftoppm turns into pages', async () => {
    const res = await fetch(`${server.url}/finder/sheet.pdf?ids=${picked.map((e) => e.id).join(',')}&lang=ar`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'sheet.pdf');
    writeFileSync(file, pdf);
    writeFileSync(artifactPath('sheet-ar-de.pdf'), pdf);

    execFileSync('pdftoppm', ['-png', '-r', '50', file, join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const p of pages) {
      expect(statSync(join(dir, p)).size).toBeGreaterThan(5_000);
      execFileSync('cp', [join(dir, p), artifactPath(`sheet-ar-de-${p}`)]);
    }

    // pdftotext gives Arabic in presentation forms and with direction marks: normalise before comparing.
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').normalize('NFKC').replace(/[\u200e\u200f\u202a-\u202e]/g, '');
    const de = translatorFor(server.app.i18n, 'de', 'finder');
    const ar = translatorFor(server.app.i18n, 'ar', 'finder');
    expect(text).toContain(de('sheet.title'));
    expect(text).toContain(ar('sheet.title'));
    expect(text).toContain(picked[0]!.texts.de!.title);
    // Arabic words of the entries' own texts (longer ones; word order inside lines may differ after extraction).
    const arabicWords = picked[0]!.texts.ar!.summary.split(/\s+/).filter((w) => /^[\u0600-\u06ff]{5,}$/.test(w));
    expect(arabicWords.length).toBeGreaterThan(2);
    const found = arabicWords.filter((w) => text.includes(w.normalize('NFKC')));
    expect(found.length / arabicWords.length).toBeGreaterThan(0.6);
  });
});

test('without Chromium the PDF route answers 503 and the sheet offers the print dialog', async () => {
  const other = await startServer({ CHROMIUM_PATH: '/nonexistent/chromium' });
  try {
    expect(existsSync('/nonexistent/chromium')).toBe(false);
    const pdf = await fetch(`${other.url}/finder/sheet.pdf?ids=${picked[0]!.id}`);
    expect(pdf.status).toBe(503);
    expect((await pdf.json()).error).toBe('pdf_unavailable');
    const html = await (await fetch(`${other.url}/finder/sheet?ids=${picked[0]!.id}`)).text();
    expect(html).toContain('id="print"');
    expect(html).not.toContain('id="pdf"');
  } finally {
    await other.close();
  }
});
