import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { z } from 'zod';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError, readBody, readJson, sendJson } from '../http.js';
import type { ConversationService } from '../conversation.js';
import type { Outgoing } from '../render.js';
import { translatorFor } from '../i18n.js';
import { LANGUAGES, type Language } from '../../knowledge/schema.js';
import type { TurnInput } from '../../dialogs/engine.js';
import { ACTIONS } from '../../dialogs/engine.js';
import { inputFromActivity, hasMedia, toActivities, JOIN_EVENT, LOCALES, type Activity } from './activity.js';
import type { TokenSigner, TokenClaims } from './tokens.js';
import { KeyedQueue, SeenIds } from './serial.js';

/** The channel name stored with Direct Line conversations; their ids start with `dl-`. */
export const DIRECTLINE = 'directline';
export const DIRECTLINE_PATH = '/v3/directline';
const BOT = { id: 'lotse', name: 'Lotse', role: 'bot' } as const;
/** Activities kept per conversation for reconnects (older ones can no longer be fetched). */
const HISTORY = 500;
/** An idle conversation's transcript is dropped from memory after this long (the state stays in the store). */
const IDLE_MS = 24 * 3_600_000;

interface Conversation {
  id: string;
  /** Activities from watermark `base` on; an activity's watermark is its index plus one. */
  activities: Activity[];
  base: number;
  sockets: Set<WebSocket>;
  /** How many of the last activities have not been pushed to the open streams yet. */
  unsent: number;
  /** Client activity ids already processed, with the id we gave them. */
  seen: SeenIds<string>;
  language: Language;
  touched: number;
}

export interface DirectLineDeps {
  conversations: ConversationService;
  i18n: i18n;
  tokens: TokenSigner;
  /** Per-IP and per-conversation rate limits; throws a 429 HttpError. */
  guard: (req: IncomingMessage, conversationId?: string) => void;
  maxChars: number;
  maxBody: number;
  maxAttachmentBytes: number;
  trustProxy: boolean;
  defaultLanguage: Language;
}

const activitySchema = z
  .object({
    type: z.string().max(50),
    id: z.string().max(200).optional(),
    text: z.string().optional(),
    name: z.string().max(100).optional(),
    value: z.unknown().optional(),
    locale: z.string().max(20).optional(),
    from: z
      .object({ id: z.string().max(200), name: z.string().max(200).optional(), role: z.string().max(20).optional() })
      .loose()
      .optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z
      .array(z.object({ contentType: z.string().max(200), contentUrl: z.string().max(2000).optional(), name: z.string().max(300).optional() }).loose())
      .max(10)
      .optional(),
  })
  .loose();

const joinSchema = z.object({ language: z.enum(LANGUAGES).optional(), topic: z.string().max(100).optional() });

/**
 * A self-hosted Direct Line 3.0: the part of the protocol Bot Framework Web Chat uses.
 * @remarks Conversations start from `POST /api/webchat/token` (see {@link directLineRoutes});
 * every Direct Line call carries that token as `Authorization: Bearer`. Transcripts for
 * reconnects live in memory of this process (the dialogue state is in the store), so several
 * instances need sticky sessions.
 */
