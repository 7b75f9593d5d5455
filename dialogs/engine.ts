import type { KnowledgeBase } from '../knowledge/load.js';
import { LANGUAGES, type Language } from '../knowledge/schema.js';
import { CRISIS_KINDS, FOLLOW_UP_WORDS, type Understanding, type Understood } from '../knowledge/understand/understand.js';
import type { ConversationState } from './state.js';
import { answerTopic, counsellingFor, isServiceTopic, needsTown, personReplies } from './answer.js';
import { crisisReplies } from './crisis.js';
import { parseAge, statedAge } from './age.js';
import { action, actions, text, type Reply } from './replies.js';
import { INTAKE, picksOption, repeatQuestion } from './handover/intake.js';
import { alreadySent, beginHandover, crisisDuringIntake, handoverTrigger, intakeContext, intakeTurn, resumeHandover, withdrawHandover, HANDOVER_ACTIONS, type HandoverDeps, type HandoverEvent, type WithdrawEvent } from './handover/flow.js';
import { askDeletion, confirmDeletion, keepData, PRIVACY_ACTIONS, type DeleteDataEvent, type RetentionPolicy } from './privacy.js';

/** What reaches the engine: a typed message, or the value of a pressed button. */
export type TurnInput = { kind: 'start' } | { kind: 'message'; text: string } | { kind: 'action'; value: string };

/** Side effects a turn asks for; the edge writes them in the turn's transaction. */
export type TurnEvent = { type: 'feedback'; helpful: boolean; language: Language; topics: string[]; entryIds: string[]; municipality?: string } | HandoverEvent | WithdrawEvent | DeleteDataEvent;

export interface TurnResult {
  state: ConversationState;
  replies: Reply[];
  events: TurnEvent[];
  understood?: Understood;
}

export interface EngineDeps {
  kb: KnowledgeBase;
  understanding: Understanding;
  handover: HandoverDeps;
  /** Retention periods, named in the texts about data protection. */
  retention: RetentionPolicy;
  /** A message key's text in a language, as the person sees it: answers typed instead of a button are read with it. */
  label(language: Language, key: string): string;
}

/** Button values; the only strings the engine compares, and they never reach a person. */
export const ACTIONS = {
  language: 'lang:',
  feedbackYes: 'feedback:yes',
  feedbackNo: 'feedback:no',
  more: 'more',
  childcare: 'childcare',
  person: 'person',
  topic: 'topic:',
  /** At the town question: "I do not live in the district". */
  elsewhere: 'town:elsewhere',
} as const;

/**
 * One turn of the conversation: a pure function of the state and the input.
 * @returns the new state, the replies (as message keys and ids) and the events to store
 */
export function runTurn(deps: EngineDeps, state: ConversationState, input: TurnInput): TurnResult {
  if (input.kind === 'start') return { state, replies: state.intake ? resumeHandover(deps, state) : welcome(deps), events: [] };
  if (input.kind === 'action') return onAction(deps, state, input.value);
  return onMessage(deps, state, input.text);
}

function welcome(deps: EngineDeps): Reply[] {
  return [text('welcome.greeting'), text('welcome.chooseLanguage'), languageMenu(deps)];
}

/** After a switch of language: the question that is waiting, asked again in the new language, or what Lotse helps with. */
function switched(deps: EngineDeps, state: ConversationState): Reply[] {
  const waiting = state.intake
    ? repeatQuestion(state.intake, intakeContext(deps, state))
    : state.pending?.kind === 'town'
      ? [townQuestion(state)]
      : state.pending?.kind === 'age'
        ? [ageQuestion(state)]
        : [text('welcome.howCanIHelp'), topicExamples()];
  return [text('language.switched'), ...waiting];
}

function languageMenu(deps: EngineDeps): Reply {
  return actions(...deps.kb.taxonomy.languages.map((l) => ({ label: { text: l.name }, value: `${ACTIONS.language}${l.code}` })));
}

