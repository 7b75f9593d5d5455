import { z } from 'zod';
import { isValidPhoneNumber } from 'libphonenumber-js/max';

/** The ten supported languages; the taxonomy file must list exactly these. */
export const LANGUAGES = ['de', 'en', 'ar', 'fa', 'uk', 'ru', 'tr', 'pl', 'ro', 'bg'] as const;
export type Language = (typeof LANGUAGES)[number];
export const languageSchema = z.enum(LANGUAGES);

const slug = z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be lower-case words joined by "-" or "."');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const text = z.string().trim().min(1, 'must not be empty');

/** A German phone number as people dial it ("02821 594-0", "+49 911 943 6390", "116 117"). */
export const phoneSchema = z.string().superRefine((value, ctx) => {
  if (!isValidPhoneNumber(value, 'DE') && !isShortServiceNumber(value)) ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid phone number` });
});

/** EU-harmonised 116xxx numbers and 110/112 are valid but not "phone numbers" to libphonenumber. */
function isShortServiceNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  return /^(110|112|115|116\d{3})$/.test(digits);
}

export const taxonomySchema = z.object({
  about: z.string(),
  topics: z
    .array(
      z.object({
        id: slug,
        kind: z.enum(['service', 'control']),
        de: text,
        en: text,
        scope: text,
      }),
    )
    .min(1),
  languages: z.array(z.object({ code: languageSchema, name: text, dir: z.enum(['ltr', 'rtl']) })).length(LANGUAGES.length),
});
export type Taxonomy = z.infer<typeof taxonomySchema>;

export const municipalitySchema = z.object({
  id: slug,
  name: text,
  postalCodes: z.array(z.string().regex(/^\d{5}$/, 'must be a five-digit postal code')).min(1),
  team: slug,
  /** Other spellings people use (Dutch names, without umlauts, abbreviations, other scripts) and its villages. */
  aliases: z.array(text).default([]),
  /**
   * Villages whose names are everyday words too ("Kessel" a boiler, "Wetten" to bet, "Bienen" bees): they name the
   * town where a message tells where one lives ("ich wohne in Kessel"), is the town alone, or answers the town
   * question, not inside any other message ("der Kessel ist kaputt").
   */
  wordAliases: z.array(text).default([]),
});

/** A unit's name as people read it in their language; the German `name` where none is given. */
const unitNames = z.partialRecord(languageSchema.exclude(['de']), text).default({});

export const teamSchema = z.object({
  id: slug,
  name: text,
  names: unitNames,
  fte: z.number().positive(),
  /** Welfare organisations that hold some of the team's posts. */
  carriers: z.array(text).default([]),
});

export const thematicPostSchema = z.object({
  id: slug,
  name: text,
  names: unitNames,
  topics: z.array(slug).min(1),
});

export const districtSchema = z.object({
  id: slug,
  name: text,
  state: text,
  municipalities: z.array(municipalitySchema).min(1),
  teams: z.array(teamSchema).min(1),
  welcomeCenter: z.object({ name: text, posts: z.array(thematicPostSchema).min(1) }),
  /** Languages whose speakers here mostly come from outside the EU: services only for EU citizens come after the others for them. */
  languagesMostlyOutsideEu: z.array(languageSchema).default([]),
  /** Languages whose speakers here mostly are EU citizens (workers from Poland, Romania, Bulgaria): services only for refugees come after the others for them. */
  languagesMostlyEu: z.array(languageSchema).default([]),
  /**
   * Towns outside the district that people here name (neighbours, big cities, across the Dutch border), in any script:
   * someone who lives there gets the offers reachable from anywhere, without being asked for a town of the district.
   * Only names that are no everyday word ("Essen" is food too).
   */
  elsewhere: z.array(text).default([]),
});
export type District = z.infer<typeof districtSchema>;
export type Municipality = z.infer<typeof municipalitySchema>;

export const DAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'] as const;
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');

export const openingHoursSchema = z
  .object({ days: z.array(z.enum(DAYS)).min(1), from: time, to: time })
  .refine((h) => h.from < h.to, { message: '"from" must be before "to"' });

/** The texts of one language. German is the source; other languages name the German version they translate. */
export const entryTextSchema = z.object({
  title: text,
  summary: text,
  steps: z.array(text).default([]),
  bring: z.array(text).default([]),
  next: text,
  /**
   * Words people use for exactly this service in this language ("Kindergeld", "Arzt am Wochenende"): a message with one
   * of them names the entry, which then leads its topic's answer. German keywords count in every language (loanwords).
   */
  keywords: z.array(text).optional(),
  /** Version of the German text this translation was made from. */
  sourceVersion: z.number().int().positive(),
  /** Whether a human speaker checked this translation. */
  reviewed: z.boolean(),
});
export type EntryText = z.infer<typeof entryTextSchema>;

export const ELIGIBILITY = [
  'all',
  'eu-citizens',
  'refugees',
  'asylum-seekers',
  'duldung',
  'ukraine-protection',
  'recognised-refugees',
  'skilled-workers',
  'families',
  'women',
] as const;

export const SERVICE_KINDS = ['counselling', 'course', 'authority', 'online', 'hotline'] as const;
export const ACCESS_KINDS = ['appointment', 'walk-in', 'online', 'phone'] as const;

export const serviceEntrySchema = z
  .object({
    id: slug,
    /** Version of the German source text; bump it when the German text changes. */
    version: z.number().int().positive(),
    topics: z.array(slug).min(1),
    provider: text,
    kind: z.enum(SERVICE_KINDS),
    area: z.discriminatedUnion('scope', [
      z.object({ scope: z.literal('municipalities'), municipalities: z.array(slug).min(1) }),
      z.object({ scope: z.literal('district') }),
      z.object({ scope: z.literal('nationwide') }),
      z.object({ scope: z.literal('online') }),
    ]),
    targetGroup: z
      .object({
        minAge: z.number().int().min(0).max(120).optional(),
        maxAge: z.number().int().min(0).max(120).optional(),
        eligibility: z.array(z.enum(ELIGIBILITY)).min(1),
      })
      .refine((t) => t.minAge === undefined || t.maxAge === undefined || t.minAge <= t.maxAge, {
        message: 'minAge must not be greater than maxAge',
      }),
    languages: z.array(languageSchema).min(1),
    cost: z.enum(['free', 'fee', 'reduced', 'varies']),
    childcare: z.boolean().default(false),
    contact: z
      .object({
        address: z.object({ street: text, postalCode: z.string().regex(/^\d{5}$/), city: text }).optional(),
        phone: phoneSchema.optional(),
        email: z.email().optional(),
        web: z.url().optional(),
        openingHours: z.array(openingHoursSchema).default([]),
      })
      .refine((c) => c.phone || c.email || c.web || c.address, { message: 'needs at least one way to reach the service' }),
    access: z.array(z.enum(ACCESS_KINDS)).min(1),
    texts: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, entryTextSchema.optional()])) as Record<Language, z.ZodOptional<typeof entryTextSchema>>),
    verifiedAt: isoDate.optional(),
    source: z.url().optional(),
    owner: text,
    example: z.boolean().default(false),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (!entry.texts.de) ctx.addIssue({ code: 'custom', path: ['texts', 'de'], message: 'the German source text is required' });
    if (!entry.example && !(entry.verifiedAt && entry.source)) {
      ctx.addIssue({ code: 'custom', path: ['verifiedAt'], message: 'an entry that is not marked example needs verifiedAt and source' });
    }
    if (entry.example && entry.verifiedAt) {
      ctx.addIssue({ code: 'custom', path: ['verifiedAt'], message: 'example data must not carry a verification date' });
    }
    for (const lang of LANGUAGES) {
      const t = entry.texts[lang];
      if (t && t.sourceVersion > entry.version) {
        ctx.addIssue({ code: 'custom', path: ['texts', lang, 'sourceVersion'], message: `is ${t.sourceVersion}, newer than the entry version ${entry.version}` });
      }
    }
  });
export type ServiceEntry = z.infer<typeof serviceEntrySchema>;

/** Emergency numbers and hotlines, shown before anything else in a crisis. */
export const CRISIS_KINDS = ['medical', 'violence', 'suicide', 'child', 'homeless', 'other'] as const;
export const crisisResourceSchema = z
  .object({
    id: slug,
    phone: phoneSchema,
    /** Which crisis kinds this resource answers. */
    kinds: z.array(z.enum(CRISIS_KINDS)).min(1),
    /** Languages a caller can be served in. */
    languages: z.array(languageSchema).min(1),
    hours: z.enum(['24/7', 'limited']),
    free: z.boolean(),
    web: z.url().optional(),
    /** Lower numbers are shown first. */
    priority: z.number().int().min(0),
    names: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, text])) as Record<Language, typeof text>),
    verifiedAt: isoDate,
    source: z.url(),
  })
  .strict();
export type CrisisResource = z.infer<typeof crisisResourceSchema>;
export const crisisFileSchema = z
  .object({
    resources: z.array(crisisResourceSchema).min(1),
    /** Per crisis kind, service entries shown after the numbers (no place to sleep: the housing emergency service). */
    services: z.partialRecord(z.enum(CRISIS_KINDS), z.array(slug).min(1)).default({}),
  })
  .strict();
export type CrisisFile = z.infer<typeof crisisFileSchema>;
