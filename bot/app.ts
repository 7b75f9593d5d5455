import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { DEFAULT_STAFF_FILE, loadStaffOrThrow } from '../knowledge/staff.js';
import type { HandoverDeps } from '../dialogs/handover/flow.js';
import { newReference } from '../dialogs/handover/record.js';
import { fileURLToPath } from 'node:url';
import type { i18n } from 'i18next';
import { retentionPolicy, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { sweep, SWEEP_INTERVAL_MS } from './privacy/retention.js';
import { loadKnowledgeOrThrow, DEFAULT_KNOWLEDGE_DIR, type KnowledgeBase } from '../knowledge/load.js';
import { loadLexiconsOrThrow } from '../knowledge/lexicon.js';
import { LANGUAGES } from '../knowledge/schema.js';
import { loadQuestionsOrThrow } from '../knowledge/questions.js';
import { loadEscalationExamplesOrThrow } from '../knowledge/escalation.js';
import { Understanding } from '../knowledge/understand/understand.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { createI18n, messageLookup, readLocales, translatorFor, type Resources } from './i18n.js';
import { ConversationService } from './conversation.js';
import { Router, HttpError, clientIp, requestOrigin } from './http.js';
import { RateLimiter } from './limits.js';
import { healthRoutes } from './routes/health.js';
import { understandRoutes } from './routes/understand.js';
import { chatRoutes } from './routes/chat.js';
import { staticRoutes } from './routes/static.js';
import { servicesRoutes } from './routes/services.js';
import { finderRoutes, finderStaticFiles } from './routes/finder.js';
import { ServiceFinder } from '../knowledge/finder.js';
import { PdfRenderer } from './finder/pdf.js';
import { ProactiveMessenger } from './proactive.js';
import { HandoverService } from './handover/service.js';
import { Outbox } from './handover/outbox.js';
import { inboxRoutes } from './inbox/routes.js';
import { ensureDemoAccounts } from './inbox/demo.js';
import { TokenSigner } from './channels/tokens.js';
import { DirectLineServer, directLineRoutes, DIRECTLINE } from './channels/directline.js';
import { TelegramApi, TelegramChannel, TELEGRAM } from './channels/telegram.js';
import { conversationLanguage } from './channels/language.js';
import { AzureChannel, AZURE } from './channels/azure.js';
import { HandoverCards } from './teams/card.js';
import { ConnectorPoster } from './teams/poster.js';
import { TeamsClaims } from './teams/claim.js';

/** The package's prebuilt browser bundle (its `exports` hide `dist/`, so resolve beside the ESM entry). */
const WEBCHAT_BUNDLE = fileURLToPath(new URL('webchat.js', import.meta.resolve('botframework-webchat')));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface App {
  server: Server;
  store: Store;
  kb: KnowledgeBase;
  understanding: Understanding;
  i18n: i18n;
  /** Deliveries queued by handovers (team webhooks, Teams cards, proactive messages); runs on an interval. */
  outbox: Outbox;
  /** Channels register their proactive senders here; the handover uses it for status messages. */
  proactive: ProactiveMessenger;
  /** The core's entry point for one turn (channels call it; benchmarks too). */
  conversations: ConversationService;
  log: Logger;
  /** Runs the retention sweep now (it also runs at start and daily); resolves when done. */
  sweepNow(): Promise<void>;
  close(): Promise<void>;
}

/** Staff data, the clock and unguessable references for warm handovers. */
export function buildHandoverDeps(kb: KnowledgeBase, staffFile: string = DEFAULT_STAFF_FILE, clock: () => Date = () => new Date()): HandoverDeps {
  return { staff: loadStaffOrThrow(staffFile, kb.district), clock, newReference: () => newReference(randomInt) };
}

/** Knowledge, lexicons and the understanding built from them: everything that only reads data files. */
export function buildUnderstanding(knowledgeDir: string = DEFAULT_KNOWLEDGE_DIR): { kb: KnowledgeBase; understanding: Understanding } {
  const kb = loadKnowledgeOrThrow(knowledgeDir);
  const topicIds = new Set(kb.taxonomy.topics.map((t) => t.id));
  const lexicons = loadLexiconsOrThrow(topicIds, knowledgeDir);
  return { kb, understanding: new Understanding(kb, lexicons, loadQuestionsOrThrow(topicIds, knowledgeDir), loadEscalationExamplesOrThrow(knowledgeDir)) };
}

/**
 * The web page's strings per language, rendered here with the server's retention period: the page gets finished
 * sentences ("höchstens 30 Tage", "не более 30 дней"), plural forms worked out by i18next, not by the browser.
 */
export function webStrings(instance: i18n, resources: Resources, retentionDays: number): Record<string, Record<string, string>> {
  return Object.fromEntries(
    LANGUAGES.map((lng) => {
      const t = translatorFor(instance, lng, 'web');
      const keys = Object.entries(resources[lng]?.['web'] ?? {}).flatMap(([k, v]) => (typeof v === 'string' ? [k] : []));
      return [lng, Object.fromEntries(keys.map((k) => [k, String(t(k, { days: retentionDays }))]))];
    }),
  );
}

/**
 * The one wiring place: configuration, knowledge, store, i18n, conversation service and routes.
 * @param options.store an already open store (tests share one PGlite instance)
 */
export async function createApp(config: Config, options: { store?: Store; log?: Logger } = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const retention = retentionPolicy(config);
  const { kb, understanding } = buildUnderstanding(config.KNOWLEDGE_DIR);
  const store = options.store ?? (await openStore({ ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}), dataDir: config.DATA_DIR }));
  const locales = readLocales();
  const i18n = await createI18n(locales);
  const proactive = new ProactiveMessenger();
  const handover = buildHandoverDeps(kb, config.STAFF_FILE);
  const handovers = new HandoverService(kb, handover.staff, i18n);
  const conversations = new ConversationService(store, { kb, understanding, handover, retention, label: messageLookup(locales) }, i18n, config.DEFAULT_LANGUAGE, handovers, config.PUBLIC_URL);

  const perIp = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  const azureIp = new RateLimiter(config.RATE_LIMIT_PER_MINUTE * 50);
  const perConversation = new RateLimiter(Math.max(10, Math.floor(config.RATE_LIMIT_PER_MINUTE / 2)));
  const guard = (req: IncomingMessage, conversationId?: string) => {
    if (!perIp.take(clientIp(req, config.TRUST_PROXY))) throw new HttpError(429, 'rate_limited', 'too many requests, try again in a minute');
    if (conversationId && !perConversation.take(conversationId)) throw new HttpError(429, 'rate_limited', 'too many messages in this conversation, try again in a minute');
  };

  const cards = new HandoverCards({ staff: handover.staff, district: kb.district, i18n, publicUrl: config.PUBLIC_URL });
  if (config.DEMO_MODE) await ensureDemoAccounts(store, handover.staff, log);

  const router = new Router(log);
  healthRoutes(router, { version: VERSION, store, kb });
  understandRoutes(router, { understanding, kb, maxChars: config.MAX_MESSAGE_CHARS, maxBody: config.MAX_BODY_BYTES, guard });
  chatRoutes(router, { conversations, i18n, maxChars: config.MAX_MESSAGE_CHARS, maxBody: config.MAX_BODY_BYTES, guard });
  inboxRoutes(router, {
    store,
    staff: handover.staff,
    kb,
    i18n,
    handovers,
    deletionGraceDays: retention.deletionGraceDays,
    sessionHours: config.SESSION_HOURS,
    secureCookies: config.SECURE_COOKIES,
    loginAttempts: config.LOGIN_ATTEMPTS,
    trustProxy: config.TRUST_PROXY,
    maxBody: config.MAX_BODY_BYTES,
    demo: config.DEMO_MODE,
  });
  const pdf = new PdfRenderer(config.CHROMIUM_PATH);
  servicesRoutes(router, { kb, finder: new ServiceFinder(kb, understanding), towns: understanding.towns, i18n, version: VERSION, guard });
  finderRoutes(router, { kb, i18n, pdf, guard, baseUrl: (req) => config.PUBLIC_URL ?? requestOrigin(req, config.TRUST_PROXY) });

  if (!config.DIRECTLINE_TOKEN_SECRET) log.warn('DIRECTLINE_TOKEN_SECRET is not set: Direct Line tokens are signed with a random key of this process and end with a restart.');
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
      log,
    });
    telegram.routes(router);
    proactive.register(TELEGRAM, (conversationId, messages, language) => telegram.send(conversationId, messages, language));
  }

  let teamsPoster: ConnectorPoster | undefined;
  if (config.MicrosoftAppId || config.BOT_ALLOW_ANONYMOUS) {
    // teams-ai takes over a second to import: only when the Azure channel is on.
    const { teamsApplication } = await import('./teams/application.js');
    if (!config.MicrosoftAppId) log.warn('BOT_ALLOW_ANONYMOUS: /api/messages accepts unauthenticated activities from a local serviceUrl (Bot Framework Emulator only).');
    const azure = new AzureChannel({
      log,
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
      invokes: teamsApplication(new TeamsClaims({ store, staff: handover.staff, i18n, handovers, cards })),
    });
    azure.routes(router);
    proactive.register(AZURE, (conversationId, messages, language) => azure.send(conversationId, messages, language));
    teamsPoster = new ConnectorPoster((reference, logic) => azure.continueConversation(reference, logic), config.MicrosoftAppId);
  }
  const teamsUnits = handover.staff.units.filter((u) => u.teams).map((u) => u.id);
  if (teamsUnits.length > 0 && !teamsPoster) log.warn(`Teams channels are configured for ${teamsUnits.join(', ')}, but MicrosoftAppId is not set: their cards wait in the outbox.`);
  if (teamsUnits.length > 0 && !config.PUBLIC_URL) log.warn('PUBLIC_URL is not set: Teams cards have no link to the inbox.');
  if ((config.TELEGRAM_BOT_TOKEN || config.MicrosoftAppId) && !config.PUBLIC_URL) log.warn('PUBLIC_URL is not set: links to referral sheets in Telegram and Teams messages are paths without a host.');
  const outbox = new Outbox(store, { staff: handover.staff, secrets: config.webhookSecrets, proactive, i18n, kb, log, teams: { cards, poster: teamsPoster }, publicUrl: config.PUBLIC_URL });

  const resources = readLocales();
  staticRoutes(router, {
    ...finderStaticFiles(kb, resources),
    'locales.json': { body: JSON.stringify(webStrings(i18n, resources, retention.conversationDays)), type: 'application/json; charset=utf-8' },
    'inbox-locale.json': { body: JSON.stringify(resources['de']?.['inbox'] ?? {}), type: 'application/json; charset=utf-8' },
    'languages.json': { body: JSON.stringify(kb.taxonomy.languages), type: 'application/json; charset=utf-8' },
    'config.json': { body: JSON.stringify({ maxMessageChars: config.MAX_MESSAGE_CHARS, retentionDays: retention.conversationDays }), type: 'application/json; charset=utf-8' },
    // The official Web Chat bundle from the botframework-webchat package, served by us (never a CDN).
    'webchat.js': { body: readFileSync(WEBCHAT_BUNDLE), type: 'text/javascript; charset=utf-8' },
  });

  const server = createServer((req, res) => void router.handle(req, res));
  server.on('upgrade', (req, socket, head) => directLine.handleUpgrade(req, socket, head));
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  // Data is kept only as long as needed (README, "Data protection"): the sweep runs at start and daily.
  // Sweeps run one after another; each starts from the store as it is when it begins.
  let sweeping: Promise<void> = Promise.resolve();
  const sweepNow = (): Promise<void> =>
    (sweeping = sweeping.then(async () => {
      try {
        const r = await sweep(store, retention);
        conversations.forget(r.touchedConversations);
        directLine.forget(r.touchedConversations);
        if (r.conversations + r.drafts + r.transcripts + r.erasedOnRequest + r.anonymised > 0)
          log.info(`retention sweep: ${r.conversations} conversations and ${r.drafts} drafts deleted, ${r.transcripts} transcripts removed, ${r.erasedOnRequest} records erased on request, ${r.anonymised} anonymised`);
      } catch (e) {
        log.error('retention sweep failed', e);
      }
    }));
  const sweepTimer = setInterval(() => void sweepNow(), SWEEP_INTERVAL_MS);
  sweepTimer.unref();
  void sweepNow();
  outbox.start(config.OUTBOX_INTERVAL_MS);

  return {
    server,
    store,
    kb,
    understanding,
    i18n,
    proactive,
    outbox,
    conversations,
    log,
    sweepNow,
    async close() {
      clearInterval(sweepTimer);
      await sweeping;
      await outbox.stop();
      await pdf.close();
      directLine.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.store) await store.close();
    },
  };
}
