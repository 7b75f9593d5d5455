import { createSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * A fake HTTP API on loopback that records every call and answers with `answer(call)`.
 * Used for Telegram's Bot API and the Bot Framework connector.
 */
export async function startFake(answer: (call: RecordedCall) => { status?: number; body: unknown }): Promise<{ url: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    const call: RecordedCall = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
    calls.push(call);
    const { status = 200, body: out } = answer(call);
    const payload = JSON.stringify(out);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Telegram's Bot API as documented: `POST /bot<token>/<method>` with JSON, answering
 * `{ ok: true, result }`, or `{ ok: false, error_code, description }` for a wrong token.
 */
export function fakeTelegram(token: string) {
  let messageId = 100;
  return startFake((call) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(call.path);
    if (!m || m[1] !== token) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (call.headers['content-type'] !== 'application/json') return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: expected JSON' } };
    switch (m[2]) {
      case 'sendMessage':
        if (typeof call.body?.text !== 'string' || call.body.text.length === 0 || call.body.text.length > 4096)
          return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty or too long' } };
        return { body: { ok: true, result: { message_id: ++messageId, chat: { id: call.body.chat_id, type: 'private' }, date: 1763700000, text: call.body.text } } };
      case 'answerCallbackQuery':
        return { body: { ok: true, result: true } };
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } };
    }
  });
}

/** An RS256 JWT as Bot Framework channels sign them (for the OpenID fake below). */
export function channelToken(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

/** The channel's OpenID metadata and signing key, as login.botframework.com publishes them. */
export async function fakeBotFrameworkOpenId(publicKey: KeyObject, kid: string, issuer: string) {
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', endorsements: ['msteams', 'webchat'] };
  const fake: Awaited<ReturnType<typeof startFake>> = await startFake((call) =>
    call.path.endsWith('/keys') ? { body: { keys: [jwk] } } : { body: { issuer, jwks_uri: `${fake.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] } },
  );
  return { ...fake, metadataUrl: `${fake.url}/.well-known/openid-configuration` };
}

/** A message the fake Bot Connector holds: what was posted, and each later version. */
export interface ConnectorMessage {
  id: string;
  conversationId: string;
  activity: any;
  updates: any[];
}

/**
 * The Bot Connector REST API (v3) of a Teams tenant as documented: `POST
 * /v3/conversations/{conversationId}/activities` creates a message and answers a ResourceResponse
 * `{ id }`; `PUT /v3/conversations/{conversationId}/activities/{activityId}` replaces one. Unknown
 * conversations or messages get 404, an activity that is not a message with content 400, each
 * with an ErrorResponse `{ error: { code, message } }`.
 */
export async function fakeBotConnector(conversations: readonly string[]) {
  const messages: ConnectorMessage[] = [];
  const failures: number[] = [];
  let n = 0;
  const error = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });
  const fake = await startFake((call) => {
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(call.path.split('?')[0]!);
    if (!m) return error(404, 'NotFound', `no route for ${call.method} ${call.path}`);
    if (failures.length > 0) {
      const status = failures.shift()!;
      return status === 403 ? error(403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.') : error(status, 'ServiceError', 'The service is unavailable, try again.');
    }
    const conversationId = decodeURIComponent(m[1]!);
    const activityId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (!conversations.includes(conversationId.split(';')[0]!)) return error(404, 'ConversationNotFound', 'Conversation not found.');
    const body = call.body;
    if (body?.type !== 'message' || !(body.text || body.attachments?.length)) return error(400, 'BadArgument', 'Unknown activity type or empty message');
    if (call.method === 'POST' && activityId === undefined) {
      const id = `1763${String(++n).padStart(9, '0')}`;
      messages.push({ id, conversationId, activity: body, updates: [] });
      return { status: 201, body: { id } };
    }
    if (call.method === 'PUT' && activityId !== undefined) {
      const message = messages.find((x) => x.id === activityId && x.conversationId === conversationId.split(';')[0]);
      if (!message) return error(404, 'ActivityNotFound', 'The activity was not found.');
      message.updates.push(body);
      return { body: { id: activityId } };
    }
    return error(405, 'MethodNotAllowed', `${call.method} is not supported here`);
  });
  return {
    ...fake,
    messages,
    /** The next calls fail with these statuses: 500 (a hiccup), 403 (the bot is not installed in the team). */
    failNext(...statuses: number[]) {
      failures.push(...statuses);
    },
  };
}
