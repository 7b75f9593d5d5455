import type { Language } from '../schema.js';
import { normalise, rememberWord, stem, tokenize } from './text.js';

/** One term of the lexicon: a sequence of stems that signals a label (a topic or a cue). */
interface Term {
  stems: string[];
  /** The stems as vocabulary numbers. */
  ids: number[];
  label: string;
  weight: number;
  /** Whether the term's words may come in any order (see MatcherOptions.anyOrder). */
  anyOrder: boolean;
  /** Order of creation: hits are reported in message order, then in lexicon order. */
  seq: number;
  /** The scan that last took this term as a candidate (terms are collected once per scan without a set). */
  mark: number;
  /** The scan that last counted this term as found. */
  found: number;
}

/** A combination term ("kind + allein"): every part anywhere in the message. */
interface Combo {
  /** The parts' stems as vocabulary numbers. */
  parts: number[][];
  label: string;
  weight: number;
  key: string;
}

/** A label found in a message, with the summed weight of its distinct matched terms. */
export interface LabelScore {
  label: string;
  score: number;
}

export interface MatcherOptions {
  /** Words left out of terms and messages (a term made only of stop words keeps them). */
  stopwords?: ReadonlySet<string>;
  /**
   * Shortest word that is matched with one edit; crisis cues use a longer one,
   * since one letter turns harmless words into alarming ones ("lunch" → "punch").
   */
  minFuzzy?: number;
  /**
   * Shortest word matched with a wrong or swapped letter; crisis cues use a longer one, since in a short word a wrong
   * letter is as often another word ("dönüyor", returning, is no "dövüyor", beating).
   */
  minSubstitution?: number;
  /** Match a term's words in any order within a short window (free word order: "z sobą skończyć"). */
  anyOrder?: boolean;
  /** Split unknown long words into known heads and tails (compounds); off for cues ("Kinderzuschlag" is no "Kind schlagen"). */
  splitCompounds?: boolean;
  /** Tolerate typos and compounds at all; off for phrases of many languages matched as written. */
  tolerant?: boolean;
}

/**
 * What one message word stands for in a matcher's vocabulary, and whether any of that is a term's key stem.
 * @remarks Stems are numbered: a message is matched as an array of small integers (UNKNOWN for a word outside the vocabulary).
 */
export interface Resolution {
  readonly words: readonly number[];
  readonly keys: boolean;
}

/** A word outside the vocabulary: it matches no term, but keeps its place between words that do. */
const UNKNOWN = -1;

export interface TermSource {
  label: string;
  terms: string[];
  /** Weight of each term before sharing between labels. */
  weight: number;
  /** Overrides the matcher's anyOrder for this source's terms. */
  anyOrder?: boolean;
  /** Every term weighs the same, however many words it has: the label's score counts its terms. */
  counted?: boolean;
}

const MIN_FUZZY_LENGTH = 5;
/** The shared answer of a match that found nothing (never mutated by callers). */
const NO_SCORES: readonly LabelScore[] = [];
const MIN_AFFIX_LENGTH = 4;
/** Shortest word matched with a wrong or swapped letter (a missing or extra letter is tolerated from MIN_FUZZY_LENGTH). */
const MIN_SUBSTITUTION_LENGTH = 6;

/**
 * Matches messages against weighted multi-word terms, tolerant of typos (one edit, via a
 * deletion index) and of compounds and agglutination (a known stem as prefix or suffix of a word).
 * @remarks Built once at start from the lexicon; matching is allocation-light for the hot path.
 */
