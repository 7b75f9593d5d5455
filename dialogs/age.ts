/** Eastern Arabic and Persian digits, as people type them on Arabic and Persian keyboards. */
const DIGITS: Record<string, string> = Object.fromEntries(
  [...'٠١٢٣٤٥٦٧٨٩'].map((d, i) => [d, String(i)]).concat([...'۰۱۲۳۴۵۶۷۸۹'].map((d, i) => [d, String(i)])),
);

/** The first plausible age (1–120) in an answer, in any digits; undefined when there is none. */
export function parseAge(answer: string): number | undefined {
  const latin = answer.replace(/[٠-٩۰-۹]/g, (d) => DIGITS[d] ?? d);
  for (const match of latin.match(/\d{1,3}/g) ?? []) {
    const n = Number(match);
    if (n >= 1 && n <= 120) return n;
  }
  return undefined;
}
