import { appliesTo } from '../knowledge/coverage.js';
import type { District, Language, ServiceEntry } from '../knowledge/schema.js';
import type { ConversationState } from './state.js';
import type { EngineDeps, TurnResult } from './engine.js';
import { ACTIONS } from './engine.js';
import { action, actions, text, type Reply } from './replies.js';
import { volunteerReplies } from './volunteer.js';

/** JMD counsels up to this age, the MBE above it. */
const JMD_MAX_AGE = 27;

/** The general counselling service for an age: Jugendmigrationsdienst (12–27) or Migrationsberatung (over 27). */
export function counsellingFor(age: number): 'counselling.youth' | 'counselling.adult' {
  return age <= JMD_MAX_AGE ? 'counselling.youth' : 'counselling.adult';
}

/** Whether a taxonomy id is a service topic (answered from the knowledge base). */
export function isServiceTopic(deps: EngineDeps, id: string | undefined): boolean {
  return id !== undefined && deps.kb.taxonomy.topics.some((t) => t.id === id && t.kind === 'service');
}

/** At most this many services in one answer (Kurzintervention: the best one to three). */
const MAX_SERVICES = 3;

/**
 * Whether the answer to a topic depends on the town: some of its entries are local to
 * a few towns, and the town is not known yet.
 */
export function needsTown(deps: EngineDeps, topic: string, state: ConversationState): boolean {
  if (state.municipality || state.outsideDistrict) return false;
  return deps.kb.services.some((e) => e.topics.includes(topic) && e.area.scope === 'municipalities');
}

interface AnswerOptions {
  /** Entry ids in the order understanding ranked them. */
  ranked?: string[];
  /** Entries the message named by their own keywords: they lead. */
  named?: string[];
  /** Entries already shown ("other courses"). */
  exclude?: string[];
  childcare?: boolean;
  /** Only what can be used online (an online service, or one with online access): "is there an online one?". */
  online?: boolean;
  /** Topics whose entries may follow the topic's own (for the online follow-up: the others the request was read as). */
  related?: readonly string[];
  /** The message asks for advice ("Beratung zu meinem Aufenthalt"): the topic's counselling services lead. */
  advice?: boolean;
  /** No town known: the offers reachable anywhere, the district's own ones among them. */
  withoutTown?: boolean;
  /** The person lives outside the district: only nationwide and online offers. */
  outsideDistrict?: boolean;
  /** Only offers in this language ("și pe românește?" after an answer). */
  speaks?: Language;
}

/** Groups of people who fled: a service only for them is no first answer for an EU worker. */
const FLED: ReadonlySet<string> = new Set(['refugees', 'asylum-seekers', 'duldung', 'recognised-refugees', 'ukraine-protection']);

/** A service only for people who fled (refugees, asylum seekers, Duldung, Ukraine): not for a citizen of the EU. */
function onlyForFled(entry: ServiceEntry): boolean {
  const { eligibility } = entry.targetGroup;
  return eligibility.length > 0 && eligibility.every((e) => FLED.has(e));
}

/**
 * A service whose group the person most likely is not in, by their language (the district file's lists): only for EU
 * citizens, for an Arabic speaker; only for refugees, for a Polish speaker. Such services come after the others.
 */
function unlikelyFor(entry: ServiceEntry, district: District, language: Language, euCitizen: boolean): boolean {
  // Someone who said they are an EU citizen is never offered the refugees' services (see `candidates`): no guess needed.
  if (euCitizen) return false;
  const { eligibility } = entry.targetGroup;
  if (district.languagesMostlyOutsideEu.includes(language)) return eligibility.length > 0 && eligibility.every((e) => e === 'eu-citizens');
  if (district.languagesMostlyEu.includes(language)) return onlyForFled(entry);
  return false;
}

/** Whether an entry serves where the person is: their town, no town known (anything but a town's own), or outside the district. */
function reachable(entry: ServiceEntry, municipality: string | undefined, options: AnswerOptions): boolean {
  if (options.outsideDistrict) return entry.area.scope === 'nationwide' || entry.area.scope === 'online';
  if (options.withoutTown) return entry.area.scope !== 'municipalities';
  return appliesTo(entry, municipality);
}

/** Whether an entry can be used online: an online service, or one that is reached online (a booking, a video call). */
export function usableOnline(entry: ServiceEntry): boolean {
  return entry.kind === 'online' || entry.area.scope === 'online' || entry.access.includes('online');
}

