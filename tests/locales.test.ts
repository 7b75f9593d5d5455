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

describe.each(NAMESPACES)('locales namespace %s', (ns) => {
  const source = resources.de![ns]!;
  const sourceKeys = keys(source);
  test.each(LANGUAGES.filter((l) => l !== 'de'))('%s has exactly the German keys, non-empty, with the same placeholders', (lng) => {
    const target = resources[lng]?.[ns];
    expect(target, `locales/${lng}/${ns}.json`).toBeDefined();
    expect(keys(target!).sort()).toEqual([...sourceKeys].sort());
    for (const key of sourceKeys) {
      const value = leaf(target!, key);
      expect(typeof value === 'string' && value.trim().length > 0, `${lng}:${key}`).toBe(true);
      expect(placeholders(value as string), `${lng}:${key}`).toEqual(placeholders(leaf(source, key) as string));
    }
  });
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