function onAction(deps: EngineDeps, current: ConversationState, value: string): TurnResult {
  // "Delete my data" needs its own yes: a stale "yes" button asks again instead of deleting.
  if (value === PRIVACY_ACTIONS.yes) return current.pending?.kind === 'deleteData' ? confirmDeletion(deps, current) : askDeletion(deps, current);
  if (value === PRIVACY_ACTIONS.no) return keepData(deps, current);
  if (value === PRIVACY_ACTIONS.ask) return askDeletion(deps, current);
  // Any other button answers something else: the deletion question is off.
  const state = current.pending?.kind === 'deleteData' ? { ...current, pending: undefined } : current;
  if (value.startsWith(ACTIONS.language)) {
    const lang = value.slice(ACTIONS.language.length) as Language;
    if (!(LANGUAGES as readonly string[]).includes(lang)) return { state, replies: [text('error.unknownAction')], events: [] };
    const next = { ...state, language: lang, languageChosen: true };
    return { state: next, replies: switched(deps, next), events: [] };
  }
  if (value === ACTIONS.feedbackYes || value === ACTIONS.feedbackNo) {
    const helpful = value === ACTIONS.feedbackYes;
    if (state.lastTopics.length === 0) return { state, replies: [text('feedback.thanks')], events: [] };
    // A second tap stores nothing more; a "no" after all still gets the offer of a person.
    if (state.feedbackGiven) return { state, replies: helpful ? [text('feedback.already')] : [text('feedback.sorry'), actions(action('actions.person', ACTIONS.person))], events: [] };
    const event: TurnEvent = {
      type: 'feedback',
      helpful,
      language: state.language,
      topics: state.lastTopics,
      entryIds: state.shownEntries,
      ...(state.municipality ? { municipality: state.municipality } : {}),
    };
    const replies = helpful ? [text('feedback.thanks')] : [text('feedback.sorry'), actions(action('actions.person', ACTIONS.person))];
    return { state: { ...state, feedbackGiven: true }, replies, events: [event] };
  }
  if (value === ACTIONS.person) {
    if (state.intake) return { state, replies: resumeHandover(deps, state), events: [] };
    return beginHandover(deps, state, handoverTrigger(state));
  }
  if (value.startsWith(INTAKE)) {
    // "Send" again after the request went out (a double tap, a retry after a lost answer): it is not sent twice.
    if (!state.intake && value === `${INTAKE}send` && state.handovers.length > 0) return alreadySent(state);
    if (!state.intake) return { state, replies: [text('intake.expired'), actions(action('actions.person', ACTIONS.person))], events: [] };
    return intakeTurn(deps, state, { kind: 'choice', value: value.slice(INTAKE.length) });
  }
  if (value.startsWith(HANDOVER_ACTIONS.withdraw)) return withdrawHandover(state, value.slice(HANDOVER_ACTIONS.withdraw.length));
  if (value === ACTIONS.more || value === ACTIONS.childcare) {
    const topic = state.lastTopics[0];
    if (!topic) return { state, replies: [text('welcome.howCanIHelp'), topicExamples()], events: [] };
    // "With childcare" shows every course with childcare, also one the answer before showed among others.
    return answerTopic(deps, state, topic, value === ACTIONS.childcare ? { childcare: true } : { exclude: state.shownEntries });
  }
  if (value === ACTIONS.elsewhere) {
    if (state.pending?.kind !== 'town') return { state, replies: [text('welcome.howCanIHelp'), topicExamples()], events: [] };
    return withoutTown(deps, state, 'town.elsewhere');
  }
  if (value.startsWith(ACTIONS.topic)) {
    const topic = value.slice(ACTIONS.topic.length);
    if (!isServiceTopic(deps, topic)) return { state, replies: [text('error.unknownAction')], events: [] };
    if (needsTown(deps, topic, state)) {
      return { state: { ...state, pending: { kind: 'town', text: '', attempts: 0 }, lastTopics: [topic] }, replies: [townQuestion(state)], events: [] };
    }
    return answerTopic(deps, state, topic, {});
  }
  return { state, replies: [text('error.unknownAction')], events: [] };
}

/** The youngest age the migration counselling serves (JMD from 12): a smaller number ("ich habe 2 Kinder") is no answer. */
const MIN_COUNSELLING_AGE = 12;
const counsellingAge = (age: number | undefined): number | undefined => (age !== undefined && age >= MIN_COUNSELLING_AGE ? age : undefined);

/** How sure the understanding must be that a crisis happens at work (a keyword of rights at work, not a shared word). */
const AT_WORK = 0.6;

