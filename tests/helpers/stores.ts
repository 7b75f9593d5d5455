import { PgliteStore } from '../../bot/store/pglite.js';
import { PostgresStore } from '../../bot/store/postgres.js';
import { migrate } from '../../bot/store/migrate.js';
import type { Store } from '../../bot/store/store.js';

let snapshot: Promise<Blob> | undefined;

/**
 * A fresh, migrated in-memory PGlite store. The first call runs initdb and the migrations
 * once (~4 s); later calls start from that snapshot.
 */
export async function freshPglite(): Promise<PgliteStore> {
  snapshot ??= (async () => {
    const s = await PgliteStore.open(undefined);
    await migrate(s);
    const dump = await s.dump();
    await s.close();
    return dump;
  })();
  return PgliteStore.open(undefined, await snapshot);
}

/** The engines the store suite runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const ENGINES: Array<{ name: string; open: () => Promise<Store> }> = [
  { name: 'pglite', open: freshPglite },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: 'postgres',
          open: async () => {
            const store = await PostgresStore.open(process.env.TEST_DATABASE_URL!);
            // Each run starts from an empty schema of its own.
            const schema = `lotse_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
            await store.query(`create schema ${schema}`);
            await store.close();
            const url = new URL(process.env.TEST_DATABASE_URL!);
            url.searchParams.set('options', `-c search_path=${schema}`);
            const scoped = await PostgresStore.open(url.toString());
            await migrate(scoped);
            const close = scoped.close.bind(scoped);
            return Object.assign(scoped, {
              close: async () => {
                await scoped.query(`drop schema ${schema} cascade`);
                await close();
              },
            });
          },
        },
      ]
    : []),
];
