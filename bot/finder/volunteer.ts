import type { KnowledgeBase } from '../../knowledge/load.js';
import type { Language, ServiceEntry } from '../../knowledge/schema.js';
import { sheetPath } from '../../dialogs/volunteer.js';
import type { Translator } from '../i18n.js';

/**
 * What a volunteer needs beyond the card: who may use the service and where (eligibility, age, area,
 * childcare) in one line, and the service's own referral sheet.
 * @param t the turn's translator (chat namespace); finder strings are addressed as `finder:…`
 */
export function volunteerDetails(entry: ServiceEntry, forWhom: string, t: Translator, lang: Language, kb: KnowledgeBase): { eligibility: string; sheetUrl: string } {
  const area =
    entry.area.scope === 'municipalities'
      ? t('finder:volunteer.area.municipalities', { towns: entry.area.municipalities.map((id) => kb.district.municipalities.find((m) => m.id === id)?.name ?? id).join(', ') })
      : t(`finder:volunteer.area.${entry.area.scope}`);
  const who = [forWhom, entry.childcare ? t('finder:volunteer.childcare') : ''].filter(Boolean).join(' · ');
  return { eligibility: t('finder:volunteer.eligibility', { who, area }), sheetUrl: sheetPath([entry.id], lang) };
}
