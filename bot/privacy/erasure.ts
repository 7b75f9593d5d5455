import type { Sql } from '../store/store.js';
import { eraseConversation, type StoredConversation } from '../store/conversations.js';
import { audit, requestDeletion } from '../handover/handovers.js';

/**
 * "Delete my data", confirmed in the chat; runs in the turn's transaction. The conversation's
 * state, transcript and unsent draft are deleted at once and the conversation continues from
 * `fresh`; records sent from it are marked for deletion (see {@link requestDeletion}). The audit
 * log notes each marked record and the erasure, without the conversation's id.
 * @returns how many sent records were marked
 */
export async function eraseOnRequest(tx: Sql, fresh: StoredConversation): Promise<number> {
  await eraseConversation(tx, fresh);
  const marked = await requestDeletion(tx, fresh.id);
  for (const record of marked) await audit(tx, 'person', 'deletion-requested', record.id, { reference: record.reference });
  await audit(tx, 'person', 'conversation-erased', null, { records: marked.length });
  return marked.length;
}
