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
