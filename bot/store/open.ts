import { PgliteStore } from './pglite.js';
import { PostgresStore } from './postgres.js';
import { migrate } from './migrate.js';
import type { Store } from './store.js';

/** Opens the configured store and brings its schema up to date. */
export async function openStore(options: { databaseUrl?: string; dataDir?: string }): Promise<Store> {
  const store = options.databaseUrl ? await PostgresStore.open(options.databaseUrl) : await PgliteStore.open(options.dataDir);
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