function onMessage(deps: EngineDeps, state: ConversationState, message: string): TurnResult {
  const understood = deps.understanding.understand({ text: message, conversationLanguage: state.languageChosen ? state.language : undefined });
  // A question "delete everything?" is answered by this message or not at all.
  const deciding = state.pending?.kind === 'deleteData';
  let next: ConversationState = deciding ? { ...state, pending: undefined } : { ...state };

  // At the intake's language question, a language's name ("Arabisch") answers it and does not switch the conversation.
  const answersLanguage = state.intake?.step === 'language' && picksOption(state.intake, message, intakeContext(deps, state));
  // "Bitte auf Deutsch" in a German conversation: acknowledged, no German course.
  const asksLanguage = understood.languageRequest !== undefined && (understood.languageRequest !== state.language || (understood.languageOnly === true && !state.intake && !state.pending));
  // "și pe românește?" in a Romanian conversation, or a volunteer's "is there something in Dari?": a short question right
  // after an answer, for that answer's offers in the language, no switch.
  const lastTopic = state.lastTopics[0];
  const inLanguage =
    understood.languageRequest !== undefined && !answersLanguage && !state.intake && !state.pending && state.shownEntries.length > 0 && isServiceTopic(deps, lastTopic) &&
    /[?؟]/u.test(message) && message.trim().split(/\s+/u).length <= FOLLOW_UP_WORDS && (understood.languageRequest === state.language || state.onBehalf);
  if (inLanguage) return { ...answerTopic(deps, next, lastTopic!, { speaks: understood.languageRequest }), understood };
  if (understood.languageRequest && asksLanguage && !answersLanguage) {
    next = { ...next, language: understood.languageRequest, languageChosen: true };
    // A language named beside a need ("Jestem z Polski, szukam kursu niemieckiego w Kleve") switches and answers the need.
    if (hasServiceNeed(deps, understood) && !understood.languageOnly && !state.intake && !state.pending && !understood.crisis) {
      if (understood.municipality) next = { ...next, municipality: understood.municipality };
      const result = answerUnderstood(deps, next, understood, message);
      return { ...result, replies: [text('language.switched'), ...result.replies], understood };
    }
    return { state: next, replies: switched(deps, next), events: [], understood };
  }
  // During the intake the language stays (a name, an e-mail address or "dvama s jena mi" says nothing of it); only a
  // request switches it.
  if (!state.intake && (understood.language !== state.language || !state.languageChosen)) {
    next = { ...next, language: understood.language, languageChosen: true };
  }

  // "Change language" with no language named: the menu, in the language it was asked in.
  if (understood.languageMenu && !understood.crisis) return { state: next, replies: [text('welcome.chooseLanguage'), languageMenu(deps)], events: [], understood };

  // Volunteer mode: once someone says they ask for another person, it stays on for the conversation.
  if (understood.onBehalf) next = { ...next, onBehalf: true };
  if (understood.euCitizen) next = { ...next, euCitizen: true };

  // A crisis comes before anything the conversation was waiting for.
  if (understood.crisis) {
    next = { ...next, pending: undefined, lastTopics: ['emergency'], misses: 0, ...(understood.municipality ? { municipality: understood.municipality } : {}) };
    // Exploitation at work (the passport kept by the employer, wages unpaid): after the numbers, the services for rights at
    // work (Faire Mobilität, Faire Integration), before the offer of a person.
    // Only a clear case: the words of "hurt", "pills" or "I don't want to live" also weigh a little for rights at work.
    const second = understood.topics[1];
    // Violence by a husband or a parent who took the passport is no case for rights at work.
    const atWork = second?.id === 'work.rights' && second.score >= AT_WORK && !deps.understanding.tellsHousehold(message, next.language);
    const replies = crisisReplies(deps, understood.crisisKinds, next.language, next, atWork);
    if (atWork) {
      const work = answerTopic(deps, next, 'work.rights', {}).replies.filter((r) => r.type === 'services');
      replies.splice(replies.findIndex((r) => r.type === 'text' && r.message.key === 'crisis.offer'), 0, ...work);
    }
    if (next.intake) return { ...crisisDuringIntake(deps, { ...next, recent: remember(next, message, ['emergency']) }, replies), understood };
    return { state: { ...next, recent: remember(next, message, ['emergency']) }, replies, events: [], understood };
  }

  if (deciding) {
    const kind = deps.understanding.replyKind(message, next.language);
    if (kind === 'yes') return { ...confirmDeletion(deps, next), understood };
    if (kind === 'no' || kind === 'cancel') return { ...keepData(deps, next), understood };
  }
  // "Delete my data" wins over the intake's "cancel" (which deletes only the draft): it asks first
  // and then deletes the draft too; a bare "löschen" during the intake still cancels the draft.
  if (understood.deleteData) return { ...askDeletion(deps, next), understood };
  // "Ich brauche Hilfe", "what can you do?": what Lotse helps with; no topic is guessed from "Hilfe".
  if (!next.intake && !next.pending && deps.understanding.asksHelp(message, next.language)) {
    return { state: { ...next, misses: 0 }, replies: [text('welcome.howCanIHelp'), topicExamples()], events: [], understood };
  }
  // "Ich möchte meine Anfrage zurückziehen" after sending: the withdraw button's meaning, for the last request sent.
  const sent = next.handovers.at(-1);
  if (understood.withdraw && !next.intake && sent) return { ...withdrawHandover(next, sent.reference), understood };

  let paused = false;
  if (next.intake) {
    // "Who will see my data?" during the intake (at the consent above all) is answered, and the question asked again.
    const context = intakeContext(deps, next);
    if (understood.topics[0]?.id === 'privacy' && !deps.understanding.replyKind(message, next.language) && !picksOption(next.intake, message, context)) {
      return { state: next, replies: [text('privacy.info', { days: deps.retention.conversationDays }), ...repeatQuestion(next.intake, context)], events: [], understood };
    }
    // Before the consent, a new question ends the offer and is answered instead.
    const early = next.intake.step === 'town' || next.intake.step === 'consent';
    // Only a question with a service word ends it: "weiß nicht" or "ich wohne in Düsseldorf" at the town question is
    // an answer, and gets the towns as buttons.
    const question = hasServiceNeed(deps, understood) && understood.recognised && !deps.understanding.unsure(message, next.language);
    if (early && question && !deps.understanding.replyKind(message, next.language) && !(next.intake.step === 'town' && understood.municipality)) {
      next = { ...next, intake: undefined };
      paused = true;
    } else {
      return { ...intakeTurn(deps, next, { kind: 'text', text: message }), understood };
    }
  }

  // A town outside the district ("ich wohne in Moers", "Deutschkurs in Duisburg"): the offers reachable from anywhere.
  const elsewhere = understood.municipality ? undefined : deps.understanding.towns.elsewhereIn(message);
  // Only told as where one lives, it asks for nothing: "wohne" is no housing question.
  const onlyElsewhere = elsewhere !== undefined && (deps.understanding.elsewhereTold(message, next.language) !== undefined || !hasServiceNeed(deps, understood));
  if (state.pending?.kind === 'town') {
    const town = understood.municipality ?? (elsewhere ? undefined : deps.understanding.towns.resolve(message));
    if (town) return { ...withTown(deps, next, town, state.pending.text || undefined), understood };
    if (onlyElsewhere) return { ...withoutTown(deps, next, 'town.elsewhere'), understood };
    if (deps.understanding.unsure(message, next.language)) return { ...withoutTown(deps, next, 'town.unsure'), understood };
    // The person asked something else instead of naming the town; a short message without a service word ("ich
    // wohne in Düsseldorf") still answers the question.
    if (hasServiceNeed(deps, understood) && (understood.recognised || message.trim().split(/\s+/).length > 5)) {
      next = { ...next, pending: undefined };
    } else {
      const attempts = state.pending.attempts + 1;
      if (attempts >= 2) return { ...withoutTown(deps, next, 'town.unknownFallback'), understood };
      return { state: { ...next, pending: { ...state.pending, attempts } }, replies: [text('town.unknown'), actions(action(state.onBehalf ? 'town.elsewhereButtonOnBehalf' : 'town.elsewhereButton', ACTIONS.elsewhere))], events: [], understood };
    }
  }

  if (state.pending?.kind === 'age') {
    // A town typed with the age or instead of it ("Goch, 34", "Kleve") is kept: it is not asked again.
    const told = townAlone(deps, message, next.language);
    const town = understood.municipality ?? told;
    if (town) next = { ...next, municipality: town };
    const age = counsellingAge(parseAge(message));
    if (age !== undefined) {
      next = { ...next, age, pending: undefined };
      const again = deps.understanding.understand({ text: state.pending.text, language: next.language, ...(next.municipality ? { municipality: next.municipality } : {}) });
      return { ...answerUnderstood(deps, next, again, state.pending.text), understood };
    }
    if (told || (town && !hasServiceNeed(deps, understood))) {
      return { state: next, replies: [text('town.noted', { town: deps.understanding.towns.name(town!) ?? town! }), ageQuestion(next)], events: [], understood };
    }
    if (!hasServiceNeed(deps, understood)) {
      const attempts = state.pending.attempts + 1;
      if (attempts < 2) return { state: { ...next, pending: { ...state.pending, attempts } }, replies: [text('age.invalid')], events: [], understood };
    }
    next = { ...next, pending: undefined };
  }

  // Typed instead of tapped right after an answer: "weitere" / "ще" is the "more" button, "mit Kinderbetreuung" after a
  // course the "with childcare" one, "nein" / "not really" the "no" to "did this help?" (which offers a person), only as
  // a whole message: "nein, ich suche eine Kita" is a new question. "Gibt es das auch online?" asks for the answer's
  // topic again, with what can be used online, and "ist das kostenlos?" / "was muss ich mitbringen?" for the shown
  // offers' costs or what to bring, unless they name a need of another area ("Kita online anmelden" after a course).
  if (!state.pending && !deciding && state.shownEntries.length > 0 && state.lastTopics.length > 0) {
    const kind = deps.understanding.followUp(message, next.language);
    const no = kind === 'unhelpful' || (deps.understanding.replyKind(message, next.language) === 'no' && message.trim().split(/\s+/u).length <= 2);
    if (kind === 'more') return { ...onAction(deps, next, ACTIONS.more), understood };
    if (kind === 'childcare' && state.lastTopics[0]?.startsWith('language-course')) return { ...onAction(deps, next, ACTIONS.childcare), understood };
    const topic = state.lastTopics[0]!;
    if (kind === 'online' && isServiceTopic(deps, topic) && !asksOtherArea(deps, message, next.language, topic)) {
      return { ...answerTopic(deps, next, topic, { online: true, related: relatedTopics(deps, state, topic) }), understood };
    }
    if ((kind === 'cost' || kind === 'bring') && !asksOtherArea(deps, message, next.language, topic)) {
      return { state: next, replies: [...detailReplies(deps, state.shownEntries.slice(-MAX_DETAILS), kind, next.language), actions(action('actions.more', ACTIONS.more), action('actions.person', ACTIONS.person))], events: [], understood };
    }
    if (no && !state.feedbackGiven) return { ...onAction(deps, next, ACTIONS.feedbackNo), understood };
  }

  // "Ich wohne nicht mehr in Goch": that town is forgotten, and the one where the person lives now asked.
  if (!understood.municipality && !elsewhere && deps.understanding.townLeft(message, next.language)) {
    next = { ...next, municipality: undefined, outsideDistrict: undefined };
    return { state: { ...next, pending: { kind: 'town', text: '', attempts: 0 } }, replies: [townQuestion(next)], events: [], understood };
  }
  if (elsewhere) {
    next = { ...next, municipality: undefined, outsideDistrict: true, pending: undefined };
    if (onlyElsewhere) return { ...withoutTown(deps, next, 'town.elsewhere'), understood };
    const answer = answerUnderstood(deps, next, understood, message);
    return { ...answer, replies: knowsNone(answer.replies) ? noneReachable('town.elsewhere', answer.replies) : [text('town.elsewhere'), ...answer.replies], understood };
  }
  if (understood.municipality) next = { ...next, municipality: understood.municipality, outsideDistrict: undefined };
  // A town alone ("Goch", "47533") or told as where one lives ("ich wohne in Goch"): noted, then the last answer for
  // that town, or what Lotse helps with there.
  const alone = townAlone(deps, message, next.language);
  if (alone) {
    // "ich bin 22 und wohne in Kleve": the age is kept with the town.
    const age = counsellingAge(statedAge(message, deps.understanding.ageWords(next.language)));
    return { ...withTown(deps, age === undefined ? next : { ...next, age }, alone), understood };
  }
  const answer = answerUnderstood(deps, next, understood, message);
  // The offer of a person ended by a question: the person learns that nothing was passed on, and how to ask again.
  return { ...answer, replies: paused ? [text('intake.paused'), ...answer.replies] : answer.replies, understood };
}