export class TermMatcher {
  /**
   * Terms of several words by their key stem, the longest of their stems: a term can only occur in a message that has its key,
   * and the key is rarely a function word ("i want to die" is looked at only when "want" or "die" occurs).
   */
  private readonly byKey: Array<Term[] | undefined> = [];
  /** Terms of one word, by that word: found wherever it occurs, without a walk through the message. */
  private readonly single: Array<Term[] | undefined> = [];
  /** Terms written "a + b": every part anywhere in the message ("kind + allein"). */
  private readonly combos: Combo[] = [];
  /** Combos by the first stem of their first part: only those whose first stem occurs are checked. */
  private readonly combosByStem: Array<Combo[] | undefined> = [];
  /** Counts the scans: the current one's number stamps Term.mark, Term.found and present. */
  private scans = 0;
  private readonly vocabulary = new Set<string>();
  /** Each vocabulary stem's number (the index into byKey, single, combosByStem and present). */
  private readonly ids = new Map<string, number>();
  /** The scan in which a stem last occurred: a term is looked for only when all its stems occur. */
  private readonly present: Int32Array;
  /** A one-deletion variant → the vocabulary stems it came from. */
  private readonly deletions = new Map<string, string[]>();

  private readonly stopwords: ReadonlySet<string>;
  private readonly minFuzzy: number;
  private readonly minSubstitution: number;
  /** Whether any term may match in any order. */
  private readonly anyOrder: boolean;
  private readonly splitCompounds: boolean;
  private readonly tolerant: boolean;

  constructor(
    /** The stemmer's language; null matches normalised words as they are (for terms of several languages). */
    readonly language: Language | null,
    sources: TermSource[],
    options: MatcherOptions = {},
  ) {
    this.stopwords = options.stopwords ?? new Set();
    this.minFuzzy = options.minFuzzy ?? MIN_FUZZY_LENGTH;
    this.minSubstitution = options.minSubstitution ?? MIN_SUBSTITUTION_LENGTH;
    this.splitCompounds = options.splitCompounds ?? true;
    this.tolerant = options.tolerant ?? true;
    const labelsPerTerm = new Map<string, Set<string>>();
    const parsed: Array<{ key: string; stems: string[]; label: string; weight: number; anyOrder: boolean; counted: boolean }> = [];
    const combos: Array<{ parts: string[][]; label: string; weight: number; key: string }> = [];
    for (const source of sources) {
      for (const raw of source.terms) {
        if (raw.includes(' + ')) {
          const parts = raw.split(' + ').map((p) => this.stemTerm(p)).filter((p) => p.length > 0);
          if (parts.length < 2) continue;
          combos.push({ parts, label: source.label, weight: source.weight, key: raw });
          for (const part of parts) for (const s of part) this.vocabulary.add(s);
          continue;
        }
        const stems = this.stemTerm(raw);
        if (stems.length === 0) continue;
        const key = stems.join(' ');
        parsed.push({ key, stems, label: source.label, weight: source.weight, anyOrder: source.anyOrder ?? options.anyOrder ?? false, counted: source.counted ?? false });
        let labels = labelsPerTerm.get(key);
        if (!labels) labelsPerTerm.set(key, (labels = new Set()));
        labels.add(source.label);
      }
    }
    for (const p of parsed) for (const s of p.stems) this.vocabulary.add(s);
    for (const w of this.vocabulary) {
      this.ids.set(w, this.ids.size);
      // Filled densely, so that the indexes stay plain arrays.
      this.single.push(undefined);
      this.byKey.push(undefined);
      this.combosByStem.push(undefined);
    }
    this.present = new Int32Array(this.ids.size);
    const id = (stem: string) => this.ids.get(stem)!;
    const seen = new Set<string>();
    for (const p of parsed) {
      const labelled = `${p.label}\u0000${p.key}`;
      if (seen.has(labelled)) continue;
      seen.add(labelled);
      const shared = labelsPerTerm.get(p.key)!.size;
      // Longer terms are more specific; terms shared by several labels say less about each.
      const weight = p.counted ? p.weight : (p.weight * (1 + 0.5 * (p.stems.length - 1))) / Math.sqrt(shared);
      const term: Term = { stems: p.stems, ids: p.stems.map(id), label: p.label, weight, anyOrder: p.anyOrder, seq: seen.size, mark: 0, found: 0 };
      const index = p.stems.length === 1 ? this.single : this.byKey;
      const key = id(p.stems.reduce((a, b) => (b.length > a.length ? b : a)));
      (index[key] ??= []).push(term);
    }
    this.anyOrder = parsed.some((p) => p.anyOrder);
    for (const c of combos) {
      const combo: Combo = { ...c, parts: c.parts.map((part) => part.map(id)) };
      this.combos.push(combo);
      (this.combosByStem[combo.parts[0]![0]!] ??= []).push(combo);
    }
    for (const word of this.vocabulary) {
      if (word.length < this.minFuzzy) continue;
      for (const d of deletionsOf(word)) {
        const list = this.deletions.get(d);
        if (list) {
          if (!list.includes(word)) list.push(word);
        } else this.deletions.set(d, [word]);
      }
    }
  }

