import { randomUUID } from 'node:crypto';
import type { Sql } from '../store/store.js';
import type { CaseType, IntakeRecord } from '../../dialogs/handover/record.js';

export const STATUSES = ['new', 'claimed', 'contacted', 'closed', 'withdrawn'] as const;
export const OUTCOMES = ['referred', 'accompanied', 'case-management', 'not-reached'] as const;
export type Status = (typeof STATUSES)[number];
export type Outcome = (typeof OUTCOMES)[number];

/** A handover as the inbox lists it. */
export interface HandoverRow {
  id: string;
  reference: string;
  conversation_id: string | null;
  channel: string;
  language: string;
  team_id: string;
  assignee: string | null;
  claimed_by: string | null;
  urgency: 'urgent' | 'deadline' | 'normal';
  status: Status;
  outcome: Outcome | null;
  /** Null once withdrawn, erased on the person's request or anonymised after retention. */
  record: IntakeRecord | null;
  expected_contact_by: Date;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  /** What stays for statistics when the record's content is gone. */
  topics: string[];
  case_type: CaseType | null;
  municipality: string | null;
  /** The person asked in the chat to delete their data; erased by a case manager or after the grace period. */
  deletion_requested_at: Date | null;
  /** The content is gone for good (erased or anonymised); only the statistics row and the audit remain. */
  anonymised_at: Date | null;
}

/** Statuses that count against a case manager's load. */
const OPEN = ['new', 'claimed', 'contacted'];

