import { WebSocket } from 'ws';
import { isMain, percentile, runInChild } from './child.js';

export interface RoundTrips {
  messages: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/**
 * The Direct Line round trip as Web Chat sees it: post a message, wait until the bot's reply to
 * it arrives on the conversation's WebSocket stream. `concurrency` conversations, each one
 * message at a time, for `seconds`.
 * @param rate Without it, each conversation sends its next message as soon as the reply is there
 * (closed loop: the server's capacity). With it, the conversations together offer `rate` messages
 * per second on a fixed schedule (open loop: the latency people see at that load); a message
 * whose turn comes while the previous reply is still missing waits, and its latency counts from
 * its scheduled time, so a slow server cannot hide its queue.
 */
export async function directLineRoundTrips(url: string, texts: readonly string[], seconds: number, concurrency: number, rate?: number): Promise<RoundTrips> {
  const latencies: number[] = [];
  let errors = 0;
  // The clock starts when every conversation is connected.
  let connected = 0;
  let go!: (start: number) => void;
  const ready = new Promise<number>((resolve) => (go = resolve));

  async function conversation(worker: number): Promise<void> {
    const issued = (await (await fetch(`${url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${issued.token}` };
    const started = (await (await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: auth })).json()) as { streamUrl: string };
    const ws = new WebSocket(started.streamUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let waiting: { id?: string; resolve: () => void; early: Set<string> } | undefined;
    const early = new Set<string>();
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { activities: Array<{ replyToId?: string; from: { role?: string } }> };
      for (const a of frame.activities) {
        if (a.from.role !== 'bot' || !a.replyToId) continue;
        if (waiting?.id === a.replyToId) waiting.resolve();
        else early.add(a.replyToId);
      }
    });
    if (++connected === concurrency) go(performance.now());
    const start = await ready;
    const deadline = start + seconds * 1000;
    let i = worker;
    const interval = rate ? (1000 * concurrency) / rate : 0;
    let scheduled = start + (interval * worker) / concurrency;
    while (performance.now() < deadline) {
      const text = texts[i++ % texts.length]!;
      if (rate) {
        const wait = scheduled - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const t0 = rate ? scheduled : performance.now();
      scheduled += interval;
      const replied = new Promise<void>((resolve) => (waiting = { resolve, early }));
      const res = await fetch(`${url}/v3/directline/conversations/${encodeURIComponent(issued.conversationId)}/activities`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text, from: { id: 'bench' } }),
      });
      if (!res.ok) {
        errors++;
        await res.arrayBuffer();
        continue;
      }
      const { id } = (await res.json()) as { id: string };
      waiting!.id = id;
      // Replies are pushed before the POST answers; they may already be here.
      if (early.delete(id)) waiting!.resolve();
      await replied;
      latencies.push(performance.now() - t0);
    }
    ws.close();
  }

  const all = Promise.all(Array.from({ length: concurrency }, (_, w) => conversation(w)));
  const started = await ready;
  await all;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { messages: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), errors };
}

/**
 * Run as a child process (`node --import tsx tests/bench/directline.ts <url> <seconds> <concurrency>`)
 * so that the load generator does not share the server's event loop; prints the result as JSON.
 */
if (isMain(import.meta.url)) {
  const [url, seconds, concurrency, rate] = process.argv.slice(2);
  const texts = JSON.parse(process.env.BENCH_TEXTS ?? '[]') as string[];
  const result = await directLineRoundTrips(url!, texts, Number(seconds), Number(concurrency), rate ? Number(rate) : undefined);
  process.stdout.write(JSON.stringify(result));
}

/** Runs {@link directLineRoundTrips} in a child process against `url`. */
export function directLineRoundTripsInChild(url: string, texts: readonly string[], seconds: number, concurrency: number, rate?: number): Promise<RoundTrips> {
  return runInChild<RoundTrips>(import.meta.url, [url, String(seconds), String(concurrency), ...(rate ? [String(rate)] : [])], { BENCH_TEXTS: JSON.stringify(texts) });
}
