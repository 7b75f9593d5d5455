import { detectAll, detect } from 'tinyld/heavy';
import { langidSentences, langidWordPairs } from './tests/eval/external.ts';
const only = ['de','en','ar','fa','uk','ru','tr','pl','ro','bg'];
for (const [n, items] of [['sent', langidSentences()], ['pairs', langidWordPairs()]] as const) {
  let ok = 0; const conf = new Map<string, number>();
  for (const it of items) { const r = detectAll(it.text, { only })[0]?.lang ?? 'none'; if (r === it.lang) ok++; else conf.set(`${it.lang}->${r}`, (conf.get(`${it.lang}->${r}`) ?? 0) + 1); }
  console.log(n, (ok / items.length * 100).toFixed(1), [...conf].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}:${v}`).join(' '));
}
console.log(detectAll('Acesta este un exemplu de propoziție în limba română, scrisă corect.', { only }));
