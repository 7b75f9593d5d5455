import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, TurnContext, type Activity as BfActivity, type ConversationReference } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError, readJson, sendJson } from '../http.js';
import type { ConversationService } from '../conversation.js';
import type { Outgoing } from '../render.js';
import { translatorFor } from '../i18n.js';
import type { Language } from '../../knowledge/schema.js';
import type { TurnInput } from '../../dialogs/engine.js';
import type { Sql } from '../store/store.js';
import { inputFromActivity, hasMedia, toActivities, LOCALES, type Activity, type CardSupport } from './activity.js';
import { KeyedQueue, SeenIds } from './serial.js';
import type { Logger } from '../log.js';
import { conversationLanguage } from './language.js';

/** The channel name stored with conversations that come through Azure Bot Service; ids start with `az-`. */
export const AZURE = 'azure';
export const AZURE_PATH = '/api/messages';

/** What a Bot Framework channel can show: Adaptive Cards in Teams and Web Chat, hero cards in most messengers, text in SMS and e-mail. */
export function cardSupport(channelId: string | undefined): CardSupport {
  if (channelId === 'msteams' || channelId === 'webchat' || channelId === 'directline' || channelId === 'emulator') return 'adaptive';
  if (channelId === 'sms' || channelId === 'email') return 'none';
  return 'hero';
}

function isLocal(serviceUrl: unknown): boolean {
  if (typeof serviceUrl !== 'string') return false;
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(serviceUrl).hostname);
  } catch {
    return false;
  }
}

/** Our conversation id for a Bot Framework conversation: bounded length, unique per channel. */
export function azureConversationId(channelId: string, conversationId: string): string {
  return `az-${createHash('sha256').update(`${channelId}\u0000${conversationId}`).digest('base64url').slice(0, 32)}`;
}

export interface AzureSettings {
  MicrosoftAppId?: string | undefined;
  MicrosoftAppPassword?: string | undefined;
  MicrosoftAppTenantId?: string | undefined;
  MicrosoftAppType: string;
  /** Endpoints for sovereign clouds (and the tests' loopback fakes); unset means the public cloud. */
  ToBotFromChannelOpenIdMetadataUrl?: string | undefined;
  ToBotFromChannelTokenIssuer?: string | undefined;
}

/** CloudAdapter's turn processing is protected; this subclass exposes it for our own router. */
class Adapter extends CloudAdapter {
  handle(authHeader: string, activity: BfActivity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

export interface AzureDeps {
  log: Logger;
  conversations: ConversationService;
  i18n: i18n;
  store: Sql;
  settings: AzureSettings;
  maxChars: number;
  maxBody: number;
  allow: (conversationId: string) => boolean;
  guard: (req: IncomingMessage) => void;
  defaultLanguage: Language;
  /** Invoke activities (Teams card actions) go here, not to the chat; unanswered ones get 501. */
  invokes?: { run(context: TurnContext): Promise<boolean> } | undefined;
}

/**
 * `POST /api/messages`: Azure Bot Service (Teams, and Telegram or Facebook through Azure) via
 * botbuilder's CloudAdapter, kept at this edge only.
 * @remarks With MicrosoftAppId set, every request must carry a Bot Framework JWT (validated by
 * CloudAdapter against the channel's OpenID keys); without it, requests are accepted
 * anonymously (Bot Framework Emulator on a developer machine).
 */
export class AzureChannel {
  private readonly adapter: Adapter;
  private readonly queue = new KeyedQueue();
  private readonly seen = new SeenIds(10_000);
  /** The last offered action values per conversation: postBack text and numbered replies map back to them. */
  private readonly offered = new Map<string, string[]>();

  constructor(private readonly deps: AzureDeps) {
    const s = deps.settings;
    const options = {
      MicrosoftAppId: s.MicrosoftAppId ?? '',
      MicrosoftAppPassword: s.MicrosoftAppPassword ?? '',
      MicrosoftAppTenantId: s.MicrosoftAppTenantId ?? '',
      MicrosoftAppType: s.MicrosoftAppType,
      ...(s.ToBotFromChannelOpenIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: s.ToBotFromChannelOpenIdMetadataUrl } : {}),
      ...(s.ToBotFromChannelTokenIssuer ? { ToBotFromChannelTokenIssuer: s.ToBotFromChannelTokenIssuer } : {}),
    };
    const credentials = new ConfigurationServiceClientCredentialFactory(options);
    this.adapter = new Adapter(new ConfigurationBotFrameworkAuthentication(options, credentials));
    this.adapter.onTurnError = async (_context, error) => {
      this.deps.log.error('azure turn failed', error);
    };
  }

  routes(router: Router): void {
    router.on('POST', AZURE_PATH, async (req, res) => {
      this.deps.guard(req);
      const body = await readJson(req, this.deps.maxBody);
      if (!body || typeof body !== 'object' || typeof (body as { type?: unknown }).type !== 'string') throw new HttpError(400, 'invalid_activity', 'body must be an activity with a type');
      const auth = String(req.headers.authorization ?? '');
      // Anonymous mode answers only to a service on this machine, never to a URL a stranger names.
      if (!this.deps.settings.MicrosoftAppId && !isLocal((body as { serviceUrl?: unknown }).serviceUrl))
        throw new HttpError(403, 'service_url_not_local', 'without MicrosoftAppId only a local serviceUrl (Bot Framework Emulator) is accepted');
      let invoke;
      try {
        invoke = await this.adapter.handle(auth, body as BfActivity, (context) => this.onTurn(context));
      } catch (error) {
        if (error instanceof Error && /unauthori[sz]ed|authenticat|token|issuer|audience|signature|jwt/i.test(`${error.name} ${error.message}`))
          throw new HttpError(401, 'unauthorized', 'Bot Framework authentication failed');
        throw error;
      }
      sendJson(res, invoke?.status ?? 200, invoke?.body ?? {});
    });
  }

  /**
   * Runs logic in a conversation by reference, as this bot (a proactive message, a Teams card).
   * @throws what the logic threw (CloudAdapter would only hand it to onTurnError), so a failed
   * delivery is retried instead of counted as sent
   */
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.deps.settings.MicrosoftAppId ?? '', reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
  }