/** A message that only names a town ("Goch", "47533") or tells it as where one lives ("ich wohne in Goch"). */
function townAlone(deps: EngineDeps, message: string, language: Language): string | undefined {
  return deps.understanding.towns.only(message) ?? deps.understanding.townTold(message, language);
}

/**
 * A town told (the answer to the town question, or a town alone): noted, then the question that waited for it
 * (`waiting`), or else the last topic answered for that town, or else what Lotse helps with.
 */
function withTown(deps: EngineDeps, state: ConversationState, town: string, waiting?: string): TurnResult {
  const next = { ...state, municipality: town, pending: undefined, outsideDistrict: undefined };
  const noted = text('town.noted', { town: deps.understanding.towns.name(town) ?? town });
  const topic = state.lastTopics[0];
  const again = waiting ? deps.understanding.understand({ text: waiting, language: next.language, municipality: town }) : undefined;
  const answer = again ? answerUnderstood(deps, next, again, waiting!) : topic && isServiceTopic(deps, topic) ? answerTopic(deps, next, topic, {}) : undefined;
  if (answer) return { ...answer, replies: [noted, ...answer.replies] };
  // The town after a crisis ("no place to sleep tonight", then "Geldern"): the crisis help again, now for that town.
  if (topic === 'emergency') {
    const crisisText = [...state.recent].reverse().find((r) => r.topics.includes('emergency'))?.text;
    const kinds = crisisText ? deps.understanding.understand({ text: crisisText, language: next.language }).crisisKinds : [];
    if (kinds.length > 0) return { state: { ...next, misses: 0 }, replies: [noted, ...crisisReplies(deps, kinds, next.language, next)], events: [] };
  }
  return { state: { ...next, misses: 0 }, replies: [noted, text('welcome.howCanIHelp'), topicExamples()], events: [] };
}

