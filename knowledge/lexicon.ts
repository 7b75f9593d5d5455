import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile, DEFAULT_KNOWLEDGE_DIR, KnowledgeError, type KnowledgeIssue } from './load.js';
import { LANGUAGES, CRISIS_KINDS, languageSchema, type Language } from './schema.js';
import { normalise, tokenize } from './understand/text.js';

const terms = z.array(z.coerce.string().trim().min(1)).default([]);

const crisisTermsSchema = z.object(Object.fromEntries(CRISIS_KINDS.filter((k) => k !== 'other').map((k) => [k, terms])) as Record<Exclude<(typeof CRISIS_KINDS)[number], 'other'>, typeof terms>);

/**
 * Per-language understanding resources: keywords and example phrases per topic,
 * crisis cues, cues for a wish for a person, a complex situation or asking on behalf of someone, language names, yes/no.
 * @remarks Data, not code: editors extend these files, the engine only reads them.
 */
export const lexiconSchema = z.object({
  language: languageSchema,
  stopwords: terms,
  topics: z.record(z.string(), z.object({ keywords: terms, phrases: terms }).partial().transform((t) => ({ keywords: t.keywords ?? [], phrases: t.phrases ?? [] }))),
  crisis: crisisTermsSchema,
  /**
   * Sentences that alone are a cry of despair ("ich kann nicht mehr", "я больше не могу"): a crisis (the crisis lines of
   * the suicide kind) when a sentence or clause of the message is one of them, word for word. Inside a longer sentence
   * their words mean something else ("ich kann die Miete nicht mehr zahlen", "mein Pass ist nicht mehr gültig").
   */
  despair: terms.default([]),
  complex: terms,
  /**
   * Words of a problem in one life area: something lost, refused, owed, ending or missing ("gekündigt", "Mahnung",
   * "abgelehnt", "läuft ab", "kein Kitaplatz"). Several of them across life areas make a complex situation.
   */
  trouble: terms,
  person: terms,
  /**
   * Time words that put a loss of housing later ("Ende des Monats", "next month", "Räumungsklage"): an eviction at the
   * end of the month is a housing problem, no place to sleep tonight a crisis. Words of `tonight` ("heute", "heute
   * Nacht") keep it a crisis; a bare "jetzt" is too common for that.
   */
  later: terms,
  tonight: terms,
  /**
   * Phrases whose words look like a crisis but are not one ("schlagen vor": a suggestion, not parents who hit). With one
   * of them in a message, only whole crisis phrases count there, not their content words in any order.
   */
  harmless: terms.default([]),
  /** Words right before or after a number that make it the writer's age ("ich bin 19", "19 Jahre", "мне 19"). */
  age: terms,
  /** Cues that the writer asks on behalf of someone else ("ich frage für eine Familie"): volunteer mode. */
  onBehalf: terms,
  /**
   * The writer is a citizen of the EU ("ich bin Rumänin", "jestem z Polski", "EU citizen"): free to live and work here, so
   * offers only for refugees come last and a work permit is no answer.
   */
  euCitizen: terms.default([]),
  languageNames: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, terms])) as Record<Language, typeof terms>).partial().default({}),
  switchWords: terms,
  yes: terms,
  no: terms,
  /** A whole message asking for more offers after an answer ("weitere", "more", "ще", "başka var mı"): the "more" button. */
  more: terms.default([]),
  /** A whole message saying an answer did not help ("hat nicht geholfen", "not really"): the "no" to "did this help?". */
  unhelpful: terms.default([]),
  /** Within a short message after a course answer, "with childcare" ("mit Kinderbetreuung", "з доглядом за дітьми"): that button. */
  withChildcare: terms.default([]),
  /**
   * Within a short message after an answer, a wish for offers used online ("gibt es das auch online?", "is there an online
   * one?", "є онлайн?"): the answer's topic again, with only what can be used online.
   */
  online: terms.default([]),
  /**
   * A whole message asking for help in general or what Lotse can do ("ich brauche Hilfe", "what can you do?",
   * "помогите"): what Lotse helps with, as buttons; no topic is guessed from it.
   */
  askHelp: terms.default([]),
  /** Within a short message after an answer, a question about the cost ("ist das kostenlos?", "is it free?", "это бесплатно?"): the shown offers' costs. */
  askCost: terms.default([]),
  /** Within a short message after an answer, "what do I bring?" ("was muss ich mitbringen?", "що треба взяти з собою?"): what to bring to the shown offers. */
  askBring: terms.default([]),
  /** Words that end a running dialogue (the handover intake): "abbrechen", "cancel". */
  cancel: terms,
  /** "I don't know", or "I won't say", as a whole answer to a question (the town): answered without what was asked. */
  unsure: terms,
  /**
   * Words that tell where one lives around a town's name ("wohne", "lebe", "live", "oturuyorum"): "ich wohne in Goch"
   * is the town told, not a housing question. Stop words count too.
   */
  liveIn: terms,
  /**
   * Phrases that say one lives in the town named right after them (or one word later) no more: "nicht mehr (in) Goch",
   * "früher (in) Kleve", "no longer (in)", "раньше жил (в)". That town is not where one lives; another town named in the
   * message is ("nicht mehr in Goch, jetzt in Moers"). Read in every language.
   */
  leftTown: terms.default([]),
  /** Thanks ("danke", "merci"): answered with "you're welcome", where a greeting gets a greeting. */
  thanks: terms,
  /** Leave-taking ("tschüss", "bye"): answered with good wishes. */
  farewell: terms,
  /**
   * "Delete my data": phrases asking to delete everything stored about the writer ("lösch meine
   * Daten"), matched anywhere in a message and in any order. Bare verbs ("löschen") belong to `cancel`.
   */
  deleteData: terms,
  /** "Withdraw my request": after a handover was sent, phrases asking to withdraw it (the withdraw button's meaning), in any order. */
  withdraw: terms.default([]),
  /**
   * Typed answers to the intake's choice questions, by step and option ("residence.protection": "anerkannt",
   * "contact.email": "mail"), and `contact.messenger`: messenger apps the teams do not use. Each word of a phrase
   * matches a word that begins with it ("anerkann" matches "anerkannt" and "anerkannter"). `institutions.<office>`:
   * the offices one is in contact with as people write them ("джобцент", "الجوب سنتر"); German ones such as
   * "Ausländeramt" count in every language. Keys are checked against the intake's options by a test.
   */
  intakeAnswers: z.record(z.string(), terms).default({}),
  /**
   * Words asking for advice rather than an office ("Beratung", "advice", "консультація"), matched like `intakeAnswers`:
   * in such a message, the topic's counselling services come before its authorities.
   */
  advice: terms.default([]),
  /**
   * Needs of daily life the knowledge base has no service for (debts, a driving licence, university, a pension), matched
   * like `advice`: a question about one, out of scope otherwise, is referred to the migration counselling, which finds
   * the right place, instead of the list of what Lotse helps with.
   */
  otherNeeds: terms.default([]),
  /** Words of who lives with one ("Mann", "Kinder", "allein"), matched like `intakeAnswers`: a need typed at the household question without them is kept as the concern. */
  household: terms.default([]),
  /** Words that negate a language's name next to them ("ich spreche kein Deutsch", "I don't speak German"): no request to switch. */
  negation: terms.default([]),
  /** Arabizi / Finglish: Latin-script writing of Arabic or Persian. */
  translit: z.object({ markers: terms, topics: z.record(z.string(), terms).default({}) }).optional(),
});
export type Lexicon = z.infer<typeof lexiconSchema>;
export type Lexicons = Record<Language, Lexicon>;

