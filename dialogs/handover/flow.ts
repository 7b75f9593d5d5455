import type { Language } from '../../knowledge/schema.js';
import type { Staff } from '../../knowledge/staff.js';
import type { ConversationState } from '../state.js';
import type { EngineDeps, TurnResult } from '../engine.js';
import { action, actions, text, type Reply } from '../replies.js';
import { crisisReplies } from '../crisis.js';
import { continueIntake, repeatQuestion, startIntake, type IntakeContext, type IntakeDraft, type IntakeInput } from './intake.js';
import { firstContactBy, routeHandover, unitName, type Route } from './routing.js';
import { isServiceTopic, personReplies } from '../answer.js';

/** What the handover needs besides knowledge and understanding: staff data, a clock and references. */
export interface HandoverDeps {
  staff: Staff;
  clock(): Date;
  newReference(): string;
}

/** Button values around a handover (besides the intake's own `intake:` choices). */
export const HANDOVER_ACTIONS = { withdraw: 'withdraw:' } as const;

/** The handover the edge stores in the turn's transaction: record, routing, notifications. */
export interface HandoverEvent {
  type: 'handover';
  reference: string;
  draft: IntakeDraft;
  municipality: string;
  /** Decided when the person sent it: the unit they were told. */
  route: Route;
  language: Language;
  topics: string[];
  shownEntries: string[];
  expectedBy: string;
}

export interface WithdrawEvent {
  type: 'withdraw';
  reference: string;
}

export function intakeContext(deps: EngineDeps, state: ConversationState): IntakeContext {
  const { kb, understanding } = deps;
  return {
    language: state.language,
    ...(state.municipality ? { municipality: state.municipality } : {}),
    ...(state.age !== undefined ? { age: state.age } : {}),
    recent: state.recent,
    resolveTown: (answer) => understanding.towns.resolve(answer),
    livesElsewhere: (answer) => understanding.towns.elsewhereIn(answer) !== undefined,
    townName: (id) => understanding.towns.name(id) ?? id,
    towns: kb.district.municipalities.map((m) => ({ id: m.id, name: m.name })),
    routeFor: (municipality) => routeHandover(kb.district, municipality, [...state.recent.flatMap((r) => r.topics), ...state.lastTopics]),
    unitName: (unit) => unitName(kb.district, unit, state.language),
    replyKind: (answer) => understanding.replyKind(answer, state.language),
    optionsIn: (answer, step, every) => understanding.intakeOptions(answer, state.language, step, every),
    unsure: (answer) => understanding.unsure(answer, state.language),
    negated: (answer) => understanding.negated(answer, state.language),
    tellsHousehold: (answer) => understanding.tellsHousehold(answer, state.language),
    topicsOf: (answer) => understanding.understand({ text: answer, language: state.language }).topics.filter((t) => isServiceTopic(deps, t.id)).map((t) => t.id),
    languageName: (code) => kb.taxonomy.languages.find((l) => l.code === code)?.name ?? code,
    label: (key) => deps.label(state.language, key),
    retentionDays: deps.retention.recordDays,
  };
}

/** Why the person wants a handover, from the conversation so far (it feeds the suggested case type). */
export function handoverTrigger(state: ConversationState): IntakeDraft['trigger'] {
  if (state.lastTopics[0] === 'emergency') return 'crisis';
  if (state.misses >= 2) return 'misses';
  if (state.feedbackGiven) return 'feedback';
  return state.recent.length > 1 ? 'complex' : 'person';
}

/** The offer was taken ("talk to a person" or a typed wish): the intake begins, consent first. */
export function beginHandover(deps: EngineDeps, state: ConversationState, trigger: IntakeDraft['trigger']): TurnResult {
  const urgent = trigger === 'crisis';
  const { draft, replies } = startIntake(intakeContext(deps, state), trigger, urgent);
  // A volunteer asking for a family: consent and contact details are the family's to give.
  const note = state.onBehalf ? [text('intake.onBehalf')] : [];
  return { state: { ...state, intake: draft, misses: 0, pending: undefined }, replies: [...note, ...replies], events: [] };
}

/** A person coming back to a conversation with an unfinished intake. */
export function resumeHandover(deps: EngineDeps, state: ConversationState): Reply[] {
  return [text('intake.resume'), ...repeatQuestion(state.intake!, intakeContext(deps, state))];
}

/** A crisis during the intake: numbers first, then the intake goes on, marked urgent. */
export function crisisDuringIntake(deps: EngineDeps, state: ConversationState, replies: Reply[]): TurnResult {
  const draft = { ...state.intake!, urgent: true };
  const next = { ...state, intake: draft };
  const numbers = replies.filter((r) => r.type !== 'actions' && !(r.type === 'text' && r.message.key === 'crisis.offer'));
  return { state: next, replies: [...numbers, text('intake.continuesUrgent'), ...repeatQuestion(draft, intakeContext(deps, next))], events: [] };
}