/**
 * The answer to a town question that got no town ("weiß nicht", a town outside the district, two misses): the
 * offers reachable anywhere or online, after a word on why; the town can still come later.
 */
function withoutTown(deps: EngineDeps, state: ConversationState, reason: 'town.unsure' | 'town.elsewhere' | 'town.unknownFallback'): TurnResult {
  const next = { ...state, pending: undefined, ...(reason === 'town.elsewhere' ? { outsideDistrict: true } : {}) };
  const topic = state.lastTopics[0];
  const answer = topic ? answerTopic(deps, next, topic, { withoutTown: true, outsideDistrict: reason === 'town.elsewhere' }) : undefined;
  if (answer && knowsNone(answer.replies)) return { ...answer, replies: noneReachable(reason, answer.replies) };
  return answer ? { ...answer, replies: [text(reason), ...answer.replies] } : { state: next, replies: [text(reason), text('welcome.howCanIHelp'), topicExamples()], events: [] };
}

/** Whether an answer says that no service fits. */
const knowsNone = (replies: readonly Reply[]): boolean => replies.some((r) => r.type === 'text' && r.message.key === 'answer.noService');

/**
 * No offer reachable from anywhere for the person's need: one message says so, instead of "here are offers reachable
 * anywhere" and then "I know none"; the answer's buttons stay.
 */
