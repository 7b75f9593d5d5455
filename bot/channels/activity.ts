import type { TurnInput } from '../../dialogs/engine.js';
import type { Translator } from '../i18n.js';
import { toPlainText, type CrisisLine, type Outgoing, type ServiceCard } from '../render.js';

/**
 * The part of a Bot Framework Activity that Lotse reads and writes.
 * @remarks Our own structural type, so the Direct Line server needs no botbuilder import;
 * it is compatible with botframework-schema's `Activity` for the Azure adapter.
 */
export interface Activity {
  type: string;
  id?: string;
  timestamp?: string;
  channelId?: string;
  conversation?: { id: string };
  from?: { id: string; name?: string; role?: string };
  recipient?: { id: string; name?: string; role?: string };
  replyToId?: string;
  locale?: string;
  text?: string;
  textFormat?: 'plain' | 'markdown' | 'xml';
  name?: string;
  value?: unknown;
  attachments?: Attachment[];
  attachmentLayout?: 'list' | 'carousel';
  suggestedActions?: { to?: string[]; actions: CardAction[] };
  channelData?: Record<string, unknown>;
  inputHint?: string;
  membersAdded?: Array<{ id: string; name?: string }>;
}

export interface Attachment {
  contentType: string;
  content?: unknown;
  contentUrl?: string;
  name?: string;
}

export interface CardAction {
  type: 'messageBack' | 'imBack' | 'postBack' | 'openUrl' | 'call';
  title: string;
  value?: unknown;
  text?: string;
  displayText?: string;
}

/** How rich a channel's cards can be: Adaptive Cards (Web Chat, Teams), hero cards, or none. */
export type CardSupport = 'adaptive' | 'hero' | 'none';

/** The Web Chat page sends this event once the connection is up: the page language and a deep-linked topic. */
export const JOIN_EVENT = 'lotse/join';

/**
 * Reads what a person did from an incoming activity.
 * @remarks Button presses arrive as `value: { action }` (messageBack, Adaptive Card submit); a
 * plain-text channel's postBack arrives as text, which is then just a message.
 * @returns undefined for activities that are not a turn (typing, conversationUpdate, unknown events)
 */
export function inputFromActivity(activity: Activity): TurnInput | undefined {
  if (activity.type !== 'message') return undefined;
  const value = activity.value as { action?: unknown } | undefined;
  if (value && typeof value === 'object' && typeof value.action === 'string' && value.action.length > 0 && value.action.length <= 100) {
    return { kind: 'action', value: value.action };
  }
  const text = (activity.text ?? '').trim();
  return { kind: 'message', text };
}

/** The attachment types a person may send us (everything but text gets a polite answer). */
export function hasMedia(activity: Activity): boolean {
  return (activity.attachments ?? []).some((a) => !a.contentType.startsWith('application/vnd.microsoft.card'));
}

/**
 * A quick-reply button. Web Chat and Teams get messageBack (the label shows, the value stays
 * hidden); hero-card channels through Azure (Telegram, Facebook) get postBack, whose value
 * arrives as the message text and is matched against the offered actions.
 */
const buttonAction = (label: string, value: string, cards: CardSupport): CardAction =>
  cards === 'adaptive' ? { type: 'messageBack', title: label, displayText: label, text: '', value: { action: value } } : { type: 'postBack', title: label, value };

/** A telephone number as a `tel:` URI (digits and a leading plus only). */
export function telUri(phone: string): string {
  return `tel:${phone.replace(/[^+\d]/g, '')}`;
}

function serviceAdaptiveCard(c: ServiceCard, t: Translator, locale: string): Attachment {
  const facts = [
    { title: t('service.forWhom'), value: c.forWhom },
    { title: t('service.languages'), value: c.languages },
    { title: t('service.cost'), value: c.cost },
    ...(c.hours ? [{ title: t('service.hours'), value: c.hours }] : []),
    { title: t('service.access'), value: c.access },
    ...(c.address ? [{ title: '📍', value: c.address }] : []),
    ...(c.bring.length ? [{ title: t('service.bring'), value: c.bring.join(', ') }] : []),
    { title: t('service.next'), value: c.next },
  ].filter((f) => f.value);
  const actions = [
    ...(c.phone ? [{ type: 'Action.OpenUrl', title: `${t('service.call')} ${c.phone}`, url: telUri(c.phone) }] : []),
    ...(c.web ? [{ type: 'Action.OpenUrl', title: t('service.website'), url: c.web }] : []),
    ...(c.mapUrl ? [{ type: 'Action.OpenUrl', title: t('service.map'), url: c.mapUrl }] : []),
  ];
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.3',
      lang: locale,
      speak: `${c.title}. ${c.summary}`,
      body: [
        { type: 'TextBlock', text: c.title, weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'TextBlock', text: c.provider, isSubtle: true, spacing: 'None', wrap: true },
        ...(c.example ? [{ type: 'TextBlock', text: c.example, color: 'Warning', size: 'Small', wrap: true }] : []),
        { type: 'TextBlock', text: c.summary, wrap: true },
        // Label and value as text blocks, not a FactSet: its two columns squeeze on phones.
        ...facts.map((f) => ({ type: 'TextBlock', text: `**${f.title}:** ${f.value}`, wrap: true, spacing: 'Small' })),
        ...(c.steps.length ? [{ type: 'TextBlock', text: `${t('service.steps')}: ${c.steps.map((s, i) => `${i + 1}. ${s}`).join(' ')}`, wrap: true, size: 'Small' }] : []),
      ],
      actions,
    },
  };
}

