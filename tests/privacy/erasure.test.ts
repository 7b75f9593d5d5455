import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../helpers/app.js';
import { germanIntake } from '../helpers/intake.js';
import { createAccount } from '../../bot/inbox/auth.js';
import { DEFAULT_STAFF_FILE, loadStaffOrThrow } from '../../knowledge/staff.js';
import type { Outgoing } from '../../bot/render.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ OUTBOX_INTERVAL_MS: '600000', SECURE_COOKIES: 'false', RATE_LIMIT_PER_MINUTE: '1000', DIRECTLINE_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters!!' });
  const staff = loadStaffOrThrow(DEFAULT_STAFF_FILE, server.app.kb.district);
  await createAccount(server.app.store, staff, { username: 'jonas', password: 'correct horse battery', staffId: 'demo-nord-1', role: 'case-manager' });
});
afterAll(async () => server.close());

const texts = (messages: Outgoing[]) => messages.flatMap((m) => (m.type === 'text' ? [m.text] : [])).join('\n');

async function chat(conversationId: string, input: { text?: string; action?: string }): Promise<{ messages: Outgoing[] }> {
  const r = await server.post('/api/chat', { conversationId, ...input });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** A German request sent from the chat page, through to its reference. */
async function sendRequest(conversationId: string): Promise<string> {
  for (const step of germanIntake({ name: 'Samira', need: 'Ich brauche Hilfe mit einem Brief vom Jobcenter', transcript: true })) await chat(conversationId, step);
  const sent = await chat(conversationId, { action: 'intake:send' });
  return /KIM-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(texts(sent.messages))![0];
}

describe('no copy of deleted data survives in memory', () => {
  test('the embedded store\'s state cache does not bring back a conversation the retention sweep deleted', async () => {
    const id = 'erasure-cache-conversation-01';
    await server.app.conversations.turn(id, 'web', { kind: 'message', text: 'Ich wohne in Goch und suche einen Deutschkurs' });
    // The state is cached (the turn was a moment ago); the row is made old and swept.
    await server.app.store.query(`update conversations set updated_at = now() - interval '400 days' where id = $1`, [id]);
    await server.app.sweepNow();
    expect(await server.app.store.query('select 1 from conversations where id = $1', [id])).toEqual([]);
    const next = await server.app.conversations.turn(id, 'web', { kind: 'message', text: 'Ich suche einen Kitaplatz' });
    expect(texts(next.messages)).toMatch(/Stadt oder Gemeinde/);
  });

  test('Direct Line forgets the transcript it holds for reconnects; watermarks go on', async () => {
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return (await res.json()) as any;
    };
    const issued = (await (await fetch(`${server.url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const c = { id: issued.conversationId, token: issued.token };
    await call('POST', '/v3/directline/conversations', c.token, {});
    const activities = `/v3/directline/conversations/${encodeURIComponent(c.id)}/activities`;
    await call('POST', activities, c.token, { type: 'message', text: 'Ich wohne in Goch, Telefon 0151 99887766', from: { id: 'u' } });
    await call('POST', activities, c.token, { type: 'message', text: 'Lösch meine Daten', from: { id: 'u' } });
    const before = await call('GET', `${activities}?watermark=`, c.token);
    expect(JSON.stringify(before.activities)).toContain('0151 99887766');
    await call('POST', activities, c.token, { type: 'message', text: 'ja', from: { id: 'u' } });
    const after = await call('GET', `${activities}?watermark=`, c.token);
    expect(JSON.stringify(after.activities)).not.toContain('0151 99887766');
    expect(JSON.stringify(after.activities)).not.toContain('Lösch meine Daten');
    expect(after.activities.length).toBeGreaterThan(0);
    expect(after.activities.every((a: { from: { role: string } }) => a.from.role === 'bot')).toBe(true);
    expect(after.activities[0].text).toMatch(/gelöscht/);
    expect(Number(after.watermark)).toBeGreaterThan(Number(before.watermark));
    expect(await server.app.store.query('select 1 from turns where conversation_id = $1', [c.id])).toEqual([]);
  });
});

describe('the case manager sees a deletion request and completes it', () => {
  let cookie = '';
  let csrf = '';
  async function inbox(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  test('marked in list and detail, not claimable or exportable, erased by the case manager', async () => {
    const reference = await sendRequest('erasure-inbox-conversation-01');
    const other = await sendRequest('erasure-inbox-conversation-02');
    await chat('erasure-inbox-conversation-01', { text: 'Bitte löschen Sie alle meine Daten' });
    const done = await chat('erasure-inbox-conversation-01', { action: 'privacy:delete-yes' });
    expect(texts(done.messages)).toContain(reference);

    const login = await inbox('POST', '/api/inbox/login', { username: 'jonas', password: 'correct horse battery' });
    csrf = login.body.csrf;
    const list = await inbox('GET', '/api/inbox/handovers');
    const item = list.body.items.find((i: { reference: string }) => i.reference === reference);
    const untouched = list.body.items.find((i: { reference: string }) => i.reference === other);
    expect(item.deletionRequestedAt).toEqual(expect.any(String));
    expect(new Date(item.deletionDueAt).getTime() - new Date(item.deletionRequestedAt).getTime()).toBe(7 * 86_400_000);
    expect(untouched.deletionRequestedAt).toBeNull();

    expect(await inbox('POST', `/api/inbox/handovers/${item.id}/claim`, {})).toMatchObject({ status: 409, body: { error: 'deletion_requested' } });
    expect(await inbox('GET', `/api/inbox/handovers/${item.id}/export`)).toMatchObject({ status: 409, body: { error: 'deletion_requested' } });
    expect(await inbox('POST', `/api/inbox/handovers/${untouched.id}/erase`, {})).toMatchObject({ status: 409, body: { error: 'not_requested' } });
    const detail = await inbox('GET', `/api/inbox/handovers/${item.id}`);
    expect(detail.body.item.record.name).toBe('Samira');
    expect(detail.body.item.audit.map((a: { action: string }) => a.action)).toContain('deletion-requested');

    const erased = await inbox('POST', `/api/inbox/handovers/${item.id}/erase`, {});
    expect(erased).toMatchObject({ status: 200, body: { item: { anonymised: true, status: 'withdrawn' } } });
    expect(await inbox('POST', `/api/inbox/handovers/${item.id}/erase`, {})).toMatchObject({ status: 409 });
    const gone = await inbox('GET', `/api/inbox/handovers/${item.id}`);
    expect(gone.body.item.record).toBeNull();
    expect(gone.body.item.topics.length).toBeGreaterThan(0);
    expect(gone.body.item.audit.map((a: { actor: string; action: string }) => `${a.actor}:${a.action}`)).toEqual(expect.arrayContaining(['person:deletion-requested', 'jonas:erased']));
    expect((await inbox('GET', '/api/inbox/handovers')).body.items.map((i: { reference: string }) => i.reference)).not.toContain(reference);
    const [row] = await server.app.store.query<{ record: unknown; conversation_id: string | null }>('select record, conversation_id from handovers where reference = $1', [reference]);
    expect(row).toEqual({ record: null, conversation_id: null });
  });
});
