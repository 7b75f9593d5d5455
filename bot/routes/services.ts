import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError, sendJson } from '../http.js';
import type { KnowledgeBase } from '../../knowledge/load.js';
import type { ServiceFinder } from '../../knowledge/finder.js';
import { languageSchema } from '../../knowledge/schema.js';
import type { TownFinder } from '../../knowledge/understand/towns.js';
import { finderQuery, parseQuery, serviceItem, servicesQuerySchema } from '../finder/api.js';
import { servicesOpenApi } from '../finder/openapi.js';

export interface ServicesDeps {
  kb: KnowledgeBase;
  finder: ServiceFinder;
  towns: TownFinder;
  i18n: i18n;
  version: string;
  guard: (req: IncomingMessage) => void;
}

/** The municipality id for an id, a name or a postal code ("Goch", "47574", "goch"). */
export function townResolver(kb: KnowledgeBase, towns: TownFinder): (t: string) => string | undefined {
  const ids = new Set(kb.district.municipalities.map((m) => m.id));
  return (t) => (ids.has(t) ? t : towns.resolve(t));
}

/**
 * `GET /api/services` (search, filters, paging), `GET /api/services/:id` and `GET /api/openapi.json`.
 * @remarks Read-only over the knowledge base; validated with zod, 400 with a reason for bad parameters.
 */
export function servicesRoutes(router: Router, deps: ServicesDeps): void {
  const query = servicesQuerySchema(townResolver(deps.kb, deps.towns), (t) => deps.finder.isTopicFilter(t));
  const one = z.object({ language: languageSchema.default('de') }).strict();
  const byId = new Map(deps.kb.services.map((e) => [e.id, e]));
  const openapi = JSON.stringify(servicesOpenApi(query, deps.version));

  router.on('GET', '/api/services', (req, res) => {
    deps.guard(req);
    const p = parseQuery(query, new URL(req.url ?? '/', 'http://x').searchParams);
    const result = deps.finder.find(finderQuery(p));
    const start = (p.page - 1) * p.pageSize;
    sendJson(res, 200, {
      items: result.entries.slice(start, start + p.pageSize).map((e) => serviceItem(e, p.language, deps.i18n, deps.kb)),
      total: result.entries.length,
      page: p.page,
      pageSize: p.pageSize,
      understood: { topics: result.topics, ...(result.queryLanguage ? { language: result.queryLanguage } : {}) },
    });
  });

  router.on('GET', '/api/services/:id', (req, res, { id }) => {
    deps.guard(req);
    const p = parseQuery(one, new URL(req.url ?? '/', 'http://x').searchParams);
    const entry = byId.get(id ?? '');
    if (!entry) throw new HttpError(404, 'unknown_service', 'no service with this id');
    sendJson(res, 200, serviceItem(entry, p.language, deps.i18n, deps.kb));
  });

  router.on('GET', '/api/openapi.json', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' });
    res.end(openapi);
  });
}
