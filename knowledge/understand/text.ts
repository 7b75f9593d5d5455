import { createRequire } from 'node:module';
import { StemmerDe } from '@nlpjs/lang-de';
import { StemmerAr } from '@nlpjs/lang-ar';
import { StemmerUk } from '@nlpjs/lang-uk';
import { StemmerRu } from '@nlpjs/lang-ru';
import { StemmerTr } from '@nlpjs/lang-tr';
import { StemmerPl } from '@nlpjs/lang-pl';
import { StemmerRo } from '@nlpjs/lang-ro';
import type { Language } from '../schema.js';

const require = createRequire(import.meta.url);
/** natural's Porter stemmer, imported alone: the package index pulls storage back-ends we do not want. */
const porter = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };

interface WordStemmer {
  stemWord(word: string): string;
}

const nlpjs: Partial<Record<Language, WordStemmer>> = {
  de: new StemmerDe() as WordStemmer,
  ar: new StemmerAr() as WordStemmer,
  uk: new StemmerUk() as WordStemmer,
  ru: new StemmerRu() as WordStemmer,
  tr: new StemmerTr() as WordStemmer,
  pl: new StemmerPl() as WordStemmer,
  ro: new StemmerRo() as WordStemmer,
};

/**
 * Apostrophes inside a word: Ukrainian writes them inside words (б'ють) and English in contractions
 * (don't), often left out on phones, so both join; Turkish separates suffixes from names (WBS'yi,
 * Kleve'de), so there the apostrophe splits.
 */
