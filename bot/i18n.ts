import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../knowledge/schema.js';

export const LOCALES_DIR = fileURLToPath(new URL('../locales/', import.meta.url));

/** Namespaces, one JSON file each in `locales/<lng>/`, complete in every supported language. */
export const NAMESPACES = ['chat', 'web', 'finder', 'channels'] as const;

/** Staff-facing namespaces: the inbox's UI is German (case managers work in German). */
export const STAFF_NAMESPACES = ['inbox'] as const;

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Reads `locales/<lng>/<ns>.json` for every supported language. */
export function readLocales(dir: string = LOCALES_DIR): Resources {
  const resources: Resources = {};
  for (const lng of LANGUAGES) {
    resources[lng] = {};
    const folder = join(dir, lng);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      resources[lng]![file.slice(0, -5)] = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>;
    }
  }
  return resources;
}

/**
 * A chat message's text by key, German where a language lacks it, without parameters: for comparing what a person
 * typed with a button's label (the engine reads typed answers with it).
 */
export function messageLookup(resources: Resources, ns: (typeof NAMESPACES)[number] = 'chat'): (lng: Language, key: string) => string {
  const find = (lng: string, key: string): unknown => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), resources[lng]?.[ns]);
  return (lng, key) => {
    const found = find(lng, key) ?? find('de', key);
    return typeof found === 'string' ? found : key;
  };
}

/**
 * A dedicated i18next instance (never the global one): German is the source and the fallback.
 * @remarks Servers render with {@link Translator} per turn, never by switching this instance's language.
 */
export async function createI18n(resources: Resources = readLocales()): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: 'de',
    fallbackLng: 'de',
    supportedLngs: [...LANGUAGES],
    ns: [...NAMESPACES, ...STAFF_NAMESPACES],
    defaultNS: 'chat',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

export type Translator = TFunction;

const translators = new WeakMap<i18n, Map<string, Translator>>();

/** A translator fixed to one language (made once per instance, language and namespace). */
export function translatorFor(instance: i18n, lng: Language, ns: (typeof NAMESPACES)[number] | (typeof STAFF_NAMESPACES)[number] = 'chat'): Translator {
  let byKey = translators.get(instance);
  if (!byKey) translators.set(instance, (byKey = new Map()));
  const key = `${lng}:${ns}`;
  let t = byKey.get(key);
  if (!t) byKey.set(key, (t = memoised(instance.getFixedT(lng, ns))));
  return t;
}

/** Entries a translator remembers before it starts over. */
const MEMO_SIZE = 20_000;

/**
 * A translator that remembers the strings it made: a turn renders the same few dozen keys with
 * the same parameters again and again, and i18next's lookup and interpolation cost more than a
 * map lookup. Only string results for a key without parameters or with numbers and flags only
 * are remembered: a parameter that is a string may be something a person typed (a name, a phone
 * number), and nothing personal may outlive its deletion in a cache. The resources do not change
 * while the process runs.
 */
function memoised(t: TFunction): TFunction {
  const memo = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const wrapped = (...args: unknown[]): unknown => {
    const [key, options] = args;
    if (args.length > 2 || typeof key !== 'string' || (options !== undefined && !plain(options))) return call(...args);
    const id = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    const value = call(key, options);
    if (typeof value === 'string') {
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(id, value);
    }
    return value;
  };
  return wrapped as unknown as TFunction;
}

function plain(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  for (const value of Object.values(options)) if (typeof value !== 'number' && typeof value !== 'boolean') return false;
  return true;
}
