import { z } from 'zod';
import { languageSchema } from '../knowledge/schema.js';
import { intakeSchema } from './handover/intake.js';

/** What the assistant waits for after its last turn. */
export const pendingSchema = z.discriminatedUnion('kind', [
  /** The town, to answer `text` (the question that needed it). */
  z.object({ kind: z.literal('town'), text: z.string(), attempts: z.number().int().min(0) }),
  /** The age, to choose between JMD (12–27) and MBE (over 27). */
  z.object({ kind: z.literal('age'), text: z.string(), attempts: z.number().int().min(0) }),
  /** A yes or no to "delete my data". */
  z.object({ kind: z.literal('deleteData') }),
]);
export type Pending = z.infer<typeof pendingSchema>;

/**
 * The whole per-conversation state, loaded and saved once per turn.
 * @remarks Versioned: a state that fails validation (an old version, a damaged row) starts afresh
 * instead of breaking the conversation.
 */
export const conversationStateSchema = z.object({
  v: z.literal(1),
  language: languageSchema,
  /** False until the person chose or clearly used a language. */
  languageChosen: z.boolean(),
  municipality: z.string().optional(),
  /** The person lives outside the district (told at the town question): nationwide and online offers only, no town question again. */
  outsideDistrict: z.boolean().optional(),
  age: z.number().int().min(0).max(120).optional(),
  pending: pendingSchema.optional(),
  /** Topics and entries of the last answer, for follow-ups and feedback. */
  lastTopics: z.array(z.string()).default([]),
  shownEntries: z.array(z.string()).default([]),
  /** Consecutive turns the assistant could not help with. */
  misses: z.number().int().min(0).default(0),
  /** The person asks on behalf of someone else (volunteer mode). */
  onBehalf: z.boolean().default(false),
  /** The person said they are a citizen of the EU: offers only for refugees come last, no work permit. */
  euCitizen: z.boolean().optional(),
  feedbackGiven: z.boolean().default(false),
  /** The person's recent requests in their own words, for the concerns of a handover (at most three). */
  recent: z.array(z.object({ text: z.string().max(1000), topics: z.array(z.string()) })).max(3).default([]),
  /** A handover being prepared (consent and intake); resumed when the person comes back. */
  intake: intakeSchema.optional(),
  /** Handovers sent from this conversation (for status messages and withdrawal). */
  handovers: z.array(z.object({ reference: z.string(), unit: z.string(), at: z.string() })).default([]),
});
export type ConversationState = z.infer<typeof conversationStateSchema>;

export function initialState(language: z.infer<typeof languageSchema>): ConversationState {
  return { v: 1, language, languageChosen: false, lastTopics: [], shownEntries: [], misses: 0, onBehalf: false, feedbackGiven: false, recent: [], handovers: [] };
}

/** Parses stored state; anything invalid yields a fresh state in the default language. */
export function parseState(raw: unknown, defaultLanguage: z.infer<typeof languageSchema>): ConversationState {
  const result = conversationStateSchema.safeParse(raw);
  return result.success ? result.data : initialState(defaultLanguage);
}
