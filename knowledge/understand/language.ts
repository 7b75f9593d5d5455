import { detectAll } from 'tinyld/heavy';
import type { Language } from '../schema.js';
import type { Lexicons } from '../lexicon.js';
import { normalise, tokenize } from './text.js';

type Script = 'arabic' | 'cyrillic' | 'latin' | 'other';

const CANDIDATES: Record<Script, Language[]> = {
  arabic: ['ar', 'fa'],
  cyrillic: ['uk', 'ru', 'bg'],
  latin: ['de', 'en', 'tr', 'pl', 'ro'],
  other: [],
};

/** E-mail addresses and links. */
const ADDRESSES = /[^\s@]+@[^\s@]+\.[^\s@]+|https?:\/\/\S+|www\.\S+/giu;

/** Below this accuracy tinyld cannot place a text in any language (keyboard mashing, names). */
const TINYLD_UNSURE = 0.5;

/** From this many letters on, tinyld's vote counts fully. */
const TINYLD_FULL = 40;

/** Letters that belong to one language of a script (before normalisation). */
const LETTER_CUES: Array<[RegExp, Language, number]> = [
  [/[іїєґ]/giu, 'uk', 3],
  [/[ыэё]/giu, 'ru', 3],
  [/[پژ]/gu, 'fa', 2],
  // Iraqi and Gulf Arabic write چ and گ too ("احچي", "گلت"): between the letters Arabic never uses and the keyboard variants.
  [/[چگ]/gu, 'fa', 1.5],
  // Keyboards differ: Persian ones type ی and ک, Arabic ones ي and ك.
  [/[\u06CC\u06A9]/gu, 'fa', 1],
  [/[\u064A\u0643]/gu, 'ar', 1],
  [/[ىة]/gu, 'ar', 1.5],
  // The Arabic article at the start of a word; the Persian verb prefix and plural suffix.
  [/(^|\s)ال/gu, 'ar', 0.7],
  [/(^|\s)ن?می|ها(\s|$)/gu, 'fa', 0.7],
  [/\p{L}['’]\p{L}/gu, 'uk', 0.5],
  [/[ğı]/gu, 'tr', 2],
  [/[şç]/gu, 'tr', 0.7],
  [/[ąęłńśźż]/giu, 'pl', 2],
  [/[ăâîșțţ]/giu, 'ro', 1.5],
  [/[äß]/giu, 'de', 1.5],
  [/[öü]/giu, 'de', 0.4],
  [/[öü]/giu, 'tr', 0.4],
];

export interface LanguageGuess {
  language: Language;
  /** True when the text itself decided; false when it was too short and the conversation's language was kept. */
  confident: boolean;
  /** True for Arabic or Persian written in Latin letters (Arabizi, Finglish). */
  transliterated: boolean;
  /** The message is a greeting, thanks or goodbye of this language only. */
  greeting?: boolean;
}

/**
 * Detects the language of a message among the ten supported.
 * @remarks Script first (Arabic, Cyrillic, Latin), then letters unique to one language,
 * then tinyld restricted to the script's candidates, then stop-word and marker counts from
 * the lexicons. Very short messages keep the conversation's language unless a cue is decisive.
 */
export class LanguageDetector {
  private readonly stopwords = new Map<Language, Set<string>>();
  private readonly markers = new Map<Language, Set<string>>();
  /** Per language, the words of its transliteration's topic terms ("kurs almani", "jobcenter"). */
  private readonly translitWords = new Map<Language, Set<string>>();
  /** Greetings, thanks and goodbyes in Latin letters, with the one language whose lexicon has them (null: several). */
  private readonly courtesy = new Map<string, Language | null>();
  /** The words of every lexicon's terms (topics, cues), any language: a message with none of them is no language's. */
  private readonly words = new Set<string>();
  /** The words of the German lexicon's terms: loanwords in every language ("Jobcenter", "Termin", "Integrationskurs"). */
  private readonly germanWords = new Set<string>();

  /** The stop words of every language, normalised. */
  private readonly functionWords: ReadonlySet<string>;

  /** Words of place names (normalised, three letters or more, no stop words): names are written alike in every language ("Düsseldorf"). */
  private readonly names: ReadonlySet<string>;

  /** @param names place names people type (the district's towns, towns elsewhere): left out when telling the language */
  constructor(lexicons: Lexicons, names: readonly string[] = []) {
    this.functionWords = new Set(Object.values(lexicons).flatMap((l) => l.stopwords.map(normalise)));
    // A name's function words ("an der", "am") are words of a language.
    this.names = new Set(names.flatMap((n) => tokenize(normalise(n))).filter((w) => w.length >= 3 && !this.functionWords.has(w)));
    for (const [lang, lexicon] of Object.entries(lexicons) as Array<[Language, Lexicons[Language]]>) {
      this.stopwords.set(lang, new Set(lexicon.stopwords.map(normalise)));
      if (lexicon.translit) this.markers.set(lang, new Set(lexicon.translit.markers.map(normalise)));
      if (lexicon.translit) this.translitWords.set(lang, new Set(Object.values(lexicon.translit.topics).flatMap((terms) => terms.flatMap((t) => tokenize(normalise(t))))));
      const terms = [...Object.values(lexicon.topics).flatMap((t) => [...t.keywords, ...t.phrases]), ...Object.values(lexicon.crisis).flat(), ...lexicon.person, ...lexicon.trouble];
      for (const term of terms) {
        for (const word of tokenize(normalise(term))) {
          this.words.add(word);
          if (lang === 'de') this.germanWords.add(word);
        }
      }
      for (const term of [...(lexicon.topics['smalltalk']?.keywords ?? []), ...lexicon.thanks, ...lexicon.farewell]) {
        if (dominantScript(term) !== 'latin') continue;
        const key = tokenize(normalise(term)).join(' ');
        const known = this.courtesy.get(key);
        this.courtesy.set(key, known === undefined || known === lang ? lang : null);
      }
    }
  }

  /**
   * Whether a normalised word is a word of the lexicons (a topic, crisis, person or trouble term, or a stop word):
   * an everyday word, which no town's name is misspelt as ("Eltern" is no Elten).
   */
  knowsWord(token: string): boolean {
    return this.words.has(token) || this.functionWords.has(token);
  }

  /** Whether a normalised word is (part of) a place name: names tell no language. */
  isName(token: string): boolean {
    return this.names.has(token);
  }

  /**
   * @param tokens the text's normalised tokens, when the caller has them already (they are computed once per message)
   */
  detect(raw: string, conversationLanguage?: Language, tokens?: readonly string[]): LanguageGuess {
    // An e-mail address or a link is written in no language ("helga.m@web.de" is no Turkish).
    const repaired = repairMojibake(raw);
    let text = repaired.replace(ADDRESSES, ' ');
    // "I live in Düsseldorf" is English: a place name's letters say nothing of the writer's language.
    const unnamed = this.names.size > 0 ? text.replace(/[\p{L}\p{M}]+/gu, (w) => (this.names.has(normalise(w)) ? ' ' : w)) : text;
    if (unnamed !== text && /\p{L}/u.test(unnamed)) text = unnamed;
    if (text !== repaired) tokens = undefined;
    const script = dominantScript(text);
    const candidates = CANDIDATES[script];
    const fallback = conversationLanguage ?? 'de';
    if (candidates.length === 0) return { language: fallback, confident: false, transliterated: false };

    tokens ??= tokenize(normalise(text));
    const scores = new Map<Language, number>(candidates.map((l) => [l, 0]));
    let cueStrength = 0;
    for (const [pattern, lang, weight] of LETTER_CUES) {
      if (!scores.has(lang)) continue;
      const hits = text.match(pattern)?.length ?? 0;
      if (hits > 0) {
        scores.set(lang, scores.get(lang)! + weight * Math.min(hits, 3));
        cueStrength = Math.max(cueStrength, weight);
      }
    }
    for (const lang of candidates) {
      const stop = this.stopwords.get(lang);
      if (!stop) continue;
      let hits = 0;
      for (const t of tokens) if (stop.has(t)) hits++;
      scores.set(lang, scores.get(lang)! + 0.6 * hits);
    }
    const letters = text.replace(/[^\p{L}]/gu, '').length;
    // tinyld is the costly step: skip it when letters and stop words already decide clearly.
    const [first, next] = [...scores.values()].sort((a, b) => b - a);
    const decided = (first ?? 0) - (next ?? 0) >= 3;
    let tinyldSure = 0;
    if (letters >= 4 && !decided) {
      // On a short text tinyld's vote rests on a word or two ("Sprachcafé" reads as English): three function words outweigh it.
      const weight = 2 * Math.min(1, letters / TINYLD_FULL);
      for (const { lang, accuracy } of detectAll(text, { only: candidates })) {
        tinyldSure = Math.max(tinyldSure, accuracy);
        if (scores.has(lang as Language)) scores.set(lang as Language, scores.get(lang as Language)! + weight * accuracy);
      }
    }

    // Arabizi / Finglish: Latin letters, but the words are Arabic or Persian.
    if (script === 'latin') {
      const translit = this.transliteration(tokens);
      // A German word with umlauts quoted in a Finglish message must not outvote four Persian words.
      // In a long message a quarter is a lot to ask: five different markers say it as well.
      const share = translit ? translit.hits / tokens.length : 0;
      const latinConversation = conversationLanguage !== undefined && CANDIDATES.latin.includes(conversationLanguage);
      if (translit && translit.hits >= 2 && (share >= 0.25 || (translit.distinct >= 5 && share >= 0.15)) && (cueStrength < 1.5 || translit.hits >= 4)) {
        return { language: translit.language, confident: true, transliterated: true };
      }
      // A greeting or thanks of one or two words, each a marker of one language only ("zdraveite", "blagodarya").
      // In a conversation in Latin letters such a word is mostly that language's own ("tamam" in Turkish is no Arabizi).
      if (translit && !translit.tied && translit.hits === tokens.length && tokens.length <= 2 && cueStrength < 1.5 && !latinConversation) {
        return { language: translit.language, confident: true, transliterated: true };
      }
      // A marker and every other word a term of that transliteration ("bdi kurs almani", "mikham kelas almani").
      if (translit && !translit.tied && cueStrength < 1.5 && !latinConversation && this.markersWithTerms(tokens, translit.language)) {
        return { language: translit.language, confident: true, transliterated: true };
      }
      // A first message that is a greeting, thanks or goodbye of one language only, typed without its letters' accents
      // ("buna ziua", "dzien dobry", "tesekkurler"): too short for tinyld, and the language it greets in is the answer.
      const greeting = conversationLanguage ? undefined : this.courtesy.get(tokens.join(' '));
      if (greeting) return { language: greeting, confident: true, transliterated: false, greeting: true };
    }

    // In a conversation, German loanwords and names without a function word of any language ("Jobcenter Termin",
    // "Integrationskurs Goch") are no switch to German, nor to the language tinyld guesses for them; nor is a message
    // without a word of any lexicon that tinyld cannot place either ("asdkjh qwe"; "szukam pracy" it places).
    // Single letters ("zzz" normalises to "z", a Polish preposition) say nothing here.
    const longer = tokens.filter((t) => t.length > 1);
    if (conversationLanguage && script === 'latin' && cueStrength === 0 && longer.length > 0 && !this.anyStopword(longer)) {
      const loanwords = longer.some((t) => this.germanWords.has(t)) && longer.every((t) => this.germanWords.has(t) || !this.words.has(t));
      const noLanguage = tinyldSure < TINYLD_UNSURE && longer.every((t) => !this.words.has(t));
      if (loanwords || noLanguage) return { language: conversationLanguage, confident: false, transliterated: false };
    }

    const ranked = [...scores].sort((a, b) => b[1] - a[1]);
    const [best, second] = ranked;
    const short = tokens.length <= 2 && letters < 14;
    if (conversationLanguage && candidates.includes(conversationLanguage)) {
      const current = scores.get(conversationLanguage)!;
      const margin = best![1] - current;
      if ((short && cueStrength < 2) || margin < 0.5) return { language: conversationLanguage, confident: !short, transliterated: false };
    }
    if (short && script === 'latin' && conversationLanguage && !candidates.includes(conversationLanguage) && best![1] - (second?.[1] ?? 0) < 1 && cueStrength < 2) {
      // A short Latin-script word in a Cyrillic or Arabic conversation: a loanword ("Kita"), not a switch.
      return { language: conversationLanguage, confident: false, transliterated: false };
    }
    return { language: best![0], confident: !short || cueStrength >= 2, transliterated: false };
  }

  private anyStopword(tokens: readonly string[]): boolean {
    for (const stop of this.stopwords.values()) for (const t of tokens) if (stop.has(t)) return true;
    return false;
  }

  /** Whether every token is a marker or a topic term of the language's transliteration, and not all are markers. */
  private markersWithTerms(tokens: readonly string[], lang: Language): boolean {
    const markers = this.markers.get(lang)!;
    const terms = this.translitWords.get(lang)!;
    return tokens.every((t) => markers.has(t) || terms.has(t)) && tokens.some((t) => !markers.has(t));
  }

  /** The language whose markers the tokens hit most. */
  private transliteration(tokens: readonly string[]): MarkerHits | undefined {
    let result: MarkerHits | undefined;
    for (const [lang, markers] of this.markers) {
      const found = new Set<string>();
      let hits = 0;
      for (const t of tokens) {
        if (!markers.has(t) && !(lang === 'ar' && /^[a-z]*[2375][a-z]+/.test(t))) continue;
        hits++;
        found.add(t);
      }
      if (hits > 0 && result && hits === result.hits) result = { ...result, tied: true };
      if (hits > 0 && (!result || hits > result.hits)) result = { language: lang, hits, distinct: found.size, tied: false };
    }
    return result;
  }
}

/** Marker words of one language's transliteration in a message: every marker token, and every marker once. */
interface MarkerHits {
  language: Language;
  hits: number;
  distinct: number;
  /** Another language's markers were hit as often. */
  tied: boolean;
}

/** Letters in brackets count this much: there people quote a term in another script ("ما هو (Pflegestützpunkt)؟"). */
const BRACKETED = 0.2;

/**
 * The script the text is written in: the one with most letters, except that two or more words in Arabic or
 * Cyrillic letters against at most twice as many Latin ones decide for that script. Newcomers quote German terms
 * ("Що таке Chancen-Aufenthaltsrecht?"); German and English writers hardly ever write Arabic or Cyrillic words.
 */
export function dominantScript(text: string): Script {
  const letters = { arabic: 0, cyrillic: 0, latin: 0 };
  const words = { arabic: 0, cyrillic: 0, latin: 0 };
  let depth = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b) depth++;
    else if ((c === 0x29 || c === 0x5d) && depth > 0) depth--;
    const script = scriptOf(c);
    if (!script) {
      inWord = false;
      continue;
    }
    letters[script] += depth > 0 ? BRACKETED : 1;
    if (!inWord && depth === 0) words[script]++;
    inWord = true;
  }
  for (const script of ['arabic', 'cyrillic'] as const) if (words[script] >= 2 && words[script] * 2 >= words.latin) return script;
  const max = Math.max(letters.arabic, letters.cyrillic, letters.latin);
  if (max === 0) return 'other';
  if (letters.arabic === max) return 'arabic';
  if (letters.cyrillic === max) return 'cyrillic';
  return 'latin';
}

function scriptOf(c: number): Exclude<Script, 'other'> | undefined {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) return 'latin';
  if (c >= 0x400 && c <= 0x52f) return 'cyrillic';
  if ((c >= 0x600 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f) || (c >= 0xfb50 && c <= 0xfeff)) return 'arabic';
  return undefined;
}

/**
 * Removes the traces of a broken encoding that copy-pasted text often carries: the replacement
 * character and its UTF-8 bytes read as Windows-1250 or -1252 ("ďż˝", "ï¿½"). Their letters would
 * otherwise vote for Polish or Czech.
 */
export function repairMojibake(text: string): string {
  return text.replace(/ďż˝|ï¿½|\uFFFD/g, '');
}