/** Keys of `translit.topics` besides topic ids and crisis kinds. */
const TRANSLIT_CUES: ReadonlySet<string> = new Set(['person', 'complex', 'trouble']);

/** Loads `lexicon/<lang>.yaml` for all ten languages and checks topic ids against the taxonomy. */
export function loadLexicons(topicIds: ReadonlySet<string>, dir: string = DEFAULT_KNOWLEDGE_DIR): { lexicons?: Lexicons; issues: KnowledgeIssue[] } {
  const issues: KnowledgeIssue[] = [];
  const lexicons: Partial<Lexicons> = {};
  for (const lang of LANGUAGES) {
    const file = join(dir, 'lexicon', `${lang}.yaml`);
    const lexicon = readDataFile(file, lexiconSchema, issues);
    if (!lexicon) continue;
    if (lexicon.language !== lang) issues.push({ file: `knowledge/lexicon/${lang}.yaml`, path: 'language', message: `is "${lexicon.language}", expected "${lang}"` });
    for (const topic of Object.keys(lexicon.topics)) {
      if (!topicIds.has(topic)) issues.push({ file: `knowledge/lexicon/${lang}.yaml`, path: `topics.${topic}`, message: `unknown topic "${topic}"` });
    }
    for (const key of Object.keys(lexicon.translit?.topics ?? {})) {
      const known = topicIds.has(key) || /^crisis\.(medical|violence|suicide|child|homeless)$/.test(key) || TRANSLIT_CUES.has(key);
      if (!known) issues.push({ file: `knowledge/lexicon/${lang}.yaml`, path: `translit.topics.${key}`, message: `unknown topic "${key}"` });
    }
    lexicons[lang] = lexicon;
  }
  if (issues.length > 0) return { issues };
  return { lexicons: lexicons as Lexicons, issues };
}

export function loadLexiconsOrThrow(topicIds: ReadonlySet<string>, dir?: string): Lexicons {
  const { lexicons, issues } = loadLexicons(topicIds, dir);
  if (!lexicons) throw new KnowledgeError(issues);
  return lexicons;
}

/** From this length on, one word alone still says its topic ("im Asylverfahren" → "asylverfahren"); a shorter one rarely does. */
const DISTINCTIVE_LENGTH = 6;

/**
 * Keywords that say less than they seem. Stop words are dropped from keywords as from messages, so a keyword of
 * several words that keeps only one ("look after him" → "look") matches that word wherever it occurs.
 * Editors are warned to write the specific words instead ("look after my son").
 */
export function lexiconWarnings(lexicons: Partial<Lexicons>): KnowledgeIssue[] {
  const warnings: KnowledgeIssue[] = [];
  for (const [lang, lexicon] of Object.entries(lexicons)) {
    const stop = new Set(lexicon.stopwords.map(normalise));
    for (const [topic, { keywords }] of Object.entries(lexicon.topics)) {
      keywords.forEach((keyword, i) => {
        const words = tokenize(normalise(keyword));
        const content = words.filter((w) => !stop.has(w));
        if (words.length < 2 || content.length !== 1 || content[0]!.length >= DISTINCTIVE_LENGTH) return;
        warnings.push({ file: `knowledge/lexicon/${lang}.yaml`, path: `topics.${topic}.keywords.${i}`, message: `"${keyword}" is the keyword "${content[0]}" once its stop words are dropped` });
      });
    }
  }
  return warnings;
}
