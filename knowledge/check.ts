import { formatIssue, loadKnowledge, DEFAULT_KNOWLEDGE_DIR, type KnowledgeBase, type KnowledgeIssue } from './load.js';
import { LANGUAGES } from './schema.js';
import { entriesFor } from './coverage.js';
import { lexiconWarnings, loadLexicons } from './lexicon.js';
import { loadQuestions } from './questions.js';
import { loadEscalationExamples } from './escalation.js';

/** Entries older than this many months count as outdated. */
const VERIFY_MONTHS = 12;

/** Warnings about content that loads but needs an editor's attention. */
export function contentWarnings(kb: KnowledgeBase, today: Date = new Date()): KnowledgeIssue[] {
  const warnings: KnowledgeIssue[] = [];
  const limit = new Date(today);
  limit.setMonth(limit.getMonth() - VERIFY_MONTHS);
  const cutoff = limit.toISOString().slice(0, 10);
  for (const entry of kb.services) {
    const file = `knowledge/services/${entry.id}.yaml`;
    for (const lang of LANGUAGES) {
      const t = entry.texts[lang];
      if (!t) warnings.push({ file, path: `texts.${lang}`, message: 'translation missing' });
      else if (lang !== 'de' && t.sourceVersion < entry.version) {
        warnings.push({ file, path: `texts.${lang}`, message: `translation outdated (made from version ${t.sourceVersion}, German is version ${entry.version})` });
      }
    }
    if (entry.verifiedAt && entry.verifiedAt < cutoff) {
      warnings.push({ file, path: 'verifiedAt', message: `not verified for ${VERIFY_MONTHS} months (last ${entry.verifiedAt})` });
    }
  }
  for (const topic of kb.taxonomy.topics.filter((t) => t.kind === 'service')) {
    for (const m of kb.district.municipalities) {
      if (entriesFor(kb, topic.id, m.id).length === 0) {
        warnings.push({ file: 'knowledge/services', path: topic.id, message: `no entry for ${m.name}` });
      }
    }
  }
  return warnings;
}

function table(title: string, columns: string[], rows: Array<[string, number[]]>): string {
  const width = Math.max(...rows.map(([name]) => name.length), title.length);
  const cell = (v: string) => v.padStart(Math.max(4, ...columns.map((c) => c.length)));
  const lines = [`${title.padEnd(width)} ${columns.map(cell).join(' ')}`];
  for (const [name, values] of rows) lines.push(`${name.padEnd(width)} ${values.map((v) => cell(v === 0 ? '-' : String(v))).join(' ')}`);
  return lines.join('\n');
}

/** Topic × language: how many entries of a topic have a text in each language. */
export function languageCoverage(kb: KnowledgeBase): Array<[string, number[]]> {
  return kb.taxonomy.topics
    .filter((t) => t.kind === 'service')
    .map((t) => {
      const entries = kb.services.filter((e) => e.topics.includes(t.id));
      return [t.id, LANGUAGES.map((lang) => entries.filter((e) => e.texts[lang]).length)];
    });
}

/** Topic × municipality: how many entries apply to each town (nationwide, district and online entries count everywhere). */
export function municipalityCoverage(kb: KnowledgeBase): Array<[string, number[]]> {
  return kb.taxonomy.topics
    .filter((t) => t.kind === 'service')
    .map((t) => [t.id, kb.district.municipalities.map((m) => entriesFor(kb, t.id, m.id).length)]);
}

/** Prints a loader's errors; whether it loaded. */
function valid<T>(what: string, issues: readonly KnowledgeIssue[], loaded: T | undefined): loaded is T {
  for (const issue of issues) console.error(`error: ${formatIssue(issue)}`);
  if (loaded !== undefined) return true;
  console.error(`\n${issues.length} error(s): ${what} are not valid.`);
  return false;
}

function main(): number {
  const dir = process.argv[2] ?? DEFAULT_KNOWLEDGE_DIR;
  const { kb, issues, warnings } = loadKnowledge(dir);
  for (const issue of issues) console.error(`error: ${formatIssue(issue)}`);
  if (!kb) {
    for (const w of warnings) console.warn(`warning: ${formatIssue(w)}`);
    console.error(`\n${issues.length} error(s): the knowledge base is not valid.`);
    return 1;
  }
  // The lexicons are knowledge too: validated here as the server validates them at start.
  const topicIds = new Set(kb.taxonomy.topics.map((t) => t.id));
  const lexicons = loadLexicons(topicIds, dir);
  if (!valid('the lexicons', lexicons.issues, lexicons.lexicons)) return 1;
  const questions = loadQuestions(topicIds, dir);
  if (!valid('the example questions', questions.issues, questions.questions)) return 1;
  const escalation = loadEscalationExamples(dir);
  if (!valid('the escalation examples', escalation.issues, escalation.examples)) return 1;
  const all = [...warnings, ...contentWarnings(kb), ...lexiconWarnings(lexicons.lexicons)];
  for (const w of all) console.warn(`warning: ${formatIssue(w)}`);
  const examples = kb.services.filter((e) => e.example).length;
  const unreviewed = kb.services.reduce((n, e) => n + LANGUAGES.filter((l) => e.texts[l] && !e.texts[l]!.reviewed).length, 0);
  console.log(`\n${kb.services.length} services (${examples} example data, ${kb.services.length - examples} verified), ${kb.crisis.length} crisis resources, ${kb.district.municipalities.length} municipalities, ${kb.district.teams.length} teams`);
  console.log(`${unreviewed} machine or unreviewed translations`);
  console.log(`example questions: ${LANGUAGES.map((l) => `${l} ${questions.questions![l].length}`).join(', ')}`);
  console.log(`escalation examples: ${LANGUAGES.map((l) => `${l} ${escalation.examples![l]?.length ?? 0}`).join(', ')}\n`);
  console.log(table('topic × language', [...LANGUAGES], languageCoverage(kb)));
  console.log('');
  const short = kb.district.municipalities.map((m) => m.id.slice(0, 6));
  console.log(table('topic × municipality', short, municipalityCoverage(kb)));
  console.log(`\nkb:check: 0 errors, ${all.length} warning(s)`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
