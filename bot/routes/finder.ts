import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError } from '../http.js';
import type { KnowledgeBase } from '../../knowledge/load.js';
import { ACCESS_KINDS, ELIGIBILITY, languageSchema } from '../../knowledge/schema.js';
import type { Resources } from '../i18n.js';
import { parseQuery } from '../finder/api.js';
import { MAX_SHEET_SERVICES, SHEET_PATH, renderSheet } from '../finder/sheet.js';
import type { PdfRenderer } from '../finder/pdf.js';
import { PAGE_HEADERS, PUBLIC_DIR } from './static.js';

export interface FinderDeps {
  kb: KnowledgeBase;
  i18n: i18n;
  pdf: PdfRenderer;
  /** The public origin for QR codes, from the configuration or the request. */
  baseUrl: (req: IncomingMessage) => string;
  guard: (req: IncomingMessage) => void;
  /** Today's date as YYYY-MM-DD (injected for tests). */
  today?: () => string;
}

const slug = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/**
 * The referral finder page (`/finder`) and the referral sheet (`/finder/sheet`, `/finder/sheet.pdf`).
 * @remarks The page is static and talks to `/api/services`; the sheet is rendered on the server.
 */
export function finderRoutes(router: Router, deps: FinderDeps): void {
  const page = readFileSync(join(PUBLIC_DIR, 'finder.html'));
  const css = readFileSync(join(PUBLIC_DIR, 'sheet.css'), 'utf8');
  const byId = new Map(deps.kb.services.map((e) => [e.id, e]));
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  const sheetQuery = z
    .object({
      ids: z
        .string()
        .max(MAX_SHEET_SERVICES * 80)
        .transform((s) => [...new Set(s.split(',').filter(Boolean))])
        .pipe(z.array(z.string().regex(slug, 'not a service id')).min(1, 'choose at least one service').max(MAX_SHEET_SERVICES, `at most ${MAX_SHEET_SERVICES} services on one sheet`)),
      lang: languageSchema.optional(),
    })
    .strict();

  const entriesOf = (req: IncomingMessage) => {
    const p = parseQuery(sheetQuery, new URL(req.url ?? '/', 'http://x').searchParams);
    const unknown = p.ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw new HttpError(404, 'unknown_service', `unknown service: ${unknown.join(', ')}`, unknown.map((id) => ({ param: 'ids', message: `unknown service ${id}` })));
    return { entries: p.ids.map((id) => byId.get(id)!), lang: p.lang };
  };

  router.on('GET', '/finder', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
    res.end(page);
  });

  router.on('GET', SHEET_PATH, async (req, res) => {
    deps.guard(req);
    const { entries, lang } = entriesOf(req);
    const html = await renderSheet({ entries, ...(lang ? { lang } : {}), baseUrl: deps.baseUrl(req), pdf: deps.pdf.available(), date: today() }, deps);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS });
    res.end(html);
  });

  router.on('GET', `${SHEET_PATH}.pdf`, async (req, res) => {
    deps.guard(req);
    const { entries, lang } = entriesOf(req);
    const html = await renderSheet({ entries, ...(lang ? { lang } : {}), baseUrl: deps.baseUrl(req), pdf: false, print: { css }, date: today() }, deps);
    const pdf = await deps.pdf.render(html);
    const name = `verweiszettel-${lang ?? 'de'}.pdf`;
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length, 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(pdf);
  });
}

/**
 * Generated files the finder page loads: its words in every language (the `finder` namespace plus the chat's
 * names of topics, target groups and access kinds) and the filter options from the knowledge base.
 */
export function finderStaticFiles(kb: KnowledgeBase, resources: Resources): Record<string, { body: string; type: string }> {
  const json = 'application/json; charset=utf-8';
  const locales = Object.fromEntries(
    Object.entries(resources).map(([lng, ns]) => {
      const chat = (ns['chat'] ?? {}) as Record<string, unknown>;
      return [lng, { ...(ns['finder'] ?? {}), topic: chat['topic'], eligibility: chat['eligibility'], access: chat['access'], service: chat['service'] }];
    }),
  );
  const options = {
    towns: kb.district.municipalities.map((m) => ({ id: m.id, name: m.name })).sort((a, b) => a.name.localeCompare(b.name, 'de')),
    topics: kb.taxonomy.topics.filter((t) => t.kind === 'service').map((t) => t.id),
    groups: ELIGIBILITY.filter((g) => g !== 'all'),
    access: ACCESS_KINDS,
    languages: kb.taxonomy.languages,
  };
  return { 'finder-locales.json': { body: JSON.stringify(locales), type: json }, 'finder-options.json': { body: JSON.stringify(options), type: json } };
}
