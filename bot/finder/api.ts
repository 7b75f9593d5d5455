import { z } from 'zod';
import type { i18n } from 'i18next';
import type { KnowledgeBase } from '../../knowledge/load.js';
import { ACCESS_KINDS, DAYS, ELIGIBILITY, LANGUAGES, SERVICE_KINDS, languageSchema, type Language, type ServiceEntry } from '../../knowledge/schema.js';
import type { FinderQuery } from '../../knowledge/finder.js';
import { serviceCard } from '../render.js';
import { translatorFor } from '../i18n.js';
import { HttpError } from '../http.js';

/** Longest accepted query text, in characters. */
export const MAX_QUERY_CHARS = 300;
export const MAX_PAGE_SIZE = 50;

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The query string of `GET /api/services`; also the source of its OpenAPI parameters.
 * @remarks Strict: an unknown parameter is a 400, so a typo ("towm") is not silently ignored.
 */
export function servicesQuerySchema(resolveTown: (t: string) => string | undefined, isTopic: (t: string) => boolean) {
  return z
    .object({
      q: z.string().trim().max(MAX_QUERY_CHARS).optional().describe('A plain question or keywords in any of the ten languages, understood like a chat message.'),
      town: z
        .string()
        .max(100)
        .transform((t, ctx) => resolveTown(t) ?? (ctx.addIssue({ code: 'custom', message: 'unknown municipality' }), z.NEVER))
        .optional()
        .describe('Municipality id ("goch"), name or postal code; local services of other towns are left out.'),
      topic: z.string().refine(isTopic, 'unknown topic id').optional().describe('Topic id ("childcare") or topic group ("language-course").'),
      age: z.coerce.number().int().min(0).max(120).optional().describe('Age of the person; services whose age range excludes it are left out.'),
      group: z.enum(ELIGIBILITY).optional().describe('Target group; services open to it or to everyone.'),
      speaks: languageSchema.optional().describe('A language the service staff speak.'),
      free: flag.optional().describe('Only services free of charge.'),
      childcare: flag.optional().describe('Only services with childcare.'),
      access: z
        .string()
        .transform((s) => s.split(',').filter(Boolean))
        .pipe(z.array(z.enum(ACCESS_KINDS)).min(1).max(ACCESS_KINDS.length))
        .optional()
        .describe('Comma-separated ways of access (online, walk-in, phone, appointment); any of them matches.'),
      language: languageSchema.default('de').describe('Language of the texts in the answer; German where an entry has no translation.'),
      page: z.coerce.number().int().min(1).max(1000).default(1),
      pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(10),
    })
    .strict();
}

const contactSchema = z.object({
  phone: z.string().optional(),
  email: z.string().optional(),
  web: z.string().optional(),
  address: z.object({ street: z.string(), postalCode: z.string(), city: z.string() }).optional(),
  openingHours: z.array(z.object({ days: z.array(z.enum(DAYS)), from: z.string(), to: z.string() })),
});

/** One service as the API returns it: structured facts plus its texts rendered in the requested language. */
export const serviceItemSchema = z.object({
  id: z.string(),
  topics: z.array(z.string()),
  provider: z.string(),
  kind: z.enum(SERVICE_KINDS),
  area: z.object({ scope: z.enum(['municipalities', 'district', 'nationwide', 'online']), municipalities: z.array(z.string()).optional() }),
  targetGroup: z.object({ minAge: z.number().int().optional(), maxAge: z.number().int().optional(), eligibility: z.array(z.enum(ELIGIBILITY)) }),
  languages: z.array(z.enum(LANGUAGES)).describe('Languages the staff speak.'),
  cost: z.enum(['free', 'fee', 'reduced', 'varies']),
  childcare: z.boolean(),
  access: z.array(z.enum(ACCESS_KINDS)),
  contact: contactSchema,
  example: z.boolean().describe('True for example data that nobody verified.'),
  verifiedAt: z.string().optional().describe('Date (YYYY-MM-DD) the entry was last verified.'),
  textLanguage: z.enum(LANGUAGES).describe('Language of `text`: the requested one, or German when the entry has no translation.'),
  text: z
    .object({
      title: z.string(),
      summary: z.string(),
      forWhom: z.string(),
      languages: z.string(),
      cost: z.string(),
      access: z.string(),
      address: z.string().optional(),
      hours: z.string().optional(),
      steps: z.array(z.string()),
      bring: z.array(z.string()),
      next: z.string(),
      example: z.string().optional(),
      verified: z.string().optional(),
    })
    .describe('Display strings in `textLanguage`.'),
});
export type ServiceItem = z.infer<typeof serviceItemSchema>;

