import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { LANGUAGES, languageSchema, type Language } from '../../knowledge/schema.js';
import { action, actions, text, type Action, type Line, type Reply } from '../replies.js';
import { routeSchema, type Route } from './routing.js';
import { parseAge } from '../age.js';
import { latinDigits, normalise } from '../../knowledge/understand/text.js';

/** Button values of the intake start with this; the rest names the choice. */
export const INTAKE = 'intake:';

export const CONTACT_METHODS = ['chat', 'phone', 'email', 'in-person'] as const;
export const CONTACT_TIMES = ['morning', 'afternoon', 'anytime'] as const;
export const AGE_GROUPS = ['under-18', '18-27', '28-64', '65-plus'] as const;
export const URGENCIES = ['urgent', 'deadline', 'normal'] as const;
export const INSTITUTIONS = ['jobcenter', 'employment-agency', 'jmd', 'mbe', 'school', 'kita', 'youth-office', 'social-office', 'immigration-office', 'doctor'] as const;
export const RESIDENCE = ['eu', 'asylum', 'protection', 'temporary-protection', 'toleration', 'permit', 'settled', 'not-said'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Limits for free-text answers; longer ones are re-asked, never cut. */
export const MAX_ANSWER = { name: 80, contactTime: 200, household: 300, deadline: 200, concern: 1000 } as const;

/** The consent text's version, stored with the record (change it whenever `intake.consent.body` changes). */
export const CONSENT_VERSION = 'consent-2026-11-2';

const concernSchema = z.object({ topic: z.string().optional(), words: z.string().min(1).max(MAX_ANSWER.concern) });

/** Every answer, each validated by its own schema; absent = not asked yet or skipped. */
export const intakeFieldsSchema = z.object({
  contact: z.enum(CONTACT_METHODS).optional(),
  phone: z.string().optional(),
  email: z.email().optional(),
  contactTime: z.union([z.enum(CONTACT_TIMES), z.string().trim().min(1).max(MAX_ANSWER.contactTime)]).optional(),
  name: z.string().trim().min(1).max(MAX_ANSWER.name).optional(),
  ageGroup: z.enum(AGE_GROUPS).optional(),
  household: z.string().trim().min(1).max(MAX_ANSWER.household).optional(),
  concerns: z.array(concernSchema).min(1).max(5).optional(),
  urgency: z.enum(URGENCIES).optional(),
  deadline: z.string().trim().min(1).max(MAX_ANSWER.deadline).optional(),
  institutions: z.array(z.enum(INSTITUTIONS)).optional(),
  preferredLanguage: languageSchema.optional(),
  interpreter: z.boolean().optional(),
  residence: z.enum(RESIDENCE).optional(),
  transcript: z.boolean().optional(),
});
export type IntakeFields = z.infer<typeof intakeFieldsSchema>;

export const STEPS = ['town', 'consent', 'contact', 'phone', 'email', 'contactTime', 'name', 'ageGroup', 'household', 'concerns', 'urgency', 'deadline', 'institutions', 'language', 'interpreter', 'residence', 'transcript', 'summary'] as const;
export type StepId = (typeof STEPS)[number];

/** Questions that follow another answer (the number after "by phone"); corrected together with it. */
const FOLLOW_UPS: readonly StepId[] = ['phone', 'email', 'deadline', 'interpreter'];

/** The draft of a handover, part of the conversation state: leaving and coming back resumes it. */
export const intakeSchema = z.object({
  step: z.enum(STEPS),
  /** A crisis or an explicit emergency: the dialogue asks only what the contact needs. */
  urgent: z.boolean(),
  trigger: z.enum(['person', 'complex', 'misses', 'crisis', 'feedback']),
  /** The consent as given, with the unit it named: the record goes there and nowhere else. */
  consent: z.object({ version: z.string(), language: languageSchema, at: z.string(), route: routeSchema.optional() }).optional(),
  fields: intakeFieldsSchema,
  /** Steps the person skipped (so they are not asked again). */
  skipped: z.array(z.enum(STEPS)).default([]),
  /** A correction from the summary: after this step, back to the summary. */
  correcting: z.boolean().default(false),
  /** The person chose to rewrite their concerns; the next message is their own words. */
  rewriting: z.boolean().default(false),
  attempts: z.number().int().min(0).default(0),
});
export type IntakeDraft = z.infer<typeof intakeSchema>;

/** What the intake needs from the rest of the conversation. */
export interface IntakeContext {
  language: Language;
  municipality?: string;
  /** The person's own words from this conversation, with the topics understood in them. */
  recent: ReadonlyArray<{ text: string; topics: string[] }>;
  age?: number;
  /** Whether a typed answer names a town outside the district ("Moers", "Düsseldorf"). */
  livesElsewhere(answer: string): boolean;
  /** Resolves a typed town (misspellings, postal codes) to a municipality id. */
  resolveTown(answer: string): string | undefined;
  townName(id: string): string;
  towns: ReadonlyArray<{ id: string; name: string }>;
  /** The unit a record would go to: named in the consent text, and kept with the consent. */
  routeFor(municipality: string): Route;
  /** A unit's name in the person's language. */
  unitName(unit: string): string;
  /** "yes", "no" or "cancel" when a short typed answer means that. */
  replyKind(answer: string): 'yes' | 'no' | 'cancel' | undefined;
  /**
   * The options of a choice question a typed answer names in other words than the labels' ("anerkannt", "WhatsApp"):
   * the one its longest phrase names, or with `every` each one named ("Jobcenter und Sozialamt", "в джобцентре").
   */
  optionsIn(answer: string, step: StepId, every?: boolean): string[];
  /** Whether an answer says "I don't know" ("weiß nicht", "не знаю"). */
  unsure(answer: string): boolean;
  /** Whether an answer holds a negation ("nicht", "don't", "نمی"): "I'd rather not say my name" is no name. */
  negated(answer: string): boolean;
  /** Whether an answer tells who lives with one ("mein Mann", "allein"). */
  tellsHousehold(answer: string): boolean;
  /** The taxonomy topics understood in a text (for concerns typed during the intake). */
  topicsOf(answer: string): string[];
  languageName(code: Language): string;
  /** A button's label as the person sees it (for answers typed instead of tapped). */
  label(key: string): string;
  retentionDays: number;
}

/** What a person did in one intake turn. */
export type IntakeInput = { kind: 'choice'; value: string } | { kind: 'text'; text: string };

type Outcome =
  | { kind: 'continue'; draft: IntakeDraft; replies: Reply[]; municipality?: string }
  | { kind: 'declined'; replies: Reply[] }
  /** The person lives outside the district: no case management here, the counselling services reachable from anywhere. */
  | { kind: 'elsewhere' }
  | { kind: 'cancelled'; replies: Reply[] }
  | { kind: 'send'; draft: IntakeDraft };

type Answer =
  /** `skip`: the answer leaves the step out, as the skip button does ("I'd rather not say my name"). */
  | { ok: true; fields?: Partial<IntakeFields>; municipality?: string; skip?: true }
  | { ok: false; error: Reply[] }
  /** Stay on the question with changed answers (a multiple choice being ticked). */
  | { ok: 'stay'; fields: Partial<IntakeFields>; replies: Reply[] };

interface Step {
  id: StepId;
  /** Optional steps get a "skip" button and can be left out. */
  optional: boolean;
  /** Whether the step is asked at all for this draft. */
  applies(d: IntakeDraft, ctx: IntakeContext): boolean;
  /** Whether it already has its answer. */
  done(d: IntakeDraft, ctx: IntakeContext): boolean;
  ask(d: IntakeDraft, ctx: IntakeContext): Reply[];
  answer(input: IntakeInput, d: IntakeDraft, ctx: IntakeContext): Answer;
  /**
   * What a required step notes when it cannot read the answer twice (see GIVE_UP): urgency "not urgent", an address
   * not given "answer here in the chat"; its message is `intake.<id>.assumed`.
   */
  giveUp?: (d: IntakeDraft, ctx: IntakeContext) => Partial<IntakeFields>;
}

/**
 * Unreadable answers after which a step moves on rather than asking forever: an optional step is left out, a step with
 * `giveUp` notes that; both can be changed at the summary. Other steps (consent, contact) keep asking.
 */
const GIVE_UP = 2;

const choice = (key: string, value: string): Action => action(key, `${INTAKE}${value}`);
const skip = choice('intake.skip', 'skip');
const cancel = choice('intake.cancel', 'cancel');
const invalid = (key: string, params?: Record<string, string | number>): Answer => ({ ok: false, error: [text(key, params)] });

/**
 * A step answered by one button out of `options`; typed, the button's number answers too ("2", "٢"), the way
 * channels without buttons show them, the words of one button's label ("telefonla", "per Telefon", "E-Mail"), and for
 * the age group an age ("34", "mam 45 lat", "عمري ٣٤").
 */
function buttons<K extends keyof IntakeFields>(id: StepId, field: K, options: readonly string[], labelPrefix: string, optional: boolean, applies: Step['applies'] = () => true): Step {
  return {
    id,
    optional,
    applies,
    done: (d) => d.fields[field] !== undefined,
    ask: () => [text(`intake.${id}.ask`), actions(...options.map((o) => choice(`${labelPrefix}.${o}`, o)))],
    answer(input, _d, ctx) {
      const value = input.kind === 'choice' ? input.value : typedChoice(input.text, options, id, labelPrefix, ctx, id === 'ageGroup');
      if (value !== undefined && options.includes(value)) return { ok: true, fields: { [field]: value } as Partial<IntakeFields> };
      return invalid('intake.pickOne');
    },
  };
}

/**
 * The option a typed answer names: its number in the list, the one label that has every word of the answer, or for
 * the age group an age in years. An answer whose words are in several labels ("dringend" in "sehr dringend" and
 * "nicht dringend") names none.
 */
function typedOption(answer: string, options: readonly string[], ages: boolean, labelOf: (option: string) => string): string | undefined {
  const plain = latinDigits(answer).trim().replace(/[.)]$/, '');
  if (/^\d{1,2}$/.test(plain) && Number(plain) >= 1 && Number(plain) <= options.length) return options[Number(plain) - 1];
  const typed = labelWords(answer);
  if (typed.length > 0) {
    const named = options.filter((o) => {
      const words = new Set(labelWords(labelOf(o)));
      return typed.every((w) => words.has(w));
    });
    if (named.length === 1) return named[0];
  }
  const age = ages ? parseAge(answer) : undefined;
  return age === undefined ? undefined : ageGroupOf(age);
}