  /** Stems of a lexicon term, stop words kept only when the term is nothing but stop words. */
  private stemTerm(raw: string): string[] {
    const tokens = tokenize(normalise(raw));
    const content = tokens.filter((t) => !this.stopwords.has(t));
    return (content.length > 0 ? content : tokens).map((t) => this.stemOf(t));
  }

  /**
   * What each word resolves to, remembered: the same words come again and again.
   * Words with digits (phone numbers, dates) are not remembered.
   */
  private readonly resolutions = new Map<string, Resolution>();

  /**
   * Scores every label whose terms occur in the message's words (normalised tokens).
   * @remarks Most matchers (cues, deletion requests) find nothing in most messages: when no word is a term's key,
   * this returns after one memo look-up per word, without allocating.
   */
  scan(tokens: readonly string[], explain?: string[]): readonly LabelScore[] {
    return this.scanWords(tokens, (t) => this.remembered(t), explain);
  }

  /**
   * Scores a message whose words were resolved beforehand (by a caller that resolves each word once for several
   * matchers): `pick` gives this matcher's resolution of a word, or undefined to leave the word out.
   */
  scanWords<W>(words: readonly W[], pick: (word: W) => Resolution | undefined, explain?: string[]): readonly LabelScore[] {
    let keys = false;
    for (let i = 0; i < words.length && !keys; i++) keys = pick(words[i]!)?.keys ?? false;
    if (!keys) return NO_SCORES;
    const resolved: number[] = [];
    for (const word of words) {
      const r = pick(word);
      if (r) for (const w of r.words) resolved.push(w);
    }
    return this.match(resolved, explain);
  }

  /** What a word stands for in this matcher's vocabulary (not remembered: see scan). */
  resolve(token: string): Resolution {
    const words = this.resolveWord(token).map((w) => this.ids.get(w) ?? UNKNOWN);
    let keys = false;
    for (const w of words) if (w !== UNKNOWN && (this.single[w] || this.byKey[w] || this.combosByStem[w])) keys = true;
    return { words, keys };
  }

  private remembered(token: string): Resolution {
    return rememberWord(this.resolutions, token, this.resolveToken);
  }

  private readonly resolveToken = (token: string): Resolution => this.resolve(token);

  /** A word's stem, mapped onto the vocabulary where a typo or a compound hides it; nothing for a stop word. */
  private resolveWord(token: string): string[] {
    if (this.stopwords.has(token)) return [];
    const s = this.stemOf(token);
    if (this.vocabulary.has(s)) return [s];
    if (this.vocabulary.has(token) || !this.tolerant) return [this.vocabulary.has(token) ? token : s];
    const fuzzy = this.fuzzy(s) ?? (s !== token ? this.fuzzy(token) : undefined);
    if (fuzzy) return [fuzzy];
    return (this.splitCompounds ? this.affix(token) : undefined) ?? [s];
  }

  /** Memo of fuzzy look-ups: the same unknown words come again and again. */
  private readonly fuzzyMemo = new Map<string, string | undefined>();

  private fuzzy(word: string): string | undefined {
    if (word.length < this.minFuzzy) return undefined;
    if (this.fuzzyMemo.has(word)) return this.fuzzyMemo.get(word);
    if (this.fuzzyMemo.size > 20_000) this.fuzzyMemo.clear();
    const found = this.fuzzyLookup(word);
    this.fuzzyMemo.set(word, found);
    return found;
  }