export const servicesPageSchema = z.object({
  items: z.array(serviceItemSchema),
  total: z.number().int().min(0),
  page: z.number().int(),
  pageSize: z.number().int(),
  understood: z.object({ topics: z.array(z.string()), language: z.enum(LANGUAGES).optional() }).describe('What the query `q` was understood as.'),
});

export const errorSchema = z.object({
  error: z.string().describe('Machine-readable reason, e.g. invalid_parameter, unknown_parameter, unknown_service.'),
  message: z.string(),
  details: z.array(z.object({ param: z.string(), message: z.string() })).optional(),
});

/** Renders an entry for the API in one language (the chat's card strings, the entry's structured facts). */
export function serviceItem(entry: ServiceEntry, lang: Language, i18n: i18n, kb: KnowledgeBase): ServiceItem {
  const card = serviceCard(entry, translatorFor(i18n, lang), lang, kb);
  const { contact, area, targetGroup } = entry;
  return {
    id: entry.id,
    topics: entry.topics,
    provider: entry.provider,
    kind: entry.kind,
    area: area.scope === 'municipalities' ? { scope: area.scope, municipalities: area.municipalities } : { scope: area.scope },
    targetGroup: { ...targetGroup },
    languages: entry.languages,
    cost: entry.cost,
    childcare: entry.childcare,
    access: entry.access,
    contact: {
      ...(contact.phone ? { phone: contact.phone } : {}),
      ...(contact.email ? { email: contact.email } : {}),
      ...(contact.web ? { web: contact.web } : {}),
      ...(contact.address ? { address: contact.address } : {}),
      openingHours: contact.openingHours,
    },
    example: entry.example,
    ...(entry.verifiedAt ? { verifiedAt: entry.verifiedAt } : {}),
    textLanguage: entry.texts[lang] ? lang : 'de',
    text: {
      title: card.title,
      summary: card.summary,
      forWhom: card.forWhom,
      languages: card.languages,
      cost: card.cost,
      access: card.access,
      ...(card.address ? { address: card.address } : {}),
      ...(card.hours ? { hours: card.hours } : {}),
      steps: card.steps,
      bring: card.bring,
      next: card.next,
      ...(card.example ? { example: card.example } : {}),
      ...(card.verified ? { verified: card.verified } : {}),
    },
  };
}

/**
 * Parses a query string with a strict schema; 400 with a machine-readable reason otherwise.
 * @remarks A repeated parameter is an error too: which of two values was meant is not guessable.
 */
export function parseQuery<T extends z.ZodType>(schema: T, search: URLSearchParams): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key in raw) throw new HttpError(400, 'repeated_parameter', `parameter "${key}" given more than once`, [{ param: key, message: 'given more than once' }]);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    throw new HttpError(400, 'unknown_parameter', `unknown parameter: ${unknown.keys.join(', ')}`, unknown.keys.map((k) => ({ param: k, message: 'unknown parameter' })));
  }
  const details = issues.map((i) => ({ param: String(i.path[0] ?? ''), message: i.message }));
  throw new HttpError(400, 'invalid_parameter', details.map((d) => `${d.param}: ${d.message}`).join('; '), details);
}

/** The finder query from the validated API parameters. */
export function finderQuery(p: { q?: string | undefined; town?: string | undefined; topic?: string | undefined; age?: number | undefined; group?: FinderQuery['group']; speaks?: Language | undefined; free?: boolean | undefined; childcare?: boolean | undefined; access?: FinderQuery['access'] }): FinderQuery {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '')) as FinderQuery;
}
