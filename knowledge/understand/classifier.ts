import type { Language } from '../schema.js';
import { normalise, stem, tokenize } from './text.js';

/** A labelled example: the topic a referral assistant routes it to. */
export interface Example {
  readonly topic: string;
  readonly text: string;
}

/** Letters of a word's beginning and end that count as features of their own. */
const AFFIX = 4;
/** Length of the letter sequences (with the word's edges, "_kita_") that count as features. */
const GRAM = 4;
/** Passes over the examples in training. */
const EPOCHS = 8;
/** Adagrad's step size. */
const RATE = 0.3;
/** Step size of the topics' prior (the bias), plain gradient descent. */
const BIAS_RATE = 0.01;
/** L2 penalty on the weights: keeps rare features from deciding alone. */
const L2 = 0.001;
/** A topic the example pulls on with less than this (in probability) is left as it is in that step. */
const NEGLIGIBLE = 1e-3;

/**
 * A topic classifier over the words of one language, trained on example questions and the lexicon: multinomial
 * logistic regression (softmax), trained when constructed (a few hundred milliseconds; see `Understanding.train`).
 * @remarks It learns a topic's wider vocabulary from whole questions ("Für welche Altersgruppe ist die Krabbelgruppe?"),
 * where the lexicon lists the words that name a topic. Features are word stems, pairs of neighbouring stems,
 * four-letter word beginnings and endings, and four-letter sequences within words, which catch parts of compounds
 * ("Integrations|kurs|anmeldung"), forms the stemmers miss and a machine translator's variants. Weighing the features
 * against each other (rather than counting them one by one, as naive Bayes does) lets the words that tell topics
 * apart decide, not the words every question about a topic has. Features are counted with their multiplicity and the
 * sum is divided by the square root of their number, so a long message is not more certain than a short one.
 */
export class TopicClassifier {
  private readonly topics: string[];
  /** The topics' prior (bias), indexed as `topics`. */
  private readonly bias: Float64Array;
  /**
   * All weights in one array, a row of one weight per topic for each feature: a few large arrays rather than tens
   * of thousands of small ones keep the garbage collector's work small.
   */
  private readonly w: Float32Array;
  /** Per single-word feature: the offset of its row in `w`. */
  private readonly rows = new Map<string, number>();
  /** The rows of pairs of neighbouring stems, by first and second stem (no key to build per message). */
  private readonly pairs = new Map<string, Map<string, number>>();

  constructor(
    private readonly lang: Language,
    examples: readonly Example[],
    private readonly stopwords: ReadonlySet<string>,
  ) {
    this.topics = [...new Set(examples.map((e) => e.topic))].sort();
    const T = this.topics.length;
    const index = new Map(this.topics.map((t, i) => [t, i]));

    // Features as numbers, weights in one array: training touches each example's features EPOCHS times.
    const ids = new Map<string, number>();
    const id = (feature: string) => {
      let n = ids.get(feature);
      if (n === undefined) ids.set(feature, (n = ids.size));
      return n;
    };
    const known = new Map<string, { stem: string; features: number[] }>();
    const data = examples.map((e) => {
      const features: number[] = [];
      let previous = '';
      for (const token of tokenize(normalise(e.text))) {
        if (this.leavesOut(token)) continue;
        let word = known.get(token);
        if (!word) {
          const stemmed = stem(token, this.lang);
          known.set(token, (word = { stem: stemmed, features: wordFeatures(token, stemmed).map(id) }));
        }
        for (const f of word.features) features.push(f);
        if (previous) features.push(id(`${previous} ${word.stem}`));
        previous = word.stem;
      }
      return { features: Int32Array.from(features), topic: index.get(e.topic)! };
    });
    const { w, bias } = fit(data, ids.size, T);
    this.bias = bias;
    this.w = Float32Array.from(w);
    for (const [feature, id] of ids) {
      const row = id * T;
      // Stems never hold a space: a feature with one is a pair.
      const space = feature.indexOf(' ');
      if (space < 0) {
        this.rows.set(feature, row);
        continue;
      }
      const first = feature.slice(0, space);
      let next = this.pairs.get(first);
      if (!next) this.pairs.set(first, (next = new Map()));
      next.set(feature.slice(space + 1), row);
    }
  }

  /**
   * What the classifier knows of one word of a message: its stem (for pairs), the sum of its known features' weights
   * and their number; undefined for a word it leaves out (stop words, numbers, single letters). Worked out once per
   * word and remembered.
   */
  word(token: string, stemmed: string): LearnedWord | undefined {
    if (this.leavesOut(token)) return undefined;
    const sum = new Float64Array(this.topics.length);
    let count = 0;
    const seen = this.rows.has(stemmed);
    for (const feature of wordFeatures(token, stemmed)) {
      const row = this.rows.get(feature);
      if (row === undefined) continue;
      count++;
      for (let t = 0; t < sum.length; t++) sum[t]! += this.w[row + t]!;
    }
    return { stem: stemmed, sum, count, seen };
  }

  /** Topics by probability given a text (tokenised and stemmed here): for tests and tools. */
  classify(text: string): Array<{ id: string; score: number }> {
    return this.classifyWords(tokenize(normalise(text)).map((token) => this.word(token, stem(token, this.lang))));
  }

