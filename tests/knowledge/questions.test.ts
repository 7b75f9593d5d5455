import { test, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadKnowledgeOrThrow, readDataFile, DEFAULT_KNOWLEDGE_DIR, type KnowledgeIssue } from '../../knowledge/load.js';
import { loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { loadQuestions, loadQuestionsOrThrow, questionsSchema } from '../../knowledge/questions.js';
import { LANGUAGES } from '../../knowledge/schema.js';
import { TopicClassifier } from '../../knowledge/understand/classifier.js';
import { Understanding } from '../../knowledge/understand/understand.js';

const kb = loadKnowledgeOrThrow();
const topicIds = new Set(kb.taxonomy.topics.map((t) => t.id));

test('the classifier learns a topic from the words of its example questions, also in new sentences', () => {
  const classifier = new TopicClassifier(
    'de',
    [
      { topic: 'community', text: 'Gibt es eine Boulderhalle mit Ermäßigung?' },
      { topic: 'community', text: 'Wann hat der Kletterverein Training?' },
      { topic: 'health', text: 'Wo finde ich einen Zahnarzt am Wochenende?' },
      { topic: 'health', text: 'Zahlt die Krankenkasse den Zahnersatz?' },
    ],
    new Set(['gibt', 'es', 'eine', 'mit', 'wann', 'hat', 'der', 'wo', 'finde', 'ich', 'einen', 'am', 'die', 'den']),
  );
  const ranked = classifier.classify('In welcher Boulderhalle kann man klettern?');
  expect(ranked[0]!.id).toBe('community');
  expect(ranked.map((r) => r.id).sort()).toEqual(['community', 'health']);
  expect(ranked[0]!.score + ranked[1]!.score).toBeCloseTo(1, 6);
  expect(classifier.classify('Zahnersatz beim Zahnarzt')[0]!.id).toBe('health');
  // Words it never saw, in none of their parts, say nothing.
  expect(classifier.classify('Quiz Yacht?')).toEqual([]);
});

test('the example questions of all ten languages load, each translation with as many questions per topic as German', () => {
  const questions = loadQuestionsOrThrow(topicIds);
  const german = ownPerTopic('de');
  const own = Object.values(german).reduce((a, b) => a + b, 0);
  expect(own).toBeGreaterThanOrEqual(1000);
  for (const lang of LANGUAGES) expect(ownPerTopic(lang), lang).toEqual(german);
  // The Integreat page questions come on top in the languages they exist in.
  for (const lang of ['de', 'en', 'ar', 'uk'] as const) expect(questions[lang].length, lang).toBeGreaterThan(own);
});

/** Questions per topic in our own file of a language (`questions/<lang>.yaml`, without the outside sources). */
function ownPerTopic(lang: string): Record<string, number> {
  const issues: KnowledgeIssue[] = [];
  const data = readDataFile(join(DEFAULT_KNOWLEDGE_DIR, 'questions', `${lang}.yaml`), questionsSchema, issues);
  expect(issues).toEqual([]);
  return Object.fromEntries(Object.entries(data!.topics).map(([topic, texts]) => [topic, texts.length]));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lotse-questions-'));
  mkdirSync(join(dir, 'questions', 'someone'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a broken questions file is reported with its file and path, and nothing loads', () => {
  writeFileSync(join(dir, 'questions', 'de.yaml'), 'language: en\ntopics:\n  childcare: ["Wie finde ich eine Kita?"]\n  kita: ["Wo ist die Kita?"]\n');
  writeFileSync(join(dir, 'questions', 'someone', 'uk.yaml'), `language: uk\ntopics:\n  health: ["${'a'.repeat(401)}"]\n`);
  const { questions, issues } = loadQuestions(topicIds, dir);
  expect(questions).toBeUndefined();
  const messages = issues.map(formatIssue);
  expect(messages).toContainEqual(expect.stringMatching(/^knowledge\/questions\/de\.yaml: language: is "en", expected "de"/));
  expect(messages).toContainEqual(expect.stringMatching(/questions\/someone\/uk\.yaml.*topics\.health\.0/));
  expect(messages).toContain('knowledge/questions/de.yaml: topics.kita: unknown topic "kita"');
});

test('what the example questions teach reaches the understanding: a word only they know routes the message', () => {
  const lexicons = loadLexiconsOrThrow(topicIds);
  const taught = [
    { topic: 'community', text: 'Gibt es eine Boulderhalle mit Ermäßigung für Familien?' },
    { topic: 'community', text: 'Welche Boulderhalle hat einen Kurs für Anfänger?' },
  ];
  const question = 'Hat die Boulderhalle auch sonntags offen?';
  expect(new Understanding(kb, lexicons, {}).understand({ text: question, language: 'de' }).topics[0]?.id).not.toBe('community');
  const understood = new Understanding(kb, lexicons, { de: taught }).understand({ text: question, language: 'de' });
  expect(understood.topics[0]?.id).toBe('community');
  // Only the order of the topics: no person offered, no complex situation, no crisis.
  expect(understood.escalation).toBe('none');
});

test('a recipe or a sum stays out of scope: the classifier does not guess a service when it is unsure', () => {
  const understanding = new Understanding(kb, loadLexiconsOrThrow(topicIds), loadQuestionsOrThrow(topicIds));
  for (const [text, language] of [
    ['شلون اسوي كبة موصلية؟', 'ar'],
    ['колко е 15 процента от 240', 'bg'],
    ['yarın kleve de yağmur yağacak mı', 'tr'],
  ] as const) {
    expect(understanding.understand({ text, language }).topics[0]?.id, text).toBe('out-of-scope');
  }
});

test('"not something I cover" from the classifier: never for a story of several problems, and a foreign degree stays recognition', () => {
  const understanding = new Understanding(kb, loadLexiconsOrThrow(topicIds), loadQuestionsOrThrow(topicIds));
  // From the situations' development part: the classifier finds it more likely out of scope than not; the story needs a person.
  const story = understanding.understand({ text: 'lucram la sere in Straelen cu contract pe sezon, s-a terminat, am ramas aici cu nevasta. ne trebuie bani pana gasim altceva dar nu stim daca avem drept la bürgergeld ca romani, si datoriile la telefon tot cresc' });
  expect(story.escalation).toBe('offer');
  expect(story.topics[0]?.id).not.toBe('out-of-scope');
  expect(understanding.understand({ text: 'i have a bachelor in accounting from nigeria, does it count in germany?' }).topics[0]?.id).toBe('recognition');
});
