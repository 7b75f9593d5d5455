import { AdaptiveCardActionExecuteResponseType, Application } from '@microsoft/teams-ai';
import { CLAIM_VERB } from './card.js';
import type { TeamsClaims } from './claim.js';

/**
 * The Teams side of the bot, kept thin: a teams-ai Application that answers the handover card's
 * `Action.Execute` (invoke `adaptiveCard/action`, verb `claim`) with the card to show next.
 * @remarks The Azure channel hands it invoke activities only; messages stay on the chat path.
 * No storage (the claim lives in our database), no typing indicator, no AI. The returned card
 * replaces the pressed one for the person who pressed it; everyone else's copy is updated
 * through the outbox (a PUT of the same message), with retries.
 */
export function teamsApplication(claims: TeamsClaims): Application {
  const app = new Application({
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_INTERACTOR },
    removeRecipientMention: false,
    startTypingTimer: false,
  });
  app.adaptiveCards.actionExecute(CLAIM_VERB, (context, _state, data) => claims.claim(context.activity, data));
  return app;
}
