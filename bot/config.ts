import { z } from 'zod';
import { LOG_LEVELS } from './log.js';
import type { RetentionPolicy } from '../dialogs/privacy.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable Lotse reads, with its default.
 * @remarks Parsed once at start ({@link loadConfig}); nothing else reads `process.env`.
 * The README's configuration table lists the same variables.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** PostgreSQL connection string; when unset, the embedded PGlite store in DATA_DIR is used. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  KNOWLEDGE_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Largest accepted message, in characters. */
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(50).max(20000).default(2000),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(64 * 1024),
  /** Requests per minute per client IP on the public chat and understanding APIs. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Days a conversation (state and transcript) is kept after its last message. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days an unsent handover draft (and the transcript it was typed in) is kept after the conversation's last message. */
  RETENTION_DRAFT_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  /** Days a chat transcript attached to a sent record is kept after sending. */
  RETENTION_TRANSCRIPT_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days a closed or withdrawn record is kept before it is anonymised (named in the consent text). */
  RETENTION_RECORD_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Days a record whose deletion the person asked for waits for the case manager before it is erased automatically (at most a month: GDPR Art. 12(3)). */
  DELETION_GRACE_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  DEFAULT_LANGUAGE: z.enum(['de', 'en', 'ar', 'fa', 'uk', 'ru', 'tr', 'pl', 'ro', 'bg']).default('de'),
  TRUST_PROXY: bool.default(false),
  /** Case management units, people and capacities (YAML); the demo district's set by default. */
  STAFF_FILE: z.string().min(1).optional(),
  /** Demo mode creates the documented demo inbox accounts at start. Never in production. */
  DEMO_MODE: bool.default(false),
  /** Inbox session cookies carry `Secure` (browsers still accept them on http://localhost). */
  SECURE_COOKIES: bool.default(true),
  /** Inbox sessions end after this many hours. */
  SESSION_HOURS: z.coerce.number().min(0.1).max(24 * 7).default(8),
  /** Failed sign-ins per IP and user name per 15 minutes before sign-in is refused. */
  LOGIN_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  /** How often due notifications (webhooks, proactive messages) are sent, in milliseconds. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** Public origin of this server ("https://lotse.example.de"), for the QR codes on printed referral sheets (else taken from the request) and absolute links in chat replies. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')).optional(),
  /** Chromium for server-side PDFs of referral sheets; when missing, the sheet offers the browser's print dialog. */
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),

  /** Signs Direct Line tokens (HMAC-SHA256); when unset, a random key per process is used (tokens die with a restart). */
  DIRECTLINE_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Lifetime of a Direct Line token in seconds; Web Chat refreshes it every 15 minutes. */
  DIRECTLINE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Largest accepted attachment upload on Direct Line, in bytes. */
  MAX_ATTACHMENT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(4 * 1024 * 1024),

  /** Azure Bot Service: the bot's app registration. Without an app id, /api/messages accepts unauthenticated requests (local emulator only). */
  MicrosoftAppId: z.string().min(1).optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  /** Tenant of a single-tenant bot (required for SingleTenant). */
  MicrosoftAppTenantId: z.string().min(1).optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /**
   * Without MicrosoftAppId, /api/messages is off unless this is true: then it accepts unauthenticated
   * activities whose serviceUrl is on this machine (the Bot Framework Emulator). Never in production.
   */
  BOT_ALLOW_ANONYMOUS: bool.default(false),
  /** Sovereign clouds only (and tests): where the channel's token signing keys are published, and their issuer. */
  ToBotFromChannelOpenIdMetadataUrl: z.url({ protocol: /^https?$/ }).optional(),
  ToBotFromChannelTokenIssuer: z.string().min(1).optional(),

  /** Telegram: the token from @BotFather; enables POST /api/telegram. */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'looks like 123456:ABC-DEF…').optional(),
  /** The secret_token given to setWebhook; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 characters A-Z, a-z, 0-9, _ and -').optional(),
  /** The Bot API's base URL (tests point it at a fake on loopback). */
  TELEGRAM_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
}).superRefine((c, ctx) => {
  if (c.TELEGRAM_BOT_TOKEN && !c.TELEGRAM_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'required when TELEGRAM_BOT_TOKEN is set' });
  if (c.MicrosoftAppId && c.MicrosoftAppType !== 'UserAssignedMSI' && !c.MicrosoftAppPassword) ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'required when MicrosoftAppId is set' });
  if (c.MicrosoftAppType === 'SingleTenant' && c.MicrosoftAppId && !c.MicrosoftAppTenantId) ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'required for SingleTenant' });
});

/** Webhook secrets, one per team, named in the staff file: `LOTSE_WEBHOOK_SECRET_<NAME>`, at least 16 characters. */
const webhookSecretsSchema = z.record(z.string().regex(/^LOTSE_WEBHOOK_SECRET_[A-Z0-9_]+$/), z.string().min(16, 'must be at least 16 characters'));

export type Config = z.infer<typeof configSchema> & { webhookSecrets: Record<string, string> };

/** The retention periods of a configuration, as the dialogues and the retention sweep use them. */
export function retentionPolicy(config: Pick<Config, 'RETENTION_DAYS' | 'RETENTION_DRAFT_DAYS' | 'RETENTION_TRANSCRIPT_DAYS' | 'RETENTION_RECORD_DAYS' | 'DELETION_GRACE_DAYS'>): RetentionPolicy {
  return {
    conversationDays: config.RETENTION_DAYS,
    draftDays: Math.min(config.RETENTION_DRAFT_DAYS, config.RETENTION_DAYS),
    transcriptDays: config.RETENTION_TRANSCRIPT_DAYS,
    recordDays: config.RETENTION_RECORD_DAYS,
    deletionGraceDays: config.DELETION_GRACE_DAYS,
  };
}

/** Thrown for an invalid environment; the message names each variable and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Unknown variables are ignored; invalid values stop the start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const result = configSchema.safeParse(relevant);
  const secrets = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('LOTSE_WEBHOOK_SECRET_') && v !== undefined)) as Record<string, string>;
  const parsedSecrets = webhookSecretsSchema.safeParse(secrets);
  if (!result.success || !parsedSecrets.success) {
    const issues = [...(result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(relevant[String(i.path[0])] ?? '')}: ${i.message}`)), ...(parsedSecrets.success ? [] : parsedSecrets.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`))];
    throw new ConfigError(`invalid configuration:\n${issues.join('\n')}`);
  }
  return { ...result.data, webhookSecrets: parsedSecrets.data };
}
