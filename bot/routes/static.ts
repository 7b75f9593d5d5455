import { readFileSync, existsSync, statSync } from 'node:fs';
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

/** Security headers for every page: no third-party origins at all (no CDN). */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors *",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Serves `bot/public/` (read into memory at start) and the locale files the pages need. */
export function staticRoutes(router: Router, extra: Record<string, { body: string | Buffer; type: string }> = {}): void {
  const cache = new Map<string, { body: Buffer; type: string }>();
  const load = (file: string) => {
    let hit = cache.get(file);
    if (!hit) {
      hit = { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
      cache.set(file, hit);
    }
    return hit;
  };
  router.on('GET', '/', (_req, res) => {
    const { body, type } = load(join(PUBLIC_DIR, 'index.html'));
    res.writeHead(200, { 'content-type': type, ...PAGE_HEADERS });
    res.end(body);
  });
  router.on('GET', '/static/:file', (_req, res, { file }) => {
    const name = normalize(file ?? '');
    const generated = extra[name];
    if (generated) {
      res.writeHead(200, { 'content-type': generated.type, 'cache-control': 'public, max-age=300', ...PAGE_HEADERS });
      res.end(generated.body);
      return;
    }
    const path = join(PUBLIC_DIR, name);
    if (name.includes('..') || name.includes('/') || !existsSync(path) || !statSync(path).isFile()) throw new HttpError(404, 'not_found');
    const { body, type } = load(path);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=300', ...PAGE_HEADERS });
    res.end(body);
  });
}