export async function insertHandover(
  sql: Sql,
  h: { id: string; reference: string; conversationId: string; channel: string; language: string; unit: string; assignee: string | undefined; urgency: string; record: IntakeRecord; expectedBy: string },
): Promise<void> {
  await sql.query(
    `insert into handovers (id, reference, conversation_id, channel, language, team_id, assignee, urgency, record, expected_contact_by, topics, case_type, municipality)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [h.id, h.reference, h.conversationId, h.channel, h.language, h.unit, h.assignee ?? null, h.urgency, JSON.stringify(h.record), h.expectedBy, h.record.topics, h.record.caseType.type, h.record.municipality.id],
  );
}

/** Open cases per person in a unit (assigned or claimed), for routing by load. */
export async function openCaseLoads(sql: Sql, unit: string): Promise<Map<string, number>> {
  const rows = await sql.query<{ person: string; n: number | string }>(
    `select coalesce(claimed_by, assignee) as person, count(*) as n from handovers
     where team_id = $1 and status = any($2) and coalesce(claimed_by, assignee) is not null group by 1`,
    [unit, OPEN],
  );
  return new Map(rows.map((r) => [r.person, Number(r.n)]));
}

/** Urgent first, then deadlines, then the oldest. */
const ORDER = `case urgency when 'urgent' then 0 when 'deadline' then 1 else 2 end, created_at asc`;

/** The records of some units (a team's inbox), optionally by status. */
export async function listHandovers(sql: Sql, units: readonly string[] | 'all', status?: Status): Promise<HandoverRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (units !== 'all') where.push(`team_id = any($${params.push([...units])})`);
  if (status) where.push(`status = $${params.push(status)}`);
  else where.push(`status <> 'withdrawn'`);
  // Anonymised rows are statistics, no longer requests to work on.
  where.push('anonymised_at is null');
  return sql.query<HandoverRow & Record<string, unknown>>(`select * from handovers ${where.length ? `where ${where.join(' and ')}` : ''} order by case when status in ('closed', 'withdrawn') then 1 else 0 end, ${ORDER} limit 500`, params);
}

export async function getHandover(sql: Sql, id: string): Promise<HandoverRow | undefined> {
  return (await sql.query<HandoverRow & Record<string, unknown>>('select * from handovers where id = $1', [id]))[0];
}

export async function getHandoverByReference(sql: Sql, reference: string): Promise<HandoverRow | undefined> {
  return (await sql.query<HandoverRow & Record<string, unknown>>('select * from handovers where reference = $1', [reference]))[0];
}

/** Moves a record on; `from` guards against two people changing it at once. */
export async function updateStatus(
  sql: Sql,
  id: string,
  from: readonly Status[],
  to: Status,
  changes: { claimedBy?: string; outcome?: Outcome; unlessDeletionRequested?: boolean } = {},
): Promise<HandoverRow | undefined> {
  const rows = await sql.query<HandoverRow & Record<string, unknown>>(
    `update handovers set status = $3, claimed_by = coalesce($4, claimed_by), outcome = coalesce($5, outcome), updated_at = now(),
       closed_at = case when $3 in ('closed', 'withdrawn') then now() else closed_at end
     where id = $1 and status = any($2) and (not $6::boolean or deletion_requested_at is null) returning *`,
    [id, [...from], to, changes.claimedBy ?? null, changes.outcome ?? null, changes.unlessDeletionRequested ?? false],
  );
  return rows[0];
}

/** Withdrawal by the person: the record's content is erased at once; only the fact and the audit remain. */
export async function withdrawHandover(sql: Sql, reference: string, conversationId: string): Promise<HandoverRow | undefined> {
  const rows = await sql.query<HandoverRow & Record<string, unknown>>(
    `update handovers set status = 'withdrawn', record = null, updated_at = now(), closed_at = now()
     where reference = $1 and conversation_id = $2 and status <> 'withdrawn' returning *`,
    [reference, conversationId],
  );
  if (rows[0]) {
    await sql.query('delete from handover_notes where handover_id = $1', [rows[0].id]);
    await sql.query(`delete from outbox where handover_id = $1 and delivered_at is null`, [rows[0].id]);
  }
  return rows[0];
}

export async function addNote(sql: Sql, handoverId: string, author: string, body: string): Promise<void> {
  await sql.query('insert into handover_notes (handover_id, author, body) values ($1, $2, $3)', [handoverId, author, body]);
}

export async function listNotes(sql: Sql, handoverId: string): Promise<Array<{ id: number; author: string; body: string; created_at: Date }>> {
  return sql.query('select id, author, body, created_at from handover_notes where handover_id = $1 order by id', [handoverId]);
}

/** Every view and change in the inbox. */
export async function audit(sql: Sql, actor: string, action: string, handoverId: string | null, detail: Record<string, unknown> = {}): Promise<void> {
  await sql.query('insert into audit_log (actor, action, handover_id, detail) values ($1, $2, $3, $4)', [actor, action, handoverId, JSON.stringify(detail)]);
}

/** The same audit entry for many records, in one statement (the retention sweep's steps). */
export async function auditEach(sql: Sql, actor: string, action: string, handoverIds: readonly string[], detail: Record<string, unknown> = {}): Promise<void> {
  if (handoverIds.length === 0) return;
  await sql.query('insert into audit_log (actor, action, handover_id, detail) select $1, $2, id, $4 from unnest($3::uuid[]) as id', [actor, action, handoverIds, JSON.stringify(detail)]);
}

export async function auditTrail(sql: Sql, handoverId: string): Promise<Array<{ at: Date; actor: string; action: string; detail: unknown }>> {
  return sql.query('select at, actor, action, detail from audit_log where handover_id = $1 order by id', [handoverId]);
}

/**
 * The person asked in the chat to delete their data: the records sent from the conversation are
 * marked (the case manager sees it and erases them, or {@link eraseRequestedHandovers} does after
 * the grace period) and lose their link to the conversation, which is deleted; messages still
 * queued for the person are dropped.
 * @returns the marked records
 */
export async function requestDeletion(sql: Sql, conversationId: string): Promise<Array<{ id: string; reference: string }>> {
  const marked = await sql.query<{ id: string; reference: string; content: boolean }>(
    `update handovers set deletion_requested_at = coalesce(deletion_requested_at, now()), conversation_id = null, updated_at = now()
     where conversation_id = $1 returning id, reference, record is not null and anonymised_at is null as content`,
    [conversationId],
  );
  if (marked.length === 0) return [];
  await sql.query(`delete from outbox where handover_id = any($1) and kind = 'proactive'`, [marked.map((m) => m.id)]);
  // Withdrawn records have no content left: they only lose the link.
  return marked.filter((m) => m.content).map(({ id, reference }) => ({ id, reference }));
}

/**
 * Erases the content of records: the record, its notes, its deliveries and the link to the
 * conversation. What stays is the anonymous statistics row (unit, language, urgency, status,
 * outcome, topics, case type, town, dates) and the audit log. An open record ends as withdrawn.
 */
async function eraseWhere(sql: Sql, condition: string, params: unknown[]): Promise<HandoverRow[]> {
  const rows = await sql.query<HandoverRow & Record<string, unknown>>(
    `update handovers set record = null, conversation_id = null, anonymised_at = now(), updated_at = now(),
       status = case when status in ('new', 'claimed', 'contacted') then 'withdrawn' else status end,
       closed_at = coalesce(closed_at, now())
     where anonymised_at is null and ${condition} returning *`,
    params,
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) {
    await sql.query('delete from handover_notes where handover_id = any($1)', [ids]);
    await sql.query('delete from outbox where handover_id = any($1)', [ids]);
  }
  return rows;
}

/** A case manager completes a deletion the person asked for. */
export async function eraseHandover(sql: Sql, id: string): Promise<HandoverRow | undefined> {
  return (await eraseWhere(sql, 'id = $1 and deletion_requested_at is not null', [id]))[0];
}

/** Records whose deletion was asked for more than `graceDays` ago and nobody erased yet. */
export async function eraseRequestedHandovers(sql: Sql, graceDays: number): Promise<string[]> {
  return (await eraseWhere(sql, 'deletion_requested_at is not null and deletion_requested_at < now() - make_interval(days => $1)', [graceDays])).map((r) => r.id);
}

/** Closed or withdrawn records whose retention ended: anonymised, the statistics row and the audit log stay. */
export async function anonymiseClosedHandovers(sql: Sql, daysAfterClose: number): Promise<string[]> {
  return (await eraseWhere(sql, 'closed_at is not null and closed_at < now() - make_interval(days => $1)', [daysAfterClose])).map((r) => r.id);
}

/** Removes the chat transcript from records sent more than `days` ago; the record notes when. */
export async function removeTranscripts(sql: Sql, days: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `update handovers set record = (record - 'transcript') || jsonb_build_object('transcriptRemovedAt', $2::text)
     where record ? 'transcript' and created_at < now() - make_interval(days => $1) returning id`,
    [days, new Date().toISOString()],
  );
  return rows.map((r) => r.id);
}

/** What the outbox delivers: a team's webhook, a message to the person, or a card in a team's Teams channel. */
export type DeliveryKind = 'webhook' | 'proactive' | 'teams';

/** A delivery to make: written in the same transaction as the change it reports. */
export async function enqueue(sql: Sql, delivery: { handoverId: string; kind: DeliveryKind; target: string; payload: unknown }): Promise<string> {
  const id = randomUUID();
  await sql.query('insert into outbox (id, handover_id, kind, target, payload) values ($1, $2, $3, $4, $5)', [id, delivery.handoverId, delivery.kind, delivery.target, JSON.stringify(delivery.payload)]);
  return id;
}

/** Queues a delivery only if the record already has one of the same kind whose payload has `op: "post"` (an update needs a posted card). */
export async function enqueueAfterPost(sql: Sql, delivery: { handoverId: string; kind: DeliveryKind; target: string; payload: unknown }): Promise<void> {
  await sql.query(
    `insert into outbox (id, handover_id, kind, target, payload) select $1, $2, $3, $4, $5
     where exists (select 1 from outbox where handover_id = $2 and kind = $3 and payload->>'op' = 'post')`,
    [randomUUID(), delivery.handoverId, delivery.kind, delivery.target, JSON.stringify(delivery.payload)],
  );
}
