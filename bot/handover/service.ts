import { randomUUID } from 'node:crypto';
import type { i18n } from 'i18next';
import type { KnowledgeBase } from '../../knowledge/load.js';
import { languageSchema, type Language } from '../../knowledge/schema.js';
import type { Staff } from '../../knowledge/staff.js';
import type { Sql } from '../store/store.js';
import type { Reply } from '../../dialogs/replies.js';
import type { HandoverEvent } from '../../dialogs/handover/flow.js';
import { ACTIONS } from '../../dialogs/engine.js';
import { buildRecord } from '../../dialogs/handover/record.js';
import { coordinatorOf, municipalityName, pickCaseManager, unitName } from '../../dialogs/handover/routing.js';
import { translatorFor } from '../i18n.js';
import { render, toPlainText } from '../render.js';
import { audit, enqueue, enqueueAfterPost, insertHandover, openCaseLoads, updateStatus, withdrawHandover, type HandoverRow } from './handovers.js';
import type { TeamsDelivery } from './outbox.js';

/** What a team's webhook receives: no personal data, only what tells the team to look into the inbox. */
export interface HandoverNotice {
  event: 'handover.created' | 'handover.urgent';
  reference: string;
  handoverId: string;
  unit: string;
  unitName: string;
  urgency: 'urgent' | 'deadline' | 'normal';
  caseType: string;
  topics: string[];
  assignee?: { id: string; name: string };
  coordinator?: { id: string; name: string };
  expectedContactBy: string;
  createdAt: string;
  inboxPath: string;
}

/**
 * The edge of the warm handover: stores the record the person confirmed, routes it to a case
 * manager by load and queues the team's notifications, all in the turn's transaction.
 */
