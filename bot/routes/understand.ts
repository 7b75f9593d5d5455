import { z } from 'zod';
import type { Router } from '../http.js';
import { HttpError, readJson, sendJson } from '../http.js';
import { languageSchema } from '../../knowledge/schema.js';
import type { Understanding } from '../../knowledge/understand/understand.js';
import type { KnowledgeBase } from '../../knowledge/load.js';

/**
 * `POST /api/understand`: the evaluation contract. Keep its shape.
 * `{"text", "language"?, "municipality"?}` → `{"language", "topics", "entries", "escalation", "crisis"}`.
 */
export function understandRoutes(router: Router, deps: { understanding: Understanding; kb: KnowledgeBase; maxChars: number; maxBody: number; guard: (req: import('node:http').IncomingMessage) => void }): void {
  const municipalities = new Set(deps.kb.district.municipalities.map((m) => m.id));
  const body = z
    .object({
      text: z.string().trim().min(1).max(deps.maxChars),
      language: languageSchema.optional(),
      municipality: z
        .string()
        .refine((m) => municipalities.has(m), { message: 'unknown municipality id' })
        .optional(),
    })
    .strict();
  router.on('POST', '/api/understand', async (req, res) => {
    deps.guard(req);
    const parsed = body.safeParse(await readJson(req, deps.maxBody));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const reason = issue.code === 'too_big' ? 'text_too_long' : issue.path[0] === 'text' ? 'invalid_text' : issue.path[0] === 'language' ? 'unsupported_language' : issue.path[0] === 'municipality' ? 'unknown_municipality' : 'invalid_request';
      throw new HttpError(400, reason, `${issue.path.join('.') || 'body'}: ${issue.message}`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const u = deps.understanding.understand(parsed.data);
    sendJson(res, 200, { language: u.language, topics: u.topics, entries: u.entries, escalation: u.escalation, crisis: u.crisis });
  });
}
