import Fuse from 'fuse.js';
import type { Municipality } from '../schema.js';
import { latinDigits, normalise } from './text.js';

/** Shortest word tried as a misspelt town name. */
const MIN_FUZZY = 4;

interface TownName {
  id: string;
  name: string;
}

export interface TownOptions {
  /** Names of towns outside the district that people here name (see `District.elsewhere`). */
  elsewhere?: readonly string[];
  /** The district's name ("Kreis Kleve"). */
  districtName?: string;
  /**
   * Phrases of every language that say one lives in the town after them no more ("nicht mehr in Goch", "no longer in
   * Kleve", "раньше жил в Гохе"; lexicon `leftTown`): that town is not where one lives.
   */
  left?: readonly string[];
  /** Whether a normalised word is a word of the lexicons: such a word is never read as a misspelt town ("Eltern"). */
  knownWord?: (word: string) => boolean;
}

/**
 * Recognises the district's towns in what people type: names, aliases, postal codes,
 * and (when the dialogue asked for the town) misspellings through fuse.js.
 */
export class TownFinder {
  private readonly names: TownName[];
  private readonly byPostalCode = new Map<string, string>();
  /** Normalised names and aliases (words joined by one space) → municipality id. */
  private readonly byName = new Map<string, string>();
  /** Normalised village names that are everyday words too (`Municipality.wordAliases`) → municipality id. */
  private readonly byWordAlias = new Map<string, string>();
  private readonly fuse: Fuse<TownName>;
  /** The first words of all names: most words of a message start none. */
  private readonly firstWords = new Set<string>();
  /** Every word of each town's names and aliases, everyday-word ones too ("emmerich", "am", "rhein", "kessel"). */
  private readonly wordsOfTown = new Map<string, Set<string>>();

  /** Normalised names of towns outside the district (words joined by one space) → the name as written. */
  private readonly outside = new Map<string, string>();

  /** The district's own name ("kreis kleve"): it names no town ("nicht im Kreis Kleve, sondern in Bocholt"). */
  private readonly districtName: string;

  /** Whether a normalised word is a word of the lexicons (never read as a misspelt town). */
  private readonly knownWord: (word: string) => boolean;
  /** Phrases (normalised words joined by one space) that, right before a town's name, say one lives there no more. */
  private readonly leftPhrases: string[];
  /** The words of those phrases. */
  private readonly leftWords: ReadonlySet<string>;
  /** Every word of the names of towns outside the district. */
  private readonly outsideWords: ReadonlySet<string>;

  constructor(
    private readonly municipalities: readonly Municipality[],
    { elsewhere = [], districtName = '', left = [], knownWord = () => false }: TownOptions = {},
  ) {
    this.knownWord = knownWord;
    this.districtName = wordsOf(districtName).join(' ');
    this.leftPhrases = [...new Set(left.map((p) => wordsOf(p).join(' ')).filter(Boolean))];
    this.leftWords = new Set(this.leftPhrases.flatMap((p) => p.split(' ')));
    for (const name of elsewhere) this.outside.set(wordsOf(name).join(' '), name);
    this.outsideWords = new Set([...this.outside.keys()].flatMap((n) => n.split(' ')));
    this.names = municipalities.flatMap((m) => [m.name, ...m.aliases].map((name) => ({ id: m.id, name: normalise(name) })));
    for (const m of municipalities) for (const code of m.postalCodes) this.byPostalCode.set(code, m.id);
    for (const t of this.names) {
      const words = t.name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      this.byName.set(words.join(' '), t.id);
      if (words[0]) this.firstWords.add(words[0]);
      if (!this.wordsOfTown.has(t.id)) this.wordsOfTown.set(t.id, new Set());
      for (const w of words) this.wordsOfTown.get(t.id)!.add(w);
    }
    for (const m of municipalities) {
      for (const alias of m.wordAliases) {
        const words = wordsOf(alias);
        this.byWordAlias.set(words.join(' '), m.id);
        if (!this.wordsOfTown.has(m.id)) this.wordsOfTown.set(m.id, new Set());
        for (const w of words) this.wordsOfTown.get(m.id)!.add(w);
      }
    }
    // Misspellings only of the names and aliases: a misspelt everyday word is no village ("Kassel" is not Kessel).
    this.fuse = new Fuse(this.names, { keys: ['name'], threshold: 0.34, includeScore: true, ignoreLocation: true });
  }

  /** A town named exactly (after normalisation) or by postal code anywhere in a message. */
  findIn(text: string): string | undefined {
    const words = this.wordsBesidesDistrict(text);
    for (const [i, w] of words.entries()) {
      if (w.length === 5 && /^\d{5}$/.test(w)) {
        const id = this.byPostalCode.get(w);
        if (id && !this.leftAt(words, i)) return id;
      }
    }
    return namedIn(words, this.byName, (w) => this.firstWords.has(w), (i) => this.leftAt(words, i));
  }