/** Orders a topic's entries: ranked ones first, then local before district, district before nationwide and online. */
function candidates(deps: EngineDeps, topic: string, state: ConversationState, options: AnswerOptions): ServiceEntry[] {
  const municipality = options.withoutTown ? undefined : state.municipality;
  const where = !municipality && state.outsideDistrict ? { ...options, outsideDistrict: true } : options;
  const euCitizen = state.euCitizen === true;
  const pool = deps.kb.services.filter(
    (e) =>
      e.topics.includes(topic) &&
      reachable(e, municipality, where) &&
      !(options.exclude ?? []).includes(e.id) &&
      // Someone who said they are an EU citizen is not offered what only refugees may use.
      !(euCitizen && onlyForFled(e)) &&
      (!options.childcare || e.childcare) &&
      (!options.speaks || e.languages.includes(options.speaks)) &&
      (!options.online || usableOnline(e)),
  );
  const rank = new Map((options.ranked ?? []).map((id, i) => [id, i]));
  const named = new Set(options.named);
  const scopeOrder = { municipalities: 0, district: 1, nationwide: 2, online: 3 } as const;
  const unlikely = new Set(pool.filter((e) => unlikelyFor(e, deps.kb.district, state.language, euCitizen)).map((e) => e.id));
  // The entry the person asked for by name comes first ("Kindergeld": the Familienkasse, not the local Sozialamt);
  // asked for advice, the topic's counselling services (independent of the authorities); otherwise the topic's main
  // entries, local before district before nationwide, those speaking the person's language first.
  return pool.sort((a, b) => {
    const ra = rank.get(a.id) ?? 99;
    const rb = rank.get(b.id) ?? 99;
    const asked = Number(!named.has(a.id)) - Number(!named.has(b.id));
    const primary = Number(a.topics[0] !== topic) - Number(b.topics[0] !== topic);
    const spoken = Number(!a.languages.includes(state.language)) - Number(!b.languages.includes(state.language));
    const open = Number(unlikely.has(a.id)) - Number(unlikely.has(b.id));
    const counsels = options.advice ? Number(a.kind !== 'counselling') - Number(b.kind !== 'counselling') : 0;
    return asked || counsels || primary || scopeOrder[a.area.scope] - scopeOrder[b.area.scope] || spoken || open || ra - rb;
  });
}

/** The Kurzintervention answer: the best services for a topic, then follow-ups and "did this help?". */
export function answerTopic(deps: EngineDeps, state: ConversationState, topic: string, options: AnswerOptions): TurnResult {
  const found = [topic, ...(options.related ?? [])].flatMap((t) => candidates(deps, t, state, options));
  const own = found.filter((e, i) => found.findIndex((f) => f.id === e.id) === i);
  // Asked for advice on a topic without counselling of its own (the Jobcenter, Kindergeld): the migration counselling
  // for the person's age (MBE when it is not known) advises on it, independent of the office, and comes first.
  const counsel = options.advice && !own.some((e) => e.kind === 'counselling') ? candidates(deps, state.age === undefined ? 'counselling.adult' : counsellingFor(state.age), state, { ...options, advice: false }).slice(0, 1) : [];
  const entries = [...counsel, ...own.filter((e) => !counsel.includes(e))].slice(0, MAX_SERVICES);
  if (entries.length === 0) {
    const none = options.speaks
      ? text('answer.noneInLanguage', { languageKey: `languageName.${options.speaks}` })
      : text(options.online ? 'answer.online.none' : options.exclude ? 'answer.noMore' : 'answer.noService');
    const replies: Reply[] = [none, actions(action('actions.person', ACTIONS.person))];
    return { state: { ...state, misses: state.misses + 1 }, replies, events: [] };
  }
  const topicName = `topic.${topic}`;
  const follow = [action('actions.more', ACTIONS.more)];
  // Once the courses with childcare are shown, the button would only show them again.
  if (!options.childcare && topic.startsWith('language-course') && candidates(deps, topic, state, { ...options, exclude: [], childcare: true }).length > 0) {
    follow.push(action('actions.childcare', ACTIONS.childcare));
  }
  follow.push(action('actions.person', ACTIONS.person));
  const intro = options.online ? 'answer.online.intro' : entries.length === 1 ? 'answer.intro.one' : 'answer.intro.many';
  const replies: Reply[] = [
    text(intro, { topic: topicName, count: entries.length }),
    { type: 'services', entryIds: entries.map((e) => e.id), onBehalf: state.onBehalf },
    ...volunteerReplies(state, entries.map((e) => e.id)),
    text('feedback.question'),
    actions(action('feedback.yes', ACTIONS.feedbackYes), action('feedback.no', ACTIONS.feedbackNo), ...follow),
  ];
  // "More" after "more" (or after "with childcare" or "online") shows what none of the answers before showed, until none is left.
  const before = options.exclude ?? (options.childcare || options.online ? state.shownEntries : []);
  const shownEntries = [...new Set([...before, ...entries.map((e) => e.id)])];
  const next: ConversationState = { ...state, lastTopics: [topic], shownEntries, misses: 0, feedbackGiven: false };
  return { state: next, replies, events: [] };
}

/**
 * A wish for a person: the personal counselling services for the person's age and town
 * (JMD up to 27, MBE above), whose staff take over.
 */
export function personReplies(deps: EngineDeps, state: ConversationState, options: Pick<AnswerOptions, 'outsideDistrict'> = {}, intro = 'person.intro'): Reply[] {
  const topics = state.age === undefined ? ['counselling.adult', 'counselling.youth'] : [counsellingFor(state.age)];
  const entries = topics.flatMap((t) => candidates(deps, t, state, options).slice(0, state.age === undefined ? 1 : 2));
  const replies: Reply[] = [text(intro)];
  if (entries.length > 0) replies.push({ type: 'services', entryIds: entries.map((e) => e.id), onBehalf: state.onBehalf }, ...volunteerReplies(state, entries.map((e) => e.id)));
  if (!state.municipality) replies.push(text('person.townHint'));
  return replies;
}
