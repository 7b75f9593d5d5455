import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './log.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<void> | void;

/** An API error with an HTTP status and a machine-readable reason. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? reason);
  }
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** A small router: `/api/services/:id` style paths, exact methods, 404 and 405 answered in JSON. */
export class Router {
  private readonly routes: Route[] = [];

  /** @param log where unexpected errors go (without their details, see {@link Logger}) */
  constructor(private readonly log: Logger) {}

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:([a-zA-Z]+)/g, (_, k: string) => (keys.push(k), '([^/]+)'))}/?$`);
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    let allowed = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) {
        allowed = true;
        continue;
      }
      try {
        // Inside the try: a malformed escape ("%E0") is a 400, not an unhandled rejection.
        const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeParam(m[i + 1]!)]));
        await route.handler(req, res, params);
      } catch (error) {
        sendError(res, error, this.log);
      }
      return;
    }
    sendError(res, allowed ? new HttpError(405, 'method_not_allowed') : new HttpError(404, 'not_found'));
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'invalid_path', 'malformed percent-encoding in the path');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store', ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: unknown, log?: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.reason, message: error.message, ...(error.details ? { details: error.details } : {}) });
    return;
  }
  log?.error('request failed', error);
  sendJson(res, 500, { error: 'internal_error', message: 'internal error' });
}

/** Reads a body up to `limit` bytes, declared or not; 413 with `reason` beyond it. */
export async function readBody(req: IncomingMessage, limit: number, reason = 'payload_too_large', what = 'body'): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new HttpError(413, reason, `${what} larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, reason, `${what} larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body up to `limit` bytes; 413, 415 and 400 with reasons otherwise. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported_media_type', 'expected application/json');
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
}

/** The client address, honouring X-Forwarded-For only behind a trusted proxy. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The origin a request was made to ("http://localhost:3978"), for absolute links when PUBLIC_URL is unset.
 * @remarks The Host header is checked against a strict pattern; the protocol comes from X-Forwarded-Proto only behind a trusted proxy.
 */
export function requestOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const host = req.headers.host ?? '';
  const safeHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : 'localhost';
  const forwarded = trustProxy ? String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() : '';
  return `${forwarded === 'https' ? 'https' : 'http'}://${safeHost}`;
}
