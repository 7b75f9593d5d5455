import { test, expect } from 'vitest';
import { lexiconSchema, lexiconWarnings, loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { CONTACT_METHODS, INSTITUTIONS, RESIDENCE, URGENCIES } from '../../dialogs/handover/intake.js';
import { Understanding } from '../../knowledge/understand/understand.js';
import type { Language } from '../../knowledge/schema.js';

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
    ...INSTITUTIONS.map((o) => `institutions.${o}`),
    'institutions.none',
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

test('offices typed in any script or as German loanwords name them, each one named counts, and a longer phrase covers a shorter one', () => {
  const u = new Understanding(kb, lexicons);
  const offices = (text: string, lang: Language) => u.intakeOptions(text, lang, 'institutions', true).sort();
  expect(offices('в джобцентре', 'ru')).toEqual(['jobcenter']);
  expect(offices('Ауслендербехёрде и соцамт', 'ru')).toEqual(['immigration-office', 'social-office']);
  expect(offices('Джобцентр', 'uk')).toEqual(['jobcenter']);
  expect(offices('в джобцентъра и при личния лекар', 'bg')).toEqual(['doctor', 'jobcenter']);
  expect(offices('الجوب سنتر والسوسيال', 'ar')).toEqual(['jobcenter', 'social-office']);
  expect(offices('دائرة الأجانب', 'ar')).toEqual(['immigration-office']);
  expect(offices('جاب سنتر', 'fa')).toEqual(['jobcenter']);
  expect(offices('jobcentera gittim', 'tr')).toEqual(['jobcenter']);
  expect(offices('Ausländeramt', 'tr')).toEqual(['immigration-office']);
  expect(offices('byłam w jobcentrze i w urzędzie pracy', 'pl')).toEqual(['employment-agency', 'jobcenter']);
  expect(offices('am fost la jobcenter și la medic', 'ro')).toEqual(['doctor', 'jobcenter']);
  expect(offices('Ausländeramt und Sozialamt', 'de')).toEqual(['immigration-office', 'social-office']);
  expect(offices('the youth migration service', 'en')).toEqual(['jmd']);
  for (const lang of ['de', 'en', 'ar', 'fa', 'uk', 'ru', 'tr', 'pl', 'ro', 'bg'] as const) expect(offices(lexicons[lang].no[0]!, lang), lang).toEqual([]);
});
