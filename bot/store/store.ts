/** A row as the database returns it. */
export type Row = Record<string, unknown>;

/** Runs SQL with `$1`-style parameters; the same dialect on PGlite and PostgreSQL. */
export interface Sql {
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * The storage seam: one SQL dialect, two engines (embedded PGlite, PostgreSQL).
 * @remarks Everything one turn writes goes through one {@link Store.transaction} call.
 */
export interface Store extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