function noneReachable(reason: 'town.unsure' | 'town.elsewhere' | 'town.unknownFallback', replies: readonly Reply[]): Reply[] {
  return [text(reason === 'town.elsewhere' ? 'town.elsewhereNothing' : 'town.nothingEverywhere'), ...replies.filter((r) => r.type !== 'text')];
}

/** The town question; a volunteer is asked where the person or family they ask for lives. */
const townQuestion = (state: ConversationState): Reply => text(state.onBehalf ? 'town.askOnBehalf' : 'town.ask');
/** The age question, about the person a volunteer asks for where one does. */
const ageQuestion = (state: ConversationState): Reply => text(state.onBehalf ? 'age.askOnBehalf' : 'age.ask');

/** Decides the answer for an understood message (no pending question in the way). */
function answerUnderstood(deps: EngineDeps, state: ConversationState, understood: Understood, original: string): TurnResult {
  const top = understood.topics[0]?.id;
  // Understanding ranks a recognised service need first; a weaker one is no answer. A citizen of the EU needs no work
  // permit: the migration counselling (which serves EU citizens) answers instead.
  const first = understood.outOfScope || !isServiceTopic(deps, top) ? undefined : understood.topics[0];
  const service = first?.id === 'work.permit' && state.euCitizen ? { id: 'counselling.adult', score: first.score } : first;

  if (understood.person && !service) {
    return beginHandover(deps, state, 'person');
  }
  // Help in danger asked about with no acute cue ("where do women in a crisis find support?"): the help numbers, as
  // information, and the offer of a person; a "talk to a person" after them is handed over as a crisis.
  if (top === 'emergency') {
    return { state: { ...state, lastTopics: ['emergency'], misses: 0, recent: remember(state, original, ['emergency']) }, replies: crisisReplies(deps, CRISIS_KINDS, state.language), events: [] };
  }
  if (top === 'privacy') return { state, replies: [text('privacy.info', { days: deps.retention.conversationDays }), actions(action('privacy.delete.button', PRIVACY_ACTIONS.ask))], events: [] };
  if (!service) {
    if (understood.onBehalf) return { state: { ...state, misses: 0 }, replies: [text('finder:volunteer.noted'), topicExamples()], events: [] };
    if (top === 'smalltalk') {
      // A greeting is answered with a greeting and what Lotse helps with; thanks with "you're welcome"; a goodbye with good wishes.
      const kind = deps.understanding.courtesy(original, state.language);
      return { state: { ...state, misses: 0 }, replies: [text(`smalltalk.${kind}`), topicExamples()], events: [] };
    }
    if (understood.outOfScope && understood.recognised && top === 'out-of-scope') {
      // A need of daily life Lotse knows no service for ("Schuldnerberatung", "Führerschein umschreiben"): honestly so,
      // and the migration counselling for the person's age and town, which finds the right place.
      if (deps.understanding.namesOtherNeed(original, state.language)) {
        const replies = personReplies(deps, state, state.outsideDistrict && !state.municipality ? { outsideDistrict: true } : {}, 'outOfScope.need');
        return { state: { ...state, misses: 0 }, replies: [...replies, actions(action('actions.person', ACTIONS.person))], events: [] };
      }
      return { state, replies: [text('outOfScope.reply'), topicExamples()], events: [] };
    }
    // "ok", "تمام" or a thumbs up after an answer acknowledges it: no miss, no offer of a person for not understanding.
    if (deps.understanding.replyKind(original, state.language) === 'yes' || !/[\p{L}\p{N}]/u.test(original)) {
      return { state, replies: [text('welcome.howCanIHelp'), topicExamples()], events: [] };
    }
    const misses = state.misses + 1;
    const replies = misses >= 2 ? [text('notUnderstood.offerPerson'), actions(action('actions.person', ACTIONS.person))] : [text('notUnderstood.rephrase'), topicExamples()];
    return { state: { ...state, misses }, replies, events: [] };
  }

  let topic = service.id;
  if (topic === 'counselling.youth' || topic === 'counselling.adult') {
    // An age told in the message ("ich bin 19 und suche Beratung") is not asked again.
    // An age in this message is about whom it asks for now (a volunteer asks for several people): it wins over an earlier one.
    const told = counsellingAge(statedAge(original, deps.understanding.ageWords(state.language))) ?? state.age;
    if (told !== undefined) state = { ...state, age: told };
    if (state.age === undefined) {
      return { state: { ...state, pending: { kind: 'age', text: original, attempts: 0 }, lastTopics: [topic] }, replies: [ageQuestion(state)], events: [] };
    }
    topic = counsellingFor(state.age);
  }
  if (needsTown(deps, topic, state)) {
    return { state: { ...state, pending: { kind: 'town', text: original, attempts: 0 }, lastTopics: [topic] }, replies: [townQuestion(state)], events: [] };
  }
  const ranked = understood.entries.map((e) => e.id);
  // "Deutschkurs mit Kinderbetreuung": the courses with childcare, where there are any.
  const withChildcare = topic.startsWith('language-course') && deps.understanding.asksChildcare(original, state.language);
  const remembered = { ...state, recent: remember(state, original, understood.topics.slice(0, 2).map((t) => t.id)) };
  const childcare = withChildcare ? answerTopic(deps, remembered, topic, { childcare: true }) : undefined;
  const advice = deps.understanding.asksAdvice(original, state.language);
  // Advice is given by the counselling for one's age: an age told with it ("ich bin 22, Beratung zum Jobcenter") counts.
  const age = advice ? (counsellingAge(statedAge(original, deps.understanding.ageWords(state.language))) ?? remembered.age) : remembered.age;
  const result = childcare?.replies.some((r) => r.type === 'services') ? childcare : answerTopic(deps, { ...remembered, ...(age === undefined ? {} : { age }) }, topic, { ranked, named: understood.named, advice });
  if (understood.complex || understood.person) {
    return { ...result, replies: [text('escalation.complex'), ...result.replies.filter((r) => r.type !== 'actions'), actions(action('actions.person', ACTIONS.person), action('feedback.yes', ACTIONS.feedbackYes), action('feedback.no', ACTIONS.feedbackNo))] };
  }
  return result;
}

