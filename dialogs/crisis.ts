import { appliesTo } from '../knowledge/coverage.js';
import type { Language } from '../knowledge/schema.js';
import type { CrisisKind } from '../knowledge/understand/understand.js';
import type { ConversationState } from './state.js';
import type { EngineDeps } from './engine.js';
import { ACTIONS } from './engine.js';
import { action, actions, text, type Reply } from './replies.js';

/** Where the person is and whom they ask for, for the crisis help that depends on it (the town's emergency shelter). */
type CrisisPlace = Pick<ConversationState, 'municipality' | 'onBehalf'>;

/**
 * Crisis: the matching emergency numbers and hotlines first (those speaking the person's
 * language before the others), then what to do for the kinds that need more than a number (no place to sleep
 * tonight: the town must give emergency shelter) with the services the crisis file names, then the offer of a person.
 * @param place given for an acute crisis; a question about help in danger gets the numbers only
 * @param atWork the crisis happens at work (the message is about rights at work too)
 */
export function crisisReplies(deps: EngineDeps, kinds: readonly CrisisKind[], language: Language, place?: CrisisPlace, atWork = false): Reply[] {
  // A child at risk: the first line for children (116 111) right after 112 and 110; the other lines by language, so a
  // mother beaten with her children also gets the women's helpline.
  const childLine = kinds.includes('child') ? deps.kb.crisis.filter((r) => r.kinds.includes('child') && urgency(r.priority) > 0).sort((a, b) => a.priority - b.priority)[0] : undefined;
  const forChild = (r: (typeof deps.kb.crisis)[number]): number => Number(r === childLine);
  // Violence at work (a boss who hits, a passport kept): police and ambulance; the hotlines for violence at home or
  // against women do not fit, the services for rights at work follow instead.
  const workOnly = atWork && kinds.every((k) => k === 'violence');
  const resources = deps.kb.crisis
    .filter((r) => r.kinds.some((k) => (kinds as string[]).includes(k)) || r.priority === 0)
    .filter((r) => !workOnly || urgency(r.priority) === 0)
    .sort((a, b) => urgency(a.priority) - urgency(b.priority) || forChild(b) - forChild(a) || Number(!a.languages.includes(language)) - Number(!b.languages.includes(language)) || a.priority - b.priority);
  const lines = kinds.length > 1 ? onePerKind(resources, kinds) : resources.slice(0, LINES);
  const replies: Reply[] = [text('crisis.intro'), { type: 'crisis', resourceIds: lines.map((r) => r.id) }];
  if (place) replies.push(...guidance(deps, kinds, place));
  replies.push(text('crisis.offer'), actions(action('actions.person', ACTIONS.person)));
  return replies;
}

/** Lines shown for one kind of crisis. */
const LINES = 4;
/** Lines shown at most for several kinds (the help numbers asked about in general): 112, 110 and one per kind. */
const MAX_LINES = 6;

/**
 * For several kinds, the emergency numbers and then, in the lines' order, the first line of each kind not yet covered
 * ("where do I find help?": the Telefonseelsorge as well as the violence and children's lines), filled up to LINES.
 */
function onePerKind<T extends { kinds: readonly string[]; priority: number }>(sorted: readonly T[], kinds: readonly CrisisKind[]): T[] {
  const chosen = sorted.filter((r) => urgency(r.priority) === 0);
  const covered = new Set<string>();
  for (const r of sorted) {
    if (chosen.includes(r) || !r.kinds.some((k) => (kinds as string[]).includes(k) && !covered.has(k))) continue;
    chosen.push(r);
    for (const k of r.kinds) covered.add(k);
  }
  for (const r of sorted) if (chosen.length < LINES && !chosen.includes(r)) chosen.push(r);
  return sorted.filter((r) => chosen.includes(r)).slice(0, MAX_LINES);
}

/** What to do beyond calling: for no place to sleep, the town's duty to shelter and the housing emergency service. */
function guidance(deps: EngineDeps, kinds: readonly CrisisKind[], place: CrisisPlace): Reply[] {
  const replies: Reply[] = [];
  if (kinds.includes('homeless')) {
    const town = place.municipality ? deps.understanding.towns.name(place.municipality) : undefined;
    replies.push(town ? text('crisis.homeless.town', { town }) : text('crisis.homeless.anyTown'));
  }
  const ids = [...new Set(kinds.flatMap((k) => deps.kb.crisisServices[k] ?? []))];
  const entries = deps.kb.services.filter((e) => ids.includes(e.id) && appliesTo(e, place.municipality));
  if (entries.length > 0) replies.push({ type: 'services', entryIds: entries.map((e) => e.id), onBehalf: place.onBehalf });
  return replies;
}

/** Priorities 0 and 1 (112, 110) always lead; the rest are ordered by language, then priority. */
function urgency(priority: number): number {
  return priority <= 1 ? 0 : 1;
}
