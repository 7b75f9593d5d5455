import type { KnowledgeBase } from '../knowledge/load.js';
import { DAYS, type Language, type ServiceEntry } from '../knowledge/schema.js';
import type { Message, Reply } from '../dialogs/replies.js';
import type { Translator } from './i18n.js';
import { volunteerDetails } from './finder/volunteer.js';

/** A service as a channel shows it: every string already in the conversation's language. */
export interface ServiceCard {
  id: string;
  title: string;
  provider: string;
  summary: string;
  forWhom: string;
  languages: string;
  cost: string;
  phone?: string;
  email?: string;
  web?: string;
  address?: string;
  mapUrl?: string;
  hours?: string;
  access: string;
  steps: string[];
  bring: string[];
  next: string;
  /** "Example data" marker when the entry is not verified. */
  example?: string;
  verified?: string;
  /** Volunteer mode: who may use the service and where, in one line. */
  eligibility?: string;
  /** Volunteer mode: this service's referral sheet (relative URL). */
  sheetUrl?: string;
}

export interface CrisisLine {
  id: string;
  name: string;
  phone: string;
  languages: string;
  hours: string;
}

/** One outgoing message, channel-neutral; adapters turn it into Activities, Telegram messages or JSON. */
export type Outgoing =
  | { type: 'text'; text: string }
  | { type: 'services'; cards: ServiceCard[] }
  | { type: 'crisis'; lines: CrisisLine[] }
  | { type: 'actions'; actions: Array<{ label: string; value: string }> };

/**
 * Renders a turn's replies with the turn's fixed-language translator.
 * @param origin the server's public origin: links the dialogs give as paths (`url`) become absolute, for channels outside the browser
 */
export function render(replies: readonly Reply[], t: Translator, lang: Language, kb: KnowledgeBase, origin?: string): Outgoing[] {
  const say = (m: Message | { text: string }) => ('text' in m ? m.text : t(m.key, resolveParams(m.params, t, lang, origin)));
  return replies.map((reply): Outgoing => {
    switch (reply.type) {
      case 'text':
        return { type: 'text', text: say(reply.message) };
      case 'lines':
        return { type: 'text', text: reply.lines.map((l) => `${say(l.label)}: ${say(l.value)}`).join('\n') };
      case 'actions':
        return { type: 'actions', actions: reply.actions.map((a) => ({ label: say(a.label), value: a.value })) };
      case 'services':
        return {
          type: 'services',
          cards: reply.entryIds
            .map((id) => kb.services.find((e) => e.id === id))
            .filter((e) => e !== undefined)
            .map((e) => {
              const card = serviceCard(e, t, lang, kb);
              return reply.onBehalf ? { ...card, ...volunteerDetails(e, card.forWhom, t, lang, kb) } : card;
            }),
        };
      case 'crisis':
        return {
          type: 'crisis',
          lines: reply.resourceIds
            .map((id) => kb.crisis.find((r) => r.id === id))
            .filter((r) => r !== undefined)
            .map((r) => ({
              id: r.id,
              name: r.names[lang],
              phone: r.phone,
              languages: languageList(r.languages, t),
              hours: t(r.hours === '24/7' ? 'crisis.hours.always' : 'crisis.hours.limited'),
            })),
        };
    }
  });
}

/**
 * Translates parameters that carry keys: `topic`, `…Key` (one key) and `…Keys` (a comma-separated
 * list); `…Date` holds an ISO time, written as a date in the language ("Freitag, 20. November");
 * `url` a path of this server, made absolute with `origin` when one is known.
 */
export function resolveParams(params: Record<string, string | number> | undefined, t: Translator, lang: Language, origin?: string): Record<string, string | number> {
  if (!params) return {};
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => {
      if (typeof v !== 'string') return [k, v];
      if (k === 'topic') return [k, t(v)];
      if (k === 'url' && origin && v.startsWith('/')) return [k, `${origin}${v}`];
      if (k.endsWith('Keys')) return [k.slice(0, -4), v.split(',').map((key) => t(key)).join(', ')];
      if (k.endsWith('Key')) return [k.slice(0, -3), t(v)];
      if (k.endsWith('Date')) return [k.slice(0, -4), new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', calendar: 'gregory', timeZone: 'Europe/Berlin' }).format(new Date(v))];
      return [k, v];
    }),
  );
}

/** Languages named in the reader's language ("Deutsch, Englisch" / "الألمانية، الإنجليزية"), not each in its own. */
function languageList(codes: readonly Language[], t: Translator): string {
  return codes.map((code) => t(`languageName.${code}`)).join(t('listSeparator'));
}

