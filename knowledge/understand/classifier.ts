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
  }

  /** A text's features, each once: stems of its words that are no stop words or numbers, stem pairs, affixes. */
  private features(text: string): Set<string> {
    const out = new Set<string>();
    let previous = '';
    for (const token of tokenize(normalise(text))) {
      if (token.length < 2 || this.stopwords.has(token) || /^\d+$/.test(token)) continue;
      const stemmed = stem(token, this.lang);
      out.add(stemmed);
      if (previous) out.add(`${previous} ${stemmed}`);
      if (token.length > AFFIX + 2) out.add(`${token.slice(0, AFFIX)}-`).add(`-${token.slice(-AFFIX)}`);
      previous = stemmed;
    }
    return out;
  }

  /**
   * Topics by probability given the message's known features, best first; empty when it knows none.
   * @remarks The log-likelihoods are divided by the square root of the number of known features: naive Bayes
   * counts every feature as independent evidence and is far too sure of itself on long messages otherwise.
   */
  classify(text: string): Array<{ id: string; score: number }> {
    const sum = new Float64Array(this.topics.length);
    let known = 0;
    for (const feature of this.features(text)) {
      const w = this.weights.get(feature);
      if (!w) continue;
      known++;
      for (let i = 0; i < sum.length; i++) sum[i]! += w[i]!;
    }
    if (known === 0) return [];
    const temperature = Math.sqrt(known);
    let max = -Infinity;
    for (let i = 0; i < sum.length; i++) max = Math.max(max, sum[i]! / temperature);
    let total = 0;
    const p = new Float64Array(sum.length);
    for (let i = 0; i < sum.length; i++) total += p[i] = Math.exp(sum[i]! / temperature - max);
    return this.topics.map((id, i) => ({ id, score: p[i]! / total })).sort((a, b) => b.score - a.score);
  }
}