/** Keeps the person's own words of a request for a later handover (the last three). */
function remember(state: ConversationState, words: string, topics: string[]): ConversationState['recent'] {
  if (state.recent.some((r) => r.text === words)) return state.recent;
  return [...state.recent, { text: words.slice(0, 1000), topics }].slice(-3);
}

/** The general counselling services, one of which the person's age chooses. */
const BY_AGE: ReadonlySet<string> = new Set(['counselling.youth', 'counselling.adult']);

/** A service topic's weight when a keyword names it: less is a guess from words such as "geht" or "anything". */
const NAMED_NEED = 0.5;

/** The offers a cost or "what to bring" question is about: the last answer's. */
const MAX_DETAILS = 3;

/** Per offer just shown, its cost or what to bring, by the offer's title: "Integrationskurs VHS Goch: kostenlos". */
function detailReplies(deps: EngineDeps, entryIds: readonly string[], kind: 'cost' | 'bring', language: Language): Reply[] {
  const entries = entryIds.flatMap((id) => deps.kb.services.filter((e) => e.id === id));
  const lines = entries.map((e) => {
    const texts = e.texts[language] ?? e.texts.de!;
    const value = kind === 'cost' ? { key: `cost.${e.cost}` } : texts.bring.length > 0 ? { text: texts.bring.join(', ') } : { key: 'answer.bring.nothing' };
    return { label: { text: texts.title }, value };
  });
  return [text(`answer.${kind}.intro`), { type: 'lines', lines }];
}

