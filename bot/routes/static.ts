import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from '../http.js';
import { HttpError } from '../http.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Security headers for every page: no third-party origins at all (no CDN).
 * @remarks The one relaxation: Web Chat styles itself with `<style>` elements it creates at run
 * time (emotion); they carry the page's per-request nonce (Web Chat's `nonce` prop), so
 * `style-src` allows that nonce and no other inline style. Scripts stay `'self'` only (no eval).
 * `connect-src 'self'` covers the Direct Line WebSocket on the same host.
 */
function csp(nonce?: string): string {
  return `default-src 'self'; img-src 'self' data: blob:; style-src 'self'${nonce ? ` 'nonce-${nonce}'` : ''}; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors *`;
}
export const PAGE_HEADERS = {
  'content-security-policy': csp(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Sends a static body, gzipped when the client accepts it (Web Chat's bundle is 3.9 MB, about 1 MB gzipped). */
function send(req: IncomingMessage, res: ServerResponse, hit: { body: Buffer; type: string; gzip?: Buffer }, headers: Record<string, string>): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && hit.body.length > 1024;
  if (gzip) hit.gzip ??= gzipSync(hit.body);
  const body = gzip ? hit.gzip! : hit.body;
  res.writeHead(200, { 'content-type': hit.type, 'content-length': String(body.length), vary: 'accept-encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serves `bot/public/` (read into memory at start) and the locale files the pages need. */
export function staticRoutes(router: Router, extra: Record<string, { body: string | Buffer; type: string }> = {}): void {
  const cache = new Map<string, { body: Buffer; type: string; gzip?: Buffer }>();
  const generated = new Map(Object.entries(extra).map(([name, file]) => [name, { body: Buffer.from(file.body), type: file.type } as { body: Buffer; type: string; gzip?: Buffer }]));
  const load = (file: string) => {
    let hit = cache.get(file);
    if (!hit) {
      hit = { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
      cache.set(file, hit);
    }
    return hit;
  };
  // The page carries a fresh nonce per request for Web Chat's run-time styles.
  router.on('GET', '/', (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const { body, type } = load(join(PUBLIC_DIR, 'index.html'));
    const page = body.toString('utf8').replace('__NONCE__', nonce);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...PAGE_HEADERS, 'content-security-policy': csp(nonce) });
    res.end(page);
  });
  router.on('GET', '/static/:file', (req, res, { file }) => {
    const name = normalize(file ?? '');
    const hit = generated.get(name);
    if (hit) {
      send(req, res, hit, { 'cache-control': 'public, max-age=300', ...PAGE_HEADERS });
      return;
    }
    const path = join(PUBLIC_DIR, name);
    if (name.includes('..') || name.includes('/') || !existsSync(path) || !statSync(path).isFile()) throw new HttpError(404, 'not_found');
    send(req, res, load(path), { 'cache-control': 'public, max-age=300', ...PAGE_HEADERS });
  });
}
