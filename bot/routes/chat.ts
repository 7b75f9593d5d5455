import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { i18n } from 'i18next';
import type { IncomingMessage } from 'node:http';
import type { Router } from '../http.js';
import { HttpError, readJson, sendJson } from '../http.js';
import type { ConversationService } from '../conversation.js';
import type { TurnInput } from '../../dialogs/engine.js';
import { languageSchema } from '../../knowledge/schema.js';
import { translatorFor } from '../i18n.js';

/**
 * `POST /api/chat`: the simple web chat's channel. The server creates the conversation id
 * (random, unguessable) on the first call; the page sends it back with every message.
 */
export function chatRoutes(router: Router, deps: { conversations: ConversationService; i18n: i18n; maxChars: number; maxBody: number; guard: (req: IncomingMessage, conversationId?: string) => void }): void {
  const body = z
    .object({
      conversationId: z.string().regex(/^[A-Za-z0-9-]{16,64}$/).optional(),
      text: z.string().optional(),
      action: z.string().max(100).optional(),
      start: z.boolean().optional(),
      /** The page's language, for error messages before the conversation has one. */
      language: languageSchema.optional(),
    })
    .strict();
  router.on('POST', '/api/chat', async (req, res) => {
    const parsed = body.safeParse(await readJson(req, deps.maxBody));
    if (!parsed.success) throw new HttpError(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { conversationId = randomUUID(), text, action, start, language = 'de' } = parsed.data;
    deps.guard(req, conversationId);
    let input: TurnInput;
    if (action) input = { kind: 'action', value: action };
    else if (start) input = { kind: 'start' };
    else {
      const trimmed = (text ?? '').trim();
      const t = translatorFor(deps.i18n, language);
      if (trimmed.length === 0) throw new HttpError(400, 'empty_message', t('error.empty'));
      if (trimmed.length > deps.maxChars) throw new HttpError(413, 'message_too_long', t('error.tooLong', { max: deps.maxChars }));
      input = { kind: 'message', text: trimmed };
    }
    const outcome = await deps.conversations.turn(conversationId, 'web', input);
    const labels = translatorFor(deps.i18n, outcome.language)('service', { returnObjects: true });
    sendJson(res, 200, { conversationId, ...outcome, labels });
  });
}
