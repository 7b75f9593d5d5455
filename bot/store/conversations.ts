import type { Sql } from './store.js';

/** A stored conversation: the dialogue state as JSON (validated by the dialogue engine, not here). */
export interface StoredConversation {
  id: string;
  channel: string;
  state: unknown;
}

export async function loadConversation(sql: Sql, id: string): Promise<StoredConversation | undefined> {
  const rows = await sql.query<{ id: string; channel: string; state: unknown }>('select id, channel, state from conversations where id = $1', [id]);
  return rows[0];
}

/**
 * Writes the state and appends the turn's messages in one statement (one round trip per turn);
 * call inside the turn's transaction.
 */
export async function saveTurn(
  sql: Sql,
  conversation: StoredConversation,
  messages: Array<{ role: 'user' | 'bot'; body: unknown }>,
): Promise<void> {
  // The parent row is written by the CTE; the foreign key is checked at the end of the statement.
  await sql.query(
    `with saved as (
       insert into conversations (id, channel, state) values ($1, $2, $3)
       on conflict (id) do update set state = excluded.state, updated_at = now()
       returning id
     )
     insert into turns (conversation_id, seq, role, body)
     select saved.id, base.n + m.ord, m.value->>'role', m.value->'body'
     from saved,
          (select coalesce(max(seq), 0) as n from turns where conversation_id = $1) base,
          json_array_elements($4::json) with ordinality as m(value, ord)`,
    [conversation.id, conversation.channel, JSON.stringify(conversation.state), JSON.stringify(messages)],
  );
}

/** Deletes conversations untouched for `days` days, with their transcripts; returns their ids. */
export async function deleteExpired(sql: Sql, days: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`delete from conversations where updated_at < now() - make_interval(days => $1) returning id`, [days]);
  return rows.map((r) => r.id);
}

/**
 * Unsent handover drafts of conversations untouched for `days` days: the draft and the person's
 * remembered requests leave the state, and the transcript (where the answers were typed) is
 * deleted; the conversation keeps its language and town until it expires. Returns their ids.
 * @remarks The state keeps its last-change time: the conversation still expires on schedule.
 */
export async function expireDrafts(sql: Sql, days: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `update conversations set state = (state::jsonb - 'intake' - 'recent')::json
     where updated_at < now() - make_interval(days => $1) and state::jsonb ? 'intake' returning id`,
    [days],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) await sql.query('delete from turns where conversation_id = any($1)', [ids]);
  return ids;
}

/**
 * "Delete my data": the conversation's state, transcript and channel address are deleted, and
 * the conversation goes on from `fresh` (the language only), without a transcript of this turn.
 */
export async function eraseConversation(sql: Sql, conversation: StoredConversation): Promise<void> {
  await sql.query('delete from conversations where id = $1', [conversation.id]);
  await sql.query('insert into conversations (id, channel, state) values ($1, $2, $3)', [conversation.id, conversation.channel, JSON.stringify(conversation.state)]);
}

/** Stores one anonymous "did this help?" answer. */
export async function saveFeedback(
  sql: Sql,
  feedback: { language: string; topics: string[]; entryIds: string[]; municipality?: string; helpful: boolean },
): Promise<void> {
  await sql.query('insert into feedback (language, topics, entry_ids, municipality, helpful) values ($1, $2, $3, $4, $5)', [
    feedback.language,
    feedback.topics,
    feedback.entryIds,
    feedback.municipality ?? null,
    feedback.helpful,
  ]);
}
