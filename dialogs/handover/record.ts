import { z } from 'zod';
import { languageSchema, type Language } from '../../knowledge/schema.js';
import { AGE_GROUPS, CONTACT_METHODS, CONTACT_TIMES, INSTITUTIONS, RESIDENCE, URGENCIES, type IntakeDraft } from './intake.js';

export const CASE_TYPES = ['kurzintervention', 'prozessbegleitung', 'case-management'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * The intake record a case manager receives: versioned, exported as JSON.
 * @remarks German summary lines stand next to the person's own words, which are never replaced.
 */
export const intakeRecordSchema = z.object({
  schema: z.literal('lotse.intake-record'),
  version: z.literal(1),
  reference: z.string(),
  createdAt: z.iso.datetime(),
  conversationLanguage: languageSchema,
  channel: z.string(),
  consent: z.object({ version: z.string(), language: languageSchema, at: z.iso.datetime(), transcriptIncluded: z.boolean() }),
  municipality: z.object({ id: z.string(), name: z.string() }),
  unit: z.object({ id: z.string(), name: z.string(), reason: z.string() }),
  contact: z.object({ method: z.enum(CONTACT_METHODS), phone: z.string().optional(), email: z.string().optional(), time: z.string().optional() }),
  name: z.string().optional(),
  ageGroup: z.enum(AGE_GROUPS).optional(),
  household: z.string().optional(),
  preferredLanguage: languageSchema,
  interpreter: z.boolean(),
  concerns: z.array(z.object({ topic: z.string().optional(), topicDe: z.string().optional(), words: z.string() })).min(1),
  urgency: z.object({ level: z.enum(URGENCIES), deadline: z.string().optional(), crisis: z.boolean() }),
  institutions: z.array(z.enum(INSTITUTIONS)),
  residence: z.enum(RESIDENCE),
  caseType: z.object({ type: z.enum(CASE_TYPES), label: z.string(), reason: z.string() }),
  topics: z.array(z.string()),
  suggestedServices: z.array(z.object({ id: z.string(), title: z.string() })),
  summaryDe: z.array(z.string()),
  transcript: z.array(z.object({ role: z.enum(['user', 'bot']), text: z.string() })).optional(),
  /** Set when the retention sweep removed the transcript (RETENTION_TRANSCRIPT_DAYS after sending). */
  transcriptRemovedAt: z.iso.datetime().optional(),
});
export type IntakeRecord = z.infer<typeof intakeRecordSchema>;

/** A translator for the staff's German texts (the `inbox` namespace, German). */
export type GermanText = (key: string, params?: Record<string, string | number>) => string;

/** The life area of a topic: its first segment ("work.jobcentre" → "work"). */
const lifeArea = (topic: string) => topic.split('.')[0]!;

/**
 * The suggested kind of case (DOMAIN: Fallarten), with the reasons as keys of `record.reason`.
 * - several interlinked life areas → Case Management;
 * - one area with a wish for accompaniment, a deadline or institutions already involved → Prozesshafte Begleitung;
 * - otherwise (also acute help, "Brände löschen") → Kurzintervention.
 */
export function suggestCaseType(input: { topics: readonly string[]; trigger: IntakeDraft['trigger']; urgent: boolean; deadline: boolean; institutions: number }): { type: CaseType; reasons: string[] } {
  const areas = new Set(input.topics.filter((t) => t !== 'emergency').map(lifeArea)).size;
  const wish = input.trigger === 'person' || input.trigger === 'complex';
  if (areas >= 3 || (areas >= 2 && (input.trigger === 'complex' || input.institutions >= 2))) {
    return { type: 'case-management', reasons: ['areas', ...(input.institutions >= 2 ? ['severalInvolved'] : [])] };
  }
  if (input.urgent) return { type: 'kurzintervention', reasons: ['crisis'] };
  const why = [...(areas === 2 ? ['twoTopics'] : []), ...(wish ? ['accompaniment'] : []), ...(input.deadline ? ['deadline'] : []), ...(input.institutions >= 1 ? ['institutions'] : [])];
  if (why.length > 0) return { type: 'prozessbegleitung', reasons: why };
  return { type: 'kurzintervention', reasons: [input.topics.some((t) => t !== 'emergency') ? 'concreteNamed' : 'concrete'] };
}

export interface RecordInput {
  reference: string;
  createdAt: Date;
  channel: string;
  language: Language;
  draft: IntakeDraft;
  municipality: { id: string; name: string };
  unit: { id: string; name: string; reason: string };
  /** Topics of the conversation (the last answer's), besides those of the concerns. */
  topics: readonly string[];
  suggestedServices: Array<{ id: string; title: string }>;
  transcript?: Array<{ role: 'user' | 'bot'; text: string }>;
  /** German texts for the case managers (`record.*` in locales/de/inbox.json). */
  de: GermanText;
  topicDe(id: string): string;
  languageNameDe(code: Language): string;
}

/** Builds and validates the record from a confirmed intake draft. */
export function buildRecord(input: RecordInput): IntakeRecord {
  const { draft, de } = input;
  const f = draft.fields;
  if (!draft.consent) throw new Error('a record needs consent');
  const concerns = (f.concerns ?? []).map((c) => ({ ...c, ...(c.topic ? { topicDe: input.topicDe(c.topic) } : {}) }));
  const topics = [...new Set([...concerns.flatMap((c) => (c.topic ? [c.topic] : [])), ...input.topics])];
  const level = draft.urgent ? 'urgent' : (f.urgency ?? 'normal');
  const institutions = f.institutions ?? [];
  const suggested = suggestCaseType({ topics, trigger: draft.trigger, urgent: draft.urgent, deadline: f.deadline !== undefined, institutions: institutions.length });
  const names = topics.filter((t) => t !== 'emergency').map(input.topicDe).join(', ');
  const caseType = { type: suggested.type, label: de(`record.caseType.${suggested.type}`), reason: suggested.reasons.map((r) => de(`record.reason.${r}`, { names })).join(', ') };
  const preferredLanguage = f.preferredLanguage ?? input.language;
  const time = f.contactTime && ((CONTACT_TIMES as readonly string[]).includes(f.contactTime) ? de(`record.contactTime.${f.contactTime}`) : f.contactTime);
  const joined = (...parts: Array<string | false | undefined>) => parts.filter(Boolean).join(', ');

  const summaryDe = [
    de('record.line.caseType', { label: caseType.label, reason: caseType.reason }),
    joined(de('record.line.urgency', { level: de(`record.urgency.${level}`) }), f.deadline && de('record.line.deadline', { deadline: f.deadline }), draft.urgent && de('record.line.crisis')),
    ...concerns.map((c) => (c.topicDe ? de('record.line.concernTopic', { topic: c.topicDe }) : de('record.line.concern'))),
    joined(de('record.line.contact', { method: [de(`record.contact.${f.contact ?? 'chat'}`), f.phone, f.email].filter(Boolean).join(' ') }), time && de('record.line.reachable', { time })),
    joined(de('record.line.language', { language: input.languageNameDe(preferredLanguage) }), f.interpreter && de('record.line.interpreter')),
    ...(f.ageGroup ? [de('record.line.ageGroup', { group: de(`record.ageGroup.${f.ageGroup}`) })] : []),
    ...(f.household ? [f.household === 'alone' ? de('record.line.alone') : de('record.line.household', { household: f.household })] : []),
    // "None" chosen is an answer ("keine"); a skipped question is "keine Angabe".
    de('record.line.involved', { list: institutions.length ? institutions.map((i) => de(`record.institutions.${i}`)).join(', ') : de(f.institutions ? 'record.line.noneInvolved' : 'record.line.noneSaid') }),
    de('record.line.residence', { status: de(`record.residence.${f.residence ?? 'not-said'}`) }),
    ...(input.suggestedServices.length ? [de('record.line.suggested', { list: input.suggestedServices.map((s) => s.title).join('; ') })] : []),
  ];
  return intakeRecordSchema.parse({
    schema: 'lotse.intake-record',
    version: 1,
    reference: input.reference,
    createdAt: input.createdAt.toISOString(),
    conversationLanguage: input.language,
    channel: input.channel,
    consent: { ...draft.consent, transcriptIncluded: f.transcript === true && input.transcript !== undefined },
    municipality: input.municipality,
    unit: input.unit,
    contact: { method: f.contact ?? 'chat', ...(f.phone ? { phone: f.phone } : {}), ...(f.email ? { email: f.email } : {}), ...(time ? { time } : {}) },
    ...(f.name ? { name: f.name } : {}),
    ...(f.ageGroup ? { ageGroup: f.ageGroup } : {}),
    ...(f.household ? { household: f.household } : {}),
    preferredLanguage,
    interpreter: f.interpreter ?? false,
    concerns,
    urgency: { level, ...(f.deadline ? { deadline: f.deadline } : {}), crisis: draft.urgent },
    institutions,
    residence: f.residence ?? 'not-said',
    caseType,
    topics,
    suggestedServices: input.suggestedServices,
    summaryDe,
    ...(f.transcript && input.transcript ? { transcript: input.transcript } : {}),
  });
}

/** A reference the person can read out on the phone: no 0/O or 1/I. */
export function newReference(random: (n: number) => number = (n) => Math.floor(Math.random() * n)): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const part = () => Array.from({ length: 4 }, () => alphabet[random(alphabet.length)]).join('');
  return `KIM-${part()}-${part()}`;
}