function serviceHeroCard(c: ServiceCard, t: Translator): Attachment {
  return {
    contentType: 'application/vnd.microsoft.card.hero',
    content: {
      title: c.title,
      subtitle: c.provider,
      text: [c.summary, `${t('service.forWhom')}: ${c.forWhom}`, c.hours ? `${t('service.hours')}: ${c.hours}` : '', c.address ?? '', `${t('service.next')}: ${c.next}`].filter(Boolean).join('\n\n'),
      buttons: [
        ...(c.phone ? [{ type: 'call', title: `${t('service.call')} ${c.phone}`, value: telUri(c.phone) }] : []),
        ...(c.web ? [{ type: 'openUrl', title: t('service.website'), value: c.web }] : []),
        ...(c.mapUrl ? [{ type: 'openUrl', title: t('service.map'), value: c.mapUrl }] : []),
      ],
    },
  };
}

function crisisHeroCard(l: CrisisLine, t: Translator): Attachment {
  return {
    contentType: 'application/vnd.microsoft.card.hero',
    content: { title: l.name, subtitle: l.phone, text: `${l.hours} · ${l.languages}`, buttons: [{ type: 'call', title: `${t('service.call')} ${l.phone}`, value: telUri(l.phone) }] },
  };
}

/**
 * Turns a turn's messages into message activities (without ids, addresses or timestamps).
 * @remarks Service cards become Adaptive Cards (or hero cards) with call, website and map buttons;
 * `actions` messages become the last activity's suggested actions (quick replies; Web Chat shows
 * only the last activity's).
 * With `cards: 'none'` everything is plain text with numbered options.
 */
export function toActivities(messages: readonly Outgoing[], t: Translator, options: { cards: CardSupport; locale: string }): Activity[] {
  const out: Activity[] = [];
  const suggested: CardAction[] = [];
  const last = () => out[out.length - 1];
  for (const m of messages) {
    if (options.cards === 'none') {
      out.push({ type: 'message', text: toPlainText(m, t), textFormat: 'plain', locale: options.locale });
      continue;
    }
    switch (m.type) {
      case 'text':
        out.push({ type: 'message', text: m.text, textFormat: 'plain', locale: options.locale });
        break;
      case 'services':
        out.push({
          type: 'message',
          locale: options.locale,
          attachmentLayout: m.cards.length > 1 ? 'carousel' : 'list',
          attachments: m.cards.map((c) => (options.cards === 'adaptive' ? serviceAdaptiveCard(c, t, options.locale) : serviceHeroCard(c, t))),
        });
        break;
      case 'crisis':
        out.push({ type: 'message', locale: options.locale, attachmentLayout: 'list', attachments: m.lines.map((l) => crisisHeroCard(l, t)) });
        break;
      case 'actions':
        suggested.push(...m.actions.map((a) => buttonAction(a.label, a.value, options.cards)));
        break;
    }
  }
  if (suggested.length > 0) {
    const final = last();
    if (final) final.suggestedActions = { actions: suggested };
    else out.push({ type: 'message', locale: options.locale, suggestedActions: { actions: suggested } });
  }
  const final = last();
  if (final) final.inputHint = 'acceptingInput';
  return out;
}

/** BCP-47 locales Web Chat and Teams know for our language codes. */
export const LOCALES: Record<string, string> = { de: 'de-DE', en: 'en-US', ar: 'ar-SA', fa: 'fa-IR', uk: 'uk-UA', ru: 'ru-RU', tr: 'tr-TR', pl: 'pl-PL', ro: 'ro-RO', bg: 'bg-BG' };
