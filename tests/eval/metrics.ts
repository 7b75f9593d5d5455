import type { Language } from '../../knowledge/schema.js';
import type { DevCase } from './devset.js';

/** What a system under evaluation answers for one message (the /api/understand shape). */
export interface Prediction {
  language: string;
  topics: Array<{ id: string }>;
  escalation: 'none' | 'offer' | 'urgent';
  crisis: boolean;
}

export interface LanguageScore {
  language: Language;
  cases: number;
  top1: number;
  top3: number;
  crisisRecall: number;
  falseCrisis: number;
  escalationRecall: number;
  /** Messages that need no escalation but got one (an unneeded offer of a person). */
  falseEscalation: number;
  languageId: number;
  misses: string[];
}

const pct = (n: number, d: number) => (d === 0 ? 1 : n / d);

/** Scores predictions per language: top-1/top-3 topic accuracy, crisis recall, false-crisis rate, escalation recall, language ID. */
export function score(cases: readonly DevCase[], predict: (c: DevCase) => Prediction): LanguageScore[] {
  const byLang = new Map<Language, DevCase[]>();
  for (const c of cases) byLang.set(c.language, [...(byLang.get(c.language) ?? []), c]);
  return [...byLang].map(([language, list]) => {
    let top1 = 0;
    let top3 = 0;
    let crisisHit = 0;
    let crisisTotal = 0;
    let falseCrisis = 0;
    let nonCrisis = 0;
    let escHit = 0;
    let escTotal = 0;
    let falseEsc = 0;
    let noEsc = 0;
    let lid = 0;
    const misses: string[] = [];
    for (const c of list) {
      const p = predict(c);
      const ids = p.topics.map((t) => t.id);
      const ok1 = ids[0] !== undefined && c.topic.includes(ids[0]);
      if (ok1) top1++;
      if (ids.slice(0, 3).some((id) => c.topic.includes(id))) top3++;
      if (c.crisis) {
        crisisTotal++;
        if (p.crisis) crisisHit++;
      } else {
        nonCrisis++;
        if (p.crisis) falseCrisis++;
      }
      if (c.escalation !== 'none') {
        escTotal++;
        if (p.escalation === c.escalation) escHit++;
      } else {
        noEsc++;
        if (p.escalation !== 'none') falseEsc++;
      }
      if (p.language === c.language) lid++;
      const wrong = [
        ok1 ? '' : `topic ${ids.slice(0, 3).join(',') || '-'} ≠ ${c.topic.join('|')}`,
        c.crisis === p.crisis ? '' : `crisis ${p.crisis}`,
        c.escalation === 'none' || p.escalation === c.escalation ? '' : `escalation ${p.escalation} ≠ ${c.escalation}`,
        p.language === c.language ? '' : `language ${p.language}`,
      ].filter(Boolean);
      if (wrong.length > 0) misses.push(`[${language}] ${c.text}  → ${wrong.join('; ')}`);
    }
    return {
      language,
      cases: list.length,
      top1: pct(top1, list.length),
      top3: pct(top3, list.length),
      crisisRecall: pct(crisisHit, crisisTotal),
      falseCrisis: nonCrisis === 0 ? 0 : falseCrisis / nonCrisis,
      escalationRecall: pct(escHit, escTotal),
      falseEscalation: noEsc === 0 ? 0 : falseEsc / noEsc,
      languageId: pct(lid, list.length),
      misses,
    };
  });
}

export function formatTable(rows: LanguageScore[]): string {
  const f = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);
  const lines = [`lang  cases   top-1   top-3  crisis-R  false-C  escal-R  false-E  lang-ID`];
  for (const r of rows) {
    lines.push(`${r.language.padEnd(4)} ${String(r.cases).padStart(6)} ${f(r.top1)} ${f(r.top3)}  ${f(r.crisisRecall)}  ${f(r.falseCrisis)} ${f(r.escalationRecall)}  ${f(r.falseEscalation)} ${f(r.languageId)}`);
  }
  const total = rows.reduce((n, r) => n + r.cases, 0);
  const avg = (k: keyof LanguageScore) => rows.reduce((n, r) => n + (r[k] as number) * r.cases, 0) / Math.max(1, total);
  lines.push(`all  ${String(total).padStart(6)} ${f(avg('top1'))} ${f(avg('top3'))}  ${f(avg('crisisRecall'))}  ${f(avg('falseCrisis'))} ${f(avg('escalationRecall'))}  ${f(avg('falseEscalation'))} ${f(avg('languageId'))}`);
  return lines.join('\n');
}
