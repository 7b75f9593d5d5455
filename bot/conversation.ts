import type { i18n } from 'i18next';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { Language } from '../knowledge/schema.js';
import { runTurn, type EngineDeps, type TurnInput } from '../dialogs/engine.js';
import { initialState, parseState, type ConversationState } from '../dialogs/state.js';
import { loadConversation, saveFeedback, saveTurn, TurnWriter } from './store/conversations.js';
import type { Store } from './store/store.js';
import { translatorFor } from './i18n.js';
import { render, type Outgoing } from './render.js';
import type { HandoverService } from './handover/service.js';
import { KeyedQueue } from './channels/serial.js';
import { eraseOnRequest } from './privacy/erasure.js';

/** How many conversation states the embedded store's process keeps in memory, and for how long. */
const CACHE_SIZE = 10_000;
const CACHE_MS = 15 * 60_000;

export interface TurnOutcome {
  language: Language;
  dir: 'ltr' | 'rtl';
  messages: Outgoing[];
  /** The person's data was deleted in this turn: channels drop what they hold of the conversation. */
  erased?: true;
}

/** Control characters a person cannot mean (NUL breaks JSON in PostgreSQL); tabs and line breaks stay. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Runs one turn for a conversation: load the state, decide, save state, transcript and
 * events atomically, and render the replies in the conversation's language.
 */
export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly engine: EngineDeps,
    private readonly i18n: i18n,
    private readonly defaultLanguage: Language,
    private readonly handovers: HandoverService,
    /** PUBLIC_URL: links in replies (a referral sheet) become absolute, for Telegram and Teams. */
    private readonly publicUrl?: string,
  ) {
    this.cache = store.kind === 'pglite' ? new Map() : undefined;
    this.writer = new TurnWriter(store);
  }

  private get kb(): KnowledgeBase {
    return this.engine.kb;
  }

  /** Turns of one conversation run one after another (a double click must not lose a state). */
  private readonly queue = new KeyedQueue();
  /**
   * The embedded store belongs to this one process, so recent states are kept in memory and a
   * turn needs no read. With PostgreSQL (several instances) every turn reads the store.
   * The cached state is the one the last turn produced: typed already, it needs no validation.
   */
  private readonly cache: Map<string, { channel: string; state: ConversationState; at: number }> | undefined;
  /** Turns without events from many conversations share one statement (group commit). */
  private readonly writer: TurnWriter;

  async turn(conversationId: string, channel: string, input: TurnInput): Promise<TurnOutcome> {
    const clean: TurnInput = input.kind === 'message' ? { kind: 'message', text: input.text.replace(CONTROL, '') } : input;
    return this.queue.run(conversationId, async () => {
      try {
        return await this.runOne(conversationId, channel, clean);
      } catch (error) {
        this.cache?.delete(conversationId);
        throw error;
      }
    });
  }

  /**
   * Drops cached states of conversations the retention sweep changed or deleted, so no turn
   * continues from a copy of deleted data.
   */
  forget(conversationIds: Iterable<string>): void {
    if (this.cache) for (const id of conversationIds) this.cache.delete(id);
  }

  private async runOne(conversationId: string, channel: string, input: TurnInput): Promise<TurnOutcome> {
    const cached = this.cache?.get(conversationId);
    // A cached state is trusted for a short while only: the retention sweep may delete old rows.
    const fresh = cached && Date.now() - cached.at < CACHE_MS ? cached : undefined;
    const stored = fresh ? undefined : await loadConversation(this.store, conversationId);
    const state = fresh ? fresh.state : stored ? parseState(stored.state, this.defaultLanguage) : initialState(this.defaultLanguage);
    const result = runTurn(this.engine, state, input);
    const userBody = input.kind === 'message' ? { text: input.text } : input.kind === 'action' ? { action: input.value } : { start: true };
    const saved = { id: conversationId, channel: fresh?.channel ?? stored?.channel ?? channel, state: result.state };
    const messages = [
      { role: 'user' as const, body: userBody },
      { role: 'bot' as const, body: result.replies },
    ];
    const erase = result.events.some((e) => e.type === 'deleteData');
    if (result.events.length === 0) {
      // State and transcript in one statement: atomic without an explicit transaction.
      await this.writer.save(saved, messages);
    } else {
      await this.store.transaction(async (tx) => {
        // "Delete my data": nothing of this turn is kept either, only the fresh state.
        if (erase) await eraseOnRequest(tx, saved);
        else await saveTurn(tx, saved, messages);
        for (const event of result.events) {
          if (event.type === 'feedback') await saveFeedback(tx, { language: event.language, topics: event.topics, entryIds: event.entryIds, helpful: event.helpful, ...(event.municipality ? { municipality: event.municipality } : {}) });
          if (event.type === 'handover') await this.handovers.submit(tx, conversationId, saved.channel, event, this.engine.handover.clock());
          if (event.type === 'withdraw') await this.handovers.withdraw(tx, conversationId, event.reference);
        }
      });
    }
    // After an erasure the cache holds the fresh state (what the store holds now), never the old one.
    if (this.cache) {
      this.cache.delete(conversationId);
      this.cache.set(conversationId, { channel: saved.channel, state: result.state, at: Date.now() });
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    const lang = result.state.language;
    return {
      language: lang,
      dir: this.kb.taxonomy.languages.find((l) => l.code === lang)?.dir ?? 'ltr',
      messages: render(result.replies, translatorFor(this.i18n, lang), lang, this.kb, this.publicUrl),
      ...(erase ? { erased: true as const } : {}),
    };
  }
}