  /** Proactive messages through the stored ConversationReference (continueConversation). */
  async send(conversationId: string, messages: Outgoing[], language: Language): Promise<void> {
    const rows = await this.deps.store.query<{ reference: ConversationReference }>('select reference from channel_references where conversation_id = $1', [conversationId]);
    const reference = rows[0]?.reference;
    if (!reference) throw new Error(`no conversation reference for ${conversationId}`);
    const activities = toActivities(messages, translatorFor(this.deps.i18n, language), { cards: cardSupport(reference.channelId), locale: LOCALES[language]! });
    this.remember(conversationId, messages);
    await this.continueConversation(reference, async (context) => {
      await context.sendActivities(activities as Partial<BfActivity>[]);
    });
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.Invoke) {
      await this.deps.invokes?.run(context);
      return;
    }
    const id = azureConversationId(activity.channelId, activity.conversation.id);
    // A channel may deliver an activity twice (retries); the second is not processed.
    if (activity.id && !this.seen.add(`${id}|${activity.id}`, true)) return;
    const cards = cardSupport(activity.channelId);
    const locale = (l: Language) => LOCALES[l]!;
    const reply = async (items: Activity[]) => {
      await context.sendActivities(items as Partial<BfActivity>[]);
    };

    let input: TurnInput | undefined;
    if (activity.type === 'conversationUpdate') {
      // Greet when the bot is added (Teams, Web Chat through Azure).
      const botJoined = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
      if (botJoined) input = { kind: 'start' };
    } else if (activity.type === 'message') {
      input = this.mapOffered(id, inputFromActivity(activity as unknown as Activity), cards);
      if (hasMedia(activity as unknown as Activity) && (!input || (input.kind === 'message' && input.text.length === 0))) {
        const t = translatorFor(this.deps.i18n, await this.language(id), 'channels');
        await reply([{ type: 'message', text: t('media.unsupported'), textFormat: 'plain' }]);
        return;
      }
      if (input?.kind === 'message' && input.text.length > this.deps.maxChars) {
        const t = translatorFor(this.deps.i18n, await this.language(id));
        await reply([{ type: 'message', text: t('error.tooLong', { max: this.deps.maxChars }), textFormat: 'plain' }]);
        return;
      }
      if (input?.kind === 'message' && input.text.length === 0) input = undefined;
    }
    if (!input) return;
    if (!this.deps.allow(id)) {
      const t = translatorFor(this.deps.i18n, await this.language(id), 'channels');
      await reply([{ type: 'message', text: t('error.rateLimited'), textFormat: 'plain' }]);
      return;
    }
    const turnInput = input;
    await this.queue.run(id, async () => {
      const outcome = await this.deps.conversations.turn(id, AZURE, turnInput);
      const reference = TurnContext.getConversationReference(activity);
      await this.deps.store.query(
        `insert into channel_references (conversation_id, reference) values ($1, $2)
         on conflict (conversation_id) do update set reference = excluded.reference, updated_at = now()`,
        [id, JSON.stringify(reference)],
      );
      this.remember(id, outcome.messages);
      const t = translatorFor(this.deps.i18n, outcome.language);
      const activities = toActivities(outcome.messages, t, { cards, locale: locale(outcome.language) });
      if (cards === 'none' && outcome.messages.some((m) => m.type === 'actions')) {
        activities.push({ type: 'message', text: translatorFor(this.deps.i18n, outcome.language, 'channels')('options.hint'), textFormat: 'plain' });
      }
      await reply(activities);
    });
  }

  /** postBack values arrive as text, numbered options as digits: both become the offered action. */
  private mapOffered(id: string, input: TurnInput | undefined, cards: CardSupport): TurnInput | undefined {
    if (input?.kind !== 'message') return input;
    const offered = this.offered.get(id) ?? [];
    if (offered.includes(input.text)) return { kind: 'action', value: input.text };
    const n = /^\d{1,2}$/.test(input.text) ? Number(input.text) : 0;
    if (cards === 'none' && n >= 1 && n <= offered.length) return { kind: 'action', value: offered[n - 1]! };
    return input;
  }

  private remember(id: string, messages: readonly Outgoing[]): void {
    const values = messages.flatMap((m) => (m.type === 'actions' ? m.actions.map((a) => a.value) : []));
    this.offered.delete(id);
    if (values.length > 0) this.offered.set(id, values);
    if (this.offered.size > 10_000) this.offered.delete(this.offered.keys().next().value!);
  }

  private language(id: string): Promise<Language> {
    return conversationLanguage(this.deps.store, id, this.deps.defaultLanguage);
  }
}
