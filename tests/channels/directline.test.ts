import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type TestServer } from '../helpers/app.js';
import { TokenSigner } from '../../bot/channels/tokens.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000', DIRECTLINE_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters!!' });
});
afterAll(async () => server.close());

const DL = '/v3/directline';

async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** A conversation as Web Chat starts it: token from our endpoint, then "start conversation". */
async function start(): Promise<{ id: string; token: string; userId: string; streamUrl: string }> {
  const issued = await call('POST', '/api/webchat/token');
  expect(issued.status).toBe(200);
  const started = await call('POST', `${DL}/conversations`, issued.body.token, {});
  expect(started.status).toBe(201);
  return { id: started.body.conversationId, token: started.body.token, userId: issued.body.userId, streamUrl: started.body.streamUrl };
}

const post = (c: { id: string; token: string }, activity: unknown) => call('POST', `${DL}/conversations/${encodeURIComponent(c.id)}/activities`, c.token, activity);
const get = (c: { id: string; token: string }, watermark = '') => call('GET', `${DL}/conversations/${encodeURIComponent(c.id)}/activities?watermark=${watermark}`, c.token);

describe('tokens', () => {
  test('POST /api/webchat/token starts a conversation bound to the token', async () => {
    const issued = await call('POST', '/api/webchat/token');
    expect(issued.body).toMatchObject({ conversationId: expect.stringMatching(/^dl-/), token: expect.any(String), expires_in: 3600, userId: expect.any(String) });
    const started = await call('POST', `${DL}/conversations`, issued.body.token, {});
    expect(started.body.conversationId).toBe(issued.body.conversationId);
    expect(started.body.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/dl-[^/]+\/stream\?/);
  });

  test('a missing token is 401, a forged or foreign one 403', async () => {
    const a = await start();
    const b = await start();
    expect((await call('POST', `${DL}/conversations`, undefined, {})).status).toBe(401);
    const forged = `${a.token.split('.')[0]}.${'A'.repeat(43)}`;
    expect(await post({ id: a.id, token: forged }, { type: 'message', text: 'hallo' })).toMatchObject({ status: 403, body: { error: 'token_bad_signature' } });
    expect(await post({ id: a.id, token: b.token }, { type: 'message', text: 'hallo' })).toMatchObject({ status: 403, body: { error: 'token_wrong_conversation' } });
    expect((await get({ id: a.id, token: 'not-a-token' })).status).toBe(403);
  });

  test('tokens expire', () => {
    let now = 1_000_000;
    const signer = new TokenSigner('a-test-secret-of-at-least-32-characters!!', 60, () => now);
    const { token } = signer.issue('dl-x', 'u');
    expect(signer.verify(token)).toMatchObject({ ok: true, claims: { conversationId: 'dl-x', userId: 'u' } });
    now += 61_000;
    expect(signer.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  test('refresh gives a new token for the same conversation', async () => {
    const c = await start();
    const refreshed = await call('POST', `${DL}/tokens/refresh`, c.token);
    expect(refreshed).toMatchObject({ status: 200, body: { conversationId: c.id, token: expect.any(String), expires_in: 3600 } });
    expect((await get({ id: c.id, token: refreshed.body.token })).status).toBe(200);
  });
});

describe('activities and watermarks', () => {
  test('the join event answers in the page language; the message is echoed and answered', async () => {
    const c = await start();
    expect((await post(c, { type: 'event', name: 'lotse/join', value: { language: 'uk' } })).status).toBe(200);
    const first = await get(c);
    expect(first.body.activities[0]).toMatchObject({ type: 'event', from: { id: c.userId, role: 'user' } });
    const replies = first.body.activities.filter((a: any) => a.from.role === 'bot');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((a: any) => a.locale === 'uk-UA')).toBe(true);
    expect(replies.at(-1).suggestedActions.actions[0]).toMatchObject({ type: 'messageBack', value: { action: expect.stringMatching(/^topic:/) } });

    const sent = await post(c, { type: 'message', text: 'Шукаю курс німецької мови', channelData: { clientActivityID: 'client-1' } });
    const next = await get(c, first.body.watermark);
    expect(Number(next.body.watermark)).toBeGreaterThan(Number(first.body.watermark));
    expect(next.body.activities[0]).toMatchObject({ id: sent.body.id, text: 'Шукаю курс німецької мови', channelData: { clientActivityID: 'client-1' } });
    expect(next.body.activities.slice(1).every((a: any) => a.replyToId === sent.body.id && a.from.role === 'bot')).toBe(true);
    // Nothing new after the latest watermark.
    expect((await get(c, next.body.watermark)).body.activities).toEqual([]);
  });

  test('a service answer carries an Adaptive Card with call, website and map buttons', async () => {
    const c = await start();
    await post(c, { type: 'event', name: 'lotse/join', value: { language: 'de', topic: 'language-course.integration' } });
    await post(c, { type: 'message', text: 'Kleve' });
    const all = (await get(c)).body.activities;
    const card = all.flatMap((a: any) => a.attachments ?? []).find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card).toBeDefined();
    expect(card.content.actions.map((a: any) => a.url)).toEqual(expect.arrayContaining([expect.stringMatching(/^tel:\+?\d+$/), expect.stringMatching(/^https:\/\/www\.openstreetmap\.org\//)]));
  });

  test('a button press (messageBack value) is an action', async () => {
    const c = await start();
    await post(c, { type: 'message', value: { action: 'lang:fa' }, channelData: { messageBack: { displayText: 'فارسی' } } });
    const replies = (await get(c)).body.activities.filter((a: any) => a.from.role === 'bot');
    expect(replies[0].locale).toBe('fa-IR');
  });

  test('an activity posted twice (same client id) is processed once', async () => {
    const c = await start();
    const activity = { type: 'message', text: 'Ich suche eine Kita', channelData: { clientActivityID: 'retry-me' } };
    const [a, b] = await Promise.all([post(c, activity), post(c, activity)]);
    expect(a.body.id).toBe(b.body.id);
    const turns = await server.app.store.query<{ n: number }>("select count(*)::int as n from turns where conversation_id = $1 and role = 'user'", [c.id]);
    expect(turns[0]!.n).toBe(1);
  });

  test('limits: too long, empty, invalid and oversized requests get clear 4xx reasons', async () => {
    const c = await start();
    expect(await post(c, { type: 'message', text: 'x'.repeat(2001) })).toMatchObject({ status: 413, body: { error: 'message_too_long' } });
    expect(await post(c, { type: 'message', text: '   ' })).toMatchObject({ status: 400, body: { error: 'empty_message' } });
    expect(await post(c, '{not json')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await post(c, { text: 'no type' })).toMatchObject({ status: 400, body: { error: 'invalid_activity' } });
    const big = await fetch(`${server.url}${DL}/conversations/${encodeURIComponent(c.id)}/upload?userId=${c.userId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${'x'.repeat(5 * 1024 * 1024)}\r\n--XYZ--\r\n`,
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'attachment_too_large' });
    // The server is still up and the conversation still works.
    expect((await post(c, { type: 'message', text: 'Kita' })).status).toBe(200);
  });

  test('an uploaded photo is not kept and gets a polite text answer', async () => {
    const c = await start();
    const activity = JSON.stringify({ type: 'message', channelData: { clientActivityID: 'up-1' } });
    const res = await fetch(`${server.url}${DL}/conversations/${encodeURIComponent(c.id)}/upload?userId=${c.userId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJPEGDATA\r\n--XYZ\r\nContent-Disposition: form-data; name="activity"\r\nContent-Type: application/vnd.microsoft.activity\r\n\r\n${activity}\r\n--XYZ--\r\n`,
    });
    expect(res.status).toBe(200);
    const all = (await get(c)).body.activities;
    expect(all[0]).toMatchObject({ from: { role: 'user' }, attachments: [{ contentType: 'image/jpeg', name: 'photo.jpg' }] });
    expect(all[0].attachments[0].contentUrl).toBeUndefined();
    expect(all[1]).toMatchObject({ from: { role: 'bot' }, text: expect.stringContaining('Text') });
  });
});

/** Opens a stream and collects its frames. */
function stream(url: string): Promise<{ frames: any[]; ws: WebSocket; waitFor(n: number): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: any[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)));
      waiters.splice(0).forEach((w) => w());
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('open', () =>
      resolve({
        frames,
        ws,
        async waitFor(n) {
          while (frames.flatMap((f) => f.activities).length < n) await new Promise<void>((r) => waiters.push(r));
        },
      }),
    );
  });
}

