import { detectAll } from 'tinyld/heavy';
import { langidSentences } from './tests/eval/external.ts';
let n = 0;
for (const it of langidSentences()) { if (it.lang !== 'ro') continue; const r = detectAll(it.text, { only: ['de','en','tr','pl','ro'] }); if (r[0]?.lang !== 'ro' && n++ < 3) console.log(JSON.stringify(it.text.slice(0, 80)), [...it.text.slice(0,40)].map(c => c.charCodeAt(0) > 127 ? c + c.charCodeAt(0).toString(16) : '').join(''), r.slice(0,2)); }
