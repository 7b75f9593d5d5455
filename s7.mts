const r = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
const { PGlite } = await import('@electric-sql/pglite');
const db = await PGlite.create({ initialMemory: Number(process.argv[2]) * 2 ** 20 } as any); console.log(process.argv[2], 'pglite', r());
await db.query('create table t (a int)'); await db.query('insert into t select generate_series(1,100000)'); console.log((await db.query('select count(*) from t')).rows, r());
