import { describe, test, expect } from 'vitest';
import { engineDeps } from './helpers/engine.js';
import { answerTopic } from '../dialogs/answer.js';
import { initialState } from '../dialogs/state.js';
import type { Language } from '../knowledge/schema.js';

const deps = engineDeps();

/** The services an answer shows, in order, for a topic in Goch with the understanding's ranking given. */
function shown(language: Language, ranked: string[]): string[] {
  const state = { ...initialState(language), languageChosen: true, municipality: 'goch' };
  const result = answerTopic(deps, state, 'language-course.other', { ranked });
  return result.replies.flatMap((r) => (r.type === 'services' ? r.entryIds : []));
}

describe('services for groups the person is most likely not in come after the others', () => {
  // The Erstorientierungskurs is only for asylum seekers and people with a Duldung; the literacy course is for everyone.
  const ranked = ['erstorientierungskurs-kreis-kleve', 'alphabetisierungskurs-kreis-kleve'];

  test('for a Polish, Romanian or Bulgarian speaker (mostly EU citizens here) the course for asylum seekers comes later', () => {
    for (const language of ['pl', 'ro', 'bg'] as const) {
      const ids = shown(language, ranked);
      expect(ids.indexOf('alphabetisierungskurs-kreis-kleve'), language).toBeLessThan(ids.indexOf('erstorientierungskurs-kreis-kleve'));
    }
  });

  test('for an Arabic or German speaker the ranking stands', () => {
    for (const language of ['ar', 'de'] as const) {
      const ids = shown(language, ranked);
      expect(ids.indexOf('erstorientierungskurs-kreis-kleve'), language).toBeLessThan(ids.indexOf('alphabetisierungskurs-kreis-kleve'));
    }
  });
});

describe('the online follow-up shows only what can be used online', () => {
  const state = { ...initialState('de'), languageChosen: true, municipality: 'goch' };
  const ids = (topic: string, related: string[] = []) =>
    answerTopic(deps, state, topic, { online: true, related }).replies.flatMap((r) => (r.type === 'services' ? r.entryIds : []));
  const keys = (topic: string) => answerTopic(deps, state, topic, { online: true }).replies.flatMap((r) => (r.type === 'text' ? [r.message.key] : []));

  test('every entry shown is an online service or reached online', () => {
    for (const topic of ['language-course.other', 'childcare', 'work.jobcentre', 'interpreting']) {
      for (const id of ids(topic)) {
        const entry = deps.kb.services.find((e) => e.id === id)!;
        expect(entry.kind === 'online' || entry.area.scope === 'online' || entry.access.includes('online'), `${topic}: ${id}`).toBe(true);
      }
    }
  });

  test('the related topics follow the topic\'s own entries', () => {
    expect(ids('language-course.integration', ['language-course.other'])[0]).toBe('bamf-navi');
    expect(ids('language-course.integration', ['language-course.other'])).toContain('dw-deutsch-lernen');
  });

  test('a topic without an online offer says so', () => {
    expect(keys('residence.opportunity')).toEqual(['answer.online.none']);
  });
});
