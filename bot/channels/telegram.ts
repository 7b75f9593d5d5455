import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError, readJson, sendJson } from '../http.js';
import type { ConversationService } from '../conversation.js';
import type { Outgoing, ServiceCard } from '../render.js';
import { translatorFor, type Translator } from '../i18n.js';
import { LANGUAGES, type Language } from '../../knowledge/schema.js';
import { ACTIONS, type TurnInput } from '../../dialogs/engine.js';
import { KeyedQueue, SeenIds } from './serial.js';
import type { Logger } from '../log.js';

/** The channel name stored with Telegram conversations; their ids are `tg-<chat id>`. */
export const TELEGRAM = 'telegram';
export const TELEGRAM_PATH = '/api/telegram';
/** Telegram's limits: message text 4096 characters, callback data 64 bytes. */
const MAX_TEXT = 4096;
const MAX_CALLBACK_BYTES = 64;

export const conversationIdFor = (chatId: number) => `tg-${chatId}`;
export function chatIdOf(conversationId: string): number | undefined {
  const m = /^tg-(-?\d{1,20})$/.exec(conversationId);
  return m ? Number(m[1]) : undefined;
}

// The parts of Telegram's Update (https://core.telegram.org/bots/api#update) that Lotse reads.
const userSchema = z.object({ id: z.number().int(), is_bot: z.boolean().optional(), language_code: z.string().max(35).optional() }).loose();
const chatSchema = z.object({ id: z.number().int(), type: z.string() }).loose();
const messageSchema = z
  .object({
    message_id: z.number().int(),
    from: userSchema.optional(),
    chat: chatSchema,
    date: z.number().int().optional(),
    text: z.string().optional(),
    caption: z.string().optional(),
  })
  .loose();
const updateSchema = z
  .object({
    update_id: z.number().int(),
    message: messageSchema.optional(),
    edited_message: messageSchema.optional(),
    callback_query: z.object({ id: z.string(), from: userSchema, message: messageSchema.optional(), data: z.string().optional() }).loose().optional(),
  })
  .loose();
type TelegramMessage = z.infer<typeof messageSchema>;

/** Media a person can send; Lotse answers them politely with text. */
const MEDIA = ['photo', 'voice', 'audio', 'video', 'video_note', 'document', 'sticker', 'animation', 'location', 'contact'] as const;

/** Telegram's HTML parse mode: only `&`, `<`, `>` and `"` need escaping. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface InlineButton {
  text: string;
  url?: string;
  callback_data?: string;
}
export interface SendMessage {
  chat_id: number;
  text: string;
  parse_mode: 'HTML';
  link_preview_options?: { is_disabled: boolean };
  reply_markup?: { inline_keyboard: InlineButton[][] };
}

function cardHtml(c: ServiceCard, t: Translator): string {
  return [
    `<b>${escapeHtml(c.title)}</b>${c.example ? ` <i>(${escapeHtml(c.example)})</i>` : ''}`,
    `<i>${escapeHtml(c.provider)}</i>`,
    escapeHtml(c.summary),
    `<b>${escapeHtml(t('service.forWhom'))}:</b> ${escapeHtml(c.forWhom)}`,
    c.phone ? `☎ ${escapeHtml(c.phone)}` : '',
    c.address ? `📍 ${escapeHtml(c.address)}` : '',
    c.hours ? `🕒 ${escapeHtml(c.hours)}` : '',
    c.bring.length ? `<b>${escapeHtml(t('service.bring'))}:</b> ${escapeHtml(c.bring.join(', '))}` : '',
    `<b>${escapeHtml(t('service.next'))}:</b> ${escapeHtml(c.next)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A turn's messages as Bot API `sendMessage` calls: HTML with everything escaped; service cards
 * with website and map buttons (inline keyboards allow only http(s) links, so the phone number
 * stays in the text, where Telegram makes it tappable); quick replies as callback buttons on the
 * last message.
 */
export function toTelegram(chatId: number, messages: readonly Outgoing[], t: Translator): SendMessage[] {
  const out: SendMessage[] = [];
  const quick: InlineButton[] = [];
  const push = (text: string, rows: InlineButton[][] = []) =>
    out.push({ chat_id: chatId, text: text.slice(0, MAX_TEXT), parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(rows.length ? { reply_markup: { inline_keyboard: rows } } : {}) });
  for (const m of messages) {
    switch (m.type) {
      case 'text':
        push(escapeHtml(m.text));
        break;
      case 'services':
        for (const c of m.cards) {
          const links = [...(c.web ? [{ text: t('service.website'), url: c.web }] : []), ...(c.mapUrl ? [{ text: t('service.map'), url: c.mapUrl }] : [])];
          push(cardHtml(c, t), links.length ? [links] : []);
        }
        break;
      case 'crisis':
        push(m.lines.map((l) => `☎ <b>${escapeHtml(l.phone)}</b> – ${escapeHtml(l.name)} (${escapeHtml(t('crisis.lineDetails', { hours: l.hours, languages: l.languages }))})`).join('\n'));
        break;
      case 'actions':
        for (const a of m.actions) if (Buffer.byteLength(a.value) <= MAX_CALLBACK_BYTES) quick.push({ text: a.label, callback_data: a.value });
        break;
    }
  }
  if (quick.length > 0) {
    if (out.length === 0) push('…');
    const last = out[out.length - 1]!;
    const rows: InlineButton[][] = [];
    for (let i = 0; i < quick.length; i += 2) rows.push(quick.slice(i, i + 2));
    last.reply_markup = { inline_keyboard: [...(last.reply_markup?.inline_keyboard ?? []), ...rows] };
  }
  return out;
}

