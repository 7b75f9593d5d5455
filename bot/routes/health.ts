import type { Router } from '../http.js';
import { sendJson } from '../http.js';
import type { KnowledgeBase } from '../../knowledge/load.js';
import type { Store } from '../store/store.js';

/** `GET /healthz`: version, store kind and knowledge-base counts; 503 when the store does not answer. */
export function healthRoutes(router: Router, deps: { version: string; store: Store; kb: KnowledgeBase }): void {
  const knowledge = {
    services: deps.kb.services.length,
    examples: deps.kb.services.filter((e) => e.example).length,
    crisisResources: deps.kb.crisis.length,
    municipalities: deps.kb.district.municipalities.length,
    topics: deps.kb.taxonomy.topics.length,
    languages: deps.kb.taxonomy.languages.length,
  };
  router.on('GET', '/healthz', async (_req, res) => {
    try {
      await deps.store.query('select 1');
      sendJson(res, 200, { status: 'ok', version: deps.version, store: deps.store.kind, knowledge });
    } catch {
      sendJson(res, 503, { status: 'store_unavailable', version: deps.version, store: deps.store.kind, knowledge });
    }
  });
}
