import { describe, test, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { startServer, type TestServer } from '../helpers/app.js';
import { fakeTelegram, type RecordedCall } from '../helpers/fakes.js';
import { escapeHtml, toTelegram } from '../../bot/channels/telegram.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'lotse-webhook-secret-0123456789';

/** A recorded Update in Telegram's documented format (tests/channels/fixtures/telegram/). */
const update = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/telegram/${name}.json`, import.meta.url), 'utf8'));

let server: TestServer;
let api: Awaited<ReturnType<typeof fakeTelegram>>;
beforeAll(async () => {
  api = await fakeTelegram(TOKEN);
  server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: api.url });
});
afterAll(async () => {
  await server.close();
  await api.close();
});
beforeEach(() => {
  api.calls.length = 0;
});

const deliver = (body: unknown, secret = SECRET) => server.post('/api/telegram', body, { 'x-telegram-bot-api-secret-token': secret });
const sent = (): RecordedCall[] => api.calls.filter((c) => c.path.endsWith('/sendMessage'));

describe('Telegram webhook', () => {
  test('refuses a missing or wrong secret token', async () => {
    expect(await server.post('/api/telegram', update('start-uk'))).toMatchObject({ status: 401, body: { error: 'invalid_secret_token' } });
    expect(await deliver(update('start-uk'), 'wrong-secret-0123456789')).toMatchObject({ status: 401 });
    expect(api.calls).toEqual([]);
  });

  test('refuses what is not an Update', async () => {
    expect(await deliver({ hello: 'world' })).toMatchObject({ status: 400, body: { error: 'invalid_update' } });
  });

  test('/start picks the language from language_code and offers topics as inline buttons', async () => {
    expect(await deliver(update('start-uk'))).toEqual({ status: 200, body: { ok: true } });
    const messages = sent();
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.body.chat_id === 424242 && m.body.parse_mode === 'HTML')).toBe(true);
    expect(messages[0]!.body.text).toMatch(/[іїєґа-я]/i);
    const keyboard = messages.at(-1)!.body.reply_markup.inline_keyboard.flat();
    expect(keyboard).toContainEqual(expect.objectContaining({ callback_data: 'topic:language-course.integration' }));
  });

  test('/start with a language we do not speak shows the language menu', async () => {
    await deliver(update('start-unknown-language'));
    const buttons = sent().flatMap((m) => m.body.reply_markup?.inline_keyboard.flat() ?? []);
    expect(buttons.map((b: { callback_data: string }) => b.callback_data)).toEqual(expect.arrayContaining(['lang:ar', 'lang:uk', 'lang:de']));
  });

  test('a question, then the town as an edited message: service cards with escaped HTML and link buttons', async () => {
    await deliver(update('start-uk'));
    api.calls.length = 0;
    await deliver(update('text-course'));
    // The person's own text never reaches Telegram unescaped (it is not echoed at all here).
    expect(
      sent()
        .map((m) => m.body.text)
        .join('\n'),
    ).not.toContain('<b>&amp;');
    api.calls.length = 0;
    await deliver(update('edited-town'));
    const cards = sent().filter((m) => m.body.text.startsWith('<b>'));
    expect(cards.length).toBeGreaterThan(0);
    const links = cards
      .flatMap((m) => m.body.reply_markup?.inline_keyboard.flat() ?? [])
      .map((b: { url?: string }) => b.url)
      .filter(Boolean);
    expect(links).toContainEqual(expect.stringMatching(/^https:\/\/www\.openstreetmap\.org\//));
  });

  test('a callback query is answered and runs the button action', async () => {
    await deliver(update('callback-childcare'));
    expect(api.calls[0]).toMatchObject({ path: `/bot${TOKEN}/answerCallbackQuery`, body: { callback_query_id: '4382bfdwdsb323b2d9' } });
    expect(sent().length).toBeGreaterThan(0);
  });

  test('photos and voice messages get a polite text answer in the person’s language', async () => {
    await deliver(update('photo'));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.body).toMatchObject({ chat_id: 424242, text: expect.stringMatching(/текст/i) });
    api.calls.length = 0;
    await deliver(update('voice'));
    expect(sent()[0]!.body).toMatchObject({ chat_id: 515151, text: expect.stringMatching(/[\u0600-\u06FF]/) });
  });

  test('an update delivered twice is processed once', async () => {
    const photo = { ...update('photo'), update_id: 815000100 };
    await deliver(photo);
    await deliver(photo);
    expect(sent()).toHaveLength(1);
  });

  test('group chats are ignored', async () => {
    expect((await deliver(update('group-message'))).status).toBe(200);
    expect(api.calls).toEqual([]);
  });

  test('a too long message gets the limit explained, not a turn', async () => {
    const long = update('text-course');
    long.update_id = 815000200;
    long.message.text = 'а'.repeat(2500);
    await deliver(long);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.body.text).toContain('2000');
  });

  test('proactive messages go out through sendMessage', async () => {
    expect(await server.app.proactive.send('telegram', 'tg-424242', [{ type: 'text', text: 'Ваш запит прийняла консультантка <Anna>.' }], 'uk')).toBe(true);
    expect(sent()[0]!.body).toMatchObject({ chat_id: 424242, text: 'Ваш запит прийняла консультантка &lt;Anna&gt;.' });
  });
});

describe('Outgoing → Telegram', () => {
  test('escapes HTML', () => {
    expect(escapeHtml('<script>"x" & y</script>')).toBe('&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt;');
  });

  test('quick replies become callback buttons on the last message, two per row', () => {
    const t = ((key: string) => key) as never;
    const out = toTelegram(
      1,
      [
        { type: 'text', text: 'a < b' },
        {
          type: 'actions',
          actions: [
            { label: 'Ja', value: 'feedback:yes' },
            { label: 'Nein', value: 'feedback:no' },
            { label: 'Mensch', value: 'person' },
          ],
        },
      ],
      t,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toBe('a &lt; b');
    expect(out[0]!.reply_markup!.inline_keyboard).toEqual([
      [
        { text: 'Ja', callback_data: 'feedback:yes' },
        { text: 'Nein', callback_data: 'feedback:no' },
      ],
      [{ text: 'Mensch', callback_data: 'person' }],
    ]);
  });
});
