import { test, expect } from 'vitest';
import { lexiconSchema, lexiconWarnings } from '../../knowledge/lexicon.js';

test('a keyword that is one short word once its stop words are dropped is flagged; a long one is not', () => {
  const en = lexiconSchema.parse({
    language: 'en',
    stopwords: ['after', 'him', 'in', 'the'],
    topics: { childcare: { keywords: ['look after him', 'childminder'] }, 'counselling.refugee': { keywords: ['in the asylum procedure', 'in asylumprocedure'] } },
    crisis: {},
  });
  const warnings = lexiconWarnings({ en });
  expect(warnings).toEqual([
    { file: 'knowledge/lexicon/en.yaml', path: 'topics.childcare.keywords.0', message: '"look after him" is the keyword "look" once its stop words are dropped' },
  ]);
});