  private fuzzyLookup(word: string): string | undefined {
    // The word itself is a deletion of a vocabulary stem (a letter missing), or shares a deletion (a letter wrong or swapped).
    // Without its first letter a stem is mostly another word ("відомост", records, is no "свідомост", consciousness).
    const direct = this.deletions.get(word)?.[0];
    if (direct && direct[0] === word[0]) return direct;
    for (const d of deletionsOf(word)) {
      if (this.vocabulary.has(d) && d.length >= this.minFuzzy) return d;
      // A letter wrong in a short word makes another word as often as a typo ("firma" → "fıkra"): only from six letters on.
      if (word.length < this.minSubstitution) continue;
      const list = this.deletions.get(d);
      if (list?.[0]) return list[0];
    }
    return undefined;
  }

  /** Known stems at the start and the end of a long word: "integrationskursanmeldung", "kursuna". */
  private affix(word: string): string[] | undefined {
    if (word.length < MIN_AFFIX_LENGTH + 2) return undefined;
    const found: string[] = [];
    for (let end = word.length - 1; end >= MIN_AFFIX_LENGTH; end--) {
      const head = word.slice(0, end);
      if (this.vocabulary.has(head)) {
        found.push(head);
        break;
      }
    }
    for (let start = 1; start <= word.length - MIN_AFFIX_LENGTH - 1; start++) {
      const tail = word.slice(start);
      if (tail.length >= MIN_AFFIX_LENGTH + 1 && this.vocabulary.has(tail)) {
        found.push(tail);
        break;
      }
    }
    return found.length > 0 ? found : undefined;
  }

  /**
   * Scores every label whose terms occur in the resolved stems; each distinct term counts once, and a term inside
   * a longer matched term of the same label adds nothing ("immigration office" within "appointment at the immigration office").
   */
  private match(resolved: readonly number[], explain?: string[]): readonly LabelScore[] {
    const candidates = this.candidates(resolved);
    const scan = this.scans;
    const present = this.present;
    for (const w of resolved) if (w !== UNKNOWN) present[w] = scan;
    // Created at the first term found: most scans of the cue matchers find none.
    let scores: Map<string, number> | undefined;
    // Terms of several words first, longest first, so that the terms they contain can be recognised as contained;
    // then in message and lexicon order.
    const hits: Array<{ term: Term; start: number; end: number }> = [];
    for (const term of candidates) {
      if (!term.ids.every((w) => present[w] === scan)) continue;
      for (let i = resolved.indexOf(term.ids[0]!); i >= 0; i = resolved.indexOf(term.ids[0]!, i + 1)) {
        const end = matchEnd(resolved, i, term.ids);
        if (end < 0) continue;
        term.found = scan;
        hits.push({ term, start: i, end });
        break;
      }
    }
    if (hits.length > 1) hits.sort((a, b) => b.term.stems.length - a.term.stems.length || a.start - b.start || a.term.seq - b.term.seq);
    for (let h = 0; h < hits.length; h++) {
      const { term, start, end } = hits[h]!;
      if (insideOf(hits, h, term, start, end)) continue;
      explain?.push(`${term.label}:${term.stems.join(' ')}`);
      scores ??= new Map();
      scores.set(term.label, (scores.get(term.label) ?? 0) + term.weight);
    }
    // Terms of one word, where the word first occurs.
    for (let i = 0; i < resolved.length; i++) {
      const w = resolved[i]!;
      const terms = w === UNKNOWN ? undefined : this.single[w];
      if (!terms) continue;
      for (const term of terms) {
        if (term.found === scan) continue;
        term.found = scan;
        if (insideOf(hits, hits.length, term, i, i)) continue;
        explain?.push(`${term.label}:${term.stems.join(' ')}`);
        scores ??= new Map();
        scores.set(term.label, (scores.get(term.label) ?? 0) + term.weight);
      }
    }
    if (this.anyOrder && candidates.length > 0) scores = this.matchUnordered(resolved, candidates, scores, explain);
    if (this.combos.length > 0) {
      for (let i = 0; i < resolved.length; i++) {
        const first = resolved[i]!;
        const combos = first === UNKNOWN || resolved.indexOf(first) < i ? undefined : this.combosByStem[first];
        if (!combos) continue;
        for (const combo of combos) {
          if (!combo.parts.every((part) => part.every((w) => present[w] === scan))) continue;
          explain?.push(`${combo.label}:${combo.key}`);
          scores ??= new Map();
          scores.set(combo.label, Math.max(scores.get(combo.label) ?? 0, combo.weight));
        }
      }
    }
    if (!scores) return NO_SCORES;
    return [...scores].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
  }