  /** A village named in a message whose name is an everyday word too (see `Municipality.wordAliases`), exactly. */
  private wordAliasIn(text: string): string | undefined {
    const words = this.wordsBesidesDistrict(text);
    return namedIn(words, this.byWordAlias, () => true, (i) => this.leftAt(words, i));
  }

  /**
   * Whether a word of a message (normalised) may begin a town's name or is one of the postal codes: most words are
   * neither, and a message without such a word names no town (unless an apostrophe hides one: "Kleve'de").
   */
  mayName(token: string): boolean {
    return this.firstWords.has(token) || (token.length === 5 && this.byPostalCode.has(token)) || inflections(token).some((form) => this.byName.has(form));
  }

  /**
   * The town a message tells as where one lives, with nothing else but words such as "wohne", "in", "I live" (`filler`):
   * "ich wohne in Goch", "I live in Kleve", "Emmerichte oturuyorum". Undefined when any other word is in it.
   */
  told(text: string, filler: (word: string) => boolean): string | undefined {
    const town = this.findIn(text) ?? this.wordAliasIn(text);
    if (!town) return undefined;
    const own = this.wordsOfTown.get(town)!;
    const ofTown = (w: string) => own.has(w) || this.byPostalCode.get(w) === town || inflections(w).some((f) => (this.byName.get(f) ?? this.byWordAlias.get(f)) === town);
    return wordsOf(text).every((w) => ofTown(w) || filler(w) || this.ofLeftTown(w)) ? town : undefined;
  }

  /**
   * A town outside the district named in a message, exactly or with an Arabic, Cyrillic or Turkish ending ("ich wohne
   * in Moers", "في دوسلدورف", "в Дюссельдорфе", "Duisburg'da"), when it names no town of the district.
   */
  elsewhereIn(text: string): string | undefined {
    if (this.findIn(text)) return undefined;
    const words = this.wordsBesidesDistrict(text);
    for (let n = 4; n >= 1; n--) {
      for (let i = 0; i + n <= words.length; i++) {
        const name = this.outside.get(words.slice(i, i + n).join(' '));
        if (name && !this.leftAt(words, i)) return name;
      }
    }
    for (const [i, w] of words.entries()) for (const form of inflections(w)) if (this.outside.has(form) && !this.leftAt(words, i)) return this.outside.get(form);
    return undefined;
  }

  /**
   * Whether a phrase of `leftTown` ends right before the town named at `at`, or before a preposition before it ("nicht
   * mehr in Goch", "раньше жил в Гохе"): with other words between, the phrase is about something else ("keine Kita in
   * Goch", "ich kann die Miete nicht mehr zahlen, Goch").
   */
  private leftAt(words: readonly string[], at: number): boolean {
    if (this.leftPhrases.length === 0 || at === 0) return false;
    const before = ` ${words.slice(Math.max(0, at - 6), at).join(' ')} `;
    const oneBetween = ` ${words.slice(Math.max(0, at - 6), at - 1).join(' ')} `;
    // The one word between is a preposition ("in", "aus", "в", "din"): "nicht mehr zahlen, Goch" leaves no town.
    const preposition = at >= 2 && words[at - 1]!.length <= 3;
    return this.leftPhrases.some((p) => before.endsWith(` ${p} `) || (preposition && oneBetween.endsWith(` ${p} `)));
  }

  /** A town outside the district a message only tells as where one lives ("ich wohne in Moers"), like `told`. */
  toldElsewhere(text: string, filler: (word: string) => boolean): string | undefined {
    const name = this.elsewhereIn(text);
    if (!name) return undefined;
    const own = new Set(wordsOf(name));
    const ofTown = (w: string) => own.has(w) || inflections(w).some((f) => this.outside.get(f) === name);
    return wordsOf(text).every((w) => ofTown(w) || filler(w) || this.ofLeftTown(w)) ? name : undefined;
  }

  /**
   * Whether a message only tells a town one lives in no more ("ich wohne nicht mehr in Goch", "I don't live in Kleve
   * anymore"), naming no other: where one lives now is not known.
   */
  leftOnly(text: string, filler: (word: string) => boolean): boolean {
    if (this.leftPhrases.length === 0 || this.findIn(text) || this.elsewhereIn(text)) return false;
    const words = wordsOf(text);
    const names = (w: string) => this.byName.has(w) || this.byPostalCode.has(w) || this.outside.has(w) || inflections(w).some((f) => this.byName.has(f) || this.outside.has(f));
    return words.some(names) && words.every((w) => filler(w) || this.ofLeftTown(w));
  }

  /**
   * Whether a word may belong to telling a town one left ("nicht mehr in Goch, jetzt in Moers" tells only Moers): a word
   * of the `leftTown` phrases, or of any town's name (the town told is the one not left).
   */
  private ofLeftTown(w: string): boolean {
    if (this.leftWords.size === 0) return false;
    return this.leftWords.has(w) || this.anyTownWord(w) || inflections(w).some((f) => this.anyTownWord(f));
  }

  private anyTownWord(w: string): boolean {
    return this.byPostalCode.has(w) || [...this.wordsOfTown.values()].some((words) => words.has(w)) || this.outsideWords.has(w);
  }

