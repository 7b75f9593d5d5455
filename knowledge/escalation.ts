import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile, DEFAULT_KNOWLEDGE_DIR, KnowledgeError, type KnowledgeIssue } from './load.js';
import { LANGUAGES, languageSchema, type Language } from './schema.js';
import type { Example } from './understand/classifier.js';

/** A message of a few paragraphs at most; longer ones are no examples of how people write to a chat. */
const MAX_MESSAGE = 1000;

const messages = z.array(z.coerce.string().trim().min(1).max(MAX_MESSAGE));

/**
 * Example messages per language for when to offer a person (`escalation/<lang>.yaml`): stories of several interlinked
 * problems (`complex`), wishes for a person (`person`), and messages with one need that need no person (`none`: with
 * background that is no problem, with one problem, mentioning people without asking for one). What the escalation
 * classifier learns from; a language without a file relies on its lexicon's cues alone.
 */
export const escalationSchema = z
  .object({ language: languageSchema, complex: messages, person: messages, none: messages })
  .strict();

/** The classes the escalation classifier tells apart. */
export type EscalationClass = 'complex' | 'person' | 'none';
export const ESCALATION_CLASSES: readonly EscalationClass[] = ['complex', 'person', 'none'];

export type EscalationExamples = Partial<Record<Language, Example[]>>;

/** Loads `escalation/<lang>.yaml` of every language that has one. */
export function loadEscalationExamples(dir: string = DEFAULT_KNOWLEDGE_DIR): { examples?: EscalationExamples; issues: KnowledgeIssue[] } {
  const issues: KnowledgeIssue[] = [];
  const examples: EscalationExamples = {};
  for (const lang of LANGUAGES) {
    const file = join(dir, 'escalation', `${lang}.yaml`);
    if (!existsSync(file)) continue;
    const data = readDataFile(file, escalationSchema, issues);
    if (!data) continue;
    if (data.language !== lang) issues.push({ file: `knowledge/escalation/${lang}.yaml`, path: 'language', message: `is "${data.language}", expected "${lang}"` });
    examples[lang] = ESCALATION_CLASSES.flatMap((topic) => data[topic].map((text) => ({ topic, text })));
  }
  if (issues.length > 0) return { issues };
  return { examples, issues };
}

export function loadEscalationExamplesOrThrow(dir?: string): EscalationExamples {
  const { examples, issues } = loadEscalationExamples(dir);
  if (!examples) throw new KnowledgeError(issues);
  return examples;
}