/** Consecutive days collapse into ranges: "Mo–Fr 09:00–12:00". */
function formatHours(entry: ServiceEntry, t: Translator): string | undefined {
  const hours = entry.contact.openingHours;
  if (hours.length === 0) return undefined;
  return hours
    .map((h) => {
      const idx = h.days.map((d) => DAYS.indexOf(d)).sort((a, b) => a - b);
      const contiguous = idx.every((d, i) => i === 0 || d === idx[i - 1]! + 1);
      const day = (i: number) => t(`days.${DAYS[i]}`);
      const days = contiguous && idx.length > 2 ? `${day(idx[0]!)}–${day(idx[idx.length - 1]!)}` : idx.map(day).join(', ');
      return `${days} ${h.from}–${h.to}`;
    })
    .join('; ');
}

/** Cards depend only on the entry and the language: rendered once per knowledge base, entry and language. */
const cardCache = new WeakMap<KnowledgeBase, Map<string, ServiceCard>>();

/** A service's card in a language (cached; callers must not change the object they get). */
export function serviceCard(entry: ServiceEntry, t: Translator, lang: Language, kb: KnowledgeBase): ServiceCard {
  let cards = cardCache.get(kb);
  if (!cards) cardCache.set(kb, (cards = new Map()));
  const key = `${entry.id}\u0000${lang}`;
  let card = cards.get(key);
  if (!card) cards.set(key, (card = Object.freeze(buildCard(entry, t, lang, kb)) as ServiceCard));
  return card;
}

function buildCard(entry: ServiceEntry, t: Translator, lang: Language, kb: KnowledgeBase): ServiceCard {
  const texts = entry.texts[lang] ?? entry.texts.de!;
  const { minAge, maxAge, eligibility } = entry.targetGroup;
  const age =
    minAge !== undefined && maxAge !== undefined
      ? t('service.ageRange', { min: minAge, max: maxAge })
      : minAge !== undefined
        ? t('service.ageFrom', { min: minAge })
        : maxAge !== undefined
          ? t('service.ageTo', { max: maxAge })
          : '';
  const who = eligibility.map((e) => t(`eligibility.${e}`)).join(', ');
  const address = entry.contact.address ? `${entry.contact.address.street}, ${entry.contact.address.postalCode} ${entry.contact.address.city}` : undefined;
  const hours = formatHours(entry, t);
  return {
    id: entry.id,
    title: texts.title,
    provider: entry.provider,
    summary: texts.summary,
    forWhom: [who, age].filter(Boolean).join(' · '),
    languages: languageList(entry.languages, t),
    cost: t(`cost.${entry.cost}`),
    ...(entry.contact.phone ? { phone: entry.contact.phone } : {}),
    ...(entry.contact.email ? { email: entry.contact.email } : {}),
    ...(entry.contact.web ? { web: entry.contact.web } : {}),
    ...(address ? { address, mapUrl: `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}` } : {}),
    ...(hours ? { hours } : {}),
    access: entry.access.map((a) => t(`access.${a}`)).join(', '),
    steps: texts.steps,
    bring: texts.bring,
    next: texts.next,
    ...(entry.example ? { example: t('service.example') } : {}),
    ...(entry.verifiedAt ? { verified: t('service.verified', { date: entry.verifiedAt }) } : {}),
  };
}

/** Plain text for channels without cards: numbered options, one service per block. */
export function toPlainText(out: Outgoing, t: Translator): string {
  switch (out.type) {
    case 'text':
      return out.text;
    case 'actions':
      return out.actions.map((a, i) => `${i + 1}. ${a.label}`).join('\n');
    case 'crisis':
      return out.lines.map((l) => `☎ ${l.phone} – ${l.name} (${t('crisis.lineDetails', { hours: l.hours, languages: l.languages })})`).join('\n');
    case 'services':
      return out.cards
        .map((c) =>
          [
            `${c.title}${c.example ? ` [${c.example}]` : ''}`,
            c.summary,
            c.eligibility ?? `${t('service.forWhom')}: ${c.forWhom}`,
            c.phone ? `☎ ${c.phone}` : '',
            c.address ? `📍 ${c.address}` : '',
            c.hours ? `🕒 ${c.hours}` : '',
            c.web ?? '',
            c.bring.length ? `${t('service.bring')}: ${c.bring.join(', ')}` : '',
            `${t('service.next')}: ${c.next}`,
          ]
            .filter(Boolean)
            .join('\n'),
        )
        .join('\n\n');
  }
}
