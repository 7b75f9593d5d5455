import Fuse from 'fuse.js';
import type { Municipality } from '../schema.js';
import { normalise } from './text.js';

interface TownName {
  id: string;
  name: string;
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
  private readonly fuse: Fuse<TownName>;
  /** The first words of all names: most words of a message start none. */
  private readonly firstWords = new Set<string>();

  constructor(private readonly municipalities: readonly Municipality[]) {
    this.names = municipalities.flatMap((m) => [m.name, ...m.aliases].map((name) => ({ id: m.id, name: normalise(name) })));
    for (const m of municipalities) for (const code of m.postalCodes) this.byPostalCode.set(code, m.id);
    for (const t of this.names) {
      const words = t.name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      this.byName.set(words.join(' '), t.id);
      if (words[0]) this.firstWords.add(words[0]);
    }
    this.fuse = new Fuse(this.names, { keys: ['name'], threshold: 0.34, includeScore: true, ignoreLocation: true });
  }

  /** A town named exactly (after normalisation) or by postal code anywhere in a message. */
  findIn(text: string): string | undefined {
    // Turkish separates suffixes from names with an apostrophe ("Kleve'de"): keep the name whole.
    const words = normalise(text.replace(/['’ʼ`]/g, ' ')).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const w of words) {
      if (w.length === 5 && /^\d{5}$/.test(w)) {
        const id = this.byPostalCode.get(w);
        if (id) return id;
      }
    }
    // Longest names first: "emmerich am rhein" before "emmerich". Only where a name can start.
    for (let n = 3; n >= 1; n--) {
      for (let i = 0; i + n <= words.length; i++) {
        if (!this.firstWords.has(words[i]!)) continue;
        const id = this.byName.get(n === 1 ? words[i]! : words.slice(i, i + n).join(' '));
        if (id) return id;
      }
    }
    return undefined;
  }

  /**
   * Whether a word of a message (normalised) may begin a town's name or is one of the postal codes: most words are
   * neither, and a message without such a word names no town (unless an apostrophe hides one: "Kleve'de").
   */
  mayName(token: string): boolean {
    return this.firstWords.has(token) || (token.length === 5 && this.byPostalCode.has(token));
  }

  /** The answer to "which town do you live in?": exact, postal code, or the closest spelling. */
  resolve(answer: string): string | undefined {
    const exact = this.findIn(answer);
    if (exact) return exact;
    const n = normalise(answer).replace(/[^\p{L}\p{N} -]+/gu, ' ').trim();
    if (n.length < 3) return undefined;
    const words = n.split(/\s+/);
    const candidates = [n, ...words.filter((w) => w.length >= 4)];
    let best: { id: string; score: number } | undefined;
    for (const c of candidates) {
      const hit = this.fuse.search(c, { limit: 1 })[0];
      if (hit && hit.score !== undefined && (!best || hit.score < best.score)) best = { id: hit.item.id, score: hit.score };
    }
    return best?.id;
  }

  name(id: string): string | undefined {
    return this.municipalities.find((m) => m.id === id)?.name;
  }
}
