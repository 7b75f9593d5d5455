import type { KnowledgeBase } from '../load.js';
import type { Lexicons } from '../lexicon.js';
import { LANGUAGES, type Language, type CrisisResource, type ServiceEntry } from '../schema.js';
import MiniSearch from 'minisearch';
import { EntrySearch } from '../search.js';
import { TermMemoSearch } from '../termMemoSearch.js';
import { appliesTo } from '../coverage.js';
import { LanguageDetector, dominantScript, repairMojibake, type LanguageGuess } from './language.js';
import { TermMatcher, type LabelScore, type Resolution, type TermSource } from './matcher.js';
import { TownFinder } from './towns.js';
import { TopicClassifier, type Example, type LearnedWord } from './classifier.js';
import type { EscalationClass, EscalationExamples } from '../escalation.js';
import { germanSpelling, normalise, rememberWord, stem, tokenize } from './text.js';

export type Escalation = 'none' | 'offer' | 'urgent';
export type CrisisKind = Exclude<CrisisResource['kinds'][number], 'other'>;
export const CRISIS_KINDS: readonly CrisisKind[] = ['medical', 'violence', 'suicide', 'child', 'homeless'];

export interface UnderstandInput {
  text: string;
  /** Language given by the caller; skips detection. */
  language?: Language;
  /** The conversation's language, used for very short messages. */
  conversationLanguage?: Language;
  municipality?: string;
}

export interface Understood {
  language: Language;
  transliterated: boolean;
  topics: Array<{ id: string; score: number }>;
  entries: Array<{ id: string; score: number }>;
  escalation: Escalation;
  crisis: boolean;
  crisisKinds: CrisisKind[];
  /** Why escalation is "offer": a wish for a person, a complex situation, or both. */
  person: boolean;
  complex: boolean;
  outOfScope: boolean;
  /** False when no word of the message is known at all (gibberish, an unsupported language). */
  recognised: boolean;
  /** A town named in the message. */
  municipality?: string;
  /** Entries the message names by their own keywords ("Kindergeld" names the Familienkasse): they lead their topic. */
  named: string[];
  /** A language the user asks to switch to. */
  languageRequest?: Language;
  /** The message only asks for that language ("kannst du Deutsch sprechen?"): no need to answer beside it. */
  languageOnly?: true;
  /** The user asks to change the language without naming one ("change language"): show the languages. */
  languageMenu?: true;
  /** The writer asks on behalf of someone else (a volunteer for a family): volunteer mode. */
  onBehalf: boolean;
  /** The writer says they are a citizen of the EU. */
  euCitizen: boolean;
  /** The writer asks to withdraw the request they sent ("Anfrage zurückziehen"). */
  withdraw: boolean;
  /** The writer asks to delete everything stored about them ("lösch meine Daten"). */
  deleteData: boolean;
}

/** Volunteering and meeting people; in a volunteer's message its words mostly name the writer, weighed by ROLE. */
const COMMUNITY = 'community';
/** The set of the community topic alone, for `bestService`'s exception. */
const ONLY_COMMUNITY: ReadonlySet<string> = new Set([COMMUNITY]);
const ROLE = 0.5;
/** Privacy words that make a question about this chat's data, whatever office it names (see `understand`). */
const PRIVACY_FIRST = 1.5;
/** Up to this many words, a volunteer's message naming no need but the role ("ich bin Ehrenamtliche") only introduces the writer. */
const ROLE_ONLY = 5;
/** A question mark, Latin or Arabic. */
const QUESTION_MARK = /[?؟]/;
/** What an entry's own keyword adds to its score: it leads the entries of its topic. */
const NAMED = 0.5;
/** Weights: lexicon keywords count fully, words of example phrases less, German loanwords in another language a bit less. */
const KEYWORD = 1;
const PHRASE = 0.35;
/** Example-phrase words count for a topic only when at most this many topics' phrases share them. */
const MAX_SPREAD = 3;
const LOANWORD = 0.8;
/** The general counselling services, referred to when no more specific service fits. */
const GENERAL_COUNSELLING = new Set(['counselling.youth', 'counselling.adult']);
/** The same, and in a volunteer's message the community topic, whose words there name the writer (see ROLE). */
const GENERAL_OR_ROLE = new Set([...GENERAL_COUNSELLING, COMMUNITY]);

/** A message that follows up an answer: asking for more offers, for courses with childcare or for offers used online, or saying it did not help. */
export type FollowUp = 'more' | 'unhelpful' | 'childcare' | 'online' | 'cost' | 'bring';
/** A follow-up is a short message: longer ones are questions of their own. */
export const FOLLOW_UP_WORDS = 8;

/** Short answers are read in the conversation's language, then German and English (loanwords, the words of notices). */
const REPLY_LANGUAGES = new Map(LANGUAGES.map((l) => [l, [...new Set<Language>([l, 'de', 'en'])]]));
const replyLanguages = (language: Language): readonly Language[] => REPLY_LANGUAGES.get(language)!;

/** Small talk that is no greeting: thanks, or leave-taking. */
export type Courtesy = 'thanks' | 'farewell';

