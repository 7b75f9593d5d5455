// NLP.js packages ship no types; the peer uses a small part of them.
declare module '@nlpjs/core' {
  export function containerBootstrap(): Promise<{ use(plugin: unknown): void; get(name: string): unknown }>;
}
declare module '@nlpjs/nlp' {
  export const Nlp: unknown;
}
declare module '@nlpjs/lang-fa' {
  export const LangFa: unknown;
}