  /** A text's normalised words without the district's own name. */
  private wordsBesidesDistrict(text: string): string[] {
    const words = wordsOf(text);
    if (!this.districtName) return words;
    const joined = ` ${words.join(' ')} `.replaceAll(` ${this.districtName} `, ' ');
    return joined.split(' ').filter(Boolean);
  }

  /** The town a message consists of, and nothing else ("Goch", "47533", "Emmerich am Rhein!"). */
  only(text: string): string | undefined {
    const words = wordsOf(text);
    if (words.length === 1 && /^\d{5}$/.test(words[0]!)) return this.byPostalCode.get(words[0]!);
    return this.byName.get(words.join(' ')) ?? this.byWordAlias.get(words.join(' '));
  }

  /** The answer to "which town do you live in?": exact (a village named by an everyday word too), postal code, or the closest spelling. */
  resolve(answer: string): string | undefined {
    const exact = this.findIn(answer) ?? this.wordAliasIn(answer);
    if (exact) return exact;
    const n = normalise(answer).replace(/[^\p{L}\p{N} -]+/gu, ' ').trim();
    if (n.length < 3) return undefined;
    const words = n.split(/\s+/);
    // A word of the lexicons is no misspelt town: "Eltern" is no Elten, "Keller" no Kellen.
    const candidates = [...(words.length === 1 && this.knownWord(n) ? [] : [n]), ...words.filter((w) => w.length >= MIN_FUZZY && !this.knownWord(w))];
    let best: { id: string; distance: number } | undefined;
    for (const c of candidates) {
      // fuse.js finds the likely names; a whole-word edit distance confirms them: fuse also matches a name's parts,
      // which made "here" Geldern, "I live" Kleve and "Duisburg" Bedburg-Hau.
      for (const hit of this.fuse.search(c, { limit: 5 })) {
        const distance = editDistance(c, hit.item.name);
        if (distance <= allowedTypos(c, hit.item.name) && (!best || distance < best.distance)) best = { id: hit.item.id, distance };
      }
    }
    return best?.id;
  }

  name(id: string): string | undefined {
    return this.municipalities.find((m) => m.id === id)?.name;
  }
}

/** A text's normalised words. Turkish separates suffixes from names with an apostrophe ("Kleve'de"): the name stays whole. */
function wordsOf(text: string): string[] {
  return normalise(latinDigits(text).replace(/['’ʼ`]/g, ' ')).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The town of the first name in `names` among a message's words: longest names first ("emmerich am rhein" before
 * "emmerich"), only where a name can start (`starts`), then a name with an Arabic preposition written onto it ("بكليف")
 * or in a case ending ("в Эммерихе", "у Кевеларі").
 */
function namedIn(words: readonly string[], names: ReadonlyMap<string, string>, starts: (word: string) => boolean, left: (at: number) => boolean): string | undefined {
  for (let n = 3; n >= 1; n--) {
    for (let i = 0; i + n <= words.length; i++) {
      if (!starts(words[i]!)) continue;
      const id = names.get(n === 1 ? words[i]! : words.slice(i, i + n).join(' '));
      if (id && !left(i)) return id;
    }
  }
  for (const [i, w] of words.entries()) {
    for (const form of inflections(w)) {
      const id = names.get(form);
      if (id && !left(i)) return id;
    }
  }
  return undefined;
}

/** Typos accepted in a town's name: one from four letters (in a short name not in the first: "Gooch", not "Hoch"), two from eight. */
function allowedTypos(typed: string, name: string): number {
  const letters = name.replace(/[^\p{L}\p{N}]/gu, '').length;
  if (letters < 5) return letters === 4 && typed[0] === name[0] ? 1 : 0;
  return letters >= 8 ? 2 : 1;
}

/** Levenshtein distance with swapped neighbours counting once ("Kelve"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Arabic-script prepositions written onto the next word: "بكليف" (in Kleve), "لغوخ", "وكيفيلار". */
const ARABIC_PREFIX = /^[بلفو](?=[\u0600-\u06FF]{3})/u;
/** Cyrillic case endings on a town's name: "в Эммерихе", "у Кевеларі", "з Гоху", "Клеве" stays. */
const CYRILLIC_ENDING = /(?<=[\u0400-\u04FF]{3})(?:ом|ем|ою|ой|і|е|у|а|ї)$/u;
/** Turkish locative and ablative endings typed onto a town's name without the apostrophe: "Emmerichte", "Klevede", "Gochtan". */
const TURKISH_ENDING = /(?<=[a-z]{4})[dt][ae]n?$/u;

/** The forms a word may take around a town's name, besides itself. */
function inflections(word: string): string[] {
  const out: string[] = [];
  if (ARABIC_PREFIX.test(word)) out.push(word.replace(ARABIC_PREFIX, ''));
  if (CYRILLIC_ENDING.test(word)) out.push(word.replace(CYRILLIC_ENDING, ''));
  if (TURKISH_ENDING.test(word)) out.push(word.replace(TURKISH_ENDING, ''));
  return out;
}
