import { describe, test, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES } from '../helpers/stores.js';
import { bundledMigrations, migrate } from '../../bot/store/migrate.js';
import { loadConversation, saveTurn, saveFeedback, deleteExpired } from '../../bot/store/conversations.js';
import { PgliteStore } from '../../bot/store/pglite.js';
import { openStore } from '../../bot/store/open.js';
import type { Store } from '../../bot/store/store.js';
import { describeError } from '../../bot/log.js';

for (const engine of ENGINES) {
  describe(`store on ${engine.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('every bundled migration is recorded once, and running again applies nothing', async () => {
      const rows = await store.query<{ version: number }>('select version from schema_migrations order by version');
      expect(rows.map((r) => r.version)).toEqual(bundledMigrations().map((m) => m.version));
      expect(await migrate(store)).toEqual([]);
    });

    test('a turn writes state and transcript together', async () => {
      await store.transaction((tx) => saveTurn(tx, { id: 'conv-1', channel: 'web', state: { step: 1 } }, [{ role: 'user', body: { text: 'Kita?' } }, { role: 'bot', body: [] }]));
      await store.transaction((tx) => saveTurn(tx, { id: 'conv-1', channel: 'web', state: { step: 2 } }, [{ role: 'user', body: { text: 'Kleve' } }]));
      expect((await loadConversation(store, 'conv-1'))?.state).toEqual({ step: 2 });
      const turns = await store.query<{ seq: number; role: string }>('select seq, role from turns where conversation_id = $1 order by seq', ['conv-1']);
      expect(turns).toEqual([{ seq: 1, role: 'user' }, { seq: 2, role: 'bot' }, { seq: 3, role: 'user' }]);
    });

    test('a failing turn rolls back everything it wrote', async () => {
      await expect(
        store.transaction(async (tx) => {
          await saveTurn(tx, { id: 'conv-2', channel: 'web', state: { step: 1 } }, [{ role: 'user', body: { text: 'hallo' } }]);
          await saveFeedback(tx, { language: 'de', topics: ['childcare'], entryIds: [], helpful: true });
          throw new Error('renderer failed');
        }),
      ).rejects.toThrow('renderer failed');
      expect(await loadConversation(store, 'conv-2')).toBeUndefined();
      expect(await store.query('select 1 from turns where conversation_id = $1', ['conv-2'])).toEqual([]);
      expect(await store.query('select 1 from feedback')).toEqual([]);
    });

    test('a failing statement inside a transaction rolls back its earlier statements', async () => {
      await expect(
        store.transaction(async (tx) => {
          await saveTurn(tx, { id: 'conv-3', channel: 'web', state: {} }, []);
          await tx.query('insert into turns (conversation_id, seq, role, body) values ($1, 1, $2, $3)', ['conv-3', 'robot', '{}']);
        }),
      ).rejects.toThrow();
      expect(await loadConversation(store, 'conv-3')).toBeUndefined();
    });

    test("a failed statement's values stay out of the log unless LOG_LEVEL=debug", async () => {
      const marker = 'Zaunkönig-0157-31415926';
      const error = await store.query('insert into turns (conversation_id, seq, role, body) values ($1, 1, $2, $3)', [marker, 'user', JSON.stringify({ text: marker })]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      // The engines carry the values with the error (PGlite its parameters, PostgreSQL the key in the detail).
      expect(describeError(error, true)).toContain(marker);
      expect(describeError(error)).toMatch(/^\w*error \[23503\]/i);
      expect(describeError(error)).not.toContain('0157');
    });

    test('feedback is stored without any conversation id', async () => {
      await saveFeedback(store, { language: 'ar', topics: ['childcare'], entryIds: ['jugendamt-kleve-kita'], municipality: 'kleve', helpful: false });
      const [row] = await store.query<Record<string, unknown>>('select * from feedback');
      expect(row).toMatchObject({ language: 'ar', topics: ['childcare'], entry_ids: ['jugendamt-kleve-kita'], municipality: 'kleve', helpful: false });
      expect(Object.keys(row!).some((k) => k.includes('conversation'))).toBe(false);
    });

    test('retention deletes conversations untouched for longer than the retention period, with their turns', async () => {
      await store.transaction((tx) => saveTurn(tx, { id: 'old', channel: 'web', state: {} }, [{ role: 'user', body: {} }]));
      await store.transaction((tx) => saveTurn(tx, { id: 'new', channel: 'web', state: {} }, []));
      await store.query(`update conversations set updated_at = now() - interval '31 days' where id = 'old'`);
      expect(await deleteExpired(store, 30)).toEqual(['old']);
      expect(await loadConversation(store, 'old')).toBeUndefined();
      expect(await loadConversation(store, 'new')).toBeDefined();
      expect(await store.query(`select 1 from turns where conversation_id = 'old'`)).toEqual([]);
    });
  });
}

describe('PGlite data directory', () => {
  test('data survives closing and reopening the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotse-pglite-'));
    try {
      const first = await openStore({ dataDir: dir });
      await first.transaction((tx) => saveTurn(tx, { id: 'kept', channel: 'web', state: { town: 'goch' } }, []));
      await first.close();
      const second = await openStore({ dataDir: dir });
      expect((await loadConversation(second, 'kept'))?.state).toEqual({ town: 'goch' });
      expect(await migrate(second)).toEqual([]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a data directory from a snapshot is a working store', async () => {
    const store = await PgliteStore.open(undefined);
    await migrate(store);
    const snapshot = await store.dump();
    await store.close();
    const copy = await PgliteStore.open(undefined, snapshot);
    expect(await copy.query('select count(*)::int as n from schema_migrations')).toEqual([{ n: bundledMigrations().length }]);
    await copy.close();
  });
});
