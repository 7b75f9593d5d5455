import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createApp, buildUnderstanding } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { PgliteStore } from '../../bot/store/pglite.js';
import { migrate } from '../../bot/store/migrate.js';
import { loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { loadDevset } from '../eval/devset.js';
import { score } from '../eval/metrics.js';
import { trainNlpJs } from './nlpjs-peer.js';
import { loadQuestionsOrThrow } from '../../knowledge/questions.js';
import { directLineRoundTripsInChild } from './directline.js';
import { fixedRateInChild } from './fixed-rate.js';
import { percentile } from './child.js';

/**
 * `npm run bench`: speed and memory, printed as a table.
 * 1. HTTP on loopback with autocannon (50 connections): /healthz as the reference, /api/understand.
 * 2. The Direct Line round trip (post → reply on the WebSocket stream), 50 conversations at once.
 * 3. In process, on the development set: Lotse next to NLP.js trained on the same phrases (accuracy and time per message).
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);

/** Closed loop (as fast as the server answers) or, with `rate`, a fixed number of requests per second. */
async function load(url: string, path: string, bodies?: string[], rate?: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url: `${url}${path}`,
    connections: 50,
    duration: DURATION,
    ...(rate ? { overallRate: rate } : {}),
    ...(bodies
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies[i++ % bodies.length]! }) }],
        }
      : {}),
  });
}

const cases = loadDevset();
// A data directory, as `npm start` uses (an in-memory PGlite grows its files by copying them).
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-'));
const store = await PgliteStore.open(dataDir);
await migrate(store);
const app = await createApp(loadConfig({ RATE_LIMIT_PER_MINUTE: '100000000' }), { store });
await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
await app.understanding.train(); // as `npm start` does after listening
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const bodies = cases.map((c) => JSON.stringify({ text: c.text }));

await load(url, '/healthz'); // warm-up
const health = await load(url, '/healthz');
const understand = await load(url, '/api/understand', bodies);
// The goal's load: 10 % of the reference throughput, offered at a fixed rate.
const goalRate = Math.round(health.requests.average / 10);
const understandBursts = await load(url, '/api/understand', bodies, goalRate);
const understandAtGoal = await fixedRateInChild(`${url}/api/understand`, bodies, goalRate, DURATION, 50);
const rss = process.memoryUsage().rss;
const texts = cases.map((c) => c.text);
// The load generator runs in a child process, so it does not share the server's event loop.
await directLineRoundTripsInChild(url, texts, 2, 50); // warm-up
const directLine = await directLineRoundTripsInChild(url, texts, DURATION, 50);
const DL_RATE = 500;
const directLineAtGoal = await directLineRoundTripsInChild(url, texts, DURATION, 50, DL_RATE);
const rssDirectLine = process.memoryUsage().rss;
await app.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const row = (name: string, r: autocannon.Result) =>
  `${name.padEnd(20)} ${String(Math.round(r.requests.average)).padStart(9)} ${String(r.latency.p50).padStart(7)} ${String(r.latency.p99).padStart(7)} ${String(r.non2xx + r.errors).padStart(7)}`;
console.log(`HTTP on loopback, 50 connections, ${DURATION} s each\n`);
console.log(`${'endpoint'.padEnd(20)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}`);
console.log(row('GET /healthz', health));
console.log(row('POST /api/understand', understand));
console.log(row(`  ${goalRate}/s, bursts`, understandBursts));
console.log(`${`  ${goalRate}/s, spaced`.padEnd(20)} ${String(Math.round(understandAtGoal.perSecond)).padStart(9)} ${understandAtGoal.p50.toFixed(1).padStart(7)} ${understandAtGoal.p99.toFixed(1).padStart(7)} ${String(understandAtGoal.errors).padStart(7)}`);
console.log(`\n("bursts": autocannon's overallRate, which fires all 50 connections at the same instant;
 "spaced": the same rate with requests due one after another over the 50 connections, as independent users arrive)`);
console.log(`\n/api/understand capacity: ${((100 * understand.requests.average) / health.requests.average).toFixed(1)}% of /healthz (goal ≥ 10%)`);
console.log(`/api/understand at 10% of the reference (${goalRate} req/s, spaced): p99 ${understandAtGoal.p99.toFixed(1)} ms (goal ≤ 10 ms)`);
console.log(`RSS with the sample knowledge base after load: ${(rss / 2 ** 20).toFixed(0)} MiB`);