/** Languages written in Cyrillic, whose speakers spell German terms in their own letters. */
const CYRILLIC_LANGUAGES: ReadonlySet<Language> = new Set(['ru', 'uk', 'bg']);
/** A word with a Latin letter (digits alone, like "112", need no transliteration matcher). */
const LATIN_WORD = /[a-z]/;
const APOSTROPHE = /['’ʼ`]/;
/** Shortest Cyrillic word that is tried as a German loanword (shorter ones match German words by chance). */
const LOANWORD_LENGTH = 5;

/** Crisis and other cues tolerate a typo only in words of this length or more. */
const CUE_FUZZY = 7;
/** A wrong or swapped letter only in words of this length or more: in shorter ones it makes other words ("dönüyor", "dövüyor"). */
const CUE_SUBSTITUTION = 8;
/** How cue matchers tolerate typos; they never split compounds ("Kinderzuschlag" is no "Kind schlagen"). */
const CUE_TOLERANCE = { minFuzzy: CUE_FUZZY, minSubstitution: CUE_SUBSTITUTION, splitCompounds: false } as const;

/** Weight of the full-text topic profile next to the lexicon terms. */
const PROFILE = 0.5;
/** From this lexicon score on, the full-text topic profile is not consulted. */
const PROFILE_SKIP = 3;
/** Below this raw score no service topic is claimed. */
const MIN_TOPIC = 0.6;
/**
 * Each of the classifier's LEARNED_TOP likeliest topics adds up to LEARNED (two keywords), in full from probability
 * LEARNED_SURE on: its probabilities weigh in as they are, so a close second counts nearly as much as the first. Below
 * LEARNED_MIN for its best topic it is guessing (a recipe, a sum) and says nothing. Its "not something I cover" counts
 * against a service keyword only from probability LEARNED_OUT on (labour law, not work permits), and never in a story
 * of several problems or a wish for a person.
 */
const LEARNED = 2;
const LEARNED_SURE = 0.6;
const LEARNED_TOP = 5;
const LEARNED_OUT = 0.3;
const LEARNED_MIN = 0.25;
/** A life area counts towards a "complex situation" from this raw score on. */
const AREA = 0.9;
/** Words from which a message is long enough to tell a story: the escalation classifier reads it (see `told`). */
const TOLD = 20;
/** How likely the escalation classifier must find that a story needs a person (complex or a wish for one). */
const TOLD_SURE = 0.4;
/** From this likelihood of needing no person, life areas told without a problem word are background (see `background`). */
const TOLD_PLAIN = 0.9;
/** What the escalation classifier read in a story (see `Understanding.toldNeed`). */
interface Told {
  readonly need: EscalationClass;
  /** How likely the story needs no person. */
  readonly plain: number;
}
/** A message too short for a story, or a language without escalation examples. */
const UNTOLD: Told = { need: 'none', plain: 0 };
/** One in this many topic example questions teaches the escalation classifier what a plain single need looks like. */
const PLAIN_SHARE = 10;

interface LanguageModel {
  topics: TermMatcher;
  /**
   * Crisis, person and complex cues, "asking for a family" and "delete my data", matched as whole phrases (stop words kept: "want to die");
   * deletion requests also in any word order ("meine Daten bitte löschen").
   */
  cues: TermMatcher;
  /** "Asking for a family" and "delete my data" alone: looked for in German and English whatever the message's language. */
  actions: TermMatcher;
  /** The same cues by their content words only ("ما عم يتنفس" also catches "لا يتنفس"), where those words are distinctive. */
  cueContent: TermMatcher;
  translit?: TermMatcher;
  /** Language names (one or two words, normalised) → the language they name. */
  names: Map<string, Language>;
  /** The first words of the two-word names. */
  nameStarts: Set<string>;
  switchWords: Set<string>;
  /**
   * The stems of the words of "asking for a family" ("ehrenamtlich", "volunteer", "helfe"): in a volunteer's message they
   * name the writer, so the topic classifier does not read them (it learned them as the volunteering topic).
   */
  roleStems: ReadonlySet<string>;
  /**
   * The role's own words, those of them that are also keywords of the volunteering topic ("ehrenamtlich", "volunteer",
   * "gönüllü"): in a volunteer's message they name the writer, so the other topics are read without them.
   */
  volunteerStems: ReadonlySet<string>;
  /** Negations ("kein", "don't"), normalised: a language named right after or before one is not asked for. */
  negations: readonly string[];
  /** The language's stop words, normalised: never German loanwords ("but" is no "BuT"). */
  stopwords: ReadonlySet<string>;
  /** The words seen in this language, each described once (see Word). */
  words: Map<string, Word>;
  /**
   * Learned from the example questions and the lexicon's keywords and phrases; trained on first use (a few hundred
   * milliseconds per language: a test or a German-only town needs few of the ten), or ahead by `Understanding.train`.
   */
  classifier: () => TopicClassifier;
  /**
   * Learned from example messages (`knowledge/escalation`): whether a story tells several problems, asks for a person,
   * or neither. Its words keep the stop words: "no", "never", "nobody" tell a problem from background. Undefined for a
   * language without examples.
   */
  escalation: () => TopicClassifier | undefined;
}

/**
 * One word of a message as every matcher of its language sees it, worked out once and remembered: people reuse their
 * words far more than their sentences, and a message is matched by half a dozen matchers.
 */
interface Word {
  /** The word's stem in the language: its full-text query term. */
  readonly stem: string;
  readonly topics: Resolution;
  readonly cues: Resolution;
  readonly cueContent: Resolution;
  /** In the crisis phrases of all languages. */
  readonly crossCrisis: Resolution;
  /**
   * As a German loanword, for the German topic matcher: only words the language's own lexicon does not know (a known
   * "duldung" already counted there) and that are not its stop words, Cyrillic ones spelt the German way, since they are
   * often German terms ("бляйберехт"). Undefined for other words and in German.
   */
  readonly loanword: Resolution | undefined;
  /** In the German and the English actions: volunteers write German, and privacy notices teach English words. */
  readonly germanActions: Resolution;
  readonly englishActions: Resolution;
  /** A language the word names, in the language or in English ("arabisch", "arabic"). */
  readonly names: Language | undefined;
  /** Whether the word begins a two-word language name ("по українськи"). */
  readonly nameStart: boolean;
  readonly switchWord: boolean;
  /** Whether the word may begin a town's name or is a postal code of the district. */
  readonly town: boolean;
  /** The word as the language's topic classifier knows it; undefined for stop words and numbers. */
  readonly learned: LearnedWord | undefined;
  /** The word as the language's escalation classifier knows it. */
  readonly told: LearnedWord | undefined;
}

const TOPICS = (w: Word) => w.topics;
const CUES = (w: Word) => w.cues;
const CUE_CONTENT = (w: Word) => w.cueContent;
const CROSS_CRISIS = (w: Word) => w.crossCrisis;
const LOANWORD_OF = (w: Word) => w.loanword;
const GERMAN_ACTIONS = (w: Word) => w.germanActions;
const ENGLISH_ACTIONS = (w: Word) => w.englishActions;
const LEARNED_OF = (w: Word) => w.learned;
const TOLD_OF = (w: Word) => w.told;
/** The escalation classifier reads every word: "no", "never" and "nobody" are stop words for topics, not for problems. */
const NO_STOPWORDS: ReadonlySet<string> = new Set();

/**
 * The understanding core: language, ranked topics and entries, crisis, escalation.
 * @remarks Plain TypeScript over the knowledge base and the lexicons; built once, then pure per call.
 */
export class Understanding {
  private readonly detector: LanguageDetector;
  private readonly models = new Map<Language, LanguageModel>();
  private readonly search: EntrySearch;
  readonly towns: TownFinder;
  private readonly serviceTopics: Set<string>;
  private readonly entryById: Map<string, Candidate>;
  private readonly entriesByTopic = new Map<string, Candidate[]>();
  private rankings = 0;
  private readonly topicSearch = new Map<Language, TermMemoSearch>();
  /** Per language, the entries' own keywords (with the German ones as loanwords), labelled with the entry id. */
  private readonly entryNames = new Map<Language, TermMatcher>();
  /** The crisis phrases of all ten languages in one matcher, unstemmed. */
  private readonly crossCrisis: TermMatcher;
  /** "I don't know" per language: normalised phrases. */
  private readonly unsureWords = new Map<Language, Set<string>>();
  /** Short answers per language: normalised phrase → yes, no or cancel. */
  private readonly replyWords = new Map<Language, Map<string, 'yes' | 'no' | 'cancel'>>();
  /** Whole messages that follow up an answer: "more" and "that did not help". */
  private readonly followUps = new Map<Language, Map<string, FollowUp>>();
  private readonly childcareWords = new Map<Language, string[]>();
  /** Words of a wish for offers used online ("online", "через інтернет"), normalised like short answers. */
  private readonly onlineWords = new Map<Language, string[]>();
  /** Words asking what the offers shown cost, or what to bring to them (lexicon `askCost`, `askBring`). */
  private readonly costWords = new Map<Language, string[]>();
  private readonly bringWords = new Map<Language, string[]>();
  /** Whole messages asking for help in general (lexicon `askHelp`), normalised like short answers. */
  private readonly helpMessages = new Map<Language, ReadonlySet<string>>();
  /** Words of thanks and of leave-taking per language, normalised like short answers. */
  private readonly courtesyWords = new Map<Language, Map<string, Courtesy>>();
  /** Per language, the words around a town's name that tell where one lives (lexicon `liveIn`). */
  private readonly liveInWords = new Map<Language, ReadonlySet<string>>();
  /** Per language, typed answers to the intake's choices: key ("residence.protection") and each phrase's word beginnings. */
  private readonly intakeAnswerPhrases = new Map<Language, Array<{ key: string; words: string[] }>>();
  private readonly householdPhrases = new Map<Language, string[][]>();
  private readonly advicePhrases = new Map<Language, string[][]>();
  private readonly otherNeedPhrases = new Map<Language, string[][]>();
  /** Whole sentences of despair of every language (lexicon `despair`), normalised like short answers. */
  private readonly despair = new Set<string>();
  /** Per language, the words that make a number next to them the writer's age (lexicon `age`). */
  private readonly ageWordsOf = new Map<Language, ReadonlySet<string>>();

  constructor(
    private readonly kb: KnowledgeBase,
    lexicons: Lexicons,
    examples: Partial<Record<Language, readonly Example[]>> = {},
    escalation: EscalationExamples = {},
  ) {
    this.detector = new LanguageDetector(lexicons, [...kb.district.municipalities.flatMap((m) => [m.name, ...m.aliases]), ...kb.district.elsewhere]);
    this.search = new EntrySearch(kb.services);
    this.towns = new TownFinder(kb.district.municipalities, {
      elsewhere: kb.district.elsewhere,
      districtName: kb.district.name,
      left: LANGUAGES.flatMap((l) => lexicons[l].leftTown),
      knownWord: (w) => this.detector.knowsWord(w),
    });
    this.serviceTopics = new Set(kb.taxonomy.topics.filter((t) => t.kind === 'service').map((t) => t.id));
    this.entryById = new Map(kb.services.map((entry) => [entry.id, { entry, ranking: 0 }]));
    for (const e of kb.services) for (const t of e.topics) this.entriesByTopic.set(t, [...(this.entriesByTopic.get(t) ?? []), this.entryById.get(e.id)!]);
    this.crossCrisis = new TermMatcher(null, crossCrisisSources(lexicons), { tolerant: false });
    for (const lang of LANGUAGES) {
      const words = new Map<string, 'yes' | 'no' | 'cancel'>();
      const lexicon = lexicons[lang];
      for (const [kind, terms] of [['yes', lexicon.yes], ['no', lexicon.no], ['cancel', lexicon.cancel]] as const) for (const t of terms) words.set(replyKey(t), kind);
      this.replyWords.set(lang, words);
      const followUps = new Map<string, FollowUp>();
      for (const [kind, terms] of [['more', lexicon.more], ['unhelpful', lexicon.unhelpful]] as const) for (const t of terms) followUps.set(replyKey(t), kind);
      this.followUps.set(lang, followUps);
      this.childcareWords.set(lang, lexicon.withChildcare.map(replyKey));
      this.onlineWords.set(lang, lexicon.online.map(replyKey));
      this.costWords.set(lang, lexicon.askCost.map(replyKey));
      this.helpMessages.set(lang, new Set(lexicon.askHelp.map(replyKey)));
      this.bringWords.set(lang, lexicon.askBring.map(replyKey));
      this.unsureWords.set(lang, new Set(lexicon.unsure.map(replyKey)));
      const courtesy = new Map<string, Courtesy>();
      // Thanks win over leave-taking in one message: "danke, tschüss" is answered with "you're welcome".
      for (const [kind, terms] of [['farewell', lexicon.farewell], ['thanks', lexicon.thanks]] as const) for (const t of terms) courtesy.set(replyKey(t), kind);
      this.courtesyWords.set(lang, courtesy);
      this.intakeAnswerPhrases.set(lang, Object.entries(lexicon.intakeAnswers).flatMap(([key, phrases]) => phrases.map((p) => ({ key, words: replyKey(p).split(' ') }))));
      this.householdPhrases.set(lang, lexicon.household.map((p) => replyKey(p).split(' ')));
      this.advicePhrases.set(lang, lexicon.advice.map((p) => replyKey(p).split(' ')));
      this.otherNeedPhrases.set(lang, lexicon.otherNeeds.map((p) => replyKey(p).split(' ')));
      for (const sentence of lexicon.despair) this.despair.add(replyKey(sentence));
      this.ageWordsOf.set(lang, new Set(lexicon.age.map((w) => w.toLowerCase())));
      this.liveInWords.set(lang, new Set(lexicon.liveIn.flatMap((t) => normalise(t).split(/[^\p{L}\p{N}]+/u).filter(Boolean))));
      this.models.set(lang, buildModel(lang, lexicons, examples[lang] ?? [], escalation[lang] ?? []));
      this.topicSearch.set(lang, new TermMemoSearch(buildTopicSearch(lang, kb, lexicons), { processTerm: (term: string) => term }));
      this.entryNames.set(lang, new TermMatcher(lang, entryNameSources(kb, lang), { stopwords: this.models.get(lang)!.stopwords }));
    }
  }

  /**
   * Trains every language's topic and escalation classifiers now rather than on its first message: one language per
   * turn of the event loop, so a server that already listens keeps answering meanwhile.
   */
  async train(): Promise<void> {
    for (const model of this.models.values()) {
      await new Promise((resolve) => setImmediate(resolve));
      model.classifier();
      model.escalation();
    }
  }

  /**
   * The town a message only tells as where one lives ("ich wohne in Goch", "I live in Kleve", "Emmerichte oturuyorum"):
   * no housing question, no new need, only the town.
   */
  townTold(text: string, language: Language): string | undefined {
    return this.towns.told(text, this.livingWord(language));
  }

  /** A town outside the district a message only tells as where one lives ("ich wohne in Moers", "I live in Duisburg"). */
  elsewhereTold(text: string, language: Language): string | undefined {
    return this.towns.toldElsewhere(text, this.livingWord(language));
  }

  /** Whether a message only tells a town one lives in no more ("ich wohne nicht mehr in Goch"): where one lives now is asked. */
  townLeft(text: string, language: Language): boolean {
    return this.towns.leftOnly(text, this.livingWord(language));
  }

  /** Whether a word only tells where one lives around a town's name: a `liveIn` word or a stop word of the language. */
  private livingWord(language: Language): (word: string) => boolean {
    const filler = this.liveInWords.get(language)!;
    const stopwords = this.models.get(language)!.stopwords;
    // An age told with the town ("ich bin 22 und wohne in Kleve") tells nothing else.
    return (w) => filler.has(w) || stopwords.has(w) || /^\d{1,2}$/.test(w);
  }

  /**
   * Whether a short answer means yes, no or cancel (in the conversation's language, German or English):
   * the whole answer or its first words are such a phrase ("ja gerne", "nein danke", "abbrechen").
   */
  replyKind(text: string, language: Language): 'yes' | 'no' | 'cancel' | undefined {
    const words = replyKey(text).split(' ').filter(Boolean);
    if (words.length === 0 || words.length > 6) return undefined;
    for (const lang of replyLanguages(language)) {
      const known = this.replyWords.get(lang)!;
      for (let n = Math.min(3, words.length); n >= 1; n--) {
        const kind = known.get(words.slice(0, n).join(' '));
        if (kind) return kind;
      }
    }
    return undefined;
  }

  /**
   * A whole message that follows up an answer, in the conversation's language, German or English: "more" asks for
   * further offers ("weitere", "ще", "başka var mı"), "unhelpful" says the answer did not help ("not really"); within a
   * short message, "childcare" asks for a course with childcare, "online" for offers used online ("є онлайн?"), "cost" what
   * the offers cost ("ist das kostenlos?") and "bring" what to bring to them ("was muss ich mitbringen?").
   */
  followUp(text: string, language: Language): FollowUp | undefined {
    const key = replyKey(text);
    for (const lang of replyLanguages(language)) {
      const kind = this.followUps.get(lang)!.get(key);
      if (kind) return kind;
    }
    // "with childcare" and "online" also inside a short message: "mit Kinderbetreuung bitte", "gibt es das auch online?".
    if (key.split(' ').length > FOLLOW_UP_WORDS) return undefined;
    if (this.asksChildcare(text, language)) return 'childcare';
    if (this.saysAny(this.onlineWords, key, language)) return 'online';
    // "ist das kostenlos?", "what do I need to bring?": about the offers just shown.
    if (this.saysAny(this.costWords, key, language)) return 'cost';
    return this.saysAny(this.bringWords, key, language) ? 'bring' : undefined;
  }

  /**
   * The message without the words of a follow-up (online, cost, what to bring: "Kita online anmelden" → "kita anmelden",
   * "ist das kostenlos?" → "ist das"): what else it asks.
   */
  withoutFollowUp(text: string, language: Language): string {
    let padded = ` ${replyKey(text)} `;
    for (const lang of replyLanguages(language)) {
      for (const w of [...this.onlineWords.get(lang)!, ...this.costWords.get(lang)!, ...this.bringWords.get(lang)!]) padded = padded.split(` ${w} `).join(' ');
    }
    return padded.trim();
  }

  /** Whether a normalised message holds one of a language's phrases (conversation's language, German, English). */
  private saysAny(phrases: ReadonlyMap<Language, readonly string[]>, key: string, language: Language): boolean {
    const padded = ` ${key} `;
    for (const lang of replyLanguages(language)) if (phrases.get(lang)!.some((w) => padded.includes(` ${w} `))) return true;
    return false;
  }

  /** Whether a message asks for childcare with a course ("Deutschkurs mit Kinderbetreuung", "з доглядом за дітьми"). */
  asksChildcare(text: string, language: Language): boolean {
    return this.saysAny(this.childcareWords, replyKey(text), language);
  }

  /**
   * The options of an intake question a typed answer names by the lexicon's `intakeAnswers` (in the conversation's
   * language, German or English): "ich bin anerkannt" names `protection` at the residence question, "per WhatsApp" the
   * `messenger` of the contact question. Where several options' phrases occur, the longest phrase says it: "asylberechtigt"
   * names protection, not the asylum procedure of "asyl". Each option once.
   *
   * @remarks With `every` (a question with several answers: the offices one is in contact with), each option named
   * counts, unless all its phrase's words are part of a longer phrase of another option found in the answer: "Jobcenter
   * und Sozialamt" names both, "youth migration service" only that service, not also a "migration service".
   */
  intakeOptions(text: string, language: Language, step: string, every = false): string[] {
    const words = replyKey(text).split(' ').filter(Boolean).flatMap((w) => (ARABIC_AND.test(w) ? [w, w.slice(1)] : [w]));
    const found: Array<{ option: string; phrase: readonly string[] }> = [];
    // Read in the reply languages: a German "keine" negates the "Duldung" of the English list too.
    const negations = replyLanguages(language).flatMap((lang) => this.models.get(lang)!.negations);
    for (const lang of replyLanguages(language)) {
      for (const { key, words: phrase } of this.intakeAnswerPhrases.get(lang)!) {
        if (!key.startsWith(`${step}.`) || !hasWordBeginnings(words, phrase)) continue;
        // "keine Duldung mehr", "nicht per Telefon": a negation right before the phrase's words says it is not this one.
        if (!negations.some((n) => ` ${phrase.join(' ')} `.includes(` ${n} `)) && phrase.some((p) => negatedBefore(words, words.findIndex((w) => w.startsWith(p)), negations))) continue;
        found.push({ option: key.slice(step.length + 1), phrase });
      }
    }
    const length = (phrase: readonly string[]) => phrase.join(' ').length;
    if (every) {
      const covered = (f: (typeof found)[number]) =>
        found.some((g) => g.option !== f.option && length(g.phrase) > length(f.phrase) && f.phrase.every((w) => g.phrase.some((v) => v.startsWith(w))));
      return [...new Set(found.filter((f) => !covered(f)).map((f) => f.option))];
    }
    const best = Math.max(0, ...found.map((f) => length(f.phrase)));
    return [...new Set(found.filter((f) => length(f.phrase) === best).map((f) => f.option))];
  }

  /** Whether an answer tells who lives with one (lexicon `household`: "Mann", "Kinder", "allein"). */
  tellsHousehold(text: string, language: Language): boolean {
    return this.hasPhraseOf(this.householdPhrases, text, language);
  }

  /** Whether a message asks for advice rather than an office (lexicon `advice`: "Beratung zu meinem Aufenthalt"). */
  asksAdvice(text: string, language: Language): boolean {
    return this.hasPhraseOf(this.advicePhrases, text, language);
  }

  /** Whether a whole message asks for help in general or what Lotse can do ("ich brauche Hilfe", "what can you do?"). */
  asksHelp(text: string, language: Language): boolean {
    const key = replyKey(text);
    return replyLanguages(language).some((lang) => this.helpMessages.get(lang)!.has(key));
  }

  /** Whether a message holds a negation of its language, German or English (lexicon `negation`: "nicht", "don't", "نمی"). */
  negated(text: string, language: Language): boolean {
    const words = ` ${replyKey(text)} `;
    return replyLanguages(language).some((lang) => this.models.get(lang)!.negations.some((n) => words.includes(` ${n} `)));
  }

  /** Whether a message names a need the knowledge base has no service for (lexicon `otherNeeds`: "Schuldnerberatung", "Führerschein"). */
  namesOtherNeed(text: string, language: Language): boolean {
    return this.hasPhraseOf(this.otherNeedPhrases, text, language);
  }

  private hasPhraseOf(phrases: ReadonlyMap<Language, string[][]>, text: string, language: Language): boolean {
    const words = replyKey(text).split(' ').filter(Boolean);
    return replyLanguages(language).some((lang) => phrases.get(lang)!.some((phrase) => hasWordBeginnings(words, phrase)));
  }

  /**
   * Whether a short answer (six words at most) says "I don't know" (in the conversation's language, German or
   * English): "weiß nicht", "ich weiß es nicht", "no idea", "не знаю".
   */
  unsure(text: string, language: Language): boolean {
    const words = replyKey(text).split(' ').filter(Boolean);
    if (words.length === 0 || words.length > 6) return false;
    for (const lang of replyLanguages(language)) {
      const known = this.unsureWords.get(lang)!;
      for (let i = 0; i < words.length; i++) for (let n = Math.min(4, words.length - i); n >= 1; n--) if (known.has(words.slice(i, i + n).join(' '))) return true;
    }
    return false;
  }

  /**
   * Whether a message of small talk thanks or takes leave (words of the conversation's language, German or English
   * anywhere in it: "ok danke", "vielen dank und tschüss"); otherwise it greets or asks who the assistant is.
   */
  courtesy(text: string, language: Language): Courtesy | 'greeting' {
    const words = replyKey(text).split(' ').filter(Boolean);
    let found: Courtesy | undefined;
    for (const lang of replyLanguages(language)) {
      const known = this.courtesyWords.get(lang)!;
      for (let i = 0; i < words.length; i++) {
        for (let n = Math.min(4, words.length - i); n >= 1; n--) {
          const kind = known.get(words.slice(i, i + n).join(' '));
          if (kind === 'thanks') return kind;
          found ??= kind;
        }
      }
    }
    return found ?? 'greeting';
  }

  /** The words that make a number next to them the writer's age, in a language (see dialogs/age.ts statedAge). */
  ageWords(language: Language): ReadonlySet<string> {
    return this.ageWordsOf.get(language)!;
  }

  /** Which lexicon terms a message matched, per matcher: for editors tuning the lexicons. */
  explain(text: string, language: Language): string[] {
    const tokens = tokenize(normalise(text));
    const out: string[] = [];
    for (const lang of replyLanguages(language)) {
      const m = this.models.get(lang)!;
      m.topics.scan(tokens, out);
      m.cues.scan(tokens, out);
      m.cueContent.scan(tokens, out);
      m.translit?.scan(tokens, out);
    }
    this.crossCrisis.scan(tokens, out);
    return [...new Set(out)];
  }

  understand(input: UnderstandInput): Understood {
    const understood = this.understandIn(input);
    // A short message kept in the conversation's language ("szukam lekarza" in a German conversation) that means nothing
    // there is read in the language its words are: when that finds a need, a crisis or a wish for a person, it was a
    // switch after all (a greeting, "hallo" in a Turkish conversation, is none).
    if (input.language || !input.conversationLanguage || understood.recognised || understood.language !== input.conversationLanguage) return understood;
    const own = this.detector.detect(input.text);
    if (own.language === input.conversationLanguage) return understood;
    const again = this.understandIn({ ...input, language: own.language });
    const needs = again.crisis || again.escalation !== 'none' || (again.topics[0] !== undefined && this.serviceTopics.has(again.topics[0].id) && !again.outOfScope);
    if (!needs) return understood;
    // Ukrainian, Russian and Bulgarian share many words ("курс"): such a word in a conversation in another of them is
    // understood, and answered in the conversation's language.
    return CYRILLIC_LANGUAGES.has(own.language) && CYRILLIC_LANGUAGES.has(input.conversationLanguage) ? { ...again, language: input.conversationLanguage } : again;
  }

  private understandIn(input: UnderstandInput): Understood {
    const text = repairMojibake(input.text);
    const tokens = tokenize(normalise(text));
    const guess: LanguageGuess = input.language
      ? { language: input.language, confident: true, transliterated: false }
      : this.detector.detect(input.text, input.conversationLanguage, tokens);
    // A first message made only of German words ("Kita?", "Jobcenter Termin") is German.
    const german = this.models.get('de')!;
    const lang = !input.language && !input.conversationLanguage && !guess.transliterated && !guess.greeting && tokens.length > 0 && tokens.length <= 3 && dominantScript(input.text) === 'latin' && tokens.some((t) => german.topics.knows(stem(t, 'de'))) && tokens.every((t) => this.detector.isName(t) || german.stopwords.has(t) || german.topics.knows(stem(t, 'de')))
      ? 'de'
      : guess.language;
    const model = this.models.get(lang)!;
    const words = this.wordsOf(tokens, lang, model);

    const topicScores = new Map<string, number>();
    const cueScores = new Map<string, number>();
    const ownCues = model.cues.scanWords(words, CUES);
    // Volunteers mostly write German; their cue counts in German too, whatever language was detected.
    const germanActions = model === german ? ownCues : german.actions.scanWords(words, GERMAN_ACTIONS);
    const onBehalf = has(ownCues, ON_BEHALF) || has(germanActions, ON_BEHALF);
    // In a volunteer's message "ehrenamtlich" or "volunteer" names the writer: "ich bin ehrenamtlich und suche einen
    // Deutschkurs" asks for no course run by volunteers ("ehrenamtlicher Deutschkurs"). The other topics are read without
    // those words; the volunteering topic keeps them (weighed by ROLE below).
    const read = onBehalf ? withoutRole(words, model) : words;
    add(topicScores, model.topics.scanWords(read, TOPICS), 1);
    if (read !== words) {
      const community = model.topics.scanWords(words, TOPICS).find((t) => t.label === COMMUNITY);
      if (community) topicScores.set(COMMUNITY, community.score);
    }
    // In a message of several sentences the question says what is asked; the other sentences are background
    // ("we both work, the children go to school. What do we need for citizenship?").
    const question = questionOf(text);
    if (question) {
      const questionWords = this.wordsOf(tokenize(normalise(question)), lang, model);
      const asked = model.topics.scanWords(onBehalf ? withoutRole(questionWords, model) : questionWords, TOPICS);
      add(topicScores, asked, QUESTION);
    }
    for (const { label, score } of ownCues) if (isCue(label)) cueScores.set(label, (cueScores.get(label) ?? 0) + score);
    // "Meine Eltern schlagen vor, …" has the words of "Eltern schlagen mich" but is a suggestion: whole phrases only.
    const harmless = has(ownCues, HARMLESS);
    for (const { label, score } of model.cueContent.scanWords(words, CUE_CONTENT)) {
      if (harmless && label.startsWith('crisis.')) continue;
      cueScores.set(label, Math.max(cueScores.get(label) ?? 0, score));
    }
    let troubles = ownCues.find((c) => c.label === TROUBLE)?.score ?? 0;
    // Transliteration terms are in Latin letters: only Latin words can match them (most messages have none).
    const latin = model.translit ? latinWords(tokens) : NO_WORDS;
    if (model.translit && latin.length > 0) {
      for (const { label, score } of model.translit.scan(latin)) {
        if (label === TROUBLE) {
          troubles += score;
          continue;
        }
        const target = isCue(label) ? cueScores : topicScores;
        target.set(label, (target.get(label) ?? 0) + score);
      }
    }
    // German loanwords are understood in every language, also when written in Cyrillic letters ("айнбюргерунг").
    if (lang !== 'de') add(topicScores, german.topics.scanWords(words, LOANWORD_OF), LOANWORD, this.serviceTopics);
    // Crisis phrases of every language, so a crisis is caught even when the language was misread.
    for (const { label, score } of this.crossCrisis.scanWords(words, CROSS_CRISIS)) cueScores.set(label, Math.max(cueScores.get(label) ?? 0, score));

    // "Ich kann einfach nicht mehr." as a sentence of its own, in any language (its words alone are no crisis).
    if (text.split(CLAUSE_END).some((clause) => this.despair.has(replyKey(clause)))) cueScores.set(CRISIS_LABEL.suicide, Math.max(cueScores.get(CRISIS_LABEL.suicide) ?? 0, 1));

    const euCitizen = has(ownCues, EU_CITIZEN) || has(germanActions, EU_CITIZEN);
    const withdraw = has(ownCues, WITHDRAW) || has(germanActions, WITHDRAW);
    // Also in the conversation's language (a misread Finglish message), German and English (the words of privacy notices).
    const conversation = input.conversationLanguage ? this.models.get(input.conversationLanguage)! : model;
    const english = this.models.get('en')!;
    const deleteData =
      has(ownCues, DELETE_DATA) ||
      (conversation !== model && has(conversation.actions.scan(tokens), DELETE_DATA)) ||
      (german !== conversation && has(germanActions, DELETE_DATA)) ||
      (english !== model && english !== conversation && has(english.actions.scanWords(words, ENGLISH_ACTIONS), DELETE_DATA));
    const crisisKinds: CrisisKind[] = [];
    // Losing the flat at the end of the month is a housing problem; no place to sleep tonight is a crisis.
    const later = has(ownCues, LATER) && !has(ownCues, TONIGHT);
    for (const k of CRISIS_KINDS) if ((cueScores.get(CRISIS_LABEL[k]) ?? 0) >= 0.5 && !(k === 'homeless' && later)) crisisKinds.push(k);
    const crisis = crisisKinds.length > 0;
    // A story in words the cue lists lack ("the contract ends in May, the flat is the company's, the kids have no school
    // place"; "could someone sit with me and fill it in?"): the escalation classifier says whether it needs a person.
    const told = tokens.length >= TOLD ? this.toldNeed(model, words) : UNTOLD;
    const asksPerson = (cueScores.get('person') ?? 0) >= 0.5 || (topicScores.get('human') ?? 0) >= 1;
    const person = asksPerson || told.need === 'person';
    // The strongest need the message's own words name, before full text and profiles add their resemblance.
    const namedNeed = this.bestService(topicScores, onBehalf ? GENERAL_OR_ROLE : GENERAL_COUNSELLING);
    // Entries: full text in the message's language. It re-ranks topics the lexicon found, never adds one.
    const query = queryTerms(tokens, words);
    const hits = this.search.search(query, lang, 12);
    const maxHit = hits[0]?.score ?? 1;
    const boosted = new Set<string>();
    for (const hit of hits.slice(0, 5)) {
      const main = this.entryById.get(hit.id)?.entry.topics[0];
      if (!main || boosted.has(main) || !topicScores.has(main)) continue;
      boosted.add(main);
      topicScores.set(main, topicScores.get(main)! + 0.25 * (hit.score / maxHit));
    }
    const recognised = topicScores.size > 0 || cueScores.size > 0;

    // The wider vocabulary of each topic (its lexicon and its entries' texts) as a full-text profile:
    // catches wording the keyword lists do not have.
    // Only needed where the lexicon found little; a clear keyword match is not second-guessed.
    // In a volunteer's message the role's words (community) are no clear match: the family's need may lack keywords.
    const role = onBehalf ? ONLY_COMMUNITY : undefined;
    const profile = this.bestService(topicScores, role) >= PROFILE_SKIP ? [] : this.topicSearch.get(lang)!.search(query, 3);
    const maxProfile = profile[0]?.score ?? 1;
    for (const [i, hit] of profile.entries()) {
      const id = String(hit.id);
      topicScores.set(id, (topicScores.get(id) ?? 0) + PROFILE * (hit.score / maxProfile) * (i === 0 ? 1 : 0.6));
    }

    const areas = new Set<string>();
    for (const [id, s] of topicScores) if (s >= AREA && this.serviceTopics.has(id) && !GENERAL_COUNSELLING.has(id)) areas.add(id.split('.')[0]!);
    // Several life areas make a complex situation when they are problems, not background: "lost the job, the rent is
    // unpaid" is two problems, "I work, the children go to school, all is fine" none. One word ("Duldung") touching three
    // areas is no description of three. The general counselling services (JMD, MBE) are no life area.
    const described =
      (troubles >= 3 && tokens.length >= 10) ||
      (troubles >= 2 && areas.size >= 2 && tokens.length >= 10) ||
      (troubles >= 1 && areas.size >= 3 && tokens.length >= 8) ||
      (troubles >= 1 && areas.size >= 2 && tokens.length >= 20) ||
      // Four life areas in one message are rarely background.
      (areas.size >= 4 && tokens.length >= 8);
    // Life areas alone, with no problem word, where the classifier is sure the story is background to one need ("we have
    // lived here four years, he works, the children go to school and Kita: how do we apply for citizenship?"), are no
    // complex situation.
    const background = troubles === 0 && told.plain >= TOLD_PLAIN;
    const complex = (cueScores.get('complex') ?? 0) >= 0.5 || (topicScores.get('case-management') ?? 0) >= 1 || (described && !background) || told.need === 'complex';

    // An interpreter is asked for an appointment somewhere else ("an interpreter at the doctor's"): the interpreter is the need.
    // In a story of several life areas, "I understand no German" is one more difficulty, not the need.
    const interpreting = topicScores.get('interpreting') ?? 0;
    if (interpreting >= KEYWORD && !described) topicScores.set('interpreting', Math.max(interpreting, this.bestService(topicScores) + 0.1));

    // The classifier knows a topic's wider vocabulary from example questions; it weighs in on the topics' order but
    // makes no life area of its own (added after the situation was read).
    // A clear keyword match is not second-guessed (as with the profile). A message about the assistant itself (privacy,
    // a greeting) or only saying whom one asks for is left to the lexicon.
    // "I am a volunteer" alone introduces the writer, it asks for nothing yet: the volunteer mode asks what the family needs.
    // "What are my tasks as a volunteer?" is a question about volunteering.
    if (onBehalf && tokens.length <= ROLE_ONLY && !QUESTION_MARK.test(text) && this.bestService(topicScores, ONLY_COMMUNITY) < MIN_TOPIC) topicScores.delete(COMMUNITY);
    const lexical = this.bestService(topicScores);
    const aboutControl = (onBehalf || deleteData) && lexical < MIN_TOPIC;
    const learned = this.bestService(topicScores, role) >= PROFILE_SKIP || aboutControl || this.controlOutweighs(topicScores, lexical) ? [] : this.classify(model, words, onBehalf);
    if ((learned[0]?.score ?? 0) >= LEARNED_MIN) {
      for (const c of learned) {
        // "I don't cover this" against a keyword of a service needs the classifier to find it fairly likely (LEARNED_OUT).
        // Nor is a story of several problems or a wish for a person "not something I cover".
        if (c.id === 'out-of-scope' && lexical >= KEYWORD && (c.score < LEARNED_OUT || complex || person)) continue;
        topicScores.set(c.id, (topicScores.get(c.id) ?? 0) + LEARNED * Math.min(1, c.score / LEARNED_SURE));
      }
    }

    // A volunteer asking for a family ("I am a volunteer, the family needs a Kita place"): "volunteer" names the writer's
    // role, not a wish to volunteer; a need named beside it is the question, and the family's own wish for the volunteering
    // services ("a sports club for the children") has words of its own.
    const community = topicScores.get(COMMUNITY);
    // The role's words add up ("Ehrenamtliche", "helfe", "Familie"): together they count as one keyword at most.
    if (onBehalf && community !== undefined) topicScores.set(COMMUNITY, Math.min(community * ROLE, KEYWORD));

    // JMD and MBE counsel on everything; an age or "advice" next to a concrete need should not outrank the need.
    const specific = areas.size > 0;
    if (specific) for (const id of GENERAL_COUNSELLING) if (topicScores.has(id)) topicScores.set(id, topicScores.get(id)! * 0.75);
    const strongestService = this.bestService(topicScores);
    let bestService = strongestService;
    const oos = topicScores.get('out-of-scope') ?? 0;
    const smalltalk = topicScores.get('smalltalk') ?? 0;
    // Weather, football, thanks: when those words weigh at least as much as any service word, they decide.
    if (oos > 0 && oos >= bestService) bestService = 0;
    // Greetings and thanks are short; in a longer message a greeting is only politeness around the need.
    const chatOnly = !crisis && !person && smalltalk >= 0.5 && smalltalk >= bestService && tokens.length <= 6;
    if (chatOnly) bestService = 0;
    // A question about help in danger with no acute cue ("support for women in crisis situations", "how do deaf people
    // call the emergency services?"): when the emergency topic outweighs every service, the help numbers are the answer,
    // as information, without the urgent handover.
    const emergencyInfo = !crisis && !chatOnly && (topicScores.get('emergency') ?? 0) >= Math.max(MIN_TOPIC, strongestService, oos);
    const outOfScope = !crisis && !person && !chatOnly && !emergencyInfo && !aboutControl && bestService < MIN_TOPIC && (oos > 0 || (topicScores.get('privacy') ?? 0) < 0.5);

    // A message only saying whom one asks for, or asking to delete the data, names no service by a weak hint.
    const weakest = aboutControl ? MIN_TOPIC : MIN_TOPIC * 0.5;
    const scored = [...topicScores]
      .filter(([id, s]) => s > 0 && (!this.serviceTopics.has(id) || s >= weakest))
      .sort((a, b) => b[1] - a[1])
      .map(([id, s]) => ({ id, score: round(s / (s + 1)) }));
    // A recognised service need outranks greetings, out-of-scope words and other control topics in the same message.
    const services = scored.filter((t) => this.serviceTopics.has(t.id));
    const controls = scored.filter((t) => !this.serviceTopics.has(t.id));
    let ranked = bestService >= MIN_TOPIC ? [...services, ...controls] : [...controls, ...services];
    if (outOfScope && !ranked.some((t) => t.id === 'out-of-scope')) ranked.push({ id: 'out-of-scope', score: 0.5 });
    if (outOfScope) ranked = toFront(ranked, 'out-of-scope');
    if (emergencyInfo) ranked = toFront(ranked, 'emergency');
    if (person && !ranked.some((t) => t.id === 'human')) ranked.push({ id: 'human', score: 0.5 });
    // "A counsellor should call me" asks for a person; the counselling services are no need of their own there.
    // Only when the cues ask for one: a person the escalation classifier reads into a story is offered, but leaves the
    // ranking alone ("is there someone who advises young people like me?" still asks for the counselling service).
    if (asksPerson && namedNeed < AREA) ranked = toFront(ranked, 'human');
    // "Does the Ausländerbehörde see what I write here?" asks about this chat's data, not for the office: more than one
    // word of data protection, outweighing the need the message names, put the privacy answer first.
    const privacy = topicScores.get('privacy') ?? 0;
    if (!crisis && privacy >= PRIVACY_FIRST && privacy > namedNeed) ranked = toFront(ranked, 'privacy');
    if (crisis) ranked = [{ id: 'emergency', score: 1 }, ...ranked.filter((t) => t.id !== 'emergency')];

    // Most messages name no town: the words tell so without normalising the text again. Apostrophes ("Kleve'de") take the full path.
    const municipality = input.municipality ?? (APOSTROPHE.test(input.text) || words.some((w) => w.town) ? this.towns.findIn(input.text) : undefined);
    const named = outOfScope ? [] : this.entryNames.get(lang)!.scan(tokens).map((n) => n.label);
    const entries = outOfScope || aboutControl ? [] : this.rankEntries(ranked, hits, municipality, named);

    return {
      language: lang,
      transliterated: guess.transliterated,
      topics: ranked,
      entries,
      named,
      escalation: crisis ? 'urgent' : person || complex ? 'offer' : 'none',
      crisis,
      crisisKinds,
      person,
      complex,
      outOfScope,
      recognised,
      onBehalf,
      euCitizen,
      withdraw,
      deleteData,
      ...(municipality ? { municipality } : {}),
      ...languageRequest(tokens, words, model, bestService >= MIN_TOPIC ? ranked[0]?.id : undefined),
    };
  }

  /** The message's words as the matchers of its language see them, each worked out once (see Word). */
  private wordsOf(tokens: readonly string[], lang: Language, model: LanguageModel): Word[] {
    const describe = (token: string) => this.describe(token, lang, model);
    return tokens.map((token) => rememberWord(model.words, token, describe));
  }

  private describe(token: string, lang: Language, model: LanguageModel): Word {
    const german = this.models.get('de')!;
    const english = this.models.get('en')!;
    const stemmed = stem(token, lang);
    const town = this.towns.mayName(token);
    const foreign = lang !== 'de' && !model.stopwords.has(token) && !model.topics.knows(stemmed);
    const spelt = foreign && CYRILLIC_LANGUAGES.has(lang) && token.length >= LOANWORD_LENGTH ? germanSpelling(token) : undefined;
    return {
      stem: stemmed,
      topics: model.topics.resolve(token),
      cues: model.cues.resolve(token),
      cueContent: model.cueContent.resolve(token),
      crossCrisis: this.crossCrisis.resolve(token),
      loanword: foreign ? german.topics.resolve(spelt ?? token) : undefined,
      germanActions: german.actions.resolve(token),
      englishActions: english.actions.resolve(token),
      names: model.names.get(token) ?? english.names.get(token),
      nameStart: model.nameStarts.has(token),
      switchWord: model.switchWords.has(token),
      town,
      // A town says where, not what: "Goch" in the example questions of one course is no reason for that course.
      learned: town ? undefined : model.classifier().word(token, stemmed),
      told: model.escalation()?.word(token, stemmed),
    };
  }

  /**
   * What a story needs by the escalation classifier: a person (for several problems or by wish) when it finds that
   * likely enough, else none; and how likely it finds that the story needs none.
   */
  private toldNeed(model: LanguageModel, words: readonly Word[]): Told {
    const scores = model.escalation()?.classifyWords(words.map(TOLD_OF));
    if (!scores || scores.length === 0) return UNTOLD;
    const p = (id: EscalationClass) => scores.find((s) => s.id === id)?.score ?? 0;
    const plain = p('none');
    if (1 - plain < TOLD_SURE) return { need: 'none', plain };
    return { need: p('person') > p('complex') ? 'person' : 'complex', plain };
  }

  /** Whether a control topic other than out-of-scope (privacy, small talk, a person) weighs more than every service topic. */
  private controlOutweighs(topicScores: ReadonlyMap<string, number>, bestService: number): boolean {
    for (const [id, s] of topicScores) if (!this.serviceTopics.has(id) && id !== 'out-of-scope' && s >= MIN_TOPIC && s > bestService) return true;
    return false;
  }

  /** The strongest service topic's raw score, leaving out some topics. */
  /**
   * The topic classifier's reading of a message. In a volunteer's message it reads the words besides the role's
   * ("ich bin ehrenamtlich, der Vater sucht Arbeit": the father's job), unless they say nothing it knows ("welche Aufgaben
   * habe ich als Ehrenamtliche?" is about volunteering itself).
   */
  private classify(model: LanguageModel, words: readonly Word[], onBehalf: boolean): Array<{ id: string; score: number }> {
    const classifier = model.classifier();
    if (onBehalf) {
      const need = classifier.classifyWords(words.filter((w) => !model.roleStems.has(w.stem)).map(LEARNED_OF), LEARNED_TOP);
      if (need[0] && need[0].id !== 'out-of-scope' && need[0].score >= LEARNED_MIN) return need;
    }
    return classifier.classifyWords(words.map(LEARNED_OF), LEARNED_TOP);
  }

  private bestService(topicScores: ReadonlyMap<string, number>, except?: ReadonlySet<string>): number {
    let best = 0;
    for (const [id, s] of topicScores) if (this.serviceTopics.has(id) && s > best && !except?.has(id)) best = s;
    return best;
  }

  /**
   * Entries for the top three service topics and the full-text hits, in the town when one is known:
   * a topic's main entries first, local ones slightly ahead, at most eight.
   */
  private rankEntries(
    ranked: ReadonlyArray<{ id: string; score: number }>,
    hits: ReadonlyArray<{ id: string; score: number }>,
    municipality: string | undefined,
    named: readonly string[],
  ): Array<{ id: string; score: number }> {
    const maxHit = hits[0]?.score ?? 1;
    const top: string[] = [];
    const weights: number[] = [];
    for (const t of ranked) {
      if (!this.serviceTopics.has(t.id)) continue;
      weights.push(t.score * (1 - 0.15 * top.length));
      if (top.push(t.id) === 3) break;
    }
    const ranking = ++this.rankings;
    const entries: Array<{ id: string; score: number }> = [];
    const consider = (candidate: Candidate | undefined, hit: number) => {
      if (!candidate || candidate.ranking === ranking) return;
      candidate.ranking = ranking;
      const e = candidate.entry;
      if (!appliesTo(e, municipality)) return;
      let topic = 0;
      for (let i = 0; i < e.topics.length; i++) {
        const at = top.indexOf(e.topics[i]!);
        if (at >= 0) topic = Math.max(topic, weights[at]! * (i === 0 ? 1 : 0.8));
      }
      const local = municipality && e.area.scope === 'municipalities' ? 0.1 : 0;
      const own = named.includes(e.id) ? NAMED : 0;
      // Without a recognised topic, only a strong full-text hit or the entry's own keyword names an entry.
      const score = round(topic > 0 ? topic + 0.3 * hit + local + own : top.length === 0 && (hit >= 0.8 || own > 0) ? 0.3 * hit + own : 0);
      if (score >= 0.15) entries.push({ id: e.id, score });
    };
    // Only entries named, found by full text or of the top topics can score.
    for (const id of named) consider(this.entryById.get(id), (hits.find((h) => h.id === id)?.score ?? 0) / maxHit);
    for (const h of hits) consider(this.entryById.get(h.id), h.score / maxHit);
    for (const topic of top) for (const candidate of this.entriesByTopic.get(topic) ?? []) consider(candidate, 0);
    entries.sort((a, b) => b.score - a.score);
    entries.length = Math.min(entries.length, 8);
    return entries;
  }
}

/** An entry as a candidate answer; `ranking` marks the ranking that last looked at it. */
interface Candidate {
  readonly entry: ServiceEntry;
  ranking: number;
}

/** The ranked topics with `id` first; unchanged when it is not among them. */
function toFront(ranked: ReadonlyArray<{ id: string; score: number }>, id: string): Array<{ id: string; score: number }> {
  const found = ranked.find((t) => t.id === id);
  return found ? [found, ...ranked.filter((t) => t !== found)] : [...ranked];
}

/**
 * A typed request to switch the language ("auf Arabisch bitte", "English", "по-українськи"): a language named right
 * next to a switch word, or alone in a short message. A language named further from one is something told ("my wife
 * speaks only Turkish", "a Polish family in Kerken"), and German named in a question about language courses is the
 * language to learn ("a German course"): no switch.
 */
function languageRequest(tokens: readonly string[], words: readonly Word[], model: LanguageModel, serviceTopic: string | undefined): { languageRequest?: Language; languageOnly?: true; languageMenu?: true } {
  // The first language named, by one word or two ("по українськи"), and where its name begins and ends.
  let named: Language | undefined;
  let from = 0;
  let to = 0;
  for (let i = 0; i < words.length; i++) {
    const pair = !words[i]!.names && words[i]!.nameStart && i + 1 < tokens.length ? model.names.get(`${tokens[i]} ${tokens[i + 1]}`) : undefined;
    named = words[i]!.names ?? pair;
    if (!named) continue;
    [from, to] = [i, pair ? i + 1 : i];
    break;
  }
  // "I don't speak German", "ich spreche kein Deutsch", "almanca bilmiyorum": a language named next to a negation is not asked for.
  if (named && negated(tokens, from, to, model.negations)) return {};
  // "change language", "сменить язык", "تغيير اللغة": only words of switching, no language named: the menu.
  if (!named && tokens.length >= 2 && tokens.length <= 4 && words.some((w) => w.switchWord) && tokens.every((t, i) => words[i]!.switchWord || model.stopwords.has(t))) {
    return { languageMenu: true };
  }
  // Only the name with words of switching ("kannst du Deutsch sprechen?", "bitte auf Deutsch") is a request also then.
  const onlySwitching = tokens.every((t, i) => (i >= from && i <= to) || words[i]!.switchWord || model.stopwords.has(t));
  if (!named || (named === 'de' && serviceTopic?.startsWith('language-course') && !onlySwitching)) return {};
  // "ein Dolmetscher für den Arzttermin, Arabisch": the interpreter's language, no switch.
  if (serviceTopic === 'interpreting' && !onlySwitching) return {};
  const switching = tokens.length <= 3 || Boolean(words[from - 1]?.switchWord || words[to + 1]?.switchWord);
  if (!switching) return {};
  return onlySwitching ? { languageRequest: named, languageOnly: true } : { languageRequest: named };
}

/** Extra weight of the topics named in the question of a longer message. */
const QUESTION = 0.2;
const SENTENCE_END = /(?<=[.!?؟;\n])\s*/u;

/** Where a sentence or clause ends: a sentence of despair may be followed by more ("ich kann nicht mehr, alles ist zu viel"). */
const CLAUSE_END = /[.!?;,:؟،؛\n]+/u;

/** The question sentences of a message of several sentences, when they are not the whole message. */
function questionOf(text: string): string | undefined {
  if (!text.includes('?') && !text.includes('؟')) return undefined;
  const sentences = text.split(SENTENCE_END).filter((s) => s.trim().length > 0);
  if (sentences.length < 2) return undefined;
  const questions = sentences.filter((s) => /[?؟]\s*$/u.test(s));
  return questions.length > 0 && questions.length < sentences.length ? questions.join(' ') : undefined;
}

/** Adds a matcher's label scores to a running total, optionally only for some labels. */
function add(target: Map<string, number>, scores: readonly LabelScore[], factor: number, only?: ReadonlySet<string>): void {
  for (const { label, score } of scores) if (!only || only.has(label)) target.set(label, (target.get(label) ?? 0) + score * factor);
}

const ON_BEHALF = 'onBehalf';
const EU_CITIZEN = 'euCitizen';
/** Words of a problem in a life area ("gekündigt", "Mahnung"): counted, not a cue of their own. */
const TROUBLE = 'trouble';
const LATER = 'later';
const TONIGHT = 'tonight';
const HARMLESS = 'harmless';
const DELETE_DATA = 'deleteData';
const WITHDRAW = 'withdraw';

/** A volunteer's message without the words that name the role ("ehrenamtlich", "volunteer"); the same array when it has none. */
function withoutRole(words: readonly Word[], model: LanguageModel): readonly Word[] {
  if (model.volunteerStems.size === 0 || !words.some((w) => model.volunteerStems.has(w.stem))) return words;
  return words.filter((w) => !model.volunteerStems.has(w.stem));
}

/** Whether a cue (a wish to act for a family, to delete one's data) is met by the message. */
function has(scores: readonly LabelScore[], label: string): boolean {
  for (const s of scores) if (s.label === label && s.score >= 0.5) return true;
  return false;
}

const NO_WORDS: readonly string[] = [];
const CRISIS_LABEL = Object.fromEntries(CRISIS_KINDS.map((k) => [k, `crisis.${k}`])) as Record<CrisisKind, string>;

function latinWords(tokens: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (const t of tokens) if (LATIN_WORD.test(t)) (out ??= []).push(t);
  return out ?? NO_WORDS;
}

function isCue(label: string): boolean {
  return label.startsWith('crisis.') || label === 'person' || label === 'complex';
}

/** Cue terms without the bare numbers: a number alone (112, 110) is a question about the number, not a crisis. */
function withoutNumbers(terms: readonly string[]): string[] {
  return terms.filter((t) => !/^[\d\s]+$/.test(t));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function buildModel(lang: Language, lexicons: Lexicons, examples: readonly Example[], escalation: readonly Example[]): LanguageModel {
  const lexicon = lexicons[lang];
  const stop = new Set(lexicon.stopwords.map(normalise));
  // Words of example phrases count only when they say something about few topics.
  const phraseWords = new Map(
    Object.entries(lexicon.topics).map(([topic, t]) => {
      const words = new Set(t.phrases.flatMap((p) => tokenize(normalise(p)).filter((w) => !stop.has(w) && w.length > 2)));
      return [topic, [...words].map((word) => ({ word, stem: stem(word, lang) }))];
    }),
  );
  const spread = new Map<string, number>();
  for (const words of phraseWords.values()) for (const w of words) spread.set(w.stem, (spread.get(w.stem) ?? 0) + 1);
  // A word that is another topic's keyword says that topic ("Asylverfahren" in an example phrase about work).
  const keywordOf = new Map<string, Set<string>>();
  for (const [topic, t] of Object.entries(lexicon.topics)) {
    for (const k of t.keywords) {
      const words = tokenize(normalise(k));
      if (words.length !== 1) continue;
      const s = stem(words[0]!, lang);
      keywordOf.set(s, (keywordOf.get(s) ?? new Set<string>()).add(topic));
    }
  }
  const ownedElsewhere = (stemmed: string, topic: string) => {
    const owners = keywordOf.get(stemmed);
    return owners !== undefined && (owners.size > 1 || !owners.has(topic));
  };
  const topicSources: TermSource[] = Object.entries(lexicon.topics).flatMap(([topic, t]) => [
    { label: topic, terms: t.keywords, weight: KEYWORD },
    {
      label: topic,
      terms: phraseWords
        .get(topic)!
        .filter((w) => spread.get(w.stem)! <= MAX_SPREAD && !ownedElsewhere(w.stem, topic))
        .map((w) => w.word),
      weight: PHRASE,
    },
  ]);
  // Thanks and leave-taking are small talk: their words name that topic too.
  topicSources.push({ label: 'smalltalk', terms: [...lexicon.thanks, ...lexicon.farewell], weight: KEYWORD });
  const crisisSources: TermSource[] = CRISIS_KINDS.map((k) => ({ label: `crisis.${k}`, terms: withoutNumbers(lexicon.crisis[k]), weight: 1 }));
  const cueSources: TermSource[] = [...crisisSources, { label: 'person', terms: lexicon.person, weight: 1 }, { label: 'complex', terms: lexicon.complex, weight: 1 }];
  // Each problem word counts once ("Kündigung" twice is one problem); whole phrases only, since "nicht bezahlt" is no "bezahlt".
  const troubleSource: TermSource = { label: TROUBLE, terms: lexicon.trouble, weight: 1, counted: true };
  const timingSources: TermSource[] = [
    { label: LATER, terms: lexicon.later, weight: 1 },
    { label: TONIGHT, terms: lexicon.tonight, weight: 1 },
  ];
  const harmlessSource: TermSource = { label: HARMLESS, terms: lexicon.harmless, weight: 1 };
  const actionSources: TermSource[] = [
    { label: ON_BEHALF, terms: lexicon.onBehalf, weight: 1 },
    { label: EU_CITIZEN, terms: lexicon.euCitizen, weight: 1 },
    { label: DELETE_DATA, terms: lexicon.deleteData, weight: 1, anyOrder: true },
    { label: WITHDRAW, terms: lexicon.withdraw, weight: 1, anyOrder: true },
  ];

  const translit = lexicon.translit
    ? new TermMatcher(
        lang,
        Object.entries(lexicon.translit.topics).map(([key, terms]) => ({ label: key, terms: isCue(key) ? withoutNumbers(terms) : terms, weight: KEYWORD })),
      )
    : undefined;
  const topics = new TermMatcher(lang, topicSources, { stopwords: stop });
  const roleStems = new Set(lexicon.onBehalf.flatMap((term) => tokenize(normalise(term)).filter((w) => !stop.has(w)).map((w) => stem(w, lang))));
  const communityWords = new Set(
    (lexicon.topics[COMMUNITY]?.keywords ?? []).flatMap((term) => {
      const content = tokenize(normalise(term)).filter((w) => !stop.has(w));
      return content.length === 1 ? [stem(content[0]!, lang)] : [];
    }),
  );
  // Content words of cue phrases, kept where they are distinctive: long enough and not topic vocabulary.
  const contentSources = cueSources.map((source) => ({
    ...source,
    terms: source.terms.filter((term) => {
      const words = tokenize(normalise(term));
      const content = words.filter((w) => !stop.has(w));
      // At least one distinctive word: long enough, not a number, not topic vocabulary. A phrase left with one word
      // needs a longer one to be a crisis: "pushed" of "pushed me down" is also "pushing me into cleaning jobs".
      const long = content.length === 1 && words.length > 1 && source.label.startsWith('crisis.') ? 8 : 6;
      const distinctive = content.filter((w) => w.length >= long && !/^\d+$/.test(w) && !topics.knows(stem(w, lang)));
      return content.length >= 2 ? distinctive.length >= 1 || content.every((w) => w.length >= 4) : distinctive.length === 1;
    }),
  }));
  return {
    topics,
    negations: lexicon.negation.map((n) => tokenize(normalise(n)).join(' ')),
    roleStems,
    volunteerStems: new Set([...roleStems].filter((s) => communityWords.has(s))),
    cueContent: new TermMatcher(lang, contentSources, { ...CUE_TOLERANCE, stopwords: stop, anyOrder: true }),
    cues: new TermMatcher(lang, [...cueSources, troubleSource, harmlessSource, ...actionSources, ...timingSources], CUE_TOLERANCE),
    actions: new TermMatcher(lang, actionSources, CUE_TOLERANCE),
    ...(translit ? { translit } : {}),
    names: new Map(
      (Object.entries(lexicon.languageNames) as Array<[Language, string[]]>).flatMap(([l, names]) =>
        names.map((n): [string, Language] => [tokenize(normalise(n)).join(' '), l]),
      ),
    ),
    nameStarts: new Set(
      Object.values(lexicon.languageNames)
        .flat()
        .map((n) => tokenize(normalise(n)))
        .filter((words) => words.length === 2)
        .map((words) => words[0]!),
    ),
    switchWords: new Set(lexicon.switchWords.map(normalise)),
    stopwords: stop,
    words: new Map(),
    classifier: once(() => new TopicClassifier(lang, [...examples, ...Object.entries(lexicon.topics).flatMap(([topic, t]) => [...t.phrases, ...t.keywords].map((text) => ({ topic, text })))], stop)),
    escalation: once(() => (escalation.length > 0 ? new TopicClassifier(lang, escalationExamples(escalation, lexicon, examples), NO_STOPWORDS) : undefined)),
  };
}

/**
 * What the escalation classifier learns from: the example messages, the lexicon's person and complex cues, and one in
 * `PLAIN_SHARE` of the topic example questions as plain single needs (none), so that asking plainly is no story; chosen
 * by a hash of their text, so that adding a question elsewhere does not change the others' share.
 */
function escalationExamples(escalation: readonly Example[], lexicon: Lexicons[Language], questions: readonly Example[]): Example[] {
  const as = (topic: EscalationClass) => (text: string): Example => ({ topic, text });
  return [
    ...escalation,
    ...lexicon.person.map(as('person')),
    ...lexicon.complex.map(as('complex')),
    ...questions.filter((q) => textHash(q.text) % PLAIN_SHARE === 0).map((q) => as('none')(q.text)),
  ];
}

/** FNV-1a of a text: picks the same questions whatever else a file gains or loses. */
function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A value made on first use and kept. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** One document per service topic: its keywords and phrases and the texts of its entries, in one language. */
function buildTopicSearch(lang: Language, kb: KnowledgeBase, lexicons: Lexicons): MiniSearch<{ id: string; text: string }> {
  const stop = new Set(lexicons[lang].stopwords.map(normalise));
  const index = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    processTerm: (term) => {
      const n = normalise(term);
      return n.length < 3 || stop.has(n) ? null : stem(n, lang);
    },
    // Queries arrive normalised and stemmed (see queryTerms): searched as exact terms (TermMemoSearch).
  });
  const docs = kb.taxonomy.topics
    .filter((t) => t.kind === 'service')
    .map((topic) => {
      const lexicon = lexicons[lang].topics[topic.id];
      const entries = kb.services.filter((e) => e.topics[0] === topic.id).map((e) => e.texts[lang] ?? e.texts.de!);
      const text = [
        ...(lexicon?.keywords ?? []),
        ...(lexicon?.phrases ?? []),
        ...entries.flatMap((t) => [t.title, t.summary, ...t.steps]),
      ].join(' ');
      return { id: topic.id, text };
    });
  index.addAll(docs);
  return index;
}

