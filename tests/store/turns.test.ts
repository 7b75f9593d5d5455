import { test, expect } from 'vitest';
import { startServer } from '../helpers/app.js';

test('concurrent turns of one conversation are serialised: every message kept, the state of the last one saved', async () => {
  const server = await startServer({ OUTBOX_INTERVAL_MS: '600000' });
  try {
    const { conversations, store } = server.app;
    await conversations.turn('race-conversation-0001', 'web', { kind: 'action', value: 'lang:de' });
    const texts = ['Ich wohne in Goch', 'Ich suche einen Deutschkurs', 'Wo finde ich einen Kitaplatz?', 'Termin beim Jobcenter', 'Danke'];
    await Promise.all(texts.map((text) => conversations.turn('race-conversation-0001', 'web', { kind: 'message', text })));
    const rows = await store.query<{ seq: number; role: string; body: { text?: string } }>('select seq, role, body from turns where conversation_id = $1 order by seq', ['race-conversation-0001']);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.role === 'user').slice(1).map((r) => r.body.text)).toEqual(texts);
    const [saved] = await store.query<{ state: { municipality?: string } }>('select state from conversations where id = $1', ['race-conversation-0001']);
    expect(saved!.state.municipality).toBe('goch');
  } finally {
    await server.close();
  }
});
