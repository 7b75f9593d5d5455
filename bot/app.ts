import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { i18n } from 'i18next';
import type { Config } from './config.js';
import { loadKnowledgeOrThrow, DEFAULT_KNOWLEDGE_DIR, type KnowledgeBase } from '../knowledge/load.js';
import { loadLexiconsOrThrow } from '../knowledge/lexicon.js';
import { Understanding } from '../knowledge/understand/understand.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { createI18n, readLocales } from './i18n.js';
import { ConversationService } from './conversation.js';
import { Router, HttpError, clientIp } from './http.js';
import { RateLimiter } from './limits.js';
import { healthRoutes } from './routes/health.js';
import { understandRoutes } from './routes/understand.js';
import { chatRoutes } from './routes/chat.js';
import { staticRoutes } from './routes/static.js';
import { deleteExpired } from './store/conversations.js';
import { ProactiveMessenger } from './proactive.js';
import { TokenSigner } from './channels/tokens.js';
import { DirectLineServer, directLineRoutes, DIRECTLINE } from './channels/directline.js';
import { TelegramApi, TelegramChannel, TELEGRAM } from './channels/telegram.js';
import { conversationLanguage } from './channels/language.js';
import { AzureChannel, AZURE } from './channels/azure.js';

/** The package's prebuilt browser bundle (its `exports` hide `dist/`, so resolve beside the ESM entry). */
const WEBCHAT_BUNDLE = fileURLToPath(new URL('webchat.js', import.meta.resolve('botframework-webchat')));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface App {
  server: Server;
  store: Store;
  kb: KnowledgeBase;
  understanding: Understanding;
  i18n: i18n;
  /** Channels register their proactive senders here; the handover uses it for status messages. */
  proactive: ProactiveMessenger;
  close(): Promise<void>;
}

/** Knowledge, lexicons and the understanding built from them: everything that only reads data files. */
export function buildUnderstanding(knowledgeDir: string = DEFAULT_KNOWLEDGE_DIR): { kb: KnowledgeBase; understanding: Understanding } {
  const kb = loadKnowledgeOrThrow(knowledgeDir);
  const lexicons = loadLexiconsOrThrow(new Set(kb.taxonomy.topics.map((t) => t.id)), knowledgeDir);
  return { kb, understanding: new Understanding(kb, lexicons) };
}

/**
 * The one wiring place: configuration, knowledge, store, i18n, conversation service and routes.
 * @param options.store an already open store (tests share one PGlite instance)
 */
