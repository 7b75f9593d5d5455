import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile, DEFAULT_KNOWLEDGE_DIR, KnowledgeError, type KnowledgeIssue } from './load.js';
import { LANGUAGES, languageSchema, type Language } from './schema.js';
import type { Example } from './understand/classifier.js';

/** Longer questions are no examples of one need. */
const MAX_QUESTION = 400;

/**
 * Example questions per topic in one language, the way people ask about the services: what the topic classifier
 * learns from. `questions/<lang>.yaml` holds our own; each folder below it (`questions/<source>/<lang>.yaml`) one
 * outside source, with its licence in the file's header. A language without any file learns from its lexicon only.
 */
export const questionsSchema = z.object({
  language: languageSchema,
  topics: z.record(z.string(), z.array(z.coerce.string().trim().min(1).max(MAX_QUESTION))),
});

export type Questions = Record<Language, Example[]>;

/** Loads `questions/<lang>.yaml` of every language that has one and checks topic ids against the taxonomy. */
export function loadQuestions(topicIds: ReadonlySet<string>, dir: string = DEFAULT_KNOWLEDGE_DIR): { questions?: Questions; issues: KnowledgeIssue[] } {
  const issues: KnowledgeIssue[] = [];
  const questions = Object.fromEntries(LANGUAGES.map((l) => [l, [] as Example[]])) as Questions;
  const root = join(dir, 'questions');
  const sources = ['', ...(existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [])];
  for (const lang of LANGUAGES) for (const source of sources) {
    const file = join(root, source, `${lang}.yaml`);
    if (!existsSync(file)) continue;
    const data = readDataFile(file, questionsSchema, issues);
    if (!data) continue;
    const name = `knowledge/questions/${source ? `${source}/` : ''}${lang}.yaml`;
    if (data.language !== lang) issues.push({ file: name, path: 'language', message: `is "${data.language}", expected "${lang}"` });
    for (const [topic, texts] of Object.entries(data.topics)) {
      if (!topicIds.has(topic)) issues.push({ file: name, path: `topics.${topic}`, message: `unknown topic "${topic}"` });
      else for (const text of texts) questions[lang].push({ topic, text });
    }
  }
  if (issues.length > 0) return { issues };
  return { questions, issues };
}

export function loadQuestionsOrThrow(topicIds: ReadonlySet<string>, dir?: string): Questions {
  const { questions, issues } = loadQuestions(topicIds, dir);
  if (!questions) throw new KnowledgeError(issues);
  return questions;
}
