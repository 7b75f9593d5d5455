import { buildUnderstanding } from './bot/app.ts';
import { loadDevset } from './tests/eval/devset.ts';
import { score, formatTable } from './tests/eval/metrics.ts';
const { understanding: u } = buildUnderstanding();
const rows = score(loadDevset(), (c) => u.understand({ text: c.text }));
console.log(formatTable(rows));
const f = process.argv[2];
if (f) for (const r of rows) for (const m of r.misses) if (m.includes(f)) console.log(m, '\n   ', u.explain(m.slice(5, m.indexOf('  →')), r.language).slice(0, 25).join(' ; '));
