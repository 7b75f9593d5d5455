/**
 * Runs work for one key (a conversation) one after another, different keys in parallel.
 * @remarks A turn loads and saves the conversation's state; two turns of one conversation at
 * once (a double click, a retried webhook) would otherwise overwrite each other's state.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * Remembers recently seen ids (activity ids, Telegram update ids) so a retried delivery is
 * processed once. Bounded: the oldest ids are forgotten first.
 */
export class SeenIds<V = true> {
  private readonly seen = new Map<string, V>();

  constructor(private readonly capacity = 10_000) {}

  get(id: string): V | undefined {
    return this.seen.get(id);
  }

  /** @returns false when the id was already seen */
  add(id: string, value: V): boolean {
    if (this.seen.has(id)) return false;
    this.seen.set(id, value);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