/** One answer within the intake. */
export function intakeTurn(deps: EngineDeps, state: ConversationState, input: IntakeInput): TurnResult {
  const draft = state.intake!;
  const ctx = intakeContext(deps, state);
  const outcome = continueIntake(draft, input, ctx, deps.handover.clock());
  switch (outcome.kind) {
    case 'continue':
      return { state: { ...state, intake: outcome.draft, ...(outcome.municipality ? { municipality: outcome.municipality } : {}) }, replies: outcome.replies, events: [] };
    case 'cancelled':
      // The draft is deleted with the state: nothing of it is kept.
      return { state: { ...state, intake: undefined }, replies: outcome.replies, events: [] };
    case 'declined': {
      // A "no" still leaves the person with self-help and a number to call.
      const next = { ...state, intake: undefined };
      const help = draft.urgent ? crisisReplies(deps, [], state.language).filter((r) => r.type === 'crisis') : personReplies(deps, next).filter((r) => r.type === 'services');
      return { state: next, replies: [...outcome.replies, ...help, text('intake.consent.later'), actions(action('actions.person', 'person'))], events: [] };
    }
    case 'elsewhere': {
      // Remembered like the town question's "not in the district": later answers show the offers reachable from anywhere.
      const next = { ...state, intake: undefined, municipality: undefined, outsideDistrict: true };
      const online = personReplies(deps, next, { outsideDistrict: true }).filter((r) => r.type === 'services');
      return { state: next, replies: [text('intake.town.outside'), ...online], events: [] };
    }
    case 'send':
      return sendHandover(deps, state, outcome.draft);
  }
}

function sendHandover(deps: EngineDeps, state: ConversationState, draft: IntakeDraft): TurnResult {
  const { staff, clock, newReference } = deps.handover;
  const municipality = state.municipality!;
  const topics = [...new Set([...(draft.fields.concerns ?? []).flatMap((c) => (c.topic ? [c.topic] : [])), ...state.lastTopics.filter((t) => t !== 'emergency')])];
  // The unit the consent named; a draft consented to before units were kept with it is routed as then.
  const route = draft.consent?.route ?? routeHandover(deps.kb.district, municipality, topics);
  const now = clock();
  const level = draft.urgent ? 'urgent' : (draft.fields.urgency ?? 'normal');
  const expectedBy = firstContactBy(now, staff.firstContactWorkingDays[level]);
  const reference = newReference();
  const event: HandoverEvent = {
    type: 'handover',
    reference,
    draft,
    municipality,
    route,
    language: state.language,
    topics,
    shownEntries: state.shownEntries,
    expectedBy: expectedBy.toISOString(),
  };
  const method = draft.fields.contact ?? 'chat';
  const numbers = draft.urgent ? crisisReplies(deps, [], state.language).filter((r) => r.type === 'crisis') : [];
  const team = unitName(deps.kb.district, route.unit, state.language);
  const replies: Reply[] = [
    text('handover.sent', { reference, team }),
    text(`handover.contact.${method}`, { byDate: expectedBy.toISOString(), team }),
    // "The services above" only where some were shown in this conversation.
    ...(draft.urgent ? [text('handover.urgentMeanwhile'), ...numbers] : [text(state.shownEntries.length > 0 ? 'handover.meanwhile' : 'handover.meanwhileWrite')]),
    text('handover.withdrawHint', { reference }),
    actions(action('handover.withdraw', `${HANDOVER_ACTIONS.withdraw}${reference}`)),
  ];
  const next: ConversationState = {
    ...state,
    intake: undefined,
    recent: [],
    handovers: [...state.handovers, { reference, unit: route.unit, at: now.toISOString() }].slice(-5),
  };
  return { state: next, replies, events: [event] };
}

/** "Send" pressed again after the request went out: the reference of the last one, nothing sent twice. */
export function alreadySent(state: ConversationState): TurnResult {
  const last = state.handovers[state.handovers.length - 1]!;
  return {
    state,
    replies: [text('handover.alreadySent', { reference: last.reference }), actions(action('handover.withdraw', `${HANDOVER_ACTIONS.withdraw}${last.reference}`))],
    events: [],
  };
}

/** The person withdraws a handover they sent from this conversation. */
export function withdrawHandover(state: ConversationState, reference: string): TurnResult {
  if (!state.handovers.some((h) => h.reference === reference)) return { state, replies: [text('error.unknownAction')], events: [] };
  const event: WithdrawEvent = { type: 'withdraw', reference };
  return { state: { ...state, handovers: state.handovers.filter((h) => h.reference !== reference) }, replies: [text('handover.withdrawn', { reference })], events: [event] };
}
