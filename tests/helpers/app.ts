import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { freshPglite } from './stores.js';

export interface TestServer {
  app: App;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The real app on a loopback port, with a fresh in-memory PGlite store. */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const store = await freshPglite();
  const app = await createApp(loadConfig({ ...env }), { store });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    async post(path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
