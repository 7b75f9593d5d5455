import { Agent, request } from 'node:http';
import { isMain, percentile, runInChild } from './child.js';

export interface FixedRateResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * POSTs `bodies` to `url` at a fixed rate over `connections` keep-alive connections, the way
 * independent users arrive: request k is due at start + k / rate, on connection k mod
 * `connections`. A request due while its connection is still busy waits, and its latency counts
 * from when it was due (no coordinated omission). autocannon's `overallRate` fires all its
 * connections at the same instant, which measures its own bursts instead.
 */
export async function fixedRate(url: string, bodies: readonly string[], rate: number, seconds: number, connections: number): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now() + 50;
  const total = Math.floor(rate * seconds);

  const post = (body: string): Promise<number> =>
    new Promise((resolve) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });

  async function connection(c: number): Promise<void> {
    for (let k = c; k < total; k += connections) {
      const due = start + (1000 * k) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const status = await post(bodies[k % bodies.length]!);
      if (status !== 200) errors++;
      latencies.push(performance.now() - due);
    }
  }

  await Promise.all(Array.from({ length: connections }, (_, c) => connection(c)));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, errors };
}

if (isMain(import.meta.url)) {
  const [url, rate, seconds, connections] = process.argv.slice(2);
  const bodies = JSON.parse(process.env.BENCH_BODIES ?? '[]') as string[];
  process.stdout.write(JSON.stringify(await fixedRate(url!, bodies, Number(rate), Number(seconds), Number(connections))));
}

/** Runs {@link fixedRate} in a child process, so the load generator does not share the server's event loop. */
export function fixedRateInChild(url: string, bodies: readonly string[], rate: number, seconds: number, connections: number): Promise<FixedRateResult> {
  return runInChild<FixedRateResult>(import.meta.url, [url, String(rate), String(seconds), String(connections)], { BENCH_BODIES: JSON.stringify(bodies) });
}
