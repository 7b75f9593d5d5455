import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer, type ChildServer } from '../helpers/child.js';
import { startFake } from '../helpers/fakes.js';
import { germanIntake } from '../helpers/intake.js';
import { TelegramApi } from '../../bot/channels/telegram.js';
import { createLogger, describeError } from '../../bot/log.js';

/** What must never reach the log: a person's words and contact details, in every spelling. */
const MARKER = 'Zaunkönig7Q4X';
const PHONE = '0157 31415926';
const PHONE_FORMS = [PHONE, '015731415926', '+4915731415926', '31415926'];
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'lotse-webhook-secret-0123456789';

/**
 * A Bot API that refuses every message it should send and quotes it back, as real APIs do in error texts
 * ("can't parse entities in …"): an error path that carries personal data.
 */
const refusingTelegram = () =>
  startFake((call) =>
    call.path.endsWith('/sendMessage') ? { status: 400, body: { ok: false, error_code: 400, description: `Bad Request: can't parse entities in "${String(call.body?.text ?? '')}"` } } : { body: { ok: true, result: true } },
  );

describe('errors in the log', () => {
  test('an error that quotes a person\'s message is logged without its message, unless LOG_LEVEL=debug', async () => {
    const api = await refusingTelegram();
    try {
      const error = await new TelegramApi(api.url, TOKEN).call('sendMessage', { chat_id: 1, text: `Ich heiße ${MARKER}, Telefon ${PHONE}` }).catch((e: unknown) => e);
      expect(String((error as Error).message)).toContain(MARKER);
      const lines: string[] = [];
      const sink = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      createLogger('info', sink).error('telegram update 1 failed', error);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^telegram update 1 failed: Error at bot\/channels\/telegram\.ts:\d+/);
      for (const form of [MARKER, ...PHONE_FORMS]) expect(lines[0]).not.toContain(form);
      createLogger('debug', sink).error('telegram update 1 failed', error);
      expect(lines[1]).toContain(MARKER);
      createLogger('silent', sink).error('telegram update 1 failed', error);
      expect(lines).toHaveLength(2);
    } finally {
      await api.close();
    }
  });

  test('a code is kept when it is a short token, never free text', () => {
    expect(describeError(Object.assign(new Error('duplicate key (reference)=(KIM-1)'), { code: '23505' }))).toMatch(/^Error \[23505\]/);
    expect(describeError(Object.assign(new Error('x'), { code: `value ${MARKER}` }))).not.toContain(MARKER);
    expect(describeError(`text ${MARKER}`)).toBe('non-error value (string)');
  });
});

/**
 * The real server with every channel a person can use, driven with personal data (including a
 * failing channel and a NUL character that once broke a record): its whole output stays free of it.
 */
describe('the server log of a whole conversation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-logs-'));
  let server: ChildServer;
  let api: Awaited<ReturnType<typeof refusingTelegram>>;
  beforeAll(async () => {
    api = await refusingTelegram();
    server = await spawnServer({ DATA_DIR: dir, OUTBOX_INTERVAL_MS: '100', RATE_LIMIT_PER_MINUTE: '1000', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: api.url, DIRECTLINE_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters!!' });
  }, 180_000);
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no message text, name or phone number appears in stdout or stderr', async () => {
    const id = 'log-test-conversation-0001';
    const chat = async (input: { text?: string; action?: string }) => {
      const r = await server.post('/api/chat', { conversationId: id, ...input });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return JSON.stringify(r.body);
    };
    const wish = `Ich wohne in Kleve und möchte mit einer Person sprechen, ich bin ${MARKER}`;
    for (const step of germanIntake({ wish, phone: PHONE, name: MARKER, need: `Brief vom Jobcenter an ${MARKER}\u0000 verstehe ich nicht`, transcript: true })) await chat(step);
    expect(await chat({ action: 'intake:send' })).toMatch(/KIM-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    await chat({ text: `Lösch meine Daten, ${MARKER}` });
    await chat({ text: 'ja' });

    // Direct Line, as Web Chat uses it.
    const issued = (await (await fetch(`${server.url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const dl = await fetch(`${server.url}/v3/directline/conversations/${encodeURIComponent(issued.conversationId)}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: `Hallo, ich bin ${MARKER}, ${PHONE}`, from: { id: 'u' } }),
    });
    expect(dl.status).toBe(200);

    // Telegram, whose Bot API refuses every answer and quotes it: errors the server logs, one of
    // them quoting the person's words (the intake repeats them for confirmation).
    let updateId = 9000;
    const chatId = 4242;
    const deliver = (update: Record<string, unknown>) => server.post('/api/telegram', { update_id: ++updateId, ...update }, { 'x-telegram-bot-api-secret-token': SECRET });
    const say = (text: string) => deliver({ message: { message_id: updateId, from: { id: chatId, language_code: 'de' }, chat: { id: chatId, type: 'private' }, text } });
    const press = (data: string) => deliver({ callback_query: { id: `cb-${updateId}`, from: { id: chatId }, message: { message_id: updateId, chat: { id: chatId, type: 'private' } }, data } });
    expect((await say('/start')).status).toBe(200);
    expect((await say(`Ich wohne in Kleve und suche einen Deutschkurs, ich bin ${MARKER}, ${PHONE}`)).status).toBe(200);
    for (const data of ['person', 'intake:yes', 'intake:chat', 'intake:skip', 'intake:skip', 'intake:skip']) expect((await press(data)).status).toBe(200);
    expect(api.calls.some((c) => JSON.stringify(c.body).includes(MARKER))).toBe(true);

    // Requests the server refuses.
    expect((await server.post('/api/chat', { conversationId: id, text: MARKER, bogus: PHONE })).status).toBe(400);
    const raw = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"text": "${MARKER} ${PHONE}"` });
    expect(raw.status).toBe(400);

    await sleep(500);
    await server.kill('SIGTERM');
    const output = server.output();
    // The capture works and the failing channel was logged...
    expect(output).toContain('Lotse listening on');
    expect(output).toMatch(/telegram update 9001 failed: Error/);
    expect(output).toMatch(new RegExp(`telegram update ${updateId} failed: Error`));
    // ...without anything the person wrote.
    for (const form of [MARKER, ...PHONE_FORMS, 'Jobcenter an', 'Lösch meine']) expect(output, form).not.toContain(form);
  }, 180_000);
});
