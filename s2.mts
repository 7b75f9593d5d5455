import { buildUnderstanding } from './bot/app.ts';
import { langidSentences, langidWordPairs } from './tests/eval/external.ts';
const { understanding: u } = buildUnderstanding();
for (const [n, items] of [['sent', langidSentences()], ['pairs', langidWordPairs()]] as const) {
  const conf = new Map<string, number>();
  for (const it of items) { const r = u.understand({ text: it.text }); if (r.language !== it.lang) conf.set(`${it.lang}->${r.language}`, (conf.get(`${it.lang}->${r.language}`) ?? 0) + 1); }
  console.log(n, [...conf].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' '));
}
