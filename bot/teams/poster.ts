import { CardFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { TeamsChannel } from '../../knowledge/staff.js';

/** Where handover cards go: the seam between the outbox and Microsoft Teams. */
export interface TeamsPoster {
  /** Posts a card as a new message in the channel; returns the message's activity id. */
  post(channel: TeamsChannel, card: AdaptiveCard): Promise<string | undefined>;
  /** Replaces a card posted earlier (everyone in the channel sees the new one). */
  update(channel: TeamsChannel, activityId: string, card: AdaptiveCard): Promise<void>;
}

/** Runs logic in a conversation by reference: the Azure channel's CloudAdapter.continueConversationAsync. */
export type ContinueConversation = (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => Promise<void>;

/** The part of botframework-connector's ConnectorClient that posts and replaces channel messages. */
interface Conversations {
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<unknown>;
}

/**
 * Posts through the Bot Connector API as the bot the Azure channel is registered as: `POST
 * /v3/conversations/{channel}/activities` starts a new thread in the channel, `PUT
 * /v3/conversations/{channel}/activities/{id}` replaces it.
 * @remarks The calls go through the ConnectorClient that CloudAdapter authenticates for the
 * channel's service URL, not through `TurnContext.sendActivity`, which in a continued
 * conversation would send a reply to a made-up activity id. The bot must be installed in the
 * team (app manifest with the `team` scope), or Teams refuses the post.
 */
export class ConnectorPoster implements TeamsPoster {
  constructor(
    private readonly continueConversation: ContinueConversation,
    private readonly appId: string | undefined,
  ) {}

  async post(channel: TeamsChannel, card: AdaptiveCard): Promise<string | undefined> {
    let id: string | undefined;
    await this.continueConversation(this.reference(channel), async (context) => {
      id = (await this.client(context).sendToConversation(channel.channelId, this.activity(context, channel, card))).id;
    });
    return id;
  }

  async update(channel: TeamsChannel, activityId: string, card: AdaptiveCard): Promise<void> {
    await this.continueConversation(this.reference(channel), async (context) => {
      await this.client(context).updateActivity(channel.channelId, activityId, { ...this.activity(context, channel, card), id: activityId });
    });
  }

  private client(context: TurnContext): Conversations {
    const client = context.turnState.get<{ conversations: Conversations } | undefined>(context.adapter.ConnectorClientKey);
    if (!client) throw new Error('the adapter gave no connector client');
    return client.conversations;
  }

  private reference(channel: TeamsChannel): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', name: '', ...(channel.tenantId ? { tenantId: channel.tenantId } : {}) },
      bot: { id: this.appId ? `28:${this.appId}` : 'lotse', name: 'Lotse' },
    };
  }

  private activity(context: TurnContext, channel: TeamsChannel, card: AdaptiveCard): Partial<Activity> {
    return {
      type: 'message',
      from: context.activity.recipient,
      conversation: context.activity.conversation,
      attachments: [CardFactory.adaptiveCard(card)],
      ...(channel.tenantId ? { channelData: { tenant: { id: channel.tenantId } } } : {}),
    };
  }
}