/** The entries' own keywords in one language, and the German ones (people quote them as loanwords). */
function entryNameSources(kb: KnowledgeBase, lang: Language): TermSource[] {
  return kb.services.flatMap((e) => {
    const terms = [...(e.texts[lang]?.keywords ?? []), ...(lang === 'de' ? [] : (e.texts.de?.keywords ?? []))];
    return terms.length > 0 ? [{ label: e.id, terms, weight: 1 }] : [];
  });
}

/** The message as a full-text query: its normalised, stemmed words of three letters or more. */
function queryTerms(tokens: readonly string[], words: readonly Word[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) if (tokens[i]!.length >= 3) out.push(words[i]!.stem);
  return out;
}

/**
 * Crisis phrases of all languages, also as typed in Latin letters (Arabizi, Finglish, translit), that are safe outside their own language: several words, or one
 * long word ("die" alone is an English verb and a German article). Bare numbers never count.
 */
function crossCrisisSources(lexicons: Lexicons): TermSource[] {
  return CRISIS_KINDS.map((k) => ({
    label: `crisis.${k}`,
    weight: 1,
    terms: LANGUAGES.flatMap((lang) =>
      [...lexicons[lang].crisis[k], ...(lexicons[lang].translit?.topics[`crisis.${k}`] ?? [])].filter((t) => {
        const words = tokenize(normalise(t));
        return !/^[\d\s]+$/.test(t) && (words.length >= 2 || (words[0]?.length ?? 0) >= 7);
      }),
    ),
  }));
}