/**
 * Whether a follow-up (online, cost, what to bring) names a need of another area than the topic answered, in its other
 * words: "Kita online anmelden" after a German course does, "є онлайн?" ("онлайн" is a word of the online German
 * courses too), "geht das auch digital?" or "ist das kostenlos?" do not.
 */
function asksOtherArea(deps: EngineDeps, message: string, language: Language, topic: string): boolean {
  const rest = deps.understanding.understand({ text: deps.understanding.withoutFollowUp(message, language), language });
  const need = rest.topics[0];
  return hasServiceNeed(deps, rest) && need!.score >= NAMED_NEED && need!.id.split('.')[0] !== topic.split('.')[0];
}

/**
 * The other topics the request last answered was read as, of the same area as the topic answered ("Deutschkurs": the
 * integration course first, the other German courses next): their online offers may follow the topic's own.
 */
function relatedTopics(deps: EngineDeps, state: ConversationState, topic: string): string[] {
  const last = state.recent.at(-1);
  if (!last?.topics.includes(topic)) return [];
  const area = topic.split('.')[0];
  // The counselling for young people and for adults is chosen by age: the other one is no offer for this person.
  return last.topics.filter((t) => t !== topic && t.split('.')[0] === area && isServiceTopic(deps, t) && !BY_AGE.has(t));
}

/** Whether a message states a new service need (ranked first by understanding). */
function hasServiceNeed(deps: EngineDeps, understood: Understood): boolean {
  const top = understood.topics[0]?.id;
  return !understood.outOfScope && isServiceTopic(deps, top);
}

/** A few service topics as buttons, for people who do not know what to ask. */
function topicExamples(): Reply {
  return actions(
    action('topics.languageCourse', `${ACTIONS.topic}language-course.integration`),
    action('topics.childcare', `${ACTIONS.topic}childcare`),
    action('topics.jobcentre', `${ACTIONS.topic}work.jobcentre`),
    action('topics.health', `${ACTIONS.topic}health`),
    action('actions.person', ACTIONS.person),
  );
}
