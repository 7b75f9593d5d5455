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

export type TurnMessage = { role: 'user' | 'bot'; body: unknown };

/**
 * Writes the state and appends the turn's messages in one statement (one round trip per turn);
 * call inside the turn's transaction.
 */
export function saveTurn(sql: Sql, conversation: StoredConversation, messages: TurnMessage[]): Promise<void> {
  return saveTurns(sql, [{ conversation, messages }]);
}

/**
 * Saves the turns of several conversations in one statement: states upserted, messages appended
 * after each conversation's last turn. At most one turn per conversation (the parent rows are
 * written by the CTE; the foreign key is checked at the end of the statement).
 */
export async function saveTurns(sql: Sql, turns: ReadonlyArray<{ conversation: StoredConversation; messages: TurnMessage[] }>): Promise<void> {
  const rows = turns.map(({ conversation, messages }) => ({ id: conversation.id, channel: conversation.channel, state: conversation.state, messages }));
  await sql.query(
    `with input as (
       select * from json_to_recordset($1::json) as x(id text, channel text, state json, messages json)
     ),
     saved as (
       insert into conversations (id, channel, state) select id, channel, state from input
       on conflict (id) do update set state = excluded.state, updated_at = now()
       returning id
     )
     insert into turns (conversation_id, seq, role, body)
     select i.id, coalesce((select max(seq) from turns t where t.conversation_id = i.id), 0) + m.ord, m.value->>'role', m.value->'body'
     from input i join saved s on s.id = i.id, json_array_elements(i.messages) with ordinality as m(value, ord)`,
    [JSON.stringify(rows)],
  );
}

/**
 * Group commit for turns without events: saves are collected until the event loop's current
 * round is done (embedded PGlite runs queries synchronously on this thread, so nothing would
 * queue up otherwise) and while a statement is being written, then written as one statement.
 * Per-conversation turns are already serialised by the caller, so a batch holds at most one
 * turn per conversation.
 */
export class TurnWriter {
  private pending: Array<{ turn: { conversation: StoredConversation; messages: TurnMessage[] }; done: (error?: unknown) => void }> = [];
  private writing = false;

  constructor(
    private readonly sql: Sql,
    private readonly maxBatch = 200,
  ) {}

  save(conversation: StoredConversation, messages: TurnMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ turn: { conversation, messages }, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        await saveTurns(this.sql, batch.map((b) => b.turn));
        for (const b of batch) b.done();
      } catch (error) {
        if (batch.length === 1) batch[0]!.done(error);
        // One bad turn must not fail the others: write them one by one.
        else for (const b of batch) await saveTurns(this.sql, [b.turn]).then(() => b.done(), (e: unknown) => b.done(e ?? new Error('save failed')));
      }
    }
    this.writing = false;
  }
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
