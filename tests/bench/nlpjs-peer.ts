import { containerBootstrap } from '@nlpjs/core';
import { Nlp } from '@nlpjs/nlp';
import { LangDe } from '@nlpjs/lang-de';
import { LangEn } from '@nlpjs/lang-en';
import { LangAr } from '@nlpjs/lang-ar';
import { LangFa } from '@nlpjs/lang-fa';
import { LangUk } from '@nlpjs/lang-uk';
import { LangRu } from '@nlpjs/lang-ru';
import { LangTr } from '@nlpjs/lang-tr';
import { LangPl } from '@nlpjs/lang-pl';
import { LangRo } from '@nlpjs/lang-ro';
import type { Lexicons } from '../../knowledge/lexicon.js';
import type { Questions } from '../../knowledge/questions.js';
import { LANGUAGES, type Language } from '../../knowledge/schema.js';

export interface NlpJsPeer {
  /** Intent ranking for a message in a known language (NLP.js does not detect our ten languages itself). */
  process(language: Language, text: string): Promise<{ intent: string; crisis: boolean; ranked: string[] }>;
}

/**
 * The peer: NLP.js trained on exactly what Lotse learns from: the per-language example phrases and keywords of
 * the lexicons (topics, crisis cues as "emergency", wishes for a person as "human") and the example questions.
 * @remarks Bulgarian has no NLP.js language package; it is trained with the generic tokenizer.
 */
export async function trainNlpJs(lexicons: Lexicons, questions: Questions): Promise<NlpJsPeer> {
  const container = await containerBootstrap();
  for (const plugin of [Nlp, LangDe, LangEn, LangAr, LangFa, LangUk, LangRu, LangTr, LangPl, LangRo]) container.use(plugin);
  const nlp = container.get('nlp') as {
    settings: Record<string, unknown>;
    addLanguage(l: string): void;
    addDocument(l: string, text: string, intent: string): void;
    train(): Promise<void>;
    process(l: string, text: string): Promise<{ intent: string; classifications: Array<{ intent: string; score: number }> }>;
  };
  nlp.settings.autoSave = false;
  nlp.settings.log = false;
  for (const lang of LANGUAGES) {
    nlp.addLanguage(lang);
    const lexicon = lexicons[lang];
    for (const [topic, t] of Object.entries(lexicon.topics)) for (const doc of [...t.keywords, ...t.phrases]) nlp.addDocument(lang, doc, topic);
    for (const terms of Object.values(lexicon.crisis)) for (const doc of terms) nlp.addDocument(lang, doc, 'emergency');
    for (const doc of lexicon.person) nlp.addDocument(lang, doc, 'human');
    for (const q of questions[lang]) nlp.addDocument(lang, q.text, q.topic);
  }
  const log = console.log;
  console.log = () => {};
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  return {
    async process(language, text) {
      const r = await nlp.process(language, text);
      const ranked = r.classifications.filter((c) => c.score > 0).map((c) => c.intent);
      const intent = r.intent === 'None' ? 'out-of-scope' : r.intent;
      return { intent, crisis: intent === 'emergency', ranked: intent === 'out-of-scope' ? ['out-of-scope', ...ranked] : ranked };
    },
  };
}
