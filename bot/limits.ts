/**
 * A fixed-window rate limiter per key (client IP, conversation).
 * @remarks In memory: per instance. Behind several instances, the proxy should limit too.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; false when the key is over its limit in the current window. */
  take(key: string): boolean {
    const now = this.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }

  /** Whether the key used up its limit in the current window (without counting a request). */
  exhausted(key: string): boolean {
    const w = this.windows.get(key);
    return w !== undefined && this.now() - w.start < this.windowMs && w.count >= this.limit;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
