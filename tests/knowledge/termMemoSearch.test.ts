import { describe, test, expect } from 'vitest';
import MiniSearch from 'minisearch';
import { TermMemoSearch } from '../../knowledge/termMemoSearch.js';

const docs = [
  { id: 'kita', title: 'kita anmeldung', body: 'platz kita jugendamt anmeldung' },
  { id: 'school', title: 'schule anmeldung', body: 'schule kind anmeldung seiteneinsteiger' },
  { id: 'course', title: 'integrationskurs', body: 'kurs deutsch anmeldung bamf kurs' },
];

function index(): MiniSearch {
  const m = new MiniSearch({ fields: ['title', 'body'], searchOptions: { boost: { title: 3 }, combineWith: 'OR' } });
  m.addAll(docs);
  return m;
}

describe('term-memoised search', () => {
  test.each(['anmeldung', 'kita anmeldung', 'kurs kurs deutsch', 'schule unbekannt anmeldung', 'unbekannt'])('"%s" scores as MiniSearch does', (query) => {
    const options = { processTerm: (t: string) => t };
    const mini = index();
    const memo = new TermMemoSearch(mini, options);
    memo.search(query.split(' ')); // fills the memo
    const expected = mini.search(query, options).map((r) => ({ id: String(r.id), score: r.score }));
    const got = memo.search(query.split(' '));
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    for (const [i, r] of got.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 10);
  });
  test.each([1, 2])('a search limited to %i gives the first results of the full search', (limit) => {
    const memo = new TermMemoSearch(index(), { processTerm: (t: string) => t });
    const query = ['anmeldung', 'kurs', 'kita'];
    expect(memo.search(query, limit)).toEqual(memo.search(query).slice(0, limit));
  });
});