const CYRILLIC_APOSTROPHE = /(\p{Script=Cyrillic})['’ʼ`](?=\p{Script=Cyrillic})/gu;
const ENGLISH_CONTRACTION = /([a-z])['’`](?=(t|s|re|ll|ve|d|m)\b)/g;
const OTHER_APOSTROPHE = /(\p{L})['’ʼ`](?=\p{L})/gu;

function apostrophes(text: string): string {
  if (!/['’ʼ`]/.test(text)) return text;
  return text.replace(CYRILLIC_APOSTROPHE, '$1').replace(ENGLISH_CONTRACTION, '$1').replace(OTHER_APOSTROPHE, '$1 ');
}
const ARABIC_DIACRITICS = /[\u064B-\u065F\u0670\u0640]/g;
/** A letter typed three times or more is chat emphasis ("ktiiir", "pleeease", "مرحباااا"): one is kept. */
const ELONGATED = /(\p{L})\1{2,}/gu;
const ELONGATED_ASCII = /([a-z])\1{2,}/g;

/** Arabic-Indic and Persian digits as Latin ones, as people type numbers on Arabic and Persian keyboards ("٤٧٥٣٣", "۲۴"). */
export function latinDigits(text: string): string {
  return text.replace(/[٠-٩۰-۹]/gu, (c) => String((c.charCodeAt(0) - (c >= '۰' ? 0x6f0 : 0x660)) % 10));
}

/**
 * Normalises text for matching: Unicode NFKC, lower case (Turkish dotted/dotless i folded),
 * Arabic and Persian letter variants unified, diacritics on Latin letters removed
 * (phones often drop them: "szkola", "scoala", "okul kaydi"), letters repeated for emphasis reduced to one.
 */
export function normalise(text: string): string {
  // Fast path: plain ASCII needs only lower case (most Latin-script messages typed on phones).
  if (/^[\x00-\x7f]*$/.test(text)) return apostrophes(text.toLowerCase()).replace(ELONGATED_ASCII, '$1');
  let out = text.normalize('NFKC').replace(/İ/g, 'i').replace(/I/g, 'i').toLowerCase();
  if (/[\u0600-\u06ff]/.test(out)) {
    out = out
      .replace(ARABIC_DIACRITICS, '')
      .replace(/[أإآٱ]/g, 'ا')
      .replace(/ى/g, 'ي')
      .replace(/ة/g, 'ه')
      .replace(/ي/g, 'ی')
      .replace(/ك/g, 'ک')
      .replace(/ؤ/g, 'و')
      .replace(/ئ/g, 'ی');
  }
  out = apostrophes(out).replace(/\u200c/g, ' ').replace(/ß/g, 'ss').replace(/ı/g, 'i');
  if (/[\u00c0-\u024f]/.test(out)) out = out.normalize('NFD').replace(/(\p{Script=Latin})\p{M}+/gu, '$1').replace(/ł/g, 'l').normalize('NFC');
  return out.replace(ELONGATED, '$1');
}

/** Splits normalised text into word tokens (letters and digits, so "3ayez" and "b1" stay whole). */
export function tokenize(normalised: string): string[] {
  return normalised.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Persian has no stemmer in our stack: strip the common plural and possessive suffixes. */
function stemPersian(word: string): string {
  if (word.length <= 3) return word;
  return word.replace(/(هایمان|هایم|هایت|هایش|های|ها)$/u, '') || word;
}

const STEM_CACHE_LIMIT = 20_000;
/** One memo per language, so a look-up needs no composed key. */
const stemCaches = new Map<Language, Map<string, string>>();

/**
 * Stems one normalised token in a language; tokens in another script pass through unchanged.
 * @remarks Memoised: a message's words are stemmed by several matchers, and stemming is the costly step.
 */
export function stem(word: string, lang: Language): string {
  if (word.length <= 2) return word;
  let cache = stemCaches.get(lang);
  if (!cache) stemCaches.set(lang, (cache = new Map()));
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
  const stemmed = stemUncached(word, lang);
  // A stemmer that cuts a longer word to two letters makes it one of the language's short words ("боюся", I fear, became
  // "бо", because): such a word keeps its first three letters.
  const result = stemmed.length < 3 && word.length >= 5 ? word.slice(0, 3) : stemmed;
  cache.set(word, result);
  return result;
}

function stemUncached(word: string, lang: Language): string {
  if (lang === 'fa') return /\p{Script=Arabic}/u.test(word) ? stemPersian(word) : word;
  if (lang === 'en') return /^[a-z]+$/.test(word) ? porter.stem(word) : word;
  if (lang === 'bg') return stemBulgarian(word);
  const stemmer = nlpjs[lang];
  if (!stemmer) return word;
  try {
    // The Arabic stemmer knows the Arabic letters; normalise() unified them to the Persian forms.
    if (lang === 'ar') {
      const bare = stripArabicArticle(word);
      return (stemmer.stemWord(bare.replace(/ی/g, 'ي').replace(/ک/g, 'ك')) || bare).replace(/ي/g, 'ی').replace(/ك/g, 'ک');
    }
    return stemmer.stemWord(word) || word;
  } catch {
    return word;
  }
}

/**
 * Bulgarian endings, longest first, each with the shortest stem it may leave: articles and plurals, then single vowels.
 * @remarks A final vowel or a short article (-та, -то, -те) goes only where at least five letters remain: in shorter
 * words it tells words apart ("правя" I do, "право" a right) or belongs to the stem ("работа" is no "рабо" + "та").
 */
const BULGARIAN_ENDINGS: Array<[string, number]> = [
  ['ията', 2], ['ият', 2], ['ите', 2], ['ето', 2], ['ата', 2], ['ове', 2], ['еве', 2], ['ища', 2], ['ът', 2],
  ['та', 5], ['те', 5], ['то', 5], ['ия', 5], ['а', 5], ['я', 5], ['и', 5], ['о', 5], ['е', 5],
];

/**
 * The Arabic article with the conjunctions and prepositions written onto it ("المدرسة", "والمدرسة", "للأطفال"):
 * the stemmer strips a bare ال but then keeps the ending it strips from the bare word ("مدرسه" against "مدرس"),
 * so the definite and the indefinite form are made alike first.
 */
function stripArabicArticle(word: string): string {
  const m = /^(?:[وف]?[بک]?ال|[وف]?لل)/u.exec(word);
  return m && word.length - m[0].length >= 3 ? word.slice(m[0].length) : word;
}

/** A light Bulgarian suffix stripper (no stemmer in our stack): articles and plural endings. */
function stemBulgarian(word: string): string {
  if (!/\p{Script=Cyrillic}/u.test(word) || word.length <= 4) return word;
  for (const [ending, minStem] of BULGARIAN_ENDINGS) {
    if (word.endsWith(ending) && word.length - ending.length >= minStem) return word.slice(0, word.length - ending.length);
  }
  return word;
}

/** Normalise, tokenise and stem, dropping stop words. */
export function stems(text: string, lang: Language, stopwords?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const token of tokenize(normalise(text))) {
    if (stopwords?.has(token)) continue;
    out.push(stem(token, lang));
  }
  return out;
}

/** Cyrillic letters as German spelling renders their sound (Ukrainian и and і alike, Bulgarian ъ as in "център"). */
const CYRILLIC_TO_GERMAN: Record<string, string> = {
  а: 'a', б: 'b', в: 'w', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'o', є: 'e', ж: 'sch', з: 's', и: 'i', і: 'i', ї: 'i', й: 'j',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'z', ч: 'tsch',
  ш: 'sch', щ: 'schtsch', ъ: 'e', ы: 'i', ь: '', э: 'e', ю: 'u', я: 'a',
};
const CYRILLIC_WORD = /^[\u0400-\u04ff]+$/;

/**
 * A German loanword written in Cyrillic letters, spelt back the German way: "айнбюргерунг" → "einburgerung",
 * "бляйберехт" → "bleibereht", "киндергельд" → "kindergeld". Undefined for words not in Cyrillic.
 * @remarks Approximate by design: the German matcher's one-edit tolerance absorbs what the sound mapping misses
 * ("ауслендербехорде" → "auslenderbehorde"). German diphthongs come first: ай/яй → ei, ой → eu, дж → j, х → h (as in "Behörde"; "recht" is then one letter off),
 * шт/шп at the start → st/sp; ю and я at the start of a word keep their j.
 */
export function germanSpelling(word: string): string | undefined {
  if (!CYRILLIC_WORD.test(word)) return undefined;
  let w = word.replace(/[ая]й/g, 'ei').replace(/ой/g, 'eu').replace(/дж/g, 'j').replace(/^ш([тп])/, (_, c: string) => (c === 'т' ? 'st' : 'sp'));
  w = w.replace(/^ю/, 'ju').replace(/^я/, 'ja');
  let out = '';
  for (const ch of w) out += CYRILLIC_TO_GERMAN[ch] ?? ch;
  return out;
}

/** Words remembered per memo before it starts over. */
const WORD_MEMO_LIMIT = 20_000;

/**
 * A word's value, worked out on first sight and remembered: people reuse their words far more than their sentences.
 * Words with digits (phone numbers, dates) are not remembered, and a full memo starts over.
 */
export function rememberWord<V>(memo: Map<string, V>, word: string, compute: (word: string) => V): V {
  const known = memo.get(word);
  if (known !== undefined) return known;
  const value = compute(word);
  if (!/\d/.test(word)) {
    if (memo.size >= WORD_MEMO_LIMIT) memo.clear();
    memo.set(word, value);
  }
  return value;
}