/**
 * The option of a choice question a typed answer names: by its button's label (see `typedOption`), or else the one
 * option the lexicon's own words for it name ("ich bin anerkannt", "Paragraph 24", "abschicken").
 */
function typedChoice(answer: string, options: readonly string[], step: StepId, labelPrefix: string, ctx: IntakeContext, ages = false): string | undefined {
  const labelled = typedOption(answer, options, ages, (o) => ctx.label(`${labelPrefix}.${o}`));
  if (labelled) return labelled;
  const named = ctx.optionsIn(answer, step).filter((o) => options.includes(o));
  return named.length === 1 ? named[0] : undefined;
}

/** A label's or an answer's words, for comparing them: lower case, without punctuation and brackets, "E-Mail" as "email". */
function labelWords(label: string): string[] {
  return normalise(label).replace(/(\p{L})-(?=\p{L})/gu, '$1').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The age group of an age in years. */
function ageGroupOf(age: number): (typeof AGE_GROUPS)[number] {
  return age < 18 ? 'under-18' : age <= 27 ? '18-27' : age <= 64 ? '28-64' : '65-plus';
}

/** A free-text step with a length limit. */
function freeText(id: StepId, field: 'name' | 'household' | 'deadline', max: number, applies: Step['applies'] = () => true, extra: Action[] = []): Step {
  return {
    id,
    optional: id !== 'deadline',
    applies,
    done: (d) => d.fields[field] !== undefined,
    ask: () => [text(`intake.${id}.ask`), ...(extra.length ? [actions(...extra)] : [])],
    answer(input) {
      const value = input.kind === 'text' ? input.text.trim() : extra.find((a) => a.value === `${INTAKE}${input.value}`) ? input.value : '';
      if (!value) return invalid('intake.typeAnswer');
      if (value.length > max) return invalid('intake.tooLong', { max });
      return { ok: true, fields: { [field]: value } };
    },
  };
}

const notUrgent = (d: IntakeDraft) => !d.urgent;

const NAME_TEXT = freeText('name', 'name', MAX_ANSWER.name);
/** Words a name has at most ("Maria", "Abu Ahmad", "Frau Nowak"); longer answers naming a service are a need told. */
const NAME_WORDS = 3;
const tellsANeed = (answer: string, ctx: IntakeContext): boolean => answer.trim().split(/\s+/u).length > NAME_WORDS && ctx.topicsOf(answer).length > 0;

const CONTACT_BUTTONS = buttons('contact', 'contact', CONTACT_METHODS, 'intake.contact', false);
const URGENCY_BUTTONS = buttons('urgency', 'urgency', URGENCIES, 'intake.urgency', false, notUrgent);
const RESIDENCE_BUTTONS = buttons('residence', 'residence', RESIDENCE, 'intake.residence', true, notUrgent);
const ALONE = choice('intake.household.alone', 'alone');
const HOUSEHOLD_TEXT = freeText('household', 'household', MAX_ANSWER.household, notUrgent, [ALONE]);

const STEP_LIST: Step[] = [
  {
    id: 'town',
    optional: false,
    applies: () => true,
    done: (_d, ctx) => ctx.municipality !== undefined,
    ask: () => [text('intake.town.ask')],
    answer(input, d, ctx) {
      const town = input.kind === 'choice' ? ctx.towns.find((t) => `town-${t.id}` === input.value)?.id : ctx.resolveTown(input.text);
      if (town) return { ok: true, municipality: town };
      // After one miss, the towns as buttons: nobody should fail on spelling.
      return { ok: false, error: [text('intake.town.unknown'), actions(...ctx.towns.map((t) => ({ label: { text: t.name }, value: `${INTAKE}town-${t.id}` })), choice('town.elsewhereButton', 'elsewhere'), cancel)] };
    },
  },
  {
    id: 'consent',
    optional: false,
    applies: () => true,
    done: (d) => d.consent !== undefined,
    ask: (_d, ctx) => [
      text('intake.consent.body', { team: ctx.unitName(ctx.routeFor(ctx.municipality!).unit), days: ctx.retentionDays }),
      actions(choice('intake.consent.agree', 'yes'), choice('intake.consent.decline', 'no')),
    ],
    answer(input, _d, ctx) {
      const kind = input.kind === 'choice' ? input.value : ctx.replyKind(input.text);
      if (kind === 'yes') return { ok: true };
      return invalid('intake.consent.again');
    },
  },
  {
    ...CONTACT_BUTTONS,
    // A phone number or an e-mail address typed right away answers how, and where.
    answer(input, d, ctx) {
      if (input.kind === 'text') {
        const contact = typedContact(input.text);
        if (contact) return { ok: true, fields: contact };
        // "per WhatsApp bitte": the teams answer by phone, e-mail or here, and say so rather than "pick one".
        if (ctx.optionsIn(input.text, 'contact').includes('messenger')) return invalid('intake.contact.noMessenger');
      }
      return CONTACT_BUTTONS.answer(input, d, ctx);
    },
  },
  {
    id: 'phone',
    optional: false,
    applies: (d) => d.fields.contact === 'phone',
    done: (d) => d.fields.phone !== undefined,
    ask: () => [text('intake.phone.ask')],
    answer(input) {
      const raw = input.kind === 'text' ? latinDigits(input.text) : '';
      const phone = parsePhoneNumberFromString(raw, 'DE');
      if (!phone?.isValid()) return invalid('intake.phone.invalid');
      return { ok: true, fields: { phone: phone.number } };
    },
    giveUp: () => ({ contact: 'chat', phone: undefined }),
  },
  {
    id: 'email',
    optional: false,
    applies: (d) => d.fields.contact === 'email',
    done: (d) => d.fields.email !== undefined,
    ask: () => [text('intake.email.ask')],
    answer(input) {
      const email = input.kind === 'text' ? emailIn(input.text) : undefined;
      return email ? { ok: true, fields: { email } } : invalid('intake.email.invalid');
    },
    // No address after two tries ("I'd rather not say"): the team answers here in the chat.
    giveUp: () => ({ contact: 'chat', email: undefined }),
  },
  {
    id: 'contactTime',
    optional: true,
    applies: (d) => d.fields.contact !== 'chat' && notUrgent(d),
    done: (d) => d.fields.contactTime !== undefined,
    ask: () => [text('intake.contactTime.ask'), actions(...CONTACT_TIMES.map((t) => choice(`intake.contactTime.${t}`, t)))],
    answer(input) {
      if (input.kind === 'choice') return (CONTACT_TIMES as readonly string[]).includes(input.value) ? { ok: true, fields: { contactTime: input.value } } : invalid('intake.pickOne');
      const value = input.text.trim();
      if (value.length > MAX_ANSWER.contactTime) return invalid('intake.tooLong', { max: MAX_ANSWER.contactTime });
      return value ? { ok: true, fields: { contactTime: value } } : invalid('intake.typeAnswer');
    },
  },
  {
    ...NAME_TEXT,
    // A sentence about the need typed as the name ("ich brauche Hilfe mit dem Jobcenter") is kept as the concern, and
    // the name is asked again: a case manager must not read it as a name.
    answer(input, d, ctx) {
      // "I'd rather not say my name", "nein": the name is left out.
      if (input.kind === 'text' && (ctx.replyKind(input.text) === 'no' || ctx.negated(input.text))) return { ok: true, fields: {}, skip: true };
      if (input.kind === 'text' && d.fields.concerns === undefined && tellsANeed(input.text, ctx)) {
        return { ok: 'stay', fields: { concerns: [...prefillConcerns(ctx), typedConcern(input.text, ctx)] }, replies: [text('intake.name.notName')] };
      }
      return NAME_TEXT.answer(input, d, ctx);
    },
  },
  // An age the person already gave is not asked again (startIntake fills the group).
  buttons('ageGroup', 'ageGroup', AGE_GROUPS, 'intake.ageGroup', true, notUrgent),
  {
    ...HOUSEHOLD_TEXT,
    // A need typed here ("ich brauche Hilfe mit dem Jobcenter-Brief") without a word of who lives with one is kept as
    // the concern, and the household asked again.
    answer(input, d, ctx) {
      if (input.kind === 'text' && d.fields.concerns === undefined && tellsANeed(input.text, ctx) && !ctx.tellsHousehold(input.text)) {
        return { ok: 'stay', fields: { concerns: [...prefillConcerns(ctx), typedConcern(input.text, ctx)] }, replies: [text('intake.household.notHousehold'), actions(ALONE)] };
      }
      return HOUSEHOLD_TEXT.answer(input, d, ctx);
    },
  },
  {
    id: 'concerns',
    optional: false,
    applies: () => true,
    done: (d) => d.fields.concerns !== undefined,
    ask(d, ctx) {
      const prefilled = prefillConcerns(ctx);
      if (d.rewriting || prefilled.length === 0) return [text('intake.concerns.ask')];
      return [
        text('intake.concerns.confirm', { list: prefilled.map((c) => `• ${c.words}`).join('\n') }),
        actions(choice('intake.concerns.right', 'right'), choice('intake.concerns.rewrite', 'rewrite')),
      ];
    },
    answer(input, d, ctx) {
      if (input.kind === 'choice' && input.value === 'right' && !d.rewriting) {
        const prefilled = prefillConcerns(ctx);
        return prefilled.length ? { ok: true, fields: { concerns: prefilled } } : invalid('intake.typeAnswer');
      }
      if (input.kind === 'choice') return invalid('intake.typeAnswer');
      const words = input.text.trim();
      if (!words) return invalid('intake.typeAnswer');
      if (words.length > MAX_ANSWER.concern) return invalid('intake.tooLong', { max: MAX_ANSWER.concern });
      const topic = ctx.topicsOf(words)[0];
      return { ok: true, fields: { concerns: [{ words, ...(topic ? { topic } : {}) }] } };
    },
  },
  {
    ...URGENCY_BUTTONS,
    // "urgent, the deadline is 1 December", "есть срок до 15 декабря": a deadline, and these words are its description.
    answer(input, d, ctx) {
      if (input.kind === 'text') {
        const named = ctx.optionsIn(input.text, 'urgency', true);
        const dated = /\p{Nd}/u.test(input.text);
        if (named.includes('deadline') && (named.includes('urgent') || dated)) {
          return { ok: true, fields: { urgency: 'deadline', ...(dated ? { deadline: input.text.trim().slice(0, MAX_ANSWER.deadline) } : {}) } };
        }
      }
      return URGENCY_BUTTONS.answer(input, d, ctx);
    },
    giveUp: () => ({ urgency: 'normal' }),
  },
  freeText('deadline', 'deadline', MAX_ANSWER.deadline, (d) => d.fields.urgency === 'deadline'),
  {
    id: 'institutions',
    optional: true,
    applies: notUrgent,
    done: (d) => d.fields.institutions !== undefined,
    ask: (d) => institutionsQuestion(d.fields.institutions ?? []),
    answer(input, d, ctx) {
      if (input.kind === 'text') {
        // Typed: "fertig" or "keine davon" (a button's words), or the offices' names ("Jobcenter und Migrationsberatung"),
        // which answer the question at once.
        const button = typedOption(input.text, ['done', 'none'], false, (o) => ctx.label(`intake.institutions.${o}`));
        if (button) return { ok: true, fields: { institutions: button === 'none' ? [] : (d.fields.institutions ?? []) } };
        // A label's word names its office when no other label has it and it is the first or a long one ("oder" of
        // "Arzt oder Ärztin" names nothing); so do the lexicon's words for the offices, in the person's script and as
        // German loanwords ("в джобцентре", "الجوب سنتر", "Ausländeramt", "jobcentera gittim").
        const typed = new Set(labelWords(input.text));
        const words = new Map(INSTITUTIONS.map((i) => [i, labelWords(ctx.label(`intake.institutions.${i}`))]));
        const shared = (w: string) => INSTITUTIONS.filter((i) => words.get(i)!.includes(w)).length > 1;
        const inWords = new Set(ctx.optionsIn(input.text, 'institutions', true));
        const named = INSTITUTIONS.filter((i) => inWords.has(i) || words.get(i)!.some((w, at) => (at === 0 ? w.length >= 3 : w.length >= 5) && typed.has(w) && !shared(w)));
        // "noch keine", "nobody yet", "hiçbiri": no office.
        if (named.length === 0 && inWords.has('none')) return { ok: true, fields: { institutions: [] } };
        if (named.length === 0) return invalid('intake.pickOne');
        return { ok: true, fields: { institutions: [...new Set([...(d.fields.institutions ?? []), ...named])] } };
      }
      if (input.value === 'done') return { ok: true, fields: { institutions: d.fields.institutions ?? [] } };
      if (input.value === 'none') return { ok: true, fields: { institutions: [] } };
      const id = (INSTITUTIONS as readonly string[]).includes(input.value) ? (input.value as (typeof INSTITUTIONS)[number]) : undefined;
      if (!id) return invalid('intake.pickOne');
      const chosen = d.fields.institutions ?? [];
      const next = chosen.includes(id) ? chosen.filter((i) => i !== id) : [...chosen, id];
      // Ticking stays on this step: the question is asked again with the selection.
      return { ok: 'stay', fields: { institutions: next }, replies: institutionsQuestion(next) };
    },
  },
  {
    id: 'language',
    optional: false,
    applies: notUrgent,
    done: (d) => d.fields.preferredLanguage !== undefined,
    ask: (_d, ctx) => [
      text('intake.language.ask'),
      actions(...[ctx.language, ...LANGUAGES.filter((l) => l !== ctx.language)].map((l) => ({ label: { text: ctx.languageName(l) }, value: `${INTAKE}lang-${l}` }))),
    ],
    answer(input, _d, ctx) {
      // Typed: the button's number, or the language's name as the button shows it ("2", "Українська") or in the conversation's language ("Ukrainisch").
      const order = [ctx.language, ...LANGUAGES.filter((l) => l !== ctx.language)];
      const names = (l: string) => `${ctx.languageName(l as Language)} ${ctx.label(`languageName.${l}`)}`;
      const code = input.kind === 'choice' ? (input.value.startsWith('lang-') ? input.value.slice(5) : '') : (typedOption(input.text, order, false, names) ?? '');
      const parsed = languageSchema.safeParse(code);
      return parsed.success ? { ok: true, fields: { preferredLanguage: parsed.data } } : invalid('intake.pickOne');
    },
    // "egal", "spielt keine Rolle": the language of this conversation.
    giveUp: (_d, ctx) => ({ preferredLanguage: ctx.language }),
  },
  {
    id: 'interpreter',
    optional: true,
    applies: (d) => notUrgent(d) && d.fields.preferredLanguage !== undefined && d.fields.preferredLanguage !== 'de',
    done: (d) => d.fields.interpreter !== undefined,
    ask: (d, ctx) => [text('intake.interpreter.ask', { languageKey: `languageName.${d.fields.preferredLanguage ?? ctx.language}` }), yesNo()],
    answer: (input, _d, ctx) => yesNoAnswer(input, ctx, 'interpreter'),
  },
  {
    ...RESIDENCE_BUTTONS,
    // The question reads as "do you want to say?": "ja" asks which status, "nein" is not saying it.
    answer(input, d, ctx) {
      const named = RESIDENCE_BUTTONS.answer(input, d, ctx);
      if (named.ok || input.kind !== 'text') return named;
      const kind = ctx.replyKind(input.text);
      if (kind === 'no') return { ok: true, fields: { residence: 'not-said' } };
      // The question again as "which one?", with the same buttons.
      if (kind === 'yes') return { ok: 'stay', fields: {}, replies: [text('intake.residence.which'), ...RESIDENCE_BUTTONS.ask(d, ctx).filter((r) => r.type === 'actions')] };
      return named;
    },
  },
  {
    id: 'transcript',
    optional: false,
    applies: () => true,
    done: (d) => d.fields.transcript !== undefined,
    ask: () => [text('intake.transcript.ask'), yesNo()],
    answer: (input, _d, ctx) => yesNoAnswer(input, ctx, 'transcript'),
  },
  {
    id: 'summary',
    optional: false,
    applies: () => true,
    done: () => false,
    ask: (d, ctx) => [
      text('intake.summary.intro'),
      { type: 'lines', lines: summaryLines(d, ctx) },
      actions(choice('intake.summary.send', 'send'), choice('intake.summary.correct', 'correct'), cancel),
    ],
    answer: () => invalid('intake.pickOne'),
  },
];

const STEP_BY_ID = new Map(STEP_LIST.map((s) => [s.id, s]));

function yesNo(): Reply {
  return actions(choice('intake.yes', 'yes'), choice('intake.no', 'no'));
}

function yesNoAnswer(input: IntakeInput, ctx: IntakeContext, field: 'interpreter' | 'transcript'): Answer {
  const kind = input.kind === 'choice' ? input.value : ctx.replyKind(input.text);
  if (kind === 'yes' || kind === 'no') return { ok: true, fields: { [field]: kind === 'yes' } };
  return invalid('intake.yesOrNo');
}

function institutionsQuestion(chosen: readonly string[]): Reply[] {
  return [
    text('intake.institutions.ask'),
    actions(
      ...INSTITUTIONS.map((i): Action => ({ label: chosen.includes(i) ? { key: 'intake.institutions.chosen', params: { nameKey: `intake.institutions.${i}` } } : { key: `intake.institutions.${i}` }, value: `${INTAKE}${i}` })),
      choice(chosen.length ? 'intake.institutions.done' : 'intake.institutions.none', chosen.length ? 'done' : 'none'),
    ),
  ];
}

/** A valid phone number or e-mail address typed as a whole answer: how and where to reach the person. */
function typedContact(answer: string): Pick<IntakeFields, 'contact' | 'phone' | 'email'> | undefined {
  const phone = parsePhoneNumberFromString(latinDigits(answer), 'DE');
  if (phone?.isValid()) return { contact: 'phone', phone: phone.number };
  const email = emailIn(answer);
  return email ? { contact: 'email', email } : undefined;
}

/** An e-mail address alone or within a sentence ("email: maria.k@gmx.de", "meine Mail ist …"). */
function emailIn(answer: string): string | undefined {
  const candidates = [answer.trim(), ...(answer.match(/[^\s,;:<>()"'«»„“]+@[^\s,;:<>()"'«»„“]+/gu) ?? []).map((c) => c.replace(/[.!?]+$/u, ''))];
  for (const c of candidates) {
    const parsed = z.email().max(200).safeParse(c);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/** A need typed at another question, as a concern in the person's words. */
function typedConcern(answer: string, ctx: IntakeContext): { words: string; topic?: string } {
  const topic = ctx.topicsOf(answer)[0];
  return { words: answer.trim().slice(0, MAX_ANSWER.concern), ...(topic ? { topic } : {}) };
}

/** The person's own words from the conversation, newest last, at most three. */
function prefillConcerns(ctx: IntakeContext): Array<{ words: string; topic?: string }> {
  return ctx.recent.slice(-3).map((r) => ({ words: r.text.slice(0, MAX_ANSWER.concern), ...(r.topics[0] ? { topic: r.topics[0] } : {}) }));
}

/** The summary the person confirms: one line per answer, typed values as typed, choices as labels. */
function summaryLines(d: IntakeDraft, ctx: IntakeContext): Line[] {
  const f = d.fields;
  const lines: Line[] = [];
  const add = (label: string, value: Line['value']) => lines.push({ label: { key: `intake.summary.field.${label}` }, value });
  const key = (k: string, params?: Record<string, string | number>) => (params ? { key: k, params } : { key: k });
  if (ctx.municipality) add('town', { text: ctx.townName(ctx.municipality) });
  if (f.contact) add('contact', key('intake.summary.contact', { methodKey: `intake.contact.${f.contact}`, detail: f.phone ?? f.email ?? '' }));
  if (f.contactTime) add('contactTime', (CONTACT_TIMES as readonly string[]).includes(f.contactTime) ? key(`intake.contactTime.${f.contactTime}`) : { text: f.contactTime });
  if (f.name) add('name', { text: f.name });
  if (f.ageGroup) add('ageGroup', key(`intake.ageGroup.${f.ageGroup}`));
  if (f.household) add('household', f.household === 'alone' ? key('intake.household.alone') : { text: f.household });
  for (const c of f.concerns ?? []) add('concerns', { text: c.words });
  if (d.urgent) add('urgency', key('intake.urgency.urgent'));
  else if (f.urgency) add('urgency', f.deadline ? key('intake.summary.deadline', { levelKey: `intake.urgency.${f.urgency}`, deadline: f.deadline }) : key(`intake.urgency.${f.urgency}`));
  if (f.institutions) add('institutions', f.institutions.length ? key('intake.summary.list', { itemsKeys: f.institutions.map((i) => `intake.institutions.${i}`).join(',') }) : key('intake.institutions.none'));
  if (f.preferredLanguage) add('language', f.interpreter ? key('intake.summary.withInterpreter', { languageKey: `languageName.${f.preferredLanguage}` }) : key(`languageName.${f.preferredLanguage}`));
  // Skipped or never asked (an urgent request) is no "I would rather not say": no line, like the other skipped answers.
  if (f.residence) add('residence', key(`intake.residence.${f.residence}`));
  if (f.transcript !== undefined) add('transcript', key(f.transcript ? 'intake.yes' : 'intake.no'));
  return lines;
}

/** The first step after `from` that applies and has no answer yet. */
function nextStep(d: IntakeDraft, ctx: IntakeContext, from: StepId | undefined): Step {
  const start = from ? STEP_LIST.findIndex((s) => s.id === from) + 1 : 0;
  for (const step of STEP_LIST.slice(start)) {
    if (step.id === 'summary') return step;
    if (!step.applies(d, ctx) || d.skipped.includes(step.id)) continue;
    if (!step.done(d, ctx)) return step;
  }
  return STEP_BY_ID.get('summary')!;
}

/** Starts a handover: the first question (the town, when it is not known, then the consent). */
export function startIntake(ctx: IntakeContext, trigger: IntakeDraft['trigger'], urgent: boolean): { draft: IntakeDraft; replies: Reply[] } {
  const base: IntakeDraft = { step: 'town', urgent, trigger, fields: {}, skipped: [], correcting: false, rewriting: false, attempts: 0 };
  if (ctx.age !== undefined) base.fields.ageGroup = ageGroupOf(ctx.age);
  const step = nextStep(base, ctx, undefined);
  const draft = { ...base, step: step.id };
  return { draft, replies: [text(urgent ? 'intake.introUrgent' : 'intake.intro'), ...askStep(step, draft, ctx)] };
}

/** Steps answered by picking one of their buttons, which a typed label's words ("hier im Chat") answer too. */
const PICKED: ReadonlySet<StepId> = new Set(['contact', 'ageGroup', 'urgency', 'language', 'residence']);

/**
 * Whether a typed message picks one of the waiting question's buttons: then it is that answer, even when its words
 * would otherwise read as a question of their own ("hier im Chat" is no question about this chat's data).
 */
export function picksOption(draft: IntakeDraft, answer: string, ctx: IntakeContext): boolean {
  if (!PICKED.has(draft.step)) return false;
  return STEP_BY_ID.get(draft.step)!.answer({ kind: 'text', text: answer }, draft, ctx).ok === true;
}

/** The current question again (after coming back, or after a crisis interrupted the intake). */
export function repeatQuestion(draft: IntakeDraft, ctx: IntakeContext): Reply[] {
  return askStep(STEP_BY_ID.get(draft.step)!, draft, ctx);
}

function askStep(step: Step, d: IntakeDraft, ctx: IntakeContext): Reply[] {
  return withExtras(step, step.ask(d, ctx));
}

function withExtras(step: Step, replies: Reply[]): Reply[] {
  // Every question after the consent can be cancelled; optional ones skipped.
  const extra: Action[] = [...(step.optional ? [skip] : []), ...(step.id !== 'consent' && step.id !== 'summary' ? [cancel] : [])];
  if (extra.length === 0) return replies;
  const last = replies[replies.length - 1];
  if (last?.type === 'actions') return [...replies.slice(0, -1), { type: 'actions', actions: [...last.actions, ...extra] }];
  return [...replies, actions(...extra)];
}

/**
 * One answer in the intake: validated by the step's schema, then the next question,
 * the summary, or a clear re-ask in the person's language.
 */
export function continueIntake(draft: IntakeDraft, input: IntakeInput, ctx: IntakeContext, now: Date): Outcome {
  const step = STEP_BY_ID.get(draft.step)!;
  const kind = input.kind === 'choice' ? input.value : ctx.replyKind(input.text);

  if (kind === 'cancel' || (step.id === 'consent' && kind === 'no') || (step.id === 'town' && kind === 'no')) {
    return step.id === 'consent' || step.id === 'town' ? { kind: 'declined', replies: [text('intake.consent.declined')] } : { kind: 'cancelled', replies: [text('intake.cancelled')] };
  }

  // The button, or a town outside the district typed ("ich wohne in Moers").
  if (step.id === 'town' && (kind === 'elsewhere' || (input.kind === 'text' && ctx.livesElsewhere(input.text)))) return { kind: 'elsewhere' };

  if (step.id === 'summary') {
    // Typed, the buttons' words: "absenden", "etwas ändern". Sending needs the send button's own words, never a bare "ja".
    if (input.kind === 'text') {
      const typed = typedChoice(input.text, ['send', 'correct'], 'summary', 'intake.summary', ctx);
      if (typed) return continueIntake(draft, { kind: 'choice', value: typed }, ctx, now);
      // A field's name from the list of corrections ("Telefonnummer", "Name") opens it.
      const fields = correctableSteps(draft, ctx);
      const field = typedOption(input.text, fields, false, (f) => ctx.label(`intake.summary.field.${f}`));
      if (field) return continueIntake(draft, { kind: 'choice', value: `edit-${field}` }, ctx, now);
      // A new phone number or e-mail address typed at the summary replaces the old one: the summary shows it before sending.
      const contact = typedContact(input.text);
      if (contact) {
        const next = { ...draft, fields: { ...draft.fields, phone: undefined, email: undefined, ...contact } };
        return { kind: 'continue', draft: next, replies: askStep(step, next, ctx) };
      }
    }
    if (input.kind === 'choice' && input.value === 'send') return { kind: 'send', draft };
    if (input.kind === 'choice' && input.value === 'correct') {
      const fields = correctableSteps(draft, ctx);
      return { kind: 'continue', draft, replies: [text('intake.summary.which'), actions(...fields.map((s) => choice(`intake.summary.field.${s}`, `edit-${s}`)), choice('intake.summary.back', 'back'))] };
    }
    if (input.kind === 'choice' && input.value.startsWith('edit-')) {
      const target = STEP_BY_ID.get(input.value.slice(5) as StepId);
      if (!target || !correctableSteps(draft, ctx).includes(target.id)) return { kind: 'continue', draft, replies: [text('intake.pickOne'), ...askStep(step, draft, ctx)] };
      const cleared = clearStep(draft, target.id);
      const next = { ...cleared, step: target.id, correcting: true, attempts: 0 };
      return { kind: 'continue', draft: next, replies: askStep(target, next, ctx) };
    }
    return { kind: 'continue', draft, replies: askStep(step, draft, ctx) };
  }

  if (input.kind === 'choice' && input.value === 'rewrite' && step.id === 'concerns') {
    const next = { ...draft, rewriting: true };
    return { kind: 'continue', draft: next, replies: [text('intake.concerns.ask'), actions(cancel)] };
  }

  let next: IntakeDraft = draft;
  let municipality: string | undefined;
  let notice: Reply[] = [];
  // The skip button, or typed: its words ("überspringen", "skip") or "weiß nicht".
  const skipped = input.kind === 'choice' ? input.value === 'skip' : typedOption(input.text, ['skip'], false, () => ctx.label('intake.skip')) === 'skip' || ctx.unsure(input.text);
  if (skipped && step.optional) {
    next = { ...draft, skipped: [...draft.skipped, step.id] };
  } else {
    const result = step.answer(input, draft, ctx);
    if (result.ok === 'stay') {
      const kept = { ...draft, fields: { ...draft.fields, ...result.fields } };
      return { kind: 'continue', draft: kept, replies: withExtras(step, result.replies) };
    }
    if (!result.ok && draft.attempts + 1 >= GIVE_UP && step.id !== 'town' && (step.optional || step.giveUp)) {
      next = step.giveUp ? { ...draft, fields: { ...draft.fields, ...step.giveUp(draft, ctx) }, attempts: 0 } : { ...draft, skipped: [...draft.skipped, step.id], attempts: 0 };
      notice = [text(step.giveUp ? `intake.${step.id}.assumed` : 'intake.movedOn', { languageKey: `languageName.${ctx.language}` })];
    } else if (!result.ok) {
      const kept = { ...draft, attempts: draft.attempts + 1 };
      // The town's re-ask carries its own buttons; other steps repeat their question.
      return { kind: 'continue', draft: kept, replies: step.id === 'town' ? result.error : [...result.error, ...askStep(step, kept, ctx)] };
    } else {
      next = { ...draft, fields: { ...draft.fields, ...result.fields }, attempts: 0, rewriting: false, ...(result.skip ? { skipped: [...draft.skipped, step.id] } : {}) };
      if (step.id === 'consent') next.consent = { version: CONSENT_VERSION, language: ctx.language, at: now.toISOString(), route: ctx.routeFor(ctx.municipality!) };
      municipality = result.municipality;
    }
  }

  const context = municipality ? { ...ctx, municipality } : ctx;
  // A correction goes back to the summary unless it opened a follow-up question (phone after "by phone").
  const following = nextStep(next, context, step.id);
  const target = next.correcting && !FOLLOW_UPS.includes(following.id) ? STEP_BY_ID.get('summary')! : following;
  next = { ...next, step: target.id, correcting: target.id === 'summary' ? false : next.correcting };
  const replies = step.id === 'town' && municipality ? [text('town.noted', { town: ctx.townName(municipality) }), ...askStep(target, next, context)] : [...notice, ...askStep(target, next, context)];
  return { kind: 'continue', draft: next, replies, ...(municipality ? { municipality } : {}) };
}

/** Steps the person can correct from the summary (those that were asked). */
function correctableSteps(d: IntakeDraft, ctx: IntakeContext): StepId[] {
  return STEP_LIST.filter((s) => !['town', 'consent', 'summary', ...FOLLOW_UPS].includes(s.id) && s.applies(d, ctx)).map((s) => s.id);
}

/** Forgets a step's answer (and its follow-ups) so it is asked again. */
function clearStep(d: IntakeDraft, id: StepId): IntakeDraft {
  const fields = { ...d.fields };
  const drop: Record<string, Array<keyof IntakeFields>> = {
    contact: ['contact', 'phone', 'email', 'contactTime'],
    urgency: ['urgency', 'deadline'],
    language: ['preferredLanguage', 'interpreter'],
  };
  for (const key of drop[id] ?? [id as keyof IntakeFields]) delete fields[key];
  return { ...d, fields, skipped: d.skipped.filter((s) => s !== id) };
}
