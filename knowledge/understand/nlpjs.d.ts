// @nlpjs/lang-* ship no types; we use only their stemmers.
declare module '@nlpjs/lang-*' {
  export class StemmerDe { stemWord(word: string): string }
  export class StemmerAr { stemWord(word: string): string }
  export class StemmerUk { stemWord(word: string): string }
  export class StemmerRu { stemWord(word: string): string }
  export class StemmerTr { stemWord(word: string): string }
  export class StemmerPl { stemWord(word: string): string }
  export class StemmerRo { stemWord(word: string): string }
  export const LangDe: unknown;
  export const LangEn: unknown;
  export const LangAr: unknown;
  export const LangUk: unknown;
  export const LangRu: unknown;
  export const LangTr: unknown;
  export const LangPl: unknown;
  export const LangRo: unknown;
}
