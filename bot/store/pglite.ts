import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Row, Sql, Store } from './store.js';

/** Embedded PostgreSQL (WASM) in a data directory, or in memory when `dataDir` is undefined. */
export class PgliteStore implements Store {
  readonly kind = 'pglite' as const;
  private constructor(private readonly db: PGlite) {}

  static async open(dataDir: string | undefined, loadDataDir?: Blob): Promise<PgliteStore> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
    return new PgliteStore(db);
  }

  async query<T extends Row = Row>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(text, params)).rows;
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({ query: async <R extends Row = Row>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows }),
    );
  }

  /** A tarball of the data directory; tests open new stores from it instead of running initdb again. */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
