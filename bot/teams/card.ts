import type { i18n } from 'i18next';
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { District } from '../../knowledge/schema.js';
import { personName, type Staff } from '../../knowledge/staff.js';
import type { HandoverRow } from '../handover/handovers.js';
import { coordinatorOf, unitName } from '../../dialogs/handover/routing.js';
import { translatorFor } from '../i18n.js';

/** The verb of the card's claim button; the bot's card action route answers to it. */
export const CLAIM_VERB = 'claim';

/** What the claim button sends back (`Action.Execute` data). */
export interface ClaimData {
  handoverId: string;
}

const dueDate = new Intl.DateTimeFormat('de-DE', { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' });

/**
 * The handover card for a team's Microsoft Teams channel, in German (the staff's language).
 * @remarks It carries no personal data, only what tells the team to look into the inbox: the
 * reference, urgency, suggested case type, topics, the first-contact date, the suggested case
 * manager and who claimed it. Every card is built from the record as it is now, so a retried or
 * updated card never shows an outdated state.
 */
export class HandoverCards {
  private readonly t;
  private readonly topic;

  constructor(private readonly deps: { staff: Staff; district: District; i18n: i18n; publicUrl?: string | undefined }) {
    this.t = translatorFor(deps.i18n, 'de', 'inbox');
    this.topic = translatorFor(deps.i18n, 'de');
  }

  /**
   * The card of a record.
   * @param options.mention the first post of an urgent record mentions the unit's coordinator (a Teams notification)
   * @param options.notice a line on top, e.g. why a claim was refused
   */
  forRecord(row: HandoverRow, options: { mention?: boolean; notice?: string } = {}): AdaptiveCard {
    const { t } = this;
    const urgent = row.urgency === 'urgent';
    const body: Array<Record<string, unknown>> = [];
    if (options.notice) body.push({ type: 'TextBlock', text: options.notice, wrap: true, color: 'Attention', weight: 'Bolder' });
    body.push({ type: 'TextBlock', text: t(urgent ? 'teams.card.titleUrgent' : 'teams.card.title', { reference: row.reference }), size: 'Medium', weight: 'Bolder', wrap: true, ...(urgent ? { color: 'Attention' } : {}) });

    const entities: Array<Record<string, unknown>> = [];
    const coordinator = urgent ? coordinatorOf(this.deps.staff, row.team_id) : undefined;
    if (coordinator && row.status === 'new') {
      const mentioned = options.mention && coordinator.aadObjectId;
      const name = mentioned ? `<at>${coordinator.name}</at>` : coordinator.name;
      if (mentioned) entities.push({ type: 'mention', text: name, mentioned: { id: coordinator.aadObjectId, name: coordinator.name } });
      body.push({ type: 'TextBlock', text: t('teams.card.urgent', { coordinator: name }), wrap: true });
    }

    const record = row.record;
    const facts = [
      { title: t('list.reference'), value: row.reference },
      { title: t('teams.card.team'), value: unitName(this.deps.district, row.team_id) },
      ...(record
        ? [
            { title: t('list.urgency'), value: t(`urgency.${row.urgency}`) },
            { title: t('detail.caseType'), value: record.caseType.label },
            ...(record.topics.length ? [{ title: t('list.topics'), value: record.topics.map((id) => this.topic(`topic.${id}`)).join(', ') }] : []),
            { title: t('list.contactBy'), value: dueDate.format(new Date(row.expected_contact_by)) },
            ...(row.assignee ? [{ title: t('list.assignee'), value: personName(this.deps.staff, row.assignee) }] : []),
          ]
        : []),
      { title: t('list.status'), value: t(`status.${row.status}`) },
    ];
    body.push({ type: 'FactSet', facts });
    if (row.status === 'withdrawn') body.push({ type: 'TextBlock', text: t('detail.withdrawn'), wrap: true });
    else if (row.claimed_by) body.push({ type: 'TextBlock', text: t('detail.claimedBy', { name: personName(this.deps.staff, row.claimed_by) }), wrap: true, weight: 'Bolder', color: 'Good' });
    body.push({ type: 'TextBlock', text: t('teams.card.privacy'), wrap: true, isSubtle: true, size: 'Small' });

    const actions: Array<Record<string, unknown>> = [];
    if (row.status === 'new') actions.push({ type: 'Action.Execute', title: t('detail.claim'), verb: CLAIM_VERB, data: { handoverId: row.id } satisfies ClaimData });
    if (this.deps.publicUrl && row.status !== 'withdrawn') actions.push({ type: 'Action.OpenUrl', title: t('teams.card.open'), url: `${this.deps.publicUrl}/inbox#${row.id}` });

    return card(body, { ...(actions.length ? { actions } : {}), ...(entities.length ? { msteams: { entities } } : {}) });
  }

  /** A card with only a notice, for a record that no longer exists. */
  notice(key: string): AdaptiveCard {
    return card([{ type: 'TextBlock', text: this.t(key), wrap: true, weight: 'Bolder' }]);
  }
}

/** The envelope of every card: Adaptive Cards 1.5 (what Teams renders), in German like the inbox. */
function card(body: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', lang: 'de', body, ...extra };
}