/** Whether a negation phrase stands within three words before or after the words `from`–`to` (a language's name). */
function negated(tokens: readonly string[], from: number, to: number, negations: readonly string[]): boolean {
  const around = [tokens.slice(Math.max(0, from - 3), from), tokens.slice(to + 1, to + 4)].map((side) => ` ${side.join(' ')} `);
  return negations.some((n) => around.some((side) => side.includes(` ${n} `)));
}

/** Whether a negation phrase stands within the three words before the word at `at` ("keine Duldung", "не по телефону"). */
function negatedBefore(words: readonly string[], at: number, negations: readonly string[]): boolean {
  if (at <= 0) return false;
  const before = ` ${words.slice(Math.max(0, at - 3), at).join(' ')} `;
  return negations.some((n) => before.includes(` ${n} `));
}

/** Arabic-script "and" written onto the next word: "والسوسيال" (and the social office), "والمدرسة". */
const ARABIC_AND = /^و(?=[\u0600-\u06FF]{3})/u;

/** Whether every word of `phrase` begins some word of `words` ("anerkann" begins "anerkannt"). */
function hasWordBeginnings(words: readonly string[], phrase: readonly string[]): boolean {
  return phrase.every((p) => words.some((w) => w.startsWith(p)));
}

/** A short answer as compared: normalised, punctuation and emoji dropped. */
function replyKey(text: string): string {
  return normalise(text).replace(/[^\p{L}\p{N}\s]+/gu, ' ').replace(/\s+/g, ' ').trim();
}
