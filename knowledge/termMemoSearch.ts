import type MiniSearch from 'minisearch';
import type { SearchOptions } from 'minisearch';

const MEMO_LIMIT = 5_000;

/**
 * A MiniSearch index queried with fixed options, its per-term results memoised: a query of
 * several terms is then scored from the memo instead of walking the index again.
 * @remarks Gives MiniSearch's own scores for an OR query of exact terms: each term's scores summed in
 * query order, times the number of distinct query terms that matched the document (MiniSearch's "quality").
 * The memo is per term, not per message: people reuse their words far more than their sentences.
 */
export class TermMemoSearch {
  private readonly memo = new Map<string, ReadonlyArray<readonly [string, number]>>();

  constructor(
    private readonly index: MiniSearch,
    private readonly options: SearchOptions,
  ) {}

  /** Documents matching any of the space-separated, already processed query terms, best first. */
  search(query: string): Array<{ id: string; score: number }> {
    const sums = new Map<string, { score: number; terms: number }>();
    const seen = new Set<string>();
    for (const term of query.split(' ')) {
      if (!term) continue;
      const first = !seen.has(term);
      seen.add(term);
      for (const [id, score] of this.termScores(term)) {
        const sum = sums.get(id);
        if (sum) {
          sum.score += score;
          if (first) sum.terms++;
        } else sums.set(id, { score, terms: 1 });
      }
    }
    const results: Array<{ id: string; score: number }> = [];
    for (const [id, { score, terms }] of sums) results.push({ id, score: score * terms });
    return results.sort((a, b) => b.score - a.score);
  }

  private termScores(term: string): ReadonlyArray<readonly [string, number]> {
    let hits = this.memo.get(term);
    if (hits) return hits;
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    hits = this.index.search(term, this.options).map((r) => [String(r.id), r.score] as const);
    this.memo.set(term, hits);
    return hits;
  }
}
