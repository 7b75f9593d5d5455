import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { RoutingItem } from './devset.js';

/** `../shared/benchmarks/` next to the project: external data, for evaluation only. Never tune on it. */
export const BENCHMARK_DIR = fileURLToPath(new URL('../../../shared/benchmarks/', import.meta.url));

export interface LangIdItem {
  lang: string;
  text: string;
}
export interface TopicItem extends RoutingItem {
  id: string;
}

function jsonl<T>(file: string): T[] {
  const path = join(BENCHMARK_DIR, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export const langidSentences = () => jsonl<LangIdItem>('langid-sentences.jsonl');
export const langidWordPairs = () => jsonl<LangIdItem>('langid-wordpairs.jsonl');
export const omosqa = () => jsonl<TopicItem>('omosqa-topics.jsonl');
