import type { Language } from '../schema.js';
import { normalise, stem, tokenize } from './text.js';

/** A labelled example: the topic a referral assistant routes it to. */
export interface Example {
  readonly topic: string;
  readonly text: string;
}

/** Additive smoothing: how much a word never seen with a topic still counts for it. */
const SMOOTHING = 0.5;
/** Letters of a word's beginning and end that count as features of their own. */
const AFFIX = 4;

/**
 * A naive Bayes topic classifier over the words of one language, trained on example questions and the lexicon.
 * @remarks It learns a topic's wider vocabulary from whole questions ("Für welche Altersgruppe ist die Krabbelgruppe?"),
 * where the lexicon lists the words that name a topic. Features are word stems, pairs of neighbouring stems, and
 * four-letter word beginnings and endings, which catch parts of compounds ("Integrations|kurs|anmeldung") and
 * forms the stemmers miss. Trained in milliseconds at start, so the examples stay data. Topics are equally likely
 * before the words; words it never saw say nothing.
 */
export class TopicClassifier {
  private readonly topics: string[];

  /** Per feature: its log-likelihood per topic (indexed as `topics`). */
  private readonly weights = new Map<string, Float64Array>();
  /** The same for pairs of neighbouring stems, by first and second stem (no key to build per message). */
  private readonly pairs = new Map<string, Map<string, Float64Array>>();

  constructor(
    private readonly lang: Language,
    examples: readonly Example[],
    private readonly stopwords: ReadonlySet<string>,
  ) {
    this.topics = [...new Set(examples.map((e) => e.topic))].sort();

    const index = new Map(this.topics.map((t, i) => [t, i]));
    const counts = new Map<string, Float64Array>();
    const totals = new Float64Array(this.topics.length);
    for (const example of examples) {
      const i = index.get(example.topic)!;
      for (const feature of this.features(example.text)) {
        let row = counts.get(feature);
        if (!row) counts.set(feature, (row = new Float64Array(this.topics.length)));
        row[i]!++;
        totals[i]!++;
      }
    }
    const vocabulary = counts.size;
    for (const [feature, row] of counts) {
      const w = new Float64Array(this.topics.length);
      for (let i = 0; i < w.length; i++) w[i] = Math.log((row[i]! + SMOOTHING) / (totals[i]! + SMOOTHING * vocabulary));
      this.weights.set(feature, w);
    }
    // Stems never hold a space: a feature with one is a pair.
    for (const [feature, w] of this.weights) {
      const space = feature.indexOf(' ');
      if (space < 0) continue;
      const first = feature.slice(0, space);
      let next = this.pairs.get(first);
      if (!next) this.pairs.set(first, (next = new Map()));
      next.set(feature.slice(space + 1), w);
    }
  }

  /**
   * What the classifier knows of one word of a message: the weights of its stem and of its beginning and end, or
   * undefined for a word it leaves out (stop words, numbers, single letters). Worked out once per word and remembered.
   */
  word(token: string, stemmed: string): LearnedWord | undefined {
    if (this.leavesOut(token)) return undefined;
    const weights: Float64Array[] = [];
    for (const feature of [stemmed, ...affixes(token)]) {
      const w = this.weights.get(feature);
      if (w) weights.push(w);
    }
    return { stem: stemmed, weights };
  }

  /** Topics by probability given a text (tokenised and stemmed here): for tests and tools. */
  classify(text: string): Array<{ id: string; score: number }> {
    return this.classifyWords(tokenize(normalise(text)).map((token) => this.word(token, stem(token, this.lang))));
  }

  /**
   * Topics by probability given the message's words (see `word`), best first, at most `limit`; empty when it knows none of them.
   * @remarks Each feature counts once, as in training. The log-likelihoods are divided by the square root of the
   * number of known features: naive Bayes counts every feature as independent evidence and is far too sure of itself
   * on long messages otherwise.
   */
  classifyWords(words: ReadonlyArray<LearnedWord | undefined>, limit = Infinity): Array<{ id: string; score: number }> {
    const sum = new Float64Array(this.topics.length);
    const seen: Float64Array[] = [];
    let previous: string | undefined;
    for (const word of words) {
      if (!word) continue;
      for (const w of word.weights) if (!seen.includes(w)) seen.push(w);
      if (previous !== undefined) {
        const pair = this.pairs.get(previous)?.get(word.stem);
        if (pair && !seen.includes(pair)) seen.push(pair);
      }
      previous = word.stem;
    }
    if (seen.length === 0) return [];
    for (const w of seen) for (let i = 0; i < sum.length; i++) sum[i]! += w[i]!;
    const temperature = Math.sqrt(seen.length);
    let max = -Infinity;
    for (let i = 0; i < sum.length; i++) max = Math.max(max, (sum[i]! /= temperature));
    let total = 0;
    for (let i = 0; i < sum.length; i++) total += sum[i] = Math.exp(sum[i]! - max);
    const out: Array<{ id: string; score: number }> = [];
    const taken = new Uint8Array(sum.length);
    for (let n = Math.min(limit, sum.length); n > 0; n--) {
      let best = -1;
      for (let i = 0; i < sum.length; i++) if (!taken[i] && (best < 0 || sum[i]! > sum[best]!)) best = i;
      taken[best] = 1;
      out.push({ id: this.topics[best]!, score: sum[best]! / total });
    }
    return out;
  }

  /** Words that say nothing about a topic, in training and in messages alike: stop words, numbers, single letters. */
  private leavesOut(token: string): boolean {
    return token.length < 2 || this.stopwords.has(token) || /^\d+$/.test(token);
  }

  /** A training text's features, each once: stems of its words that are no stop words or numbers, stem pairs, affixes. */
  private features(text: string): Set<string> {
    const out = new Set<string>();
    let previous = '';
    for (const token of tokenize(normalise(text))) {
      if (this.leavesOut(token)) continue;
      const stemmed = stem(token, this.lang);
      out.add(stemmed);
      if (previous) out.add(`${previous} ${stemmed}`);
      for (const a of affixes(token)) out.add(a);
      previous = stemmed;
    }
    return out;
  }
}

/** A message word as the classifier knows it: its stem (for pairs) and the weights of its known features. */
export interface LearnedWord {
  readonly stem: string;
  readonly weights: readonly Float64Array[];
}

const NO_AFFIXES: readonly string[] = [];

/** A word's four-letter beginning and end, for words long enough to have more in between. */
function affixes(token: string): readonly string[] {
  return token.length > AFFIX + 2 ? [`${token.slice(0, AFFIX)}-`, `-${token.slice(-AFFIX)}`] : NO_AFFIXES;
}
