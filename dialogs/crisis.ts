import type { Language } from '../knowledge/schema.js';
import type { CrisisKind } from '../knowledge/understand/understand.js';
import type { EngineDeps } from './engine.js';
import { ACTIONS } from './engine.js';
import { action, actions, text, type Reply } from './replies.js';

/**
 * Crisis: the matching emergency numbers and hotlines first (those speaking the person's
 * language before the others), then the offer of a person.
 */
export function crisisReplies(deps: EngineDeps, kinds: readonly CrisisKind[], language: Language): Reply[] {
  const resources = deps.kb.crisis
    .filter((r) => r.kinds.some((k) => (kinds as string[]).includes(k)) || r.priority === 0)
    .sort((a, b) => urgency(a.priority) - urgency(b.priority) || Number(!a.languages.includes(language)) - Number(!b.languages.includes(language)) || a.priority - b.priority)
    .slice(0, 4);
  return [
    text('crisis.intro'),
    { type: 'crisis', resourceIds: resources.map((r) => r.id) },
    text('crisis.offer'),
    actions(action('actions.person', ACTIONS.person)),
  ];
}

/** Priorities 0 and 1 (112, 110) always lead; the rest are ordered by language, then priority. */
function urgency(priority: number): number {
  return priority <= 1 ? 0 : 1;
}