export class HandoverService {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly staff: Staff,
    private readonly i18n: i18n,
  ) {}

  async submit(tx: Sql, conversationId: string, channel: string, event: HandoverEvent, now: Date): Promise<string> {
    const { route } = event;
    const assignee = pickCaseManager(this.staff, route.unit, await openCaseLoads(tx, route.unit));
    const de = translatorFor(this.i18n, 'de');
    const staffDe = translatorFor(this.i18n, 'de', 'inbox');
    const reason = staffDe(route.reason.key, route.reason.params);
    const transcript = event.draft.fields.transcript ? await this.transcript(tx, conversationId, event.language) : undefined;
    const record = buildRecord({
      reference: event.reference,
      createdAt: now,
      channel,
      language: event.language,
      draft: event.draft,
      municipality: { id: event.municipality, name: municipalityName(this.kb.district, event.municipality) },
      unit: { id: route.unit, name: route.unitName, reason },
      topics: event.topics,
      suggestedServices: event.shownEntries.map((id) => ({ id, title: this.kb.services.find((e) => e.id === id)?.texts.de?.title ?? id })),
      ...(transcript ? { transcript } : {}),
      de: staffDe,
      topicDe: (id) => de(`topic.${id}`),
      languageNameDe: (code) => new Intl.DisplayNames('de', { type: 'language' }).of(code) ?? code,
    });
    const id = randomUUID();
    await insertHandover(tx, { id, reference: event.reference, conversationId, channel, language: event.language, unit: route.unit, assignee: assignee?.id, urgency: record.urgency.level, record, expectedBy: event.expectedBy });
    await audit(tx, 'system', 'created', id, { unit: route.unit, assignee: assignee?.id ?? null, reason });

    const unit = this.staff.units.find((u) => u.id === route.unit);
    const coordinator = coordinatorOf(this.staff, route.unit);
    const notice: HandoverNotice = {
      event: 'handover.created',
      reference: event.reference,
      handoverId: id,
      unit: route.unit,
      unitName: route.unitName,
      urgency: record.urgency.level,
      caseType: record.caseType.label,
      topics: record.topics,
      ...(assignee ? { assignee: { id: assignee.id, name: assignee.name } } : {}),
      expectedContactBy: event.expectedBy,
      createdAt: now.toISOString(),
      inboxPath: `/inbox#${id}`,
    };
    if (unit?.webhook) {
      await enqueue(tx, { handoverId: id, kind: 'webhook', target: route.unit, payload: notice });
      // Urgent records also alert the unit's coordinator.
      if (record.urgency.level === 'urgent' && coordinator) await enqueue(tx, { handoverId: id, kind: 'webhook', target: route.unit, payload: { ...notice, event: 'handover.urgent', coordinator: { id: coordinator.id, name: coordinator.name } } });
    }
    // The Teams card mentions the coordinator itself when the record is urgent.
    if (unit?.teams) await enqueue(tx, { handoverId: id, kind: 'teams', target: route.unit, payload: { op: 'post' } satisfies TeamsDelivery });
    return id;
  }

  async withdraw(tx: Sql, conversationId: string, reference: string): Promise<void> {
    const row = await withdrawHandover(tx, reference, conversationId);
    if (!row) return;
    await audit(tx, 'person', 'withdrawn', row.id, { reference });
    await this.queueCardUpdate(tx, row);
  }

  /**
   * A case manager takes a record (status new → claimed), from the inbox or a Teams card: the
   * audit log has it, the person hears of it, and the team's Teams card shows it.
   * @returns the claimed record, or undefined when it was not new any more
   */
  async claim(tx: Sql, handoverId: string, by: { username: string; staffId: string }, via: 'inbox' | 'teams'): Promise<HandoverRow | undefined> {
    // A record the person asked to delete is not taken on: it waits for its erasure.
    const updated = await updateStatus(tx, handoverId, ['new'], 'claimed', { claimedBy: by.staffId, unlessDeletionRequested: true });
    if (!updated) return undefined;
    await audit(tx, by.username, 'claim', handoverId, { via });
    await this.queueClaimMessage(tx, updated, this.staff.people.find((p) => p.id === by.staffId)?.name ?? by.username);
    await this.queueCardUpdate(tx, updated);
    return updated;
  }

  /** The person's side of a claim: a message in their language, queued for their channel. */
  private async queueClaimMessage(tx: Sql, row: HandoverRow, caseManagerName: string): Promise<void> {
    if (!row.conversation_id) return;
    // A unit the district file no longer lists keeps the name the record was sent with.
    const team = unitName(this.kb.district, row.team_id, languageSchema.catch('de').parse(row.language), row.record?.unit.name);
    const reply: Reply = { type: 'text', message: { key: 'handover.claimed', params: { reference: row.reference, name: caseManagerName, team } } };
    await enqueue(tx, { handoverId: row.id, kind: 'proactive', target: row.channel, payload: { conversationId: row.conversation_id, language: row.language, replies: [reply] } });
  }

  /** A record that changed gets its Teams card updated, if one was (or is being) posted. */
  private async queueCardUpdate(tx: Sql, row: HandoverRow): Promise<void> {
    if (!this.staff.units.find((u) => u.id === row.team_id)?.teams) return;
    await enqueueAfterPost(tx, { handoverId: row.id, kind: 'teams', target: row.team_id, payload: { op: 'update' } satisfies TeamsDelivery });
  }

  /** The conversation as the person saw it, in their language, for a record they allowed it in. */
  private async transcript(tx: Sql, conversationId: string, language: Language): Promise<Array<{ role: 'user' | 'bot'; text: string }>> {
    const t = translatorFor(this.i18n, language);
    const rows = await tx.query<{ role: 'user' | 'bot'; body: unknown }>('select role, body from turns where conversation_id = $1 order by seq limit 400', [conversationId]);
    // A button press reads as the button's label the person tapped, from the bot turn that offered
    // it; the language menu, which a channel may show before any turn, as the language's name.
    let offered = new Map<string, string>(this.kb.taxonomy.languages.map((l) => [`${ACTIONS.language}${l.code}`, l.name]));
    return rows.flatMap((r): Array<{ role: 'user' | 'bot'; text: string }> => {
      if (r.role === 'user') {
        const body = r.body as { text?: string; action?: string };
        if (body.text) return [{ role: 'user', text: body.text }];
        return body.action ? [{ role: 'user', text: `[${offered.get(body.action) ?? body.action}]` }] : [];
      }
      const out = render(r.body as Reply[], t, language, this.kb);
      offered = new Map([...offered, ...out.flatMap((o) => (o.type === 'actions' ? o.actions.map((a) => [a.value, a.label] as const) : []))]);
      const shown = out.filter((o) => o.type !== 'actions');
      return shown.length ? [{ role: 'bot', text: shown.map((o) => toPlainText(o, t)).join('\n') }] : [];
    });
  }
}