export class DirectLineServer {
  private readonly open = new Map<string, Conversation>();
  private readonly queue = new KeyedQueue();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly deps: DirectLineDeps) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), 600_000);
    this.sweeper.unref();
  }

  /** A new conversation: a fresh unguessable id and a token bound to it. */
  newConversation(): { conversationId: string; userId: string; token: string; expiresIn: number } {
    const conversationId = `dl-${randomBytes(18).toString('base64url')}`;
    const userId = `dl-user-${randomBytes(9).toString('base64url')}`;
    const { token, expiresIn } = this.deps.tokens.issue(conversationId, userId);
    return { conversationId, userId, token, expiresIn };
  }

  routes(router: Router): void {
    router.on('POST', `${DIRECTLINE_PATH}/tokens/refresh`, (req, res) => {
      const claims = this.authorize(req);
      const { token, expiresIn } = this.deps.tokens.issue(claims.conversationId, claims.userId);
      sendJson(res, 200, { conversationId: claims.conversationId, token, expires_in: expiresIn });
    });
    // Start: the token already names the conversation, so "start" returns that one.
    router.on('POST', `${DIRECTLINE_PATH}/conversations`, (req, res) => {
      const claims = this.authorize(req);
      const existed = this.open.has(claims.conversationId);
      const conversation = this.conversation(claims.conversationId);
      sendJson(res, existed ? 200 : 201, this.describe(req, conversation, claims, bearer(req)!, ''));
    });
    // Reconnect: a fresh stream URL from a watermark.
    router.on('GET', `${DIRECTLINE_PATH}/conversations/:id`, (req, res, { id }) => {
      const claims = this.authorize(req, id);
      const watermark = new URL(req.url ?? '/', 'http://x').searchParams.get('watermark') ?? '';
      sendJson(res, 200, this.describe(req, this.conversation(claims.conversationId), claims, bearer(req)!, watermark));
    });
    router.on('GET', `${DIRECTLINE_PATH}/conversations/:id/activities`, (req, res, { id }) => {
      const claims = this.authorize(req, id);
      const conversation = this.conversation(claims.conversationId);
      const from = parseWatermark(new URL(req.url ?? '/', 'http://x').searchParams.get('watermark'));
      sendJson(res, 200, { activities: this.since(conversation, from), watermark: String(this.end(conversation)) });
    });
    router.on('POST', `${DIRECTLINE_PATH}/conversations/:id/activities`, async (req, res, { id }) => {
      const claims = this.authorize(req, id);
      this.deps.guard(req, claims.conversationId);
      const parsed = activitySchema.safeParse(await readJson(req, this.deps.maxBody));
      if (!parsed.success) throw new HttpError(400, 'invalid_activity', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const activityId = await this.receive(claims, parsed.data as Activity);
      sendJson(res, 200, { id: activityId });
    });
    router.on('POST', `${DIRECTLINE_PATH}/conversations/:id/upload`, async (req, res, { id }) => {
      const claims = this.authorize(req, id);
      this.deps.guard(req, claims.conversationId);
      const activity = await readUpload(req, this.deps.maxAttachmentBytes);
      const activityId = await this.receive(claims, activity);
      sendJson(res, 200, { id: activityId });
    });
  }

  /** Handles `Upgrade: websocket` for stream URLs; other upgrades are refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = new RegExp(`^${DIRECTLINE_PATH}/conversations/([^/]+)/stream$`).exec(url.pathname);
    const verified = this.deps.tokens.verify(url.searchParams.get('t') ?? '');
    if (!match || !verified.ok || verified.claims.conversationId !== decodeURIComponent(match[1]!)) {
      socket.end(`HTTP/1.1 ${match ? '403 Forbidden' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conversation = this.conversation(verified.claims.conversationId);
      // What the other streams have not seen yet goes to them now; this one gets it in its backlog.
      this.flush(conversation);
      conversation.sockets.add(ws);
      ws.on('close', () => conversation.sockets.delete(ws));
      ws.on('error', () => conversation.sockets.delete(ws));
      // Web Chat pings with empty messages; nothing to answer.
      ws.on('message', () => undefined);
      const backlog = this.since(conversation, parseWatermark(url.searchParams.get('watermark')));
      if (backlog.length > 0) ws.send(JSON.stringify({ activities: backlog, watermark: String(this.end(conversation)) }));
    });
  }

  /** Proactive messages (e.g. after a handover): appended to the transcript and pushed to open streams. */
  async send(conversationId: string, messages: Outgoing[], language: Language): Promise<void> {
    const conversation = this.conversation(conversationId);
    conversation.language = language;
    for (const activity of toActivities(messages, translatorFor(this.deps.i18n, language), { cards: 'adaptive', locale: LOCALES[language]! })) {
      this.append(conversation, { ...activity, from: BOT });
    }
    this.flush(conversation);
  }

  /**
   * Drops what this process holds of conversations whose data was deleted (by the retention
   * sweep); open streams keep their watermark and receive only what comes next.
   */
  forget(conversationIds: Iterable<string>): void {
    for (const id of conversationIds) {
      const conversation = this.open.get(id);
      if (!conversation) continue;
      if (conversation.sockets.size === 0) this.open.delete(id);
      else this.clear(conversation);
    }
  }

  /** How many conversations are held in memory (for health and tests). */
  get size(): number {
    return this.open.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const conversation of this.open.values()) for (const ws of conversation.sockets) ws.terminate();
    this.wss.close();
  }

  /**
   * One activity from the person: checked, echoed (Web Chat confirms sending by the echo's
   * `clientActivityID`) and answered. A client activity id seen before is answered with the
   * first id and not processed again.
   */
  private async receive(claims: TokenClaims, activity: Activity): Promise<string> {
    const conversation = this.conversation(claims.conversationId);
    const clientId = typeof activity.channelData?.['clientActivityID'] === 'string' ? (activity.channelData['clientActivityID'] as string) : activity.id;
    return this.queue.run(conversation.id, () => this.answer(conversation, claims, activity, clientId).finally(() => this.flush(conversation)));
  }

  /** The echo and the replies are pushed together when the turn is done (see {@link flush}). */
  private async answer(conversation: Conversation, claims: TokenClaims, activity: Activity, clientId: string | undefined): Promise<string> {
    const earlier = clientId ? conversation.seen.get(clientId) : undefined;
    if (earlier) return earlier;
    const t = translatorFor(this.deps.i18n, conversation.language);
    const inputs: TurnInput[] = [];
    let media = false;
    if (activity.type === 'message') {
      media = hasMedia(activity);
      const input = inputFromActivity(activity);
      if (input?.kind === 'message' && input.text.length > this.deps.maxChars) throw new HttpError(413, 'message_too_long', t('error.tooLong', { max: this.deps.maxChars }));
      if (input?.kind === 'message' && input.text.length === 0 && !media) throw new HttpError(400, 'empty_message', t('error.empty'));
      if (input && !(input.kind === 'message' && input.text.length === 0)) inputs.push(input);
    } else if (activity.type === 'event' && activity.name === JOIN_EVENT) {
      const join = joinSchema.safeParse(activity.value ?? {});
      if (!join.success) throw new HttpError(400, 'invalid_activity', 'join event value must be { language?, topic? }');
      inputs.push(join.data.language ? { kind: 'action', value: `${ACTIONS.language}${join.data.language}` } : { kind: 'start' });
      if (join.data.topic) inputs.push({ kind: 'action', value: `${ACTIONS.topic}${join.data.topic}` });
    }
    const echo = this.append(conversation, {
      ...activity,
      ...(activity.text !== undefined ? { text: activity.text.trim() } : {}),
      from: { id: claims.userId, ...(activity.from?.name ? { name: activity.from.name } : {}), role: 'user' },
    });
    if (clientId) conversation.seen.add(clientId, echo.id!);
    if (media) {
      this.append(conversation, {
        type: 'message',
        text: translatorFor(this.deps.i18n, conversation.language, 'channels')('media.unsupported'),
        textFormat: 'plain',
        from: BOT,
        replyToId: echo.id!,
      });
    }
    for (const input of inputs) {
      const outcome = await this.deps.conversations.turn(conversation.id, DIRECTLINE, input);
      conversation.language = outcome.language;
      // "Delete my data": the transcript held for reconnects goes too, the person's last message included.
      if (outcome.erased) this.clear(conversation);
      const replies = toActivities(outcome.messages, translatorFor(this.deps.i18n, outcome.language), { cards: 'adaptive', locale: LOCALES[outcome.language]! });
      for (const reply of replies) this.append(conversation, { ...reply, from: BOT, replyToId: echo.id! });
    }
    return echo.id!;
  }

  private authorize(req: IncomingMessage, conversationId?: string): TokenClaims {
    const token = bearer(req);
    if (!token) throw new HttpError(401, 'missing_token', 'Authorization: Bearer <token> required');
    const verified = this.deps.tokens.verify(token);
    if (!verified.ok) throw new HttpError(403, `token_${verified.reason}`, 'token not accepted');
    if (conversationId !== undefined && verified.claims.conversationId !== conversationId) throw new HttpError(403, 'token_wrong_conversation', 'token is for another conversation');
    return verified.claims;
  }

  private conversation(id: string): Conversation {
    let conversation = this.open.get(id);
    if (!conversation) {
      conversation = { id, activities: [], base: 0, sockets: new Set(), unsent: 0, seen: new SeenIds(1000), language: this.deps.defaultLanguage, touched: Date.now() };
      this.open.set(id, conversation);
    }
    conversation.touched = Date.now();
    return conversation;
  }

  private describe(req: IncomingMessage, conversation: Conversation, claims: TokenClaims, token: string, watermark: string) {
    const expiresIn = Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({ watermark, t: token });
    return {
      conversationId: conversation.id,
      token,
      expires_in: expiresIn,
      streamUrl: `${origin(req, this.deps.trustProxy, 'ws')}${DIRECTLINE_PATH}/conversations/${encodeURIComponent(conversation.id)}/stream?${query}`,
    };
  }

  private append(conversation: Conversation, activity: Activity): Activity {
    const seq = this.end(conversation);
    const full: Activity = {
      ...activity,
      id: `${conversation.id}|${String(seq).padStart(7, '0')}`,
      timestamp: new Date().toISOString(),
      channelId: DIRECTLINE,
      conversation: { id: conversation.id },
    };
    conversation.activities.push(full);
    conversation.unsent++;
    if (conversation.activities.length > HISTORY) {
      conversation.activities.shift();
      conversation.base++;
    }
    return full;
  }

  /** Pushes the activities not sent yet to the conversation's open streams, as one frame. */
  private flush(conversation: Conversation): void {
    if (conversation.unsent === 0) return;
    const activities = conversation.activities.slice(-Math.min(conversation.unsent, conversation.activities.length));
    conversation.unsent = 0;
    if (conversation.sockets.size === 0) return;
    const frame = JSON.stringify({ activities, watermark: String(this.end(conversation)) });
    for (const ws of conversation.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  /**
   * Forgets a conversation's activities; watermarks go on from where they were. What the open
   * streams have not seen yet (the echo Web Chat waits for) is pushed first.
   */
  private clear(conversation: Conversation): void {
    this.flush(conversation);
    conversation.base = this.end(conversation);
    conversation.activities = [];
  }

  private end(conversation: Conversation): number {
    return conversation.base + conversation.activities.length;
  }

  private since(conversation: Conversation, watermark: number): Activity[] {
    return conversation.activities.slice(Math.max(0, watermark - conversation.base));
  }

  private sweep(now: number): void {
    for (const [id, conversation] of this.open) {
      if (conversation.sockets.size === 0 && now - conversation.touched > IDLE_MS) this.open.delete(id);
    }
  }
}

/**
 * `POST /api/webchat/token`: public and rate limited per IP. Starts a conversation and returns
 * a token bound to it; the browser never sees a secret.
 */
export function directLineRoutes(router: Router, directLine: DirectLineServer, guard: (req: IncomingMessage) => void): void {
  router.on('POST', '/api/webchat/token', (req: IncomingMessage, res: ServerResponse) => {
    guard(req);
    const { conversationId, userId, token, expiresIn } = directLine.newConversation();
    sendJson(res, 200, { conversationId, userId, token, expires_in: expiresIn });
  });
  directLine.routes(router);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

function parseWatermark(raw: string | null): number {
  const n = Number(raw ?? '');
  return raw && Number.isInteger(n) && n >= 0 ? n : 0;
}

/** `ws://host` or `wss://host` as the client reached us (X-Forwarded-* only behind a trusted proxy). */
function origin(req: IncomingMessage, trustProxy: boolean, scheme: 'ws' | 'http'): string {
  const forwardedProto = trustProxy
    ? String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]!
        .trim()
    : '';
  const forwardedHost = trustProxy
    ? String(req.headers['x-forwarded-host'] ?? '')
        .split(',')[0]!
        .trim()
    : '';
  const secure = forwardedProto ? forwardedProto === 'https' : 'encrypted' in req.socket && Boolean((req.socket as { encrypted?: boolean }).encrypted);
  const host = forwardedHost || req.headers.host || 'localhost';
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(host)) throw new HttpError(400, 'invalid_host', 'invalid Host header');
  return `${scheme}${secure ? 's' : ''}://${host}`;
}

