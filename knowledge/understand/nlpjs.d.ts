// @nlpjs/lang-* ship no types; we use only their stemmers.
declare module '@nlpjs/lang-*' {
  export class StemmerDe { stemWord(word: string): string }
  export class StemmerAr { stemWord(word: string): string }
  export class StemmerUk { stemWord(word: string): string }
  export class StemmerRu { stemWord(word: string): string }
  export class StemmerTr { stemWord(word: string): string }
  export class StemmerPl { stemWord(word: string): string }
  export class StemmerRo { stemWord(word: string): string }
}
