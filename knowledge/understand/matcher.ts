import type { Language } from '../schema.js';
import { normalise, stem, tokenize } from './text.js';

/** One term of the lexicon: a sequence of stems that signals a label (a topic or a cue). */
interface Term {
  stems: string[];
  label: string;
  weight: number;
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
  /** Match a term's words in any order within a short window (free word order: "z sobą skończyć"). */
  anyOrder?: boolean;
  /** Split unknown long words into known heads and tails (compounds); off for cues ("Kinderzuschlag" is no "Kind schlagen"). */
  splitCompounds?: boolean;
  /** Tolerate typos and compounds at all; off for phrases of many languages matched as written. */
  tolerant?: boolean;
}

/** What one message word stands for in a matcher's vocabulary, and whether any of that can begin a term. */
interface Resolution {
  readonly words: readonly string[];
  readonly starts: boolean;
}

export interface TermSource {
  label: string;
  terms: string[];
  /** Weight of each term before sharing between labels. */
  weight: number;
}

const MIN_FUZZY_LENGTH = 5;
/** The shared answer of a match that found nothing (never mutated by callers). */
const NO_SCORES: readonly LabelScore[] = [];
const MIN_AFFIX_LENGTH = 4;
/** Shortest word matched with a wrong or swapped letter (a missing or extra letter is tolerated from MIN_FUZZY_LENGTH). */
const MIN_SUBSTITUTION_LENGTH = 6;
/** Words whose resolution each matcher remembers before it starts over. */
const RESOLVE_MEMO_LIMIT = 20_000;

/**
 * Matches messages against weighted multi-word terms, tolerant of typos (one edit, via a
 * deletion index) and of compounds and agglutination (a known stem as prefix or suffix of a word).
 * @remarks Built once at start from the lexicon; matching is allocation-light for the hot path.
 */
export class TermMatcher {
  private readonly byFirst = new Map<string, Term[]>();
  /** Terms written "a + b": every part anywhere in the message ("kind + allein"). */
  private readonly combos: Array<{ parts: string[][]; label: string; weight: number; key: string }> = [];
  /** Combos by the first stem of their first part: only those whose first stem occurs are checked. */
  private readonly combosByStem = new Map<string, Array<{ parts: string[][]; label: string; weight: number; key: string }>>();
  private readonly vocabulary = new Set<string>();
  /** A one-deletion variant → the vocabulary stems it came from. */
  private readonly deletions = new Map<string, string[]>();