/** A small Bot API client (`<base>/bot<token>/<method>`), JSON in and out. */
export class TelegramApi {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async call(method: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.base.replace(/\/$/, '')}/bot${this.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: unknown; description?: string; parameters?: { retry_after?: number } };
    if (!answer.ok) throw new Error(`Telegram ${method} failed: ${res.status} ${answer.description ?? ''}`.trim());
    return answer.result;
  }
}

export interface TelegramDeps {
  conversations: ConversationService;
  i18n: i18n;
  api: TelegramApi;
  secret: string;
  maxChars: number;
  maxBody: number;
  /** Per-conversation rate limit: false when over. (No per-IP limit: every update comes from Telegram's servers.) */
  allow: (conversationId: string) => boolean;
  /** The conversation's language, for answers that are no turn (media, limits). */
  languageOf: (conversationId: string, fallback: Language) => Promise<Language>;
  log: Logger;
}

/**
 * The direct Telegram webhook (`setWebhook` with `secret_token`): Update → turn → `sendMessage`.
 * @remarks Telegram retries an update until it gets a 2xx, so every accepted update answers 200
 * (even when sending the reply failed, which is logged), and an `update_id` seen before is not
 * processed again.
 */
export class TelegramChannel {
  private readonly queue = new KeyedQueue();
  private readonly seen = new SeenIds(10_000);

  constructor(private readonly deps: TelegramDeps) {}

  routes(router: Router): void {
    router.on('POST', TELEGRAM_PATH, async (req, res) => {
      this.checkSecret(req);
      const parsed = updateSchema.safeParse(await readJson(req, this.deps.maxBody));
      if (!parsed.success) throw new HttpError(400, 'invalid_update', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const update = parsed.data;
      if (this.seen.add(String(update.update_id), true)) {
        try {
          await this.handle(update);
        } catch (error) {
          this.deps.log.error(`telegram update ${update.update_id} failed`, error);
        }
      }
      sendJson(res, 200, { ok: true });
    });
  }

  /** Proactive messages (e.g. after a handover). */
  async send(conversationId: string, messages: Outgoing[], language: Language): Promise<void> {
    const chatId = chatIdOf(conversationId);
    if (chatId === undefined) throw new Error(`not a Telegram conversation: ${conversationId}`);
    for (const m of toTelegram(chatId, messages, translatorFor(this.deps.i18n, language))) await this.deps.api.call('sendMessage', m);
  }

  private checkSecret(req: IncomingMessage): void {
    const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
    const expected = Buffer.from(this.deps.secret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'invalid_secret_token', 'X-Telegram-Bot-Api-Secret-Token missing or wrong');
  }

  private async handle(update: z.infer<typeof updateSchema>): Promise<void> {
    if (update.callback_query) {
      const q = update.callback_query;
      await this.deps.api.call('answerCallbackQuery', { callback_query_id: q.id });
      if (!q.message || q.message.chat.type !== 'private' || !q.data) return;
      await this.turn(q.message.chat.id, { kind: 'action', value: q.data }, q.from.language_code);
      return;
    }
    // An edited message is answered like a new one: the person corrected the question.
    const message = update.message ?? update.edited_message;
    if (!message || message.chat.type !== 'private') return;
    await this.onMessage(message);
  }

  private async onMessage(message: TelegramMessage): Promise<void> {
    const chatId = message.chat.id;
    const hint = message.from?.language_code;
    const text = message.text?.trim();
    if (text === undefined) {
      if (MEDIA.some((k) => k in message)) await this.notice(chatId, 'channels', 'media.unsupported', hint);
      return;
    }
    if (/^\/start(@\w+)?(\s|$)/.test(text)) {
      // /start picks the language from the Telegram app's language, when we speak it.
      const lang = telegramLanguage(hint);
      await this.turn(chatId, lang ? { kind: 'action', value: `${ACTIONS.language}${lang}` } : { kind: 'start' }, hint);
      return;
    }
    if (text.length === 0) return;
    if (text.length > this.deps.maxChars) {
      await this.notice(chatId, 'chat', 'error.tooLong', hint, { max: this.deps.maxChars });
      return;
    }
    await this.turn(chatId, { kind: 'message', text }, hint);
  }

  private async turn(chatId: number, input: TurnInput, hint: string | undefined): Promise<void> {
    const id = conversationIdFor(chatId);
    if (!this.deps.allow(id)) {
      await this.notice(chatId, 'channels', 'error.rateLimited', hint);
      return;
    }
    await this.queue.run(id, async () => {
      const outcome = await this.deps.conversations.turn(id, TELEGRAM, input);
      await this.send(id, outcome.messages, outcome.language);
    });
  }

  private async notice(chatId: number, ns: 'chat' | 'channels', key: string, hint: string | undefined, params: Record<string, unknown> = {}): Promise<void> {
    const lang = await this.deps.languageOf(conversationIdFor(chatId), telegramLanguage(hint) ?? 'de');
    const text = translatorFor(this.deps.i18n, lang, ns)(key, params);
    await this.deps.api.call('sendMessage', { chat_id: chatId, text: escapeHtml(text), parse_mode: 'HTML' } satisfies SendMessage);
  }
}

/** Telegram's `language_code` is an IETF tag (`uk`, `pt-br`); ours are its first part. */
export function telegramLanguage(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split('-')[0];
  return base && (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : undefined;
}
