import { test, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { loadQuestionsOrThrow } from '../../knowledge/questions.js';
import { ESCALATION_CLASSES, loadEscalationExamples, loadEscalationExamplesOrThrow } from '../../knowledge/escalation.js';
import { LANGUAGES } from '../../knowledge/schema.js';
import { Understanding } from '../../knowledge/understand/understand.js';

const kb = loadKnowledgeOrThrow();
const topicIds = new Set(kb.taxonomy.topics.map((t) => t.id));
const lexicons = loadLexiconsOrThrow(topicIds);
const questions = loadQuestionsOrThrow(topicIds);
const escalation = loadEscalationExamplesOrThrow();
const withExamples = new Understanding(kb, lexicons, questions, escalation);
const withoutExamples = new Understanding(kb, lexicons, questions);

test('every language has escalation examples of all three kinds', () => {
  for (const lang of LANGUAGES) {
    const examples = escalation[lang] ?? [];
    for (const kind of ESCALATION_CLASSES) expect(examples.filter((e) => e.topic === kind).length, `${lang} ${kind}`).toBeGreaterThanOrEqual(30);
  }
});

// Written for this test, in none of the example files: problems told without any of the lexicon's cue phrases.
const stories = [
  'Unser Mietvertrag endet im März und der neue Vermieter will eine Gehaltsbescheinigung, aber mein Mann ist seit Januar zu Hause, weil die Firma zugemacht hat. Die Große wechselt im Sommer auf die weiterführende Schule und wir wissen noch nicht wohin.',
  "Benim oturma iznim Mayıs'ta bitiyor, Ausländerbehörde'den hâlâ randevu alamadım. Patronum yeni izin kartını görmeden sözleşmemi uzatmayacağını söyledi, kira da maaştan ödeniyor. Oğlum da bu yıl okula başlayacak, kayıt için ne lazım bilmiyoruz.",
];

test('a story of several problems in words no cue list has is offered a person, learned from the escalation examples', () => {
  for (const text of stories) {
    expect(withoutExamples.understand({ text }).escalation, text).toBe('none');
    const understood = withExamples.understand({ text });
    expect(understood.escalation, text).toBe('offer');
    expect(understood.complex).toBe(true);
    expect(understood.crisis).toBe(false);
  }
});

test('life areas told as background to one need are no complex situation when the classifier is sure of it', () => {
  const text = 'Мы живём в Кевеларе уже два года, муж работает на складе, дети ходят в школу и в садик, всё хорошо. Подскажите, пожалуйста, как нам подать заявление на немецкое гражданство и какие документы нужны?';
  // Four life areas, no problem word: without the examples that reads as a complex situation.
  expect(withoutExamples.understand({ text }).escalation).toBe('offer');
  const understood = withExamples.understand({ text });
  expect(understood.escalation).toBe('none');
  expect(understood.topics[0]?.id).toBe('residence.naturalisation');
});

test('a person read into a story is offered but leaves the ranking to the need', () => {
  const text = 'im 20 and came alone from eritrea. is there someone who advises young people like me about my future, school, work etc';
  const understood = withExamples.understand({ text });
  expect(understood.escalation).toBe('offer');
  expect(understood.person).toBe(true);
  expect(understood.topics[0]?.id).toBe('counselling.youth');
});

test('short messages are left to the cues: a plain question stays without an offer', () => {
  for (const text of ['Wo finde ich einen Deutschkurs in Goch?', 'kita platz kleve', 'how do i apply for wohngeld']) {
    expect(withExamples.understand({ text }).escalation, text).toBe('none');
  }
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lotse-escalation-'));
  mkdirSync(join(dir, 'escalation'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a broken escalation file is reported with its file and path, and nothing loads', () => {
  writeFileSync(join(dir, 'escalation', 'de.yaml'), 'language: en\ncomplex: ["a"]\nperson: ["b"]\nnone: ["c"]\n');
  writeFileSync(join(dir, 'escalation', 'uk.yaml'), `language: uk\ncomplex: ["${'a'.repeat(1001)}"]\nperson: []\nnone: []\nmaybe: ["d"]\n`);
  writeFileSync(join(dir, 'escalation', 'tr.yaml'), 'language: tr\ncomplex: ["a"]\nnone: ["c"]\n');
  const { examples, issues } = loadEscalationExamples(dir);
  expect(examples).toBeUndefined();
  const messages = issues.map(formatIssue);
  expect(messages).toContainEqual(expect.stringMatching(/^knowledge\/escalation\/de\.yaml: language: is "en", expected "de"/));
  expect(messages).toContainEqual(expect.stringMatching(/escalation\/uk\.yaml: complex\.0: /));
  expect(messages).toContainEqual(expect.stringMatching(/escalation\/uk\.yaml: maybe: unknown field/));
  expect(messages).toContainEqual(expect.stringMatching(/escalation\/tr\.yaml: person: /));
});

test('a language without an escalation file relies on its cues alone', () => {
  writeFileSync(join(dir, 'escalation', 'de.yaml'), 'language: de\ncomplex: ["Arbeit weg und Wohnung weg"]\nperson: ["ein Mensch bitte"]\nnone: ["Wo ist die Kita?"]\n');
  const { examples, issues } = loadEscalationExamples(dir);
  expect(issues).toEqual([]);
  expect(Object.keys(examples!)).toEqual(['de']);
  expect(examples!.de!.map((e) => e.topic)).toEqual(['complex', 'person', 'none']);
});
