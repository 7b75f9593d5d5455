import { describe, test, expect } from 'vitest';
import { readLocales, NAMESPACES, createI18n, translatorFor } from '../bot/i18n.js';
import { LANGUAGES } from '../knowledge/schema.js';
import { loadKnowledgeOrThrow } from '../knowledge/load.js';

const resources = readLocales();

/** Every leaf key of a nested resource object, with dots. */
function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort();
}

function leaf(o: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

/** i18next's plural suffixes (JSON v4, the categories of Intl.PluralRules). */
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys without plural suffixes, each once ("period.consent_one" and "period.consent_other" are "period.consent"). */
function baseKeys(all: readonly string[]): string[] {
  return [...new Set(all.map((k) => k.replace(PLURAL, '')))].sort();
}

describe.each(NAMESPACES)('locales namespace %s', (ns) => {
  const source = resources.de![ns]!;
  const sourceKeys = keys(source);
  const pluralBases = new Set(sourceKeys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
  test.each(LANGUAGES.filter((l) => l !== 'de'))('%s has exactly the German keys (plural ones in its own plural forms), non-empty, with the same placeholders', (lng) => {
    const target = resources[lng]?.[ns];
    expect(target, `locales/${lng}/${ns}.json`).toBeDefined();
    const targetKeys = keys(target!);
    expect(baseKeys(targetKeys)).toEqual(baseKeys(sourceKeys));
    const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
    for (const base of pluralBases) expect(targetKeys.filter((k) => k.replace(PLURAL, '') === base).sort(), `${lng}:${base}`).toEqual(categories.map((c) => `${base}_${c}`).sort());
    for (const key of targetKeys) {
      const value = leaf(target!, key);
      expect(typeof value === 'string' && value.trim().length > 0, `${lng}:${key}`).toBe(true);
      const german = PLURAL.test(key) ? `${key.replace(PLURAL, '')}_other` : key;
      expect(placeholders(value as string), `${lng}:${key}`).toEqual(placeholders(leaf(source, german) as string));
    }
  });
});

test.each(LANGUAGES)('%s: every sentence with a number of days reads it in its plural form, for any retention period', async (lng) => {
  const i18n = await createI18n(resources);
  const chat = translatorFor(i18n, lng);
  const web = translatorFor(i18n, lng, 'web');
  for (const days of [1, 2, 3, 5, 11, 21, 30, 100]) {
    const sentences = [
      chat('privacy.info', { days }),
      chat('privacy.delete.confirmRecords', { days, references: 'KIM-1' }),
      chat('privacy.delete.records', { days, references: 'KIM-1' }),
      chat('intake.consent.body', { days, team: 'Team 1' }),
      web('privacy', { days }),
    ];
    for (const sentence of sentences) {
      expect(sentence, `${lng}, ${days} days`).toContain(String(days));
      expect(sentence, `${lng}, ${days} days`).not.toMatch(/\$t\(|\{\{|period\./);
    }
  }
  // German and English: the forms themselves.
  if (lng === 'de') expect(chat('privacy.delete.records', { days: 1, references: 'X' })).toContain('in 1 Tag geschieht');
  if (lng === 'de') expect(chat('privacy.delete.records', { days: 30, references: 'X' })).toContain('in 30 Tagen geschieht');
  if (lng === 'en') expect(web('privacy', { days: 1 })).toContain('at most 1 day and');
});

test('every taxonomy topic has a name in the chat namespace', async () => {
  const kb = loadKnowledgeOrThrow();
  const i18n = await createI18n(resources);
  for (const lng of LANGUAGES) {
    const t = translatorFor(i18n, lng);
    for (const topic of kb.taxonomy.topics) expect(i18n.exists(`topic.${topic.id}`, { lng, ns: 'chat', fallbackLng: [] }), `${lng}: topic.${topic.id}`).toBe(true);
    expect(t('language.switched')).not.toBe('language.switched');
  }
});
