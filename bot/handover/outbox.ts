import { createHmac } from 'node:crypto';
import type { i18n } from 'i18next';
import type { Store, Sql } from '../store/store.js';
import type { Staff } from '../../knowledge/staff.js';
import type { KnowledgeBase } from '../../knowledge/load.js';
import type { Language } from '../../knowledge/schema.js';
import type { Reply } from '../../dialogs/replies.js';
import type { ProactiveMessenger } from '../proactive.js';
import type { HandoverCards } from '../teams/card.js';
import type { TeamsPoster } from '../teams/poster.js';
import { translatorFor } from '../i18n.js';
import { render } from '../render.js';
import type { Logger } from '../log.js';
import { getHandover, type DeliveryKind } from './handovers.js';

/** A Teams delivery posts the record's card once, and updates it in place after a claim or withdrawal. */
export interface TeamsDelivery {
  op: 'post' | 'update';
}

interface OutboxRow {
  id: string;
  handover_id: string | null;
  kind: DeliveryKind;
  target: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** A finished delivery: a note why nothing was sent, and what the receiver calls it (a Teams activity id). */
interface Delivered {
  note?: string;
  remoteId?: string;
}

/** How long a Teams post or update may take before it counts as failed. */
const TEAMS_TIMEOUT_MS = 30_000;

/** Seconds before the next try after `attempts` failures: 5 s, 30 s, 2 min, 10 min, then hourly. */
export function backoffSeconds(attempts: number): number {
  return [5, 30, 120, 600][attempts - 1] ?? 3600;
}

/** HMAC-SHA256 over "<timestamp>.<body>", hex: what a receiver recomputes with the team's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers what handovers queued (team webhooks, Teams cards, proactive messages to the person),
 * with retries. A row is marked delivered once; the `X-Lotse-Delivery` id lets receivers drop
 * repeats (a response lost on the way back is the only case a receiver sees one twice).
 * @remarks A Teams card is built from the record at delivery time, and its activity id is kept
 * (`remote_id`): later changes update that message instead of posting another one.
 */
export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly deps: {
      staff: Staff;
      secrets: Record<string, string>;
      proactive: ProactiveMessenger;
      i18n: i18n;
      kb: KnowledgeBase;
      log: Logger;
      /** Teams cards; without a poster (no Azure Bot registration) they wait and are retried. */
      teams: { cards: HandoverCards; poster?: TeamsPoster | undefined };
      timeoutMs?: number;
      /** PUBLIC_URL: links in proactive messages become absolute. */
      publicUrl?: string | undefined;
    },
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runOnce().catch((e) => this.deps.log.error('outbox', e)), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Sends every due delivery once; returns how many were delivered. */
  async runOnce(): Promise<number> {
    if (this.running) {
      await this.running;
    }
    let delivered = 0;
    this.running = (async () => {
      for (;;) {
        const done = await this.store.transaction(async (tx) => {
          // Several instances share the table: each row is taken by one of them.
          const rows = await tx.query<OutboxRow & Record<string, unknown>>(
            `select id, handover_id, kind, target, payload, attempts from outbox
             where delivered_at is null and next_attempt_at <= now() order by created_at limit 1 for update skip locked`,
          );
          const row = rows[0];
          if (!row) return undefined;
          await this.attempt(tx, row);
          return row;
        });
        if (!done) break;
        delivered++;
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    return delivered;
  }

  private async attempt(tx: Sql, row: OutboxRow): Promise<void> {
    try {
      const done = row.kind === 'webhook' ? await this.webhook(row) : row.kind === 'teams' ? await this.teams(tx, row) : await this.proactive(row);
      await tx.query('update outbox set delivered_at = now(), attempts = attempts + 1, last_error = $2, remote_id = $3 where id = $1', [row.id, done.note ?? null, done.remoteId ?? null]);
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      await tx.query(`update outbox set attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) where id = $1`, [row.id, attempts, message.slice(0, 500), backoffSeconds(attempts)]);
    }
  }

  private async webhook(row: OutboxRow): Promise<Delivered> {
    const unit = this.deps.staff.units.find((u) => u.id === row.target);
    if (!unit?.webhook) return { note: 'no webhook configured any more' };
    const secret = this.deps.secrets[unit.webhook.secretEnv];
    if (!secret) throw new Error(`${unit.webhook.secretEnv} is not set`);
    const body = JSON.stringify({ deliveryId: row.id, ...row.payload });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(unit.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lotse-delivery': row.id, 'x-lotse-timestamp': timestamp, 'x-lotse-signature': signature(secret, timestamp, body) },
      body,
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 5000),
      redirect: 'error',
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    return {};
  }

  private async teams(tx: Sql, row: OutboxRow): Promise<Delivered> {
    const unit = this.deps.staff.units.find((u) => u.id === row.target);
    if (!unit?.teams) return { note: 'no Teams channel configured any more' };
    const { cards, poster } = this.deps.teams;
    if (!poster) throw new Error('Teams is not connected: set MicrosoftAppId (Azure Bot registration)');
    const handover = row.handover_id ? await getHandover(tx, row.handover_id) : undefined;
    if (!handover) return { note: 'the record is deleted' };
    if ((row.payload as unknown as TeamsDelivery).op === 'post') {
      return { remoteId: await this.timed(poster.post(unit.teams, cards.forRecord(handover, { mention: true }))) };
    }
    const posted = await tx.query<{ remote_id: string | null; delivered_at: Date | null }>(
      `select remote_id, delivered_at from outbox where handover_id = $1 and kind = 'teams' and payload->>'op' = 'post' order by created_at limit 1`,
      [handover.id],
    );
    if (!posted[0]) return { note: 'no card was posted' };
    // The update waits for the post it changes (the post may still be on its way).
    if (!posted[0].delivered_at) throw new Error('the card is not posted yet');
    if (!posted[0].remote_id) return { note: 'the card was not posted' };
    await this.timed(poster.update(unit.teams, posted[0].remote_id, cards.forRecord(handover)));
    return {};
  }

  /**
   * An answer that never comes must not hold the row. Longer than the webhook's: the Bot
   * Connector client retries a 5xx itself (three times, over about seven seconds) before failing.
   */
  private async timed<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([call, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TEAMS_TIMEOUT_MS} ms`)), TEAMS_TIMEOUT_MS)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async proactive(row: OutboxRow): Promise<Delivered> {
    const { conversationId, language, replies } = row.payload as { conversationId: string; language: Language; replies: Reply[] };
    const messages = render(replies, translatorFor(this.deps.i18n, language), language, this.deps.kb, this.deps.publicUrl);
    const sent = await this.deps.proactive.send(row.target, conversationId, messages, language);
    // Channels without proactive messages: the case manager reaches the person the way they chose.
    return sent ? {} : { note: `channel "${row.target}" cannot send proactive messages` };
  }
}
