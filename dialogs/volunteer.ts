import type { Language } from '../knowledge/schema.js';
import type { ConversationState } from './state.js';
import { text, type Reply } from './replies.js';

/** The path of the referral sheet ("Verweiszettel") page; the finder serves it, the chat links to it. */
export const SHEET_PATH = '/finder/sheet';

/**
 * The referral sheet for some services: German next to the family's language.
 * @remarks German conversations leave the family's language open; the sheet page then asks for it.
 */
export function sheetPath(entryIds: readonly string[], lang: Language): string {
  const ids = entryIds.map(encodeURIComponent).join(',');
  return `${SHEET_PATH}?ids=${ids}${lang === 'de' ? '' : `&lang=${lang}`}`;
}

/** Volunteer mode: after the services, a link to their referral sheet. Nothing otherwise. */
export function volunteerReplies(state: ConversationState, entryIds: readonly string[]): Reply[] {
  if (!state.onBehalf || entryIds.length === 0) return [];
  return [text('finder:volunteer.sheetLink', { url: sheetPath(entryIds, state.language) })];
}
