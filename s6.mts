const r = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
console.log('base', r());
await import('tinyld/heavy'); console.log('tinyld heavy', r());
const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(); console.log('pglite', r());
const { buildUnderstanding } = await import('./bot/app.ts'); buildUnderstanding(); console.log('understanding', r());
