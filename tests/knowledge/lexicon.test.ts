import { test, expect } from 'vitest';
import { lexiconSchema, lexiconWarnings, loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { CONTACT_METHODS, RESIDENCE, URGENCIES } from '../../dialogs/handover/intake.js';
import { Understanding } from '../../knowledge/understand/understand.js';

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

const kb = loadKnowledgeOrThrow();
const lexicons = loadLexiconsOrThrow(new Set(kb.taxonomy.topics.map((t) => t.id)));

test("every typed intake answer in the lexicons names a step's real option, and every language has them", () => {
  const known = new Set([
    ...CONTACT_METHODS.map((o) => `contact.${o}`),
    'contact.messenger',
    ...RESIDENCE.map((o) => `residence.${o}`),
    ...URGENCIES.map((o) => `urgency.${o}`),
    'summary.send',
    'summary.correct',
  ]);
  for (const [lang, lexicon] of Object.entries(lexicons)) {
    expect(Object.keys(lexicon.intakeAnswers).filter((k) => !known.has(k)), lang).toEqual([]);
    expect(Object.keys(lexicon.intakeAnswers).sort(), lang).toEqual([...known].sort());
    expect(lexicon.household.length, lang).toBeGreaterThan(5);
  }
});

test('typed intake answers: the longest phrase decides ("не терміново" is not urgent), a negated urgency is normal, a bare yes sends nothing', () => {
  const u = new Understanding(kb, lexicons);
  expect(u.intakeOptions('терміново', 'uk', 'urgency')).toEqual(['urgent']);
  expect(u.intakeOptions('не терміново', 'uk', 'urgency')).toEqual(['normal']);
  expect(u.intakeOptions('nicht so eilig', 'de', 'urgency')).toEqual(['normal']);
  expect(u.intakeOptions('مش مستعجل', 'ar', 'urgency')).toEqual(['normal']);
  expect(u.intakeOptions('abschicken', 'de', 'summary')).toEqual(['send']);
  for (const lang of ['de', 'en', 'ar', 'uk', 'tr'] as const) expect(u.intakeOptions(lexicons[lang].yes[0]!, lang, 'summary'), lang).toEqual([]);
});