describe('WebSocket stream', () => {
  test('pushes the echo and the replies with watermarks', async () => {
    const c = await start();
    const s = await stream(c.streamUrl);
    await post(c, { type: 'message', text: 'Hallo', channelData: { clientActivityID: 'ws-1' } });
    await s.waitFor(2);
    const activities = s.frames.flatMap((f) => f.activities);
    expect(activities[0]).toMatchObject({ text: 'Hallo', from: { role: 'user' }, channelData: { clientActivityID: 'ws-1' } });
    expect(activities[1].from.role).toBe('bot');
    expect(Number(s.frames.at(-1).watermark)).toBe(activities.length);
    s.ws.close();
  });

  test('reconnect from a watermark delivers only what was missed', async () => {
    const c = await start();
    await post(c, { type: 'message', text: 'Hallo' });
    const { body } = await get(c);
    const seen = Number(body.watermark);
    await post(c, { type: 'message', text: 'Kita' });
    const reconnected = await call('GET', `${DL}/conversations/${encodeURIComponent(c.id)}?watermark=${seen}`, c.token);
    expect(reconnected.status).toBe(200);
    const s = await stream(reconnected.body.streamUrl);
    await s.waitFor(1);
    const backlog = s.frames[0].activities;
    expect(backlog[0]).toMatchObject({ text: 'Kita', from: { role: 'user' } });
    expect(backlog[0].id).toBe(`${c.id}|${String(seen).padStart(7, '0')}`);
    s.ws.close();
  });

  test('a stream with a wrong token is refused', async () => {
    const a = await start();
    const b = await start();
    await expect(stream(a.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(b.token)}`))).rejects.toThrow('HTTP 403');
  });

  test('proactive messages reach an open stream', async () => {
    const c = await start();
    await post(c, { type: 'message', text: 'Hallo' });
    const { body } = await get(c);
    const s = await stream(c.streamUrl.replace('watermark=', `watermark=${body.watermark}`));
    expect(server.app.proactive.supports('directline')).toBe(true);
    await server.app.proactive.send('directline', c.id, [{ type: 'text', text: 'Eine Beraterin hat Ihre Anfrage übernommen.' }], 'de');
    await s.waitFor(1);
    expect(s.frames[0].activities[0]).toMatchObject({ text: 'Eine Beraterin hat Ihre Anfrage übernommen.', from: { role: 'bot' } });
    s.ws.close();
  });
});

describe('rate limits', () => {
  test('the token endpoint is limited per IP', async () => {
    const limited = await startServer({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/api/webchat/token`, { method: 'POST' })).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