  private readonly stopwords: ReadonlySet<string>;
  private readonly minFuzzy: number;
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
    this.anyOrder = options.anyOrder ?? false;
    this.splitCompounds = options.splitCompounds ?? true;
    this.tolerant = options.tolerant ?? true;
    const labelsPerTerm = new Map<string, Set<string>>();
    const parsed: Array<{ key: string; stems: string[]; label: string; weight: number }> = [];
    for (const source of sources) {
      for (const raw of source.terms) {
        if (raw.includes(' + ')) {
          const parts = raw.split(' + ').map((p) => this.stemTerm(p)).filter((p) => p.length > 0);
          if (parts.length < 2) continue;
          this.combos.push({ parts, label: source.label, weight: source.weight, key: raw });
          for (const part of parts) for (const s of part) this.vocabulary.add(s);
          continue;
        }
        const stems = this.stemTerm(raw);
        if (stems.length === 0) continue;
        const key = stems.join(' ');
        parsed.push({ key, stems, label: source.label, weight: source.weight });
        let labels = labelsPerTerm.get(key);
        if (!labels) labelsPerTerm.set(key, (labels = new Set()));
        labels.add(source.label);
      }
    }
    const seen = new Set<string>();
    for (const p of parsed) {
      const id = `${p.label}\u0000${p.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const shared = labelsPerTerm.get(p.key)!.size;
      // Longer terms are more specific; terms shared by several labels say less about each.
      const weight = (p.weight * (1 + 0.5 * (p.stems.length - 1))) / Math.sqrt(shared);
      const term: Term = { stems: p.stems, label: p.label, weight };
      const first = p.stems[0]!;
      const list = this.byFirst.get(first);
      if (list) list.push(term);
      else this.byFirst.set(first, [term]);
      for (const s of p.stems) this.vocabulary.add(s);
    }
    for (const combo of this.combos) {
      const first = combo.parts[0]![0]!;
      const list = this.combosByStem.get(first);
      if (list) list.push(combo);
      else this.combosByStem.set(first, [combo]);
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
   * @remarks Most matchers (cues, deletion requests) find nothing in most messages: when no word can begin a term,
   * this returns after one memo look-up per word, without allocating.
   */
  scan(tokens: readonly string[], explain?: string[]): readonly LabelScore[] {
    let starts = false;
    for (let i = 0; i < tokens.length && !starts; i++) starts = this.resolution(tokens[i]!).starts;
    if (!starts) return NO_SCORES;
    const resolved: string[] = [];
    for (const token of tokens) for (const w of this.resolution(token).words) resolved.push(w);
    return this.match(resolved, explain);
  }

  private resolution(token: string): Resolution {
    const known = this.resolutions.get(token);
    if (known) return known;
    const words = this.resolveWord(token);
    let starts = false;
    for (const w of words) if (this.byFirst.has(w) || this.combosByStem.has(w)) starts = true;
    const r: Resolution = { words, starts };
    if (!/\d/.test(token)) {
      if (this.resolutions.size >= RESOLVE_MEMO_LIMIT) this.resolutions.clear();
      this.resolutions.set(token, r);
    }
    return r;
  }

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
    const direct = this.deletions.get(word);
    if (direct?.[0]) return direct[0];
    for (const d of deletionsOf(word)) {
      if (this.vocabulary.has(d) && d.length >= this.minFuzzy) return d;
      // A letter wrong in a short word makes another word as often as a typo ("firma" → "fıkra"): only from six letters on.
      if (word.length < MIN_SUBSTITUTION_LENGTH) continue;
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
  private match(resolved: readonly string[], explain?: string[]): readonly LabelScore[] {
    const scores = new Map<string, number>();
    const counted = new Set<Term>();
    const hits: Array<{ term: Term; start: number; end: number }> = [];
    for (let i = 0; i < resolved.length; i++) {
      const candidates = this.byFirst.get(resolved[i]!);
      if (!candidates) continue;
      for (const term of candidates) {
        if (counted.has(term)) continue;
        const end = matchEnd(resolved, i, term.stems);
        if (end < 0) continue;
        counted.add(term);
        hits.push({ term, start: i, end });
      }
    }
    // Longest first, so that the terms they contain can be recognised as contained.
    if (hits.length > 1) hits.sort((a, b) => b.term.stems.length - a.term.stems.length);
    for (let h = 0; h < hits.length; h++) {
      const { term, start, end } = hits[h]!;
      let inside = false;
      for (let k = 0; k < h && !inside; k++) {
        const outer = hits[k]!;
        inside = outer.term.label === term.label && outer.term.stems.length > term.stems.length && outer.start <= start && outer.end >= end;
      }
      if (inside) continue;
      explain?.push(`${term.label}:${term.stems.join(' ')}`);
      scores.set(term.label, (scores.get(term.label) ?? 0) + term.weight);
    }
    if (this.anyOrder) this.matchUnordered(resolved, counted, scores, explain);
    if (this.combos.length > 0) {
      const present = new Set(resolved);
      for (const first of present) {
        const combos = this.combosByStem.get(first);
        if (!combos) continue;
        for (const combo of combos) {
          if (!combo.parts.every((part) => part.every((s) => present.has(s)))) continue;
          explain?.push(`${combo.label}:${combo.key}`);
          scores.set(combo.label, Math.max(scores.get(combo.label) ?? 0, combo.weight));
        }
      }
    }
    return [...scores].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
  }

  private stemOf(word: string): string {
    return this.language ? stem(word, this.language) : word;
  }

  /** Terms whose words all occur within a window of the message, in any order. */
  private matchUnordered(resolved: readonly string[], counted: Set<Term>, scores: Map<string, number>, explain?: string[]): void {
    const window = 2;
    for (let j = 0; j < resolved.length; j++) {
      const candidates = this.byFirst.get(resolved[j]!);
      if (!candidates) continue;
      const slice = resolved.slice(Math.max(0, j - window), j + window + 1);
      for (const term of candidates) {
        // Only distinctive words may come in any order; short ones ("nie", "isc") would pair up by chance.
        if (counted.has(term) || term.stems.length < 2 || term.stems.some((s) => s.length < 4) || !term.stems.every((s) => slice.includes(s))) continue;
        counted.add(term);
        explain?.push(`${term.label}:${term.stems.join(' ')} (any order)`);
        scores.set(term.label, (scores.get(term.label) ?? 0) + term.weight);
      }
    }
  }

  /** Whether a stem is known to this matcher at all. */
  knows(stemmed: string): boolean {
    return this.vocabulary.has(stemmed);
  }
}

/** Where a multi-word term that starts at `start` ends, or -1: in order, allowing one extra word in between ("kurs für deutsch"). */
function matchEnd(resolved: readonly string[], start: number, stems: readonly string[]): number {
  let pos = start;
  for (let k = 1; k < stems.length; k++) {
    const next = resolved.indexOf(stems[k]!, pos + 1);
    if (next < 0 || next > pos + 2) return -1;
    pos = next;
  }
  return pos;
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}
