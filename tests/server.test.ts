import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from './helpers/app.js';
import { loadConfig, ConfigError, retentionPolicy } from '../bot/config.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000' });
});
afterAll(async () => server.close());

describe('GET /healthz', () => {
  test('answers 200 with version, store kind and knowledge-base counts', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), store: 'pglite' });
    expect(body.knowledge.services).toBeGreaterThanOrEqual(80);
    expect(body.knowledge.municipalities).toBe(16);
    expect(body.knowledge.languages).toBe(10);
  });
});

describe('the chat page', () => {
  test('is served from our own server with a CSP that allows no other origin', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('/static/chat.js');
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${server.url}/static/chat.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/static/..%2Fapp.ts`)).status).toBe(404);
  });

  test('locale bundle has all ten languages', async () => {
    const locales = await (await fetch(`${server.url}/static/locales.json`)).json();
    expect(Object.keys(locales).sort()).toEqual(['ar', 'bg', 'de', 'en', 'fa', 'pl', 'ro', 'ru', 'tr', 'uk']);
  });
});

describe('POST /api/understand', () => {
  test('answers the evaluation contract', async () => {
    const res = await server.post('/api/understand', { text: 'Ich suche einen Integrationskurs in Kleve' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['crisis', 'entries', 'escalation', 'language', 'topics']);
    expect(res.body.language).toBe('de');
    expect(res.body.topics[0]).toEqual({ id: 'language-course.integration', score: expect.any(Number) });
    expect(res.body.entries[0]).toEqual({ id: expect.any(String), score: expect.any(Number) });
    expect(res.body).toMatchObject({ escalation: 'none', crisis: false });
    const scores = res.body.topics.map((t: { score: number }) => t.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  test('takes language and municipality and filters entries to the town', async () => {
    const res = await server.post('/api/understand', { text: 'Kita', language: 'de', municipality: 'goch' });
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: { id: string }) => e.id)).not.toContain('jugendamt-kleve-kita');
    expect(res.body.entries.map((e: { id: string }) => e.id)).toContain('jugendamt-goch-kita');
  });

  test.each([
    ['missing text', {}, 'invalid_text'],
    ['empty text', { text: '  ' }, 'invalid_text'],
    ['unsupported language', { text: 'hola', language: 'es' }, 'unsupported_language'],
    ['unknown municipality', { text: 'Kita', municipality: 'berlin' }, 'unknown_municipality'],
    ['unknown field', { text: 'Kita', foo: 1 }, 'invalid_request'],
    ['text too long', { text: 'a'.repeat(2001) }, 'text_too_long'],
  ])('%s → 400 with a machine-readable reason', async (_name, body, reason) => {
    const res = await server.post('/api/understand', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(reason);
  });

  test('malformed JSON → 400 invalid_json, wrong content type → 415, and the server stays up', async () => {
    expect((await server.post('/api/understand', '{"text": ')).body.error).toBe('invalid_json');
    const res = await fetch(`${server.url}/api/understand`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Kita' });
    expect(res.status).toBe(415);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test('a body over the size limit → 413', async () => {
    const res = await server.post('/api/understand', { text: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });
});

describe('POST /api/chat', () => {
  test('a conversation: welcome, language choice, a question answered with services in that language', async () => {
    const start = await server.post('/api/chat', { start: true });
    expect(start.status).toBe(200);
    const id = start.body.conversationId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const menu = start.body.messages.find((m: { type: string }) => m.type === 'actions');
    expect(menu.actions.map((a: { value: string }) => a.value)).toContain('lang:ar');

    const chosen = await server.post('/api/chat', { conversationId: id, action: 'lang:ar' });
    expect(chosen.body).toMatchObject({ language: 'ar', dir: 'rtl' });

    const answer = await server.post('/api/chat', { conversationId: id, text: 'أبحث عن دورة اندماج في كليفه' });
    expect(answer.body.language).toBe('ar');
    const cards = answer.body.messages.find((m: { type: string }) => m.type === 'services').cards;
    expect(cards.length).toBeGreaterThanOrEqual(1);
    expect(cards[0].title).toMatch(/\p{Script=Arabic}/u);
  });

  test('a message over the limit gets a 413 in the page language and nothing is lost', async () => {
    const res = await server.post('/api/chat', { text: 'x'.repeat(2500), language: 'uk' });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('message_too_long');
    expect(res.body.message).toMatch(/\p{Script=Cyrillic}/u);
  });

  test('user text is never interpreted as markup: replies are JSON strings rendered with textContent', async () => {
    const res = await server.post('/api/chat', { text: '<img src=x onerror=alert(1)> Kita' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('<img');
  });
});

describe('rate limits', () => {
  test('too many requests from one IP → 429', async () => {
    const limited = await startServer({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.post('/api/understand', { text: 'Kita' })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('configuration', () => {
  test('defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3978, DATA_DIR: './data', DEFAULT_LANGUAGE: 'de', RETENTION_DAYS: 30 });
  });
  test('retention periods: documented defaults, each settable, a draft never kept longer than its conversation', () => {
    expect(retentionPolicy(loadConfig({}))).toEqual({ conversationDays: 30, draftDays: 7, transcriptDays: 30, recordDays: 180, deletionGraceDays: 7 });
    expect(retentionPolicy(loadConfig({ RETENTION_DAYS: '5', RETENTION_DRAFT_DAYS: '14', RETENTION_TRANSCRIPT_DAYS: '10', RETENTION_RECORD_DAYS: '365', DELETION_GRACE_DAYS: '1' }))).toEqual({ conversationDays: 5, draftDays: 5, transcriptDays: 10, recordDays: 365, deletionGraceDays: 1 });
    expect(() => loadConfig({ DELETION_GRACE_DAYS: '0' })).toThrow(/DELETION_GRACE_DAYS/);
    expect(() => loadConfig({ RETENTION_RECORD_DAYS: 'forever' })).toThrow(/RETENTION_RECORD_DAYS/);
  });
  test('an invalid value stops the start with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT="abc"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DEFAULT_LANGUAGE: 'es' })).toThrow(/DEFAULT_LANGUAGE/);
  });
});