  /** Topics by probability given the message's words (see `word`), best first, at most `limit`; empty when it saw none of them. */
  classifyWords(words: ReadonlyArray<LearnedWord | undefined>, limit = Infinity): Array<{ id: string; score: number }> {
    const s = new Float64Array(this.topics.length);
    let count = 0;
    let seen = false;
    let previous: string | undefined;
    for (const word of words) {
      if (!word) continue;
      seen ||= word.seen;
      count += word.count;
      for (let t = 0; t < s.length; t++) s[t]! += word.sum[t]!;
      const pair = previous === undefined ? undefined : this.pairs.get(previous)?.get(word.stem);
      if (pair !== undefined) {
        count++;
        for (let t = 0; t < s.length; t++) s[t]! += this.w[pair + t]!;
      }
      previous = word.stem;
    }
    // Parts of words help read the words it knows; a message none of whose words it saw ("zxqv blorp") says nothing.
    if (!seen) return [];
    const v = 1 / Math.sqrt(count);
    for (let t = 0; t < s.length; t++) s[t] = this.bias[t]! + s[t]! * v;
    softmax(s);
    const out: Array<{ id: string; score: number }> = [];
    const taken = new Uint8Array(s.length);
    for (let n = Math.min(limit, s.length); n > 0; n--) {
      let best = -1;
      for (let i = 0; i < s.length; i++) if (!taken[i] && (best < 0 || s[i]! > s[best]!)) best = i;
      taken[best] = 1;
      out.push({ id: this.topics[best]!, score: s[best]! });
    }
    return out;
  }

  /** Words that say nothing about a topic, in training and in messages alike: stop words, numbers, single letters. */
  private leavesOut(token: string): boolean {
    return token.length < 2 || this.stopwords.has(token) || /^\d+$/.test(token);
  }
}

/** A message word as the classifier knows it: its stem (for pairs), its known features' summed weights and their number. */
export interface LearnedWord {
  readonly stem: string;
  readonly sum: Float64Array;
  readonly count: number;
  /** Whether the word itself (its stem) was in the examples, not only parts of it. */
  readonly seen: boolean;
}

/**
 * One word's features: its stem, its four-letter beginning and end (for words long enough to have more in between),
 * and its four-letter sequences with the word's edges marked ("_kit", "kita", "ita_").
 */
function wordFeatures(token: string, stemmed: string): string[] {
  const out = [stemmed];
  if (token.length > AFFIX + 2) out.push(`${token.slice(0, AFFIX)}-`, `-${token.slice(-AFFIX)}`);
  const edged = `_${token}_`;
  for (let i = 0; i + GRAM <= edged.length; i++) out.push(`#${edged.slice(i, i + GRAM)}`);
  return out;
}

/**
 * Softmax regression by stochastic gradient descent with Adagrad steps (one step size per feature), `EPOCHS` passes
 * in a fixed pseudo-random order. Returns the weights (feature-major, `features × topics`) and the topics' bias.
 */
function fit(data: ReadonlyArray<{ features: Int32Array; topic: number }>, features: number, T: number): { w: Float64Array; bias: Float64Array } {
  const w = new Float64Array(features * T);
  const squares = new Float64Array(features).fill(1e-8);
  const bias = new Float64Array(T);
  const p = new Float64Array(T);
  const active = new Int32Array(T);
  const order = Int32Array.from(data.keys());
  let seed = 1;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // The same shuffle on every start: the trained weights do not change between restarts.
    for (let i = order.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const j = seed % (i + 1);
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    for (let k = 0; k < order.length; k++) {
      const example = data[order[k]!]!;
      const x = example.features;
      const m = x.length;
      if (m === 0) continue;
      const v = 1 / Math.sqrt(m);
      for (let t = 0; t < T; t++) p[t] = bias[t]!;
      for (let i = 0; i < m; i++) {
        const o = x[i]! * T;
        for (let t = 0; t < T; t++) p[t]! += w[o + t]! * v;
      }
      softmax(p);
      p[example.topic]! -= 1;
      // Only the topics the example still pulls on: after the first passes, a few of them.
      let norm = 0;
      let n = 0;
      for (let t = 0; t < T; t++) {
        const g = p[t]!;
        if (g < -NEGLIGIBLE || g > NEGLIGIBLE) active[n++] = t;
        p[t] = g * v;
        norm += g * v * g * v;
        bias[t]! -= BIAS_RATE * g;
      }
      for (let i = 0; i < m; i++) {
        const f = x[i]!;
        const step = RATE / Math.sqrt((squares[f]! += norm));
        const o = f * T;
        for (let a = 0; a < n; a++) {
          const t = active[a]!;
          w[o + t]! -= step * (p[t]! + L2 * w[o + t]!);
        }
      }
    }
  }
  return { w, bias };
}

/** Turns scores into probabilities, in place. */
function softmax(s: Float64Array): void {
  let max = -Infinity;
  for (let t = 0; t < s.length; t++) max = Math.max(max, s[t]!);
  let total = 0;
  for (let t = 0; t < s.length; t++) total += s[t] = Math.exp(s[t]! - max);
  for (let t = 0; t < s.length; t++) s[t]! /= total;
}
