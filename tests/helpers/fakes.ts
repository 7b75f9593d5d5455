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
