import { buildUnderstanding } from '../../bot/app.js';
import { HOLDOUT_DIR, INFO_DIR, INFO_HOLDOUT_DIR, SITUATIONS_DIR, SITUATIONS_HOLDOUT_DIR, loadDevset, loadPageQuestions, type RoutingItem } from './devset.js';
import { formatTable, score } from './metrics.js';
import { langidSentences, langidWordPairs, omosqa } from './external.js';

/**
 * `npm run eval`: understanding quality on the development set, per language, with the misses,
 * and apart from it on the held-out set (`tests/devset/holdout`); the same for information-style questions
 * (`tests/devset/info`, `tests/devset/info-holdout`) and for situations that may need a person
 * (`tests/devset/situations`, `tests/devset/situations-holdout`).
 * `npm run eval -- --external`: also language ID (lingua-py sentences and word pairs) and
 * OMoS-QA topic routing from ../shared/benchmarks (evaluation only, never tuned on).
 */
const { understanding } = buildUnderstanding();
const external = process.argv.includes('--external');

/**
 * Scores one set and prints its table; its misses only when they are for working on (or for the record),
 * never for a part kept back from tuning.
 */
function report(title: string, dir: string | undefined, misses: string | null): void {
  const cases = loadDevset(dir);
  if (cases.length === 0) return;
  const rows = score(cases, (c) => understanding.understand({ text: c.text }));
  console.log(`\n${title}\n`);
  console.log(formatTable(rows));
  if (misses === null) return;
  const list = rows.flatMap((r) => r.misses);
  console.log(`\n${misses} (${list.length}):`);
  for (const m of list) console.log(`  ${m}`);
}

report('Development set (tests/devset)', undefined, 'Misses');
// The held-out set was written before tuning; its misses are printed for the record and never tuned on.
report('Held-out set (tests/devset/holdout, never tuned on)', HOLDOUT_DIR, 'Held-out misses, for the record only');
// Information-style questions: the development part with its misses, the held-out part with its scores only.
report('Information questions (tests/devset/info)', INFO_DIR, 'Information-question misses');
report('Information questions, held out (tests/devset/info-holdout, never tuned on; misses not listed)', INFO_HOLDOUT_DIR, null);
// Complex situations, wishes for a person and single needs told at length: when to offer a person.
report('Situations (tests/devset/situations)', SITUATIONS_DIR, 'Situation misses');
report('Situations, held out (tests/devset/situations-holdout, never tuned on; misses not listed)', SITUATIONS_HOLDOUT_DIR, null);

/** Top-1 and top-3 topic accuracy per language for questions with one topic each; the misses when they are for working on. */
function routing(title: string, items: readonly RoutingItem[], misses: string | null): void {
  if (items.length === 0) return;
  const per = new Map<string, { ok1: number; ok3: number; n: number }>();
  const missed: string[] = [];
  for (const item of items) {
    const ids = understanding.understand({ text: item.text, language: item.lang as never }).topics.map((t) => t.id);
    const p = per.get(item.lang) ?? { ok1: 0, ok3: 0, n: 0 };
    p.n++;
    if (ids[0] === item.topic) p.ok1++;
    else missed.push(`[${item.lang}] ${item.text}  → ${ids.slice(0, 3).join(',') || '(none)'} ≠ ${item.topic}`);
    if (ids.slice(0, 3).includes(item.topic)) p.ok3++;
    per.set(item.lang, p);
  }
  const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;
  console.log(`\n${title}: ${[...per].map(([l, p]) => `${l} top-1 ${pct(p.ok1, p.n)} top-3 ${pct(p.ok3, p.n)} (n=${p.n})`).join('; ')}`);
  if (misses === null) return;
  console.log(`\n${misses} (${missed.length}):`);
  for (const m of missed) console.log(`  ${m}`);
}

// Questions about information pages (OMoS-QA's train and dev splits, labelled here; see tests/devset/pages/README.md).
routing('Page questions (tests/devset/pages, development part; learned from by the classifier, knowledge/questions/integreat)', loadPageQuestions('dev'), 'Page-question misses');
routing('Page questions, held out (tests/devset/pages, every third page; never tuned on or learned from, misses not listed)', loadPageQuestions('holdout'), null);

if (external) {
  console.log('\nExternal benchmarks (../shared/benchmarks, evaluation only)\n');
  for (const [name, items] of [
    ['language ID, sentences', langidSentences()],
    ['language ID, word pairs', langidWordPairs()],
  ] as const) {
    const per = new Map<string, { ok: number; n: number }>();
    for (const item of items) {
      const got = understanding.understand({ text: item.text }).language;
      const p = per.get(item.lang) ?? { ok: 0, n: 0 };
      p.n++;
      if (got === item.lang) p.ok++;
      per.set(item.lang, p);
    }
    const total = [...per.values()].reduce((a, p) => ({ ok: a.ok + p.ok, n: a.n + p.n }), { ok: 0, n: 0 });
    console.log(`${name}: ${((100 * total.ok) / Math.max(1, total.n)).toFixed(1)}% of ${total.n}  (${[...per].map(([l, p]) => `${l} ${((100 * p.ok) / p.n).toFixed(1)}%`).join(', ')})`);
  }
  routing('OMoS-QA topic routing (test split)', omosqa(), null);
}
