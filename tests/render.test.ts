import { describe, test, expect, beforeAll } from 'vitest';
import type { i18n } from 'i18next';
import { engineDeps } from './helpers/engine.js';
import { createI18n, translatorFor } from '../bot/i18n.js';
import { render, serviceCard, toPlainText } from '../bot/render.js';
import { runTurn } from '../dialogs/engine.js';
import { initialState } from '../dialogs/state.js';
import type { Language } from '../knowledge/schema.js';

const deps = engineDeps();
let instance: i18n;
beforeAll(async () => {
  instance = await createI18n();
});

/** One message's turn, rendered as the person reads it. */
function reads(lang: Language, text: string): string {
  const { replies, state } = runTurn(deps, initialState(lang), { kind: 'message', text });
  const t = translatorFor(instance, state.language);
  return render(replies, t, state.language, deps.kb).map((o) => toPlainText(o, t)).join('\n');
}

describe('languages are named in the reader’s language', () => {
  test('Arabic crisis lines list their languages in Arabic, with Arabic punctuation', () => {
    const text = reads('ar', 'زوجي يضربني');
    expect(text).toContain('الألمانية، الإنجليزية');
    expect(text).toContain('؛ ');
    expect(text).not.toMatch(/Deutsch|English/);
  });

  test('service cards name the languages in the reader’s language', () => {
    const entry = deps.kb.services.find((e) => e.languages.includes('ar') && e.languages.includes('de'))!;
    expect(serviceCard(entry, translatorFor(instance, 'de'), 'de', deps.kb).languages).toMatch(/^Deutsch, .*Arabisch/);
    expect(serviceCard(entry, translatorFor(instance, 'uk'), 'uk', deps.kb).languages).toMatch(/^німецька, .*арабська/);
  });
});
