import type { KnowledgeBase } from './load.js';
import type { ServiceEntry } from './schema.js';

/** Whether an entry serves people living in a municipality (nationwide, district-wide and online entries serve everyone). */
export function appliesTo(entry: ServiceEntry, municipality: string | undefined): boolean {
  if (entry.area.scope !== 'municipalities') return true;
  return municipality === undefined || entry.area.municipalities.includes(municipality);
}

/** Entries of one topic that serve a municipality. */
export function entriesFor(kb: KnowledgeBase, topic: string, municipality: string | undefined): ServiceEntry[] {
  return kb.services.filter((e) => e.topics.includes(topic) && appliesTo(e, municipality));
}