/**
 * Reads Web Chat's attachment upload (multipart/form-data with an `activity` part and file parts)
 * up to `limit` bytes. The files themselves are neither kept nor read: Lotse answers text only.
 */
async function readUpload(req: IncomingMessage, limit: number): Promise<Activity> {
  const type = req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!/^multipart\/form-data/i.test(type) || !boundary) throw new HttpError(415, 'unsupported_media_type', 'expected multipart/form-data');
  const body = (await readBody(req, limit, 'attachment_too_large', 'attachments')).toString('latin1');
  const parts = body.split(`--${boundary[1] ?? boundary[2]}`);
  const files: Array<{ contentType: string; name?: string }> = [];
  let activity: Activity | undefined;
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (name === 'activity') {
      try {
        activity = activitySchema.parse(JSON.parse(Buffer.from(part.slice(split + 4).replace(/\r\n$/, ''), 'latin1').toString('utf8'))) as Activity;
      } catch {
        throw new HttpError(400, 'invalid_activity', 'the activity part is not a valid activity');
      }
    } else if (filename !== undefined) {
      files.push({ contentType: contentType.slice(0, 200), ...(filename ? { name: Buffer.from(filename, 'latin1').toString('utf8').slice(0, 300) } : {}) });
    }
  }
  if (!activity) throw new HttpError(400, 'invalid_activity', 'upload without an activity part');
  return { ...activity, type: 'message', attachments: files.map((f) => ({ contentType: f.contentType, ...(f.name ? { name: f.name } : {}) })) };
}
