import type { KnowledgeBase } from './load.js';
import { ACCESS_KINDS, ELIGIBILITY, type Language, type ServiceEntry } from './schema.js';
import { appliesTo } from './coverage.js';
import type { Understanding } from './understand/understand.js';
import { EntrySearch } from './search.js';
import { normalise, stem, tokenize } from './understand/text.js';

/** The filters of the referral finder; every one optional, all of them combined with AND. */
export interface FinderFilters {
  /** Municipality id: local services of other towns are left out. */
  town?: string;
  /** A topic id, or a topic group ("language-course" for all German courses). */
  topic?: string;
  /** The person's age: services whose age range excludes it are left out. */
  age?: number;
  /** A target group: services open to it or to everyone. */
  group?: (typeof ELIGIBILITY)[number];
  /** A language the service's staff speak. */
  speaks?: Language;
  free?: boolean;
  childcare?: boolean;
  /** Ways to use the service; a service offering any of them matches. */
  access?: Array<(typeof ACCESS_KINDS)[number]>;
}

export interface FinderQuery extends FinderFilters {
  /** A plain question or keywords, understood like a chat message. */
  q?: string;
}

export interface FinderResult {
  /** Matching entries, best first. */
  entries: ServiceEntry[];
  /** What the query was understood as: the recognised service topics, best first. */
  topics: string[];
  /** The language the query was read in. */
  queryLanguage?: Language;
}

/** Order of areas: local offers first, then district-wide, nationwide and online ones. */
const SCOPE_ORDER = { municipalities: 0, district: 1, nationwide: 2, online: 3 } as const;

/**
 * Search and filters of the referral finder, over the same understanding the chat uses.
 * @remarks A query is understood like a chat message (language, topics, ranked entries); the entries of the
 * recognised topics and plain full-text hits on titles and providers ("Kleiderkammer", "Caritas") complete it,
 * so a keyword search lists every matching offer, not only the chat's best three.
 */
export class ServiceFinder {
  private readonly search: EntrySearch;
  private readonly serviceTopics: Set<string>;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly understanding: Understanding,
  ) {
    this.search = new EntrySearch(kb.services);
    this.serviceTopics = new Set(kb.taxonomy.topics.filter((t) => t.kind === 'service').map((t) => t.id));
  }

  /** Whether a topic filter names a service topic or a group of them ("work" for work.*). */
  isTopicFilter(topic: string): boolean {
    return [...this.serviceTopics].some((id) => id === topic || id.startsWith(`${topic}.`));
  }

  find(query: FinderQuery): FinderResult {
    const filtered = this.kb.services.filter((e) => matches(e, query));
    const q = query.q?.trim();
    if (!q) return { entries: filtered.sort(byTopicThenScope(this.kb)), topics: [] };

    const understood = this.understanding.understand({ text: q, ...(query.town ? { municipality: query.town } : {}) });
    const topics = understood.outOfScope ? [] : understood.topics.filter((t) => this.serviceTopics.has(t.id)).slice(0, 3);
    const scores = new Map<string, number>();
    const add = (id: string, score: number) => scores.set(id, Math.max(scores.get(id) ?? 0, score));
    for (const e of understood.entries) add(e.id, 1 + e.score);
    for (const [i, t] of topics.entries()) {
      for (const e of filtered) {
        const at = e.topics.indexOf(t.id);
        if (at >= 0) add(e.id, t.score * (1 - 0.2 * i) * (at === 0 ? 1 : 0.7));
      }
    }
    const terms = tokenize(normalise(q))
      .filter((w) => w.length >= 3)
      .map((w) => stem(w, understood.language));
    const hits = terms.length > 0 ? this.search.search(terms, understood.language, 20) : [];
    const maxHit = hits[0]?.score ?? 1;
    for (const h of hits) if (h.score / maxHit >= 0.3) add(h.id, 0.5 * (h.score / maxHit));

    const order = byTopicThenScope(this.kb);
    const entries = filtered.filter((e) => scores.has(e.id)).sort((a, b) => scores.get(b.id)! - scores.get(a.id)! || order(a, b));
    return { entries, topics: topics.map((t) => t.id), queryLanguage: understood.language };
  }
}

/** Whether an entry passes every filter given. */
export function matches(e: ServiceEntry, f: FinderFilters): boolean {
  if (f.town && !appliesTo(e, f.town)) return false;
  if (f.topic && !e.topics.some((t) => t === f.topic || t.startsWith(`${f.topic}.`))) return false;
  if (f.age !== undefined) {
    const { minAge, maxAge } = e.targetGroup;
    if ((minAge !== undefined && f.age < minAge) || (maxAge !== undefined && f.age > maxAge)) return false;
  }
  if (f.group && !e.targetGroup.eligibility.some((g) => g === f.group || g === 'all')) return false;
  if (f.speaks && !e.languages.includes(f.speaks)) return false;
  if (f.free && e.cost !== 'free') return false;
  if (f.childcare && !e.childcare) return false;
  if (f.access?.length && !e.access.some((a) => f.access!.includes(a))) return false;
  return true;
}

/** Browsing order without a query: taxonomy order of the main topic, local before wider areas, then title. */
function byTopicThenScope(kb: KnowledgeBase): (a: ServiceEntry, b: ServiceEntry) => number {
  const topicIndex = new Map(kb.taxonomy.topics.map((t, i) => [t.id, i]));
  return (a, b) =>
    (topicIndex.get(a.topics[0]!) ?? 99) - (topicIndex.get(b.topics[0]!) ?? 99) ||
    SCOPE_ORDER[a.area.scope] - SCOPE_ORDER[b.area.scope] ||
    a.texts.de!.title.localeCompare(b.texts.de!.title, 'de');
}