const ms = (n: number) => n.toFixed(1).padStart(7);
console.log(`\nDirect Line round trip (post → reply on the stream), 50 conversations, ${DURATION} s, full turns with the store (PGlite in a data directory)\n`);
console.log(`${'load'.padEnd(22)} ${'messages'.padStart(9)} ${'msg/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'RSS MiB'.padStart(8)}`);
const dlRow = (name: string, r: typeof directLine) =>
  `${name.padEnd(22)} ${String(r.messages).padStart(9)} ${String(Math.round(r.perSecond)).padStart(7)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} ${String(r.errors).padStart(7)} ${(rssDirectLine / 2 ** 20).toFixed(0).padStart(8)}`;
console.log(dlRow('closed loop (capacity)', directLine));
console.log(dlRow(`${DL_RATE} msg/s offered`, directLineAtGoal));
console.log(`goal: ≥ 500 msg/s and p95 ≤ 50 ms (capacity from the closed loop, latency at ${DL_RATE} msg/s offered)`);

// Accuracy and speed against the peer, in process, on the same development set.
const { kb, understanding } = buildUnderstanding();
const topicIds = new Set(kb.taxonomy.topics.map((t) => t.id));
const peer = await trainNlpJs(loadLexiconsOrThrow(topicIds), loadQuestionsOrThrow(topicIds));
const key = (c: { language: string; text: string }) => `${c.language}\u0000${c.text}`;
const peerAnswers = new Map<string, Awaited<ReturnType<typeof peer.process>>>();
for (const c of cases) peerAnswers.set(key(c), await peer.process(c.language, c.text));
const ours = new Map(cases.map((c) => [key(c), understanding.understand({ text: c.text, language: c.language })]));

// Speed: both warmed up on one half of the set (JIT, memo tables), timed on the other half. Rounds alternate
// between the two, so that a GC pause or a busy moment of the machine hits both alike; the median round counts.
const half = cases.filter((_, i) => i % 2 === 1);
const warm = cases.filter((_, i) => i % 2 === 0);
for (let r = 0; r < 3; r++) {
  for (const c of warm) {
    await peer.process(c.language, c.text);
    understanding.understand({ text: c.text, language: c.language });
  }
}
const ROUNDS = 15;
const peerRounds: number[] = [];
const ourRounds: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now();
  for (const c of half) await peer.process(c.language, c.text);
  peerRounds.push((performance.now() - t0) / half.length);
  t0 = performance.now();
  for (const c of half) understanding.understand({ text: c.text, language: c.language });
  ourRounds.push((performance.now() - t0) / half.length);
}
const peerMs = percentile(peerRounds.sort((a, b) => a - b), 50);
const oursMs = percentile(ourRounds.sort((a, b) => a - b), 50);

const lotse = score(cases, (c) => ours.get(key(c))!);
const nlpjs = score(cases, (c) => {
  const a = peerAnswers.get(key(c))!;
  return { language: c.language, topics: a.ranked.map((id) => ({ id })), crisis: a.crisis, escalation: a.crisis ? 'urgent' : a.intent === 'human' ? 'offer' : 'none' };
});
console.log(`\nDevelopment set, language given, in process (${cases.length} messages)\n`);
console.log(`lang   Lotse top-1  NLP.js top-1   Lotse crisis-R  NLP.js crisis-R`);
for (const [i, r] of lotse.entries()) {
  const p = nlpjs[i]!;
  const f = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);
  console.log(`${r.language.padEnd(5)} ${f(r.top1)}      ${f(p.top1)}        ${f(r.crisisRecall)}         ${f(p.crisisRecall)}`);
}
const avg = (rows: typeof lotse, k: 'top1' | 'crisisRecall') => rows.reduce((n, r) => n + r[k] * r.cases, 0) / cases.length;
console.log(`all   ${(avg(lotse, 'top1') * 100).toFixed(1)}%       ${(avg(nlpjs, 'top1') * 100).toFixed(1)}%         ${(avg(lotse, 'crisisRecall') * 100).toFixed(1)}%          ${(avg(nlpjs, 'crisisRecall') * 100).toFixed(1)}%`);
console.log(`\ntime per message (median of ${ROUNDS} alternating rounds, warmed up on the other half of the set): Lotse ${oursMs.toFixed(3)} ms, NLP.js ${peerMs.toFixed(3)} ms (Lotse takes ${((100 * oursMs) / peerMs).toFixed(0)} % of NLP.js's time)`);
