import type { i18n } from 'i18next';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { Language } from '../knowledge/schema.js';
import { runTurn, type EngineDeps, type TurnInput } from '../dialogs/engine.js';
import { initialState, parseState } from '../dialogs/state.js';
import { loadConversation, saveFeedback, saveTurn } from './store/conversations.js';
import type { Store } from './store/store.js';
import { translatorFor } from './i18n.js';
import { render, type Outgoing } from './render.js';
import type { HandoverService } from './handover/service.js';

export interface TurnOutcome {
  language: Language;
  dir: 'ltr' | 'rtl';
  messages: Outgoing[];
}

/**
 * Runs one turn for a conversation: load the state, decide, save state, transcript and
 * events in one transaction, and render the replies in the conversation's language.
 */
export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly engine: EngineDeps,
    private readonly i18n: i18n,
    private readonly defaultLanguage: Language,
    private readonly handovers: HandoverService,
  ) {}

  private get kb(): KnowledgeBase {
    return this.engine.kb;
  }

  async turn(conversationId: string, channel: string, input: TurnInput): Promise<TurnOutcome> {
    return this.store.transaction(async (tx) => {
      const stored = await loadConversation(tx, conversationId);
      const state = stored ? parseState(stored.state, this.defaultLanguage) : initialState(this.defaultLanguage);
      const result = runTurn(this.engine, state, input);
      const userBody = input.kind === 'message' ? { text: input.text } : input.kind === 'action' ? { action: input.value } : { start: true };
      await saveTurn(tx, { id: conversationId, channel, state: result.state }, [
        { role: 'user', body: userBody },
        { role: 'bot', body: result.replies },
      ]);
      for (const event of result.events) {
        if (event.type === 'feedback') await saveFeedback(tx, { language: event.language, topics: event.topics, entryIds: event.entryIds, helpful: event.helpful, ...(event.municipality ? { municipality: event.municipality } : {}) });
        if (event.type === 'handover') await this.handovers.submit(tx, conversationId, stored?.channel ?? channel, event, this.engine.handover.clock());
        if (event.type === 'withdraw') await this.handovers.withdraw(tx, conversationId, event.reference);
      }
      const lang = result.state.language;
      return {
        language: lang,
        dir: this.kb.taxonomy.languages.find((l) => l.code === lang)?.dir ?? 'ltr',
        messages: render(result.replies, translatorFor(this.i18n, lang), lang, this.kb),
      };
    });
  }
}