  private stemOf(word: string): string {
    return this.language ? stem(word, this.language) : word;
  }

  /** The terms of several words whose key stem occurs in the message, each once. */
  private candidates(resolved: readonly number[]): Term[] {
    const mark = ++this.scans;
    const out: Term[] = [];
    for (const w of resolved) {
      const terms = w === UNKNOWN ? undefined : this.byKey[w];
      if (!terms) continue;
      for (const term of terms) {
        if (term.mark === mark) continue;
        term.mark = mark;
        out.push(term);
      }
    }
    return out;
  }

  /** Terms whose words all occur within a window of the message, in any order. */
  private matchUnordered(resolved: readonly number[], candidates: readonly Term[], scores: Map<string, number> | undefined, explain?: string[]): Map<string, number> | undefined {
    const window = 2;
    const found: Array<{ term: Term; at: number }> = [];
    for (const term of candidates) {
      // Only distinctive words may come in any order; short ones ("nie", "isc") would pair up by chance.
      if (!term.anyOrder || term.found === this.scans || term.stems.length < 2 || term.stems.some((s) => s.length < 4) || !term.ids.every((w) => this.present[w] === this.scans)) continue;
      for (let j = resolved.indexOf(term.ids[0]!); j >= 0; j = resolved.indexOf(term.ids[0]!, j + 1)) {
        const from = Math.max(0, j - window);
        const to = Math.min(resolved.length, j + window + 1);
        if (!term.ids.every((s) => within(resolved, s, from, to))) continue;
        found.push({ term, at: j });
        break;
      }
    }
    found.sort((a, b) => a.at - b.at || a.term.seq - b.term.seq);
    for (const { term } of found) {
      explain?.push(`${term.label}:${term.stems.join(' ')} (any order)`);
      scores ??= new Map();
      scores.set(term.label, (scores.get(term.label) ?? 0) + term.weight);
    }
    return scores;
  }

  /** Whether a stem is known to this matcher at all. */
  knows(stemmed: string): boolean {
    return this.vocabulary.has(stemmed);
  }
}

/** Where a multi-word term that starts at `start` ends, or -1: in order, allowing one extra word in between ("kurs für deutsch"). */
function matchEnd(resolved: readonly number[], start: number, stems: readonly number[]): number {
  let pos = start;
  for (let k = 1; k < stems.length; k++) {
    const next = resolved.indexOf(stems[k]!, pos + 1);
    if (next < 0 || next > pos + 2) return -1;
    pos = next;
  }
  return pos;
}

/** Whether a hit lies inside one of the longer hits before it (hits[0, before)) of the same label. */
function insideOf(hits: ReadonlyArray<{ term: Term; start: number; end: number }>, before: number, term: Term, start: number, end: number): boolean {
  for (let k = 0; k < before; k++) {
    const outer = hits[k]!;
    if (outer.term.label === term.label && outer.term.stems.length > term.stems.length && outer.start <= start && outer.end >= end) return true;
  }
  return false;
}

/** Whether a stem occurs in resolved[from, to). */
function within(resolved: readonly number[], stem: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (resolved[i] === stem) return true;
  return false;
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}
