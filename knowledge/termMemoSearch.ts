import type MiniSearch from 'minisearch';
import type { SearchOptions } from 'minisearch';

const MEMO_LIMIT = 5_000;

/** One term's hits: document numbers and their scores, side by side. */
interface TermHits {
  readonly docs: readonly number[];
  readonly scores: readonly number[];
}

/**
 * A MiniSearch index queried with fixed options, its per-term results memoised: a query of
 * several terms is then scored from the memo instead of walking the index again.
 * @remarks Gives MiniSearch's own scores for an OR query of exact terms: each term's scores summed in
 * query order, times the number of distinct query terms that matched the document (MiniSearch's "quality").
 * The memo is per term, not per message: people reuse their words far more than their sentences.
 * Documents are numbered, and sums are kept in arrays reused from query to query.
 */
export class TermMemoSearch {
  private readonly memo = new Map<string, TermHits>();
  private readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly sums: number[] = [];
  private readonly matched: number[] = [];
  /** Whether a document has been hit by the current query (always all false between queries). */
  private readonly hit: boolean[] = [];

  constructor(
    private readonly index: MiniSearch,
    private readonly options: SearchOptions,
  ) {}

  /** Documents matching any of the already processed query terms, best first (the first `limit`; equal scores in the order found). */
  search(terms: readonly string[], limit = Infinity): Array<{ id: string; score: number }> {
    const touched: number[] = [];
    for (let q = 0; q < terms.length; q++) {
      const term = terms[q]!;
      if (!term) continue;
      // A repeated term adds to the score, not to the number of matched terms.
      const first = terms.indexOf(term) === q;
      const { docs, scores } = this.termScores(term);
      for (let k = 0; k < docs.length; k++) {
        const d = docs[k]!;
        if (!this.hit[d]) {
          this.hit[d] = true;
          this.sums[d] = scores[k]!;
          this.matched[d] = 1;
          touched.push(d);
        } else {
          this.sums[d] = this.sums[d]! + scores[k]!;
          if (first) this.matched[d] = this.matched[d]! + 1;
        }
      }
    }
    const results: Array<{ id: string; score: number }> = [];
    for (const d of touched) {
      this.hit[d] = false;
      const score = this.sums[d]! * this.matched[d]!;
      if (results.length >= limit && score <= results[results.length - 1]!.score) continue;
      // Sorted insertion after the equal ones: the same order as a stable sort, without sorting every document found.
      let at = results.length;
      while (at > 0 && results[at - 1]!.score < score) at--;
      results.splice(at, 0, { id: this.ids[d]!, score });
      if (results.length > limit) results.pop();
    }
    return results;
  }

  private termScores(term: string): TermHits {
    let hits = this.memo.get(term);
    if (hits) return hits;
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    const docs: number[] = [];
    const scores: number[] = [];
    for (const r of this.index.search(term, this.options)) {
      docs.push(this.number(String(r.id)));
      scores.push(r.score);
    }
    hits = { docs, scores };
    this.memo.set(term, hits);
    return hits;
  }

  private number(id: string): number {
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.ids.push(id);
      this.numbers.set(id, n);
      this.sums.push(0);
      this.matched.push(0);
      this.hit.push(false);
    }
    return n;
  }
}
