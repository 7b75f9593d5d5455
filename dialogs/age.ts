import { latinDigits } from '../knowledge/understand/text.js';

/** The first plausible age (1–120) in an answer, in any digits; undefined when there is none. */
export function parseAge(answer: string): number | undefined {
  const latin = latinDigits(answer);
  // Whole numbers only: a postal code ("47533") holds no age.
  for (const match of latin.match(/\d+/g) ?? []) {
    if (match.length > 3) continue;
    const n = Number(match);
    if (n >= 1 && n <= 120) return n;
  }
  return undefined;
}

/**
 * An age told in a message ("ich bin 19", "19 Jahre", "мне 19", "۱۹ سالمه"): a number (1–120) with one of the
 * language's age words (lexicon `age`, one or two words) right before or after it. Other numbers (children, euros) are no age.
 */
export function statedAge(message: string, ageWords: ReadonlySet<string>): number | undefined {
  const words = latinDigits(message).toLowerCase().split(/[^\p{L}\p{N}'’]+/u).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    if (!/^\d{1,3}$/.test(words[i]!)) continue;
    const n = Number(words[i]);
    if (n < 1 || n > 120) continue;
    const near = [words[i - 1], words.slice(Math.max(0, i - 2), i).join(' '), words[i + 1], words.slice(i + 1, i + 3).join(' ')];
    if (near.some((w) => w !== undefined && ageWords.has(w))) return n;
  }
  // A number in brackets right after a word: "für meinen Vater (65)", "un jeune homme (22)".
  const bracketed = /[\p{L}]\s*\((\d{1,3})\)/u.exec(latinDigits(message));
  if (bracketed) {
    const n = Number(bracketed[1]);
    if (n >= 1 && n <= 120) return n;
  }
  return undefined;
}
