import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { LANGUAGES, languageSchema, type Language } from '../../knowledge/schema.js';

export const DEVSET_DIR = fileURLToPath(new URL('../devset/', import.meta.url));
/**
 * The held-out set: `tests/devset/holdout/<lang>.yaml`, written before tuning and never tuned on.
 * @remarks Its misses are printed for the record, not for fixing: it is the honest check against overfitting the development set.
 */
export const HOLDOUT_DIR = join(DEVSET_DIR, 'holdout');
/**
 * Information-style questions (de, en, ar, uk): what people ask about the content of integration information pages
 * ("How long does an integration course take?"), as opposed to the chat messages of the development set.
 * Written for this project from the taxonomy's scopes, independently of the external benchmarks.
 */
export const INFO_DIR = join(DEVSET_DIR, 'info');
/** Information-style questions by a second, independent author: never tuned on; only their scores are printed. */
export const INFO_HOLDOUT_DIR = join(DEVSET_DIR, 'info-holdout');

/**
 * Situations: complex situations (several interlinked problems), wishes for a person, and single needs told at length,
 * in all ten languages; they measure the offer of a handover and unneeded offers. Written fresh for this project by
 * helpers, the held-out part by other helpers than the development part.
 */
export const SITUATIONS_DIR = join(DEVSET_DIR, 'situations');
/** The held-out part of the situations: never tuned on; only its scores are printed. */
export const SITUATIONS_HOLDOUT_DIR = join(DEVSET_DIR, 'situations-holdout');

export const devCaseSchema = z.object({
  text: z.string().min(1),
  /** The expected best topic; for a complex message, any of several. */
  topic: z.union([z.string(), z.array(z.string()).min(1)]).transform((t) => (Array.isArray(t) ? t : [t])),
  escalation: z.enum(['none', 'offer', 'urgent']),
  crisis: z.boolean(),
});
export type DevCase = z.infer<typeof devCaseSchema> & { language: Language };

const devFileSchema = z.object({ language: languageSchema, cases: z.array(devCaseSchema).min(1) });

/** The development set (`tests/devset/<lang>.yaml`, written the way users write), or the held-out set with `HOLDOUT_DIR`. */
export function loadDevset(dir: string = DEVSET_DIR): DevCase[] {
  return LANGUAGES.flatMap((lang) => {
    const file = join(dir, `${lang}.yaml`);
    if (!existsSync(file)) return [];
    const data = devFileSchema.parse(parse(readFileSync(file, 'utf8')));
    return data.cases.map((c) => ({ ...c, language: lang }));
  });
}

/**
 * Page questions: the questions of OMoS-QA's public train and dev splits (digitalfabrik/integreat-qa-dataset, CC BY 4.0),
 * with topics labelled for this project; see `tests/devset/pages/README.md`. Its test split is the external benchmark
 * in ../shared/benchmarks and is not here: the splits are disjoint by page.
 */
export const PAGES_DIR = join(DEVSET_DIR, 'pages');

/** A question routed to one topic, in one language: page questions and the external OMoS-QA items. */
export interface RoutingItem {
  lang: string;
  text: string;
  topic: string;
}

const pageQuestionSchema = z.object({
  id: z.number().int(),
  pageId: z.number().int(),
  question: z.string().min(1),
  topic: z.string().min(1),
  city: z.string().optional(),
  split: z.enum(['train', 'dev']).optional(),
  note: z.string().optional(),
});

/**
 * Page questions whose page falls in one part: the development part, or the held-out part (every third page,
 * by page id), which is never tuned on. Same pages, same part in every language.
 */
export function loadPageQuestions(part: 'dev' | 'holdout', dir: string = PAGES_DIR): RoutingItem[] {
  return LANGUAGES.flatMap((lang) => {
    const file = join(dir, `${lang}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line, i) => {
        const parsed = pageQuestionSchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
        return parsed.data;
      })
      .filter((q) => (q.pageId % 3 === 0) === (part === 'holdout'))
      .map((q) => ({ lang, text: q.question, topic: q.topic }));
  });
}
