import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The p-th percentile of sorted values (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === new URL(`file://${process.argv[1]}`).href;
}

/**
 * Runs a load generator module as a child process (so it does not share the server's event
 * loop) with `args` and `env`, and parses the JSON it prints.
 */
export async function runInChild<T>(moduleUrl: string, args: readonly string[], env: Record<string, string>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(moduleUrl), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench client ${fileURLToPath(moduleUrl)} exited with ${code}`);
  return JSON.parse(out) as T;
}
