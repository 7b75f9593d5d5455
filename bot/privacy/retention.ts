import type { Store } from '../store/store.js';
import type { RetentionPolicy } from '../../dialogs/privacy.js';
import { deleteExpired, expireDrafts } from '../store/conversations.js';
import { anonymiseClosedHandovers, auditEach, eraseRequestedHandovers, removeTranscripts } from '../handover/handovers.js';

/** What one sweep deleted or anonymised: counts for the log, conversation ids for in-memory caches. */
export interface SweepResult {
  conversations: number;
  drafts: number;
  transcripts: number;
  erasedOnRequest: number;
  anonymised: number;
  /** Conversations whose stored state changed or vanished (caches must not keep an old copy). */
  touchedConversations: string[];
}

/** How often the sweep runs; it also runs once at start. */
export const SWEEP_INTERVAL_MS = 24 * 3_600_000;

/**
 * Deletes or anonymises what outlived its retention period (see {@link RetentionPolicy}):
 * idle conversations with their transcripts, unsent drafts, transcripts attached to records,
 * records whose deletion was requested and not done by a case manager, closed records.
 * @remarks Each step is one statement over a partial index (cheap when nothing is due) in its own
 * transaction with its audit entries; a failed step leaves the others done and is retried next time.
 */
export async function sweep(store: Store, policy: RetentionPolicy): Promise<SweepResult> {
  const drafts = await store.transaction((tx) => expireDrafts(tx, policy.draftDays));
  const conversations = await store.transaction((tx) => deleteExpired(tx, policy.conversationDays));
  const transcripts = await store.transaction(async (tx) => {
    const ids = await removeTranscripts(tx, policy.transcriptDays);
    await auditEach(tx, 'system', 'transcript-removed', ids, { afterDays: policy.transcriptDays });
    return ids;
  });
  const erased = await store.transaction(async (tx) => {
    const ids = await eraseRequestedHandovers(tx, policy.deletionGraceDays);
    await auditEach(tx, 'system', 'erased', ids, { reason: 'deletion-requested', afterDays: policy.deletionGraceDays });
    return ids;
  });
  const anonymised = await store.transaction(async (tx) => {
    const ids = await anonymiseClosedHandovers(tx, policy.recordDays);
    await auditEach(tx, 'system', 'anonymised', ids, { reason: 'retention', afterDays: policy.recordDays });
    return ids;
  });
  return {
    conversations: conversations.length,
    drafts: drafts.length,
    transcripts: transcripts.length,
    erasedOnRequest: erased.length,
    anonymised: anonymised.length,
    touchedConversations: [...new Set([...drafts, ...conversations])],
  };
}
