import { z } from 'zod';
import { languageSchema, type Language } from '../../knowledge/schema.js';
import { AGE_GROUPS, CONTACT_METHODS, INSTITUTIONS, RESIDENCE, URGENCIES, type IntakeDraft } from './intake.js';

export const CASE_TYPES = ['kurzintervention', 'prozessbegleitung', 'case-management'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

const CASE_TYPE_LABEL: Record<CaseType, string> = {
  kurzintervention: 'Kurzintervention',
  prozessbegleitung: 'Prozesshafte Begleitung',
  'case-management': 'Rechtskreisübergreifendes Case Management',
};

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
});
export type IntakeRecord = z.infer<typeof intakeRecordSchema>;

/** German labels for the record's choices (the case managers' language). */
const DE = {
  contact: { chat: 'im Chat', phone: 'per Telefon', email: 'per E-Mail', 'in-person': 'persönlich vor Ort' },
  contactTime: { morning: 'vormittags', afternoon: 'nachmittags', anytime: 'jederzeit' } as Record<string, string>,
  ageGroup: { 'under-18': 'unter 18', '18-27': '18–27', '28-64': '28–64', '65-plus': '65 und älter' },
  urgency: { urgent: 'dringend', deadline: 'mit Frist', normal: 'nicht eilig' },
  institutions: {
    jobcenter: 'Jobcenter',
    'employment-agency': 'Agentur für Arbeit',
    jmd: 'Jugendmigrationsdienst',
    mbe: 'Migrationsberatung (MBE)',
    school: 'Schule',
    kita: 'Kita',
    'youth-office': 'Jugendamt',
    'social-office': 'Sozialamt',
    'immigration-office': 'Ausländerbehörde',
    doctor: 'Arzt/Ärztin',
  },
  residence: {
    eu: 'EU-Bürger/in',
    asylum: 'im Asylverfahren',
    protection: 'anerkannter Schutzstatus',
    'temporary-protection': 'vorübergehender Schutz (§ 24 AufenthG)',
    toleration: 'Duldung',
    permit: 'andere Aufenthaltserlaubnis',
    settled: 'Niederlassungserlaubnis oder deutsche Staatsangehörigkeit',
    'not-said': 'keine Angabe',
  },
} as const;

/** The life area of a topic: its first segment ("work.jobcentre" → "work"). */
const lifeArea = (topic: string) => topic.split('.')[0]!;

/**
 * The suggested kind of case (DOMAIN: Fallarten), with its reason in German.
 * - several interlinked life areas → Case Management;
 * - one area with a wish for accompaniment, a deadline or institutions already involved → Prozesshafte Begleitung;
 * - otherwise (also acute help, "Brände löschen") → Kurzintervention.
 */
export function suggestCaseType(input: { topics: readonly string[]; trigger: IntakeDraft['trigger']; urgent: boolean; deadline: boolean; institutions: number }, topicDe: (id: string) => string): { type: CaseType; label: string; reason: string } {
  const areas = [...new Set(input.topics.filter((t) => t !== 'emergency').map(lifeArea))];
  const names = input.topics.filter((t) => t !== 'emergency').map(topicDe).join(', ');
  const make = (type: CaseType, reason: string) => ({ type, label: CASE_TYPE_LABEL[type], reason });
  if (areas.length >= 3 || (areas.length >= 2 && (input.trigger === 'complex' || input.institutions >= 2))) {
    return make('case-management', `mehrere zusammenhängende Lebensbereiche (${names})${input.institutions >= 2 ? ', mehrere Stellen beteiligt' : ''}`);
  }
  if (input.urgent) return make('kurzintervention', 'akute Krise: schnelle, zeitlich begrenzte Hilfe („Brände löschen“), danach neu einschätzen');
  if (areas.length === 2 || input.trigger === 'person' || input.trigger === 'complex' || input.deadline || input.institutions >= 1) {
    const why = [areas.length === 2 ? `zwei Themen (${names})` : '', input.trigger === 'person' || input.trigger === 'complex' ? 'Wunsch nach persönlicher Begleitung' : '', input.deadline ? 'Frist' : '', input.institutions >= 1 ? 'Kontakt zu Behörden/Stellen nötig' : ''].filter(Boolean);
    return make('prozessbegleitung', why.join(', '));
  }
  return make('kurzintervention', `ein konkretes Anliegen${names ? ` (${names})` : ''}`);
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
  topicDe(id: string): string;
  languageNameDe(code: Language): string;
}

/** Builds and validates the record from a confirmed intake draft. */
export function buildRecord(input: RecordInput): IntakeRecord {
  const { draft } = input;
  const f = draft.fields;
  if (!draft.consent) throw new Error('a record needs consent');
  const concerns = (f.concerns ?? []).map((c) => ({ ...c, ...(c.topic ? { topicDe: input.topicDe(c.topic) } : {}) }));
  const topics = [...new Set([...concerns.flatMap((c) => (c.topic ? [c.topic] : [])), ...input.topics])];
  const level = draft.urgent ? 'urgent' : (f.urgency ?? 'normal');
  const institutions = f.institutions ?? [];
  const caseType = suggestCaseType({ topics, trigger: draft.trigger, urgent: draft.urgent, deadline: f.deadline !== undefined, institutions: institutions.length }, input.topicDe);
  const preferredLanguage = f.preferredLanguage ?? input.language;
  const time = f.contactTime ? (DE.contactTime[f.contactTime] ?? f.contactTime) : undefined;

  const summaryDe = [
    `Vorschlag: ${caseType.label} (${caseType.reason})`,
    `Dringlichkeit: ${DE.urgency[level]}${f.deadline ? `, Frist laut Person: „${f.deadline}“` : ''}${draft.urgent ? ' – Krise im Chat erkannt, Notrufnummern wurden genannt' : ''}`,
    ...concerns.map((c) => `Anliegen${c.topicDe ? ` (${c.topicDe})` : ''}: siehe Originalworte`),
    `Kontakt: ${DE.contact[f.contact ?? 'chat']}${f.phone ? ` ${f.phone}` : ''}${f.email ? ` ${f.email}` : ''}${time ? `, erreichbar ${time}` : ''}`,
    `Sprache: ${input.languageNameDe(preferredLanguage)}${f.interpreter ? ', Dolmetschung gewünscht' : ''}`,
    ...(f.ageGroup ? [`Altersgruppe: ${DE.ageGroup[f.ageGroup]}`] : []),
    ...(f.household ? [`Haushalt: ${f.household === 'alone' ? 'allein lebend' : `„${f.household}“`}`] : []),
    `Bereits beteiligt: ${institutions.length ? institutions.map((i) => DE.institutions[i]).join(', ') : 'keine Angabe'}`,
    `Aufenthalt: ${DE.residence[f.residence ?? 'not-said']}`,
    ...(input.suggestedServices.length ? [`Bereits vorgeschlagen: ${input.suggestedServices.map((s) => s.title).join('; ')}`] : []),
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