export async function createApp(config: Config, options: { store?: Store } = {}): Promise<App> {
  const { kb, understanding } = buildUnderstanding(config.KNOWLEDGE_DIR);
  const store = options.store ?? (await openStore({ ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}), dataDir: config.DATA_DIR }));
  const i18n = await createI18n();
  const proactive = new ProactiveMessenger();
  const conversations = new ConversationService(store, { kb, understanding }, i18n, config.DEFAULT_LANGUAGE);

  const perIp = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  const azureIp = new RateLimiter(config.RATE_LIMIT_PER_MINUTE * 50);
  const perConversation = new RateLimiter(Math.max(10, Math.floor(config.RATE_LIMIT_PER_MINUTE / 2)));
  const guard = (req: IncomingMessage, conversationId?: string) => {
    if (!perIp.take(clientIp(req, config.TRUST_PROXY))) throw new HttpError(429, 'rate_limited', 'too many requests, try again in a minute');
    if (conversationId && !perConversation.take(conversationId)) throw new HttpError(429, 'rate_limited', 'too many messages in this conversation, try again in a minute');
  };

  const router = new Router();
  healthRoutes(router, { version: VERSION, store, kb });
  understandRoutes(router, { understanding, kb, maxChars: config.MAX_MESSAGE_CHARS, maxBody: config.MAX_BODY_BYTES, guard });
  chatRoutes(router, { conversations, i18n, maxChars: config.MAX_MESSAGE_CHARS, maxBody: config.MAX_BODY_BYTES, guard });

  if (!config.DIRECTLINE_TOKEN_SECRET) console.warn('DIRECTLINE_TOKEN_SECRET is not set: Direct Line tokens are signed with a random key of this process and end with a restart.');
  const directLine = new DirectLineServer({
    conversations,
    i18n,
    tokens: new TokenSigner(config.DIRECTLINE_TOKEN_SECRET, config.DIRECTLINE_TOKEN_TTL_SECONDS),
    guard,
    maxChars: config.MAX_MESSAGE_CHARS,
    maxBody: config.MAX_BODY_BYTES,
    maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES,
    trustProxy: config.TRUST_PROXY,
    defaultLanguage: config.DEFAULT_LANGUAGE,
  });
  directLineRoutes(router, directLine, (req) => guard(req));
  proactive.register(DIRECTLINE, (conversationId, messages, language) => directLine.send(conversationId, messages, language));

  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_WEBHOOK_SECRET) {
    const telegram = new TelegramChannel({
      conversations,
      i18n,
      api: new TelegramApi(config.TELEGRAM_API_BASE, config.TELEGRAM_BOT_TOKEN),
      secret: config.TELEGRAM_WEBHOOK_SECRET,
      maxChars: config.MAX_MESSAGE_CHARS,
      maxBody: config.MAX_BODY_BYTES,
      allow: (conversationId) => perConversation.take(conversationId),
      languageOf: (conversationId, fallback) => conversationLanguage(store, conversationId, fallback),
    });
    telegram.routes(router);
    proactive.register(TELEGRAM, (conversationId, messages, language) => telegram.send(conversationId, messages, language));
  }

  if (config.MicrosoftAppId || config.BOT_ALLOW_ANONYMOUS) {
    if (!config.MicrosoftAppId) console.warn('BOT_ALLOW_ANONYMOUS: /api/messages accepts unauthenticated activities from a local serviceUrl (Bot Framework Emulator only).');
    const azure = new AzureChannel({
      conversations,
      i18n,
      store,
      settings: config,
      maxChars: config.MAX_MESSAGE_CHARS,
      maxBody: config.MAX_BODY_BYTES,
      allow: (conversationId) => perConversation.take(conversationId),
      // Azure Bot Service calls from few addresses: only a generous per-IP limit against floods.
      guard: (req) => {
        if (!azureIp.take(clientIp(req, config.TRUST_PROXY))) throw new HttpError(429, 'rate_limited', 'too many requests');
      },
      defaultLanguage: config.DEFAULT_LANGUAGE,
    });
    azure.routes(router);
    proactive.register(AZURE, (conversationId, messages, language) => azure.send(conversationId, messages, language));
  }

  const resources = readLocales();
  staticRoutes(router, {
    'locales.json': { body: JSON.stringify(Object.fromEntries(Object.entries(resources).map(([lng, ns]) => [lng, ns['web'] ?? {}]))), type: 'application/json; charset=utf-8' },
    'languages.json': { body: JSON.stringify(kb.taxonomy.languages), type: 'application/json; charset=utf-8' },
    'config.json': { body: JSON.stringify({ maxMessageChars: config.MAX_MESSAGE_CHARS }), type: 'application/json; charset=utf-8' },
    // The official Web Chat bundle from the botframework-webchat package, served by us (never a CDN).
    'webchat.js': { body: readFileSync(WEBCHAT_BUNDLE), type: 'text/javascript; charset=utf-8' },
  });

  const server = createServer((req, res) => void router.handle(req, res));
  server.on('upgrade', (req, socket, head) => directLine.handleUpgrade(req, socket, head));
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  // Data is kept only as long as needed: expired conversations are deleted hourly.
  const sweep = setInterval(() => void deleteExpired(store, config.RETENTION_DAYS).catch((e) => console.error('retention sweep failed:', e)), 3_600_000);
  sweep.unref();

  return {
    server,
    store,
    kb,
    understanding,
    i18n,
    proactive,
    async close() {
      clearInterval(sweep);
      directLine.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.store) await store.close();
    },
  };
}
