import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { ENGINES } from '../helpers/stores.js';
import { asTurns, germanIntake } from '../helpers/intake.js';
import { createApp, type App } from '../../bot/app.js';
import { loadConfig, retentionPolicy } from '../../bot/config.js';
import { createLogger } from '../../bot/log.js';
import { sweep } from '../../bot/privacy/retention.js';
import { addNote, enqueue, updateStatus } from '../../bot/handover/handovers.js';
import type { Store } from '../../bot/store/store.js';

/** Retention runs against the real schema on every engine; time passes by moving timestamps back in SQL. */
const config = loadConfig({ OUTBOX_INTERVAL_MS: '600000' });
const policy = retentionPolicy(config);

/** A short German intake, from the wish to the summary (phone contact, transcript as chosen). */
const INTAKE = (transcript: boolean) => asTurns(germanIntake({ phone: '0151 23456789', name: 'Samira', need: 'Ich brauche Hilfe mit einem Brief vom Jobcenter', transcript }));

for (const engine of ENGINES) {
  describe(`retention and erasure on ${engine.name}`, () => {
    let store: Store;
    let app: App;
    beforeAll(async () => {
      store = await engine.open();
      app = await createApp(config, { store, log: createLogger('silent') });
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    const turn = (id: string, input: { kind: string; value?: string; text?: string }) => app.conversations.turn(id, 'web', input as never);
    async function intake(id: string, transcript: boolean): Promise<void> {
      for (const step of INTAKE(transcript)) await turn(id, step);
    }
    async function send(id: string, transcript = true): Promise<{ id: string; reference: string }> {
      await intake(id, transcript);
      await turn(id, { kind: 'action', value: 'intake:send' });
      const [row] = await store.query<{ id: string; reference: string }>('select id, reference from handovers where conversation_id = $1', [id]);
      return row!;
    }
    const handover = async (id: string) => (await store.query<Record<string, any>>('select * from handovers where id = $1', [id]))[0]!;
    const turns = async (conversationId: string) => Number((await store.query<{ n: number }>('select count(*)::int as n from turns where conversation_id = $1', [conversationId]))[0]!.n);
    const state = async (conversationId: string) => (await store.query<{ state: any }>('select state from conversations where id = $1', [conversationId]))[0]?.state;
    const actions = async (handoverId: string) => (await store.query<{ action: string }>('select action from audit_log where handover_id = $1 order by id', [handoverId])).map((r) => r.action);
    const ago = (days: number) => `now() - make_interval(days => ${days})`;

    test('an idle conversation is deleted with its transcript and channel address after the period; a recent one stays', async () => {
      await turn('ret-conv-old', { kind: 'message', text: 'Ich suche einen Kitaplatz in Goch' });
      await turn('ret-conv-new', { kind: 'message', text: 'Ich suche einen Kitaplatz in Goch' });
      await store.query('insert into channel_references (conversation_id, reference) values ($1, $2)', ['ret-conv-old', '{}']);
      await store.query(`update conversations set updated_at = ${ago(policy.conversationDays + 1)} where id = 'ret-conv-old'`);
      await store.query(`update conversations set updated_at = ${ago(policy.conversationDays - 1)} where id = 'ret-conv-new'`);
      const result = await sweep(store, policy);
      expect(result.touchedConversations).toContain('ret-conv-old');
      expect(await state('ret-conv-old')).toBeUndefined();
      expect(await turns('ret-conv-old')).toBe(0);
      expect(await store.query(`select 1 from channel_references where conversation_id = 'ret-conv-old'`)).toEqual([]);
      expect((await state('ret-conv-new'))?.municipality).toBe('goch');
      expect(await turns('ret-conv-new')).toBe(2);
    });

    test('an unsent draft goes after its shorter period with the transcript it was typed in; the conversation keeps its language and town', async () => {
      await intake('ret-draft-old', false);
      await intake('ret-draft-new', false);
      await store.query(`update conversations set updated_at = ${ago(policy.draftDays + 1)} where id = 'ret-draft-old'`);
      await store.query(`update conversations set updated_at = ${ago(policy.draftDays - 1)} where id = 'ret-draft-new'`);
      const [before] = await store.query<{ updated_at: Date }>(`select updated_at from conversations where id = 'ret-draft-old'`);
      const result = await sweep(store, policy);
      expect(result.drafts).toBe(1);
      const old = await state('ret-draft-old');
      expect(old.intake).toBeUndefined();
      expect(old.recent).toBeUndefined();
      expect(old).toMatchObject({ language: 'de', municipality: 'kleve' });
      expect(JSON.stringify(old)).not.toContain('0151');
      expect(await turns('ret-draft-old')).toBe(0);
      // The conversation still expires on its own schedule.
      const [after] = await store.query<{ updated_at: Date }>(`select updated_at from conversations where id = 'ret-draft-old'`);
      expect(new Date(after!.updated_at).getTime()).toBe(new Date(before!.updated_at).getTime());
      expect((await state('ret-draft-new')).intake).toMatchObject({ step: 'summary', fields: { phone: '+4915123456789' } });
      expect(await turns('ret-draft-new')).toBeGreaterThan(0);
    });

    test('a transcript attached to a record is removed after its period; the record stays and says so', async () => {
      const old = await send('ret-transcript-old');
      const recent = await send('ret-transcript-new');
      expect((await handover(old.id)).record.transcript.length).toBeGreaterThan(0);
      await store.query(`update handovers set created_at = ${ago(policy.transcriptDays + 1)} where id = $1`, [old.id]);
      const result = await sweep(store, policy);
      expect(result.transcripts).toBe(1);
      const row = await handover(old.id);
      expect(row.record.transcript).toBeUndefined();
      expect(row.record.transcriptRemovedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(row.record.name).toBe('Samira');
      expect(await actions(old.id)).toContain('transcript-removed');
      expect((await handover(recent.id)).record.transcript.length).toBeGreaterThan(0);
    });

    test('a closed record is anonymised after its period: the statistics row and the audit stay, notes and deliveries go; open records stay', async () => {
      const closed = await send('ret-record-closed', false);
      const open = await send('ret-record-open', false);
      const young = await send('ret-record-young', false);
      for (const r of [closed, young]) {
        await updateStatus(store, r.id, ['new'], 'claimed', { claimedBy: 'demo-nord-1' });
        await updateStatus(store, r.id, ['claimed'], 'closed', { outcome: 'referred' });
      }
      await addNote(store, closed.id, 'jonas', 'Rückruf bei Samira, 0151 23456789');
      await enqueue(store, { handoverId: closed.id, kind: 'proactive', target: 'web', payload: { conversationId: 'ret-record-closed' } });
      await store.query(`update handovers set closed_at = ${ago(policy.recordDays + 1)} where id = $1`, [closed.id]);
      await store.query(`update handovers set created_at = ${ago(policy.recordDays + 30)} where id = $1`, [open.id]);
      const result = await sweep(store, policy);
      expect(result.anonymised).toBe(1);
      const row = await handover(closed.id);
      expect(row).toMatchObject({ record: null, conversation_id: null, status: 'closed', outcome: 'referred', team_id: 'team-1-nord', language: 'de', municipality: 'kleve', case_type: expect.any(String) });
      expect(row.topics.length).toBeGreaterThan(0);
      expect(row.anonymised_at).not.toBeNull();
      expect(JSON.stringify(row)).not.toMatch(/Samira|0151|Brief vom Jobcenter/);
      expect(await store.query('select 1 from handover_notes where handover_id = $1', [closed.id])).toEqual([]);
      expect(await store.query('select 1 from outbox where handover_id = $1', [closed.id])).toEqual([]);
      expect(await actions(closed.id)).toEqual(['created', 'anonymised']);
      expect((await handover(open.id)).record).not.toBeNull();
      expect((await handover(young.id)).record).not.toBeNull();
      // Nothing is due any more: a second sweep changes nothing.
      expect(await sweep(store, policy)).toMatchObject({ conversations: 0, drafts: 0, transcripts: 0, erasedOnRequest: 0, anonymised: 0 });
    });

    test('"delete my data" deletes state, transcript and channel address at once and marks the sent record; the conversation goes on afresh', async () => {
      const sent = await send('ret-erase-person');
      await store.query('insert into channel_references (conversation_id, reference) values ($1, $2)', ['ret-erase-person', '{}']);
      await enqueue(store, { handoverId: sent.id, kind: 'proactive', target: 'web', payload: { conversationId: 'ret-erase-person' } });
      await enqueue(store, { handoverId: sent.id, kind: 'webhook', target: 'team-1-nord', payload: {} });
      const asked = await turn('ret-erase-person', { kind: 'message', text: 'Lösch meine Daten' });
      expect(asked.erased).toBeUndefined();
      expect(await turns('ret-erase-person')).toBeGreaterThan(30);
      const done = await turn('ret-erase-person', { kind: 'message', text: 'ja' });
      expect(done.erased).toBe(true);
      expect(done.messages[0]).toMatchObject({ type: 'text', text: expect.stringContaining('gelöscht') });
      expect(done.messages.map((m) => (m.type === 'text' ? m.text : '')).join(' ')).toContain(sent.reference);

      expect(await turns('ret-erase-person')).toBe(0);
      expect(await state('ret-erase-person')).toEqual({ v: 1, language: 'de', languageChosen: true, lastTopics: [], shownEntries: [], misses: 0, onBehalf: false, feedbackGiven: false, recent: [], handovers: [] });
      expect(await store.query(`select 1 from channel_references where conversation_id = 'ret-erase-person'`)).toEqual([]);
      const row = await handover(sent.id);
      expect(row.deletion_requested_at).not.toBeNull();
      expect(row.conversation_id).toBeNull();
      expect(row.record).not.toBeNull();
      expect(row.anonymised_at).toBeNull();
      expect((await store.query<{ kind: string }>('select kind from outbox where handover_id = $1', [sent.id])).map((r) => r.kind)).toEqual(['webhook']);
      expect(await actions(sent.id)).toContain('deletion-requested');
      expect(await store.query(`select detail from audit_log where action = 'conversation-erased' and handover_id is null`)).not.toEqual([]);

      // The next turn is a fresh conversation in the same language: the town has to be asked again.
      const next = await turn('ret-erase-person', { kind: 'message', text: 'Ich suche einen Kitaplatz' });
      expect(next.language).toBe('de');
      expect(next.messages.map((m) => (m.type === 'text' ? m.text : '')).join(' ')).toMatch(/Stadt oder Gemeinde/);
      expect(await turns('ret-erase-person')).toBe(2);
    });

    test('a record whose deletion was asked for is erased after the grace period if nobody did it earlier', async () => {
      const due = await send('ret-grace-due');
      const waiting = await send('ret-grace-waiting');
      for (const id of ['ret-grace-due', 'ret-grace-waiting']) {
        await turn(id, { kind: 'action', value: 'privacy:delete' });
        await turn(id, { kind: 'action', value: 'privacy:delete-yes' });
      }
      await store.query(`update handovers set deletion_requested_at = ${ago(policy.deletionGraceDays + 1)} where id = $1`, [due.id]);
      const result = await sweep(store, policy);
      expect(result.erasedOnRequest).toBe(1);
      const row = await handover(due.id);
      expect(row).toMatchObject({ record: null, status: 'withdrawn' });
      expect(row.anonymised_at).not.toBeNull();
      expect(await actions(due.id)).toEqual(['created', 'deletion-requested', 'erased']);
      expect((await handover(waiting.id)).record).not.toBeNull();
    });
  });
}
