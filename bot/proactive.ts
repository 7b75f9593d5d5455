import type { Language } from '../knowledge/schema.js';
import type { Outgoing } from './render.js';

/**
 * Sends messages to a conversation the person is not actively writing in (e.g. "a case manager
 * has taken over your request"). Each channel that can do so registers one sender.
 */
export type ProactiveSender = (conversationId: string, messages: Outgoing[], language: Language) => Promise<void>;

/** The channels' proactive senders by channel name (the `channel` stored with each conversation). */
export class ProactiveMessenger {
  private readonly senders = new Map<string, ProactiveSender>();

  register(channel: string, sender: ProactiveSender): void {
    this.senders.set(channel, sender);
  }

  supports(channel: string): boolean {
    return this.senders.has(channel);
  }

  /** @returns false when the channel cannot send proactive messages; delivery errors are thrown. */
  async send(channel: string, conversationId: string, messages: Outgoing[], language: Language): Promise<boolean> {
    const sender = this.senders.get(channel);
    if (!sender) return false;
    await sender(conversationId, messages, language);
    return true;
  }
}
