import MiniSearch from 'minisearch';
import type { ServiceEntry, Language } from './schema.js';
import { LANGUAGES } from './schema.js';
import { normalise, stem } from './understand/text.js';
import { TermMemoSearch } from './termMemoSearch.js';

interface EntryDoc {
  id: string;
  title: string;
  body: string;
  german: string;
  provider: string;
}

/**
 * Full-text search over service entries, one MiniSearch index per language
 * (the language's texts plus the German title and provider, which people quote as loanwords).
 */
export class EntrySearch {
  private readonly indexes = new Map<Language, TermMemoSearch>();

  constructor(entries: readonly ServiceEntry[]) {
    for (const lang of LANGUAGES) {
      const index = new MiniSearch<EntryDoc>({
        fields: ['title', 'body', 'german', 'provider'],
        storeFields: [],
        processTerm: (term) => {
          const n = normalise(term);
          return n.length < 2 ? null : stem(n, lang);
        },
        searchOptions: { boost: { title: 3, german: 2, provider: 1.5 }, combineWith: 'OR' },
      });
      index.addAll(
        entries.map((e) => {
          const t = e.texts[lang] ?? e.texts.de!;
          return {
            id: e.id,
            title: t.title,
            body: [t.summary, ...t.steps].join(' '),
            german: e.texts.de!.title,
            provider: e.provider,
          };
        }),
      );
      this.indexes.set(lang, new TermMemoSearch(index, { processTerm: (term: string) => term, fields: ['title', 'german', 'provider'] }));
    }
  }

  /**
   * Entry ids with MiniSearch scores, best first.
   * @param terms normalised, stemmed terms, as the understanding core builds them
   */
  search(terms: readonly string[], lang: Language, limit = 10): Array<{ id: string; score: number }> {
    return this.indexes.get(lang)!.search(terms, limit);
  }
}
