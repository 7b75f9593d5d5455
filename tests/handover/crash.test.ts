import { describe, test, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer, type ChildServer } from '../helpers/child.js';
import { germanIntake } from '../helpers/intake.js';
import { openStore } from '../../bot/store/open.js';
import { DEMO_PASSWORD } from '../../bot/inbox/demo.js';

/**
 * The process dies (SIGKILL: no shutdown, no flush) right after the person confirms "send".
 * The record and the conversation state are written in one transaction of the embedded store,
 * so after a restart on the same data directory either both are there or neither: the record
 * exists at most once, "send" again never makes a second one, and the conversation goes on.
 */
describe('a crash right after the person confirms the handover', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-crash-'));
  const env = { DATA_DIR: dir, DEMO_MODE: 'true', OUTBOX_INTERVAL_MS: '600000', RATE_LIMIT_PER_MINUTE: '1000', LOG_LEVEL: 'warn' };
  let server: ChildServer | undefined;

  afterAll(async () => {
    await server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const texts = (body: { messages: Array<{ type: string; text?: string }> }) => body.messages.flatMap((m) => (m.type === 'text' ? [m.text!] : [])).join('\n');
  const referenceIn = (text: string) => /KIM-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(text)?.[0];

  async function say(s: ChildServer, conversationId: string, input: { text?: string; action?: string }) {
    const r = await s.post('/api/chat', { conversationId, ...input });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { messages: Array<{ type: string; text?: string }> };
  }

  /** A German intake up to the summary ("please check, then send"); returns how long the last turn took, in ms. */
  async function toSummary(s: ChildServer, conversationId: string): Promise<number> {
    for (const step of germanIntake({ phone: '0151 23456789', name: 'Samira', need: 'Ich brauche Hilfe mit einem Brief vom Jobcenter' })) await say(s, conversationId, step);
    const started = performance.now();
    const summary = await say(s, conversationId, { action: 'intake:yes' });
    const took = performance.now() - started;
    expect(summary.messages.some((m) => m.type === 'actions')).toBe(true);
    expect(texts(summary)).toContain('Absenden');
    return took;
  }

  /** The references in the inbox (demo admin: every unit). */
  async function inboxReferences(s: ChildServer): Promise<string[]> {
    const login = await fetch(`${s.url}/api/inbox/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-admin', password: DEMO_PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const list = (await (await fetch(`${s.url}/api/inbox/handovers`, { headers: { cookie } })).json()) as { items: Array<{ reference: string }> };
    return list.items.map((i) => i.reference).sort();
  }

  let first = '';

  test('killed as soon as the answer arrived: after the restart the record exists once and the conversation goes on', async () => {
    server = await spawnServer(env);
    await toSummary(server, 'crash-conversation-after-answer');
    const sent = await say(server, 'crash-conversation-after-answer', { action: 'intake:send' });
    await server.kill('SIGKILL');
    first = referenceIn(texts(sent)) ?? '';
    expect(first).not.toBe('');

    server = await spawnServer(env);
    expect(await inboxReferences(server)).toEqual([first]);
    // The person, unsure whether it worked, presses "send" again: the reference, nothing sent twice.
    const again = await say(server, 'crash-conversation-after-answer', { action: 'intake:send' });
    expect(texts(again)).toContain(first);
    expect(texts(again)).toContain('schon gesendet');
    expect(again.messages.some((m) => m.type === 'actions' && JSON.stringify(m).includes(`withdraw:${first}`))).toBe(true);
    expect(await inboxReferences(server)).toEqual([first]);
    // The conversation itself goes on in German.
    const next = await say(server, 'crash-conversation-after-answer', { text: 'Ich suche einen Deutschkurs in Goch' });
    expect(next.messages.some((m) => m.type === 'services')).toBe(true);
  }, 300_000);

  test('killed while the confirmation is on its way: at most one record, and "send" again makes it exactly one', async () => {
    server ??= await spawnServer(env);
    const turnMs = await toSummary(server, 'crash-conversation-in-flight');
    const before = await inboxReferences(server);
    // The request goes out and the process dies before, while or just after it is handled: the kill
    // is aimed at the middle of a turn (timed by the turn before), which cannot be hit exactly.
    const inFlight = fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'crash-conversation-in-flight', action: 'intake:send' }) })
      .then(async (r) => referenceIn(JSON.stringify(await r.json())))
      .catch(() => undefined);
    await sleep(Math.max(1, Math.round(turnMs * 0.6)));
    await server.kill('SIGKILL');
    const answered = await inFlight;

    server = await spawnServer(env);
    const after = await inboxReferences(server);
    const created = after.filter((r) => !before.includes(r));
    expect(created.length).toBeLessThanOrEqual(1);
    if (answered) expect(created).toEqual([answered]);

    // "Send" again: the state and the record were written together, so this either names the
    // record that exists or sends the one that does not, never a second one.
    const again = await say(server, 'crash-conversation-in-flight', { action: 'intake:send' });
    const shown = referenceIn(texts(again));
    expect(shown).toBeDefined();
    if (created.length === 1) {
      expect(shown).toBe(created[0]);
      expect(texts(again)).toContain('schon gesendet');
    } else {
      expect(texts(again)).toContain('angekommen');
    }
    const final = await inboxReferences(server);
    expect(final.filter((r) => !before.includes(r))).toEqual([shown]);
    expect(final).toContain(first);

    // A clean stop, then the store itself: two records, one per conversation, each once.
    await server.kill('SIGTERM');
    server = undefined;
    const store = await openStore({ dataDir: dir });
    try {
      const rows = await store.query<{ conversation_id: string; n: number }>('select conversation_id, count(*)::int as n from handovers group by 1 order by 1');
      expect(rows).toEqual([
        { conversation_id: 'crash-conversation-after-answer', n: 1 },
        { conversation_id: 'crash-conversation-in-flight', n: 1 },
      ]);
      const [state] = await store.query<{ state: { intake?: unknown; handovers: Array<{ reference: string }> } }>(`select state from conversations where id = 'crash-conversation-in-flight'`);
      expect(state!.state.intake).toBeUndefined();
      expect(state!.state.handovers.map((h) => h.reference)).toEqual([shown]);
    } finally {
      await store.close();
    }
  }, 300_000);
});
