import type { ConversationState } from './state.js';
import { initialState } from './state.js';
import type { EngineDeps, TurnResult } from './engine.js';
import { action, actions, text, type Reply } from './replies.js';
import { intakeContext } from './handover/flow.js';
import { repeatQuestion } from './handover/intake.js';

/**
 * How long what is kept, in days; configured once (`bot/config.ts`) and named in the texts
 * the person reads (the privacy note, the consent, the deletion message).
 */
export interface RetentionPolicy {
  /** A conversation's state and transcript after its last message. */
  conversationDays: number;
  /** An unsent handover draft (and the transcript it was typed in) after the conversation's last message. */
  draftDays: number;
  /** A chat transcript attached to a sent record, after sending. */
  transcriptDays: number;
  /** A closed or withdrawn record, after closing, before it is anonymised. */
  recordDays: number;
  /** A record whose deletion the person asked for, before it is erased without the case manager. */
  deletionGraceDays: number;
}

/** Button values of the "delete my data" dialogue. */
export const PRIVACY_ACTIONS = {
  ask: 'privacy:delete',
  yes: 'privacy:delete-yes',
  no: 'privacy:delete-no',
} as const;

/**
 * The person confirmed "delete my data": the edge deletes this conversation's state, transcript
 * and unsent draft at once and marks the records sent from it for deletion, in the turn's transaction.
 */
export interface DeleteDataEvent {
  type: 'deleteData';
}

/** The requests already sent, named by reference with their grace period, under `key`; nothing when there are none. */
function sentRecords(deps: EngineDeps, state: ConversationState, key: string): Reply[] {
  if (state.handovers.length === 0) return [];
  return [text(key, { references: state.handovers.map((h) => h.reference).join(', '), days: deps.retention.deletionGraceDays })];
}

/** "Delete my data" (typed in any language, or the button): what would be deleted, then yes or no. */
export function askDeletion(deps: EngineDeps, state: ConversationState): TurnResult {
  return {
    state: { ...state, pending: { kind: 'deleteData' } },
    replies: [text('privacy.delete.confirm'), ...sentRecords(deps, state, 'privacy.delete.confirmRecords'), actions(action('privacy.delete.yes', PRIVACY_ACTIONS.yes), action('privacy.delete.no', PRIVACY_ACTIONS.no))],
    events: [],
  };
}

/**
 * Confirmed: the state starts afresh and keeps only the language, so the conversation can go on
 * in it; everything else (town, age, requests in the person's words, the draft, sent references) is gone.
 */
export function confirmDeletion(deps: EngineDeps, state: ConversationState): TurnResult {
  const fresh: ConversationState = { ...initialState(state.language), languageChosen: state.languageChosen };
  const event: DeleteDataEvent = { type: 'deleteData' };
  return { state: fresh, replies: [text('privacy.delete.done'), ...sentRecords(deps, state, 'privacy.delete.records'), text('welcome.howCanIHelp')], events: [event] };
}

/** Not confirmed: nothing is deleted; an intake that was running goes on where it stopped. */
export function keepData(deps: EngineDeps, state: ConversationState): TurnResult {
  const next: ConversationState = { ...state, pending: undefined };
  const resume: Reply[] = next.intake ? repeatQuestion(next.intake, intakeContext(deps, next)) : [];
  return { state: next, replies: [text('privacy.delete.kept'), ...resume], events: [] };
}
