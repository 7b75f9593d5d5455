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

/**
 * Posts through the Bot Connector API (`POST /v3/conversations/{channel}/activities`, and `PUT …/activities/{id}`
 * for updates), as the bot the Azure channel is registered as.
 * @remarks The bot must be installed in the team (app manifest with the `team` scope); Teams
 * refuses posts to channels of teams without it.
 */
export class ConnectorPoster implements TeamsPoster {
  constructor(
    private readonly continueConversation: ContinueConversation,
    private readonly appId: string | undefined,
  ) {}

  async post(channel: TeamsChannel, card: AdaptiveCard): Promise<string | undefined> {
    let id: string | undefined;
    await this.continueConversation(this.reference(channel), async (context) => {
      id = (await context.sendActivity(this.activity(channel, card)))?.id;
    });
    return id;
  }

  async update(channel: TeamsChannel, activityId: string, card: AdaptiveCard): Promise<void> {
    await this.continueConversation(this.reference(channel), async (context) => {
      await context.updateActivity({ ...this.activity(channel, card), id: activityId });
    });
  }

  private reference(channel: TeamsChannel): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', name: '', ...(channel.tenantId ? { tenantId: channel.tenantId } : {}) },
      bot: { id: this.appId ? `28:${this.appId}` : 'lotse', name: 'Lotse' },
    };
  }

  private activity(channel: TeamsChannel, card: AdaptiveCard): Partial<Activity> {
    return { type: 'message', attachments: [CardFactory.adaptiveCard(card)], ...(channel.tenantId ? { channelData: { tenant: { id: channel.tenantId } } } : {}) };
  }
}
