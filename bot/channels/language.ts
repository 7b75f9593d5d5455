import type { Language } from '../../knowledge/schema.js';
import { parseState } from '../../dialogs/state.js';
import { loadConversation } from '../store/conversations.js';
import type { Sql } from '../store/store.js';

/**
 * The stored conversation's language, for channel notices that are not a turn (a photo, a
 * too-long message); `fallback` for a conversation not stored yet.
 */
export async function conversationLanguage(sql: Sql, conversationId: string, fallback: Language): Promise<Language> {
  const stored = await loadConversation(sql, conversationId);
  return stored ? parseState(stored.state, fallback).language : fallback;
}
