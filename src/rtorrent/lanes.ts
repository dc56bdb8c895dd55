// KeyedLanes: jobs with the same key run one after another, in order; jobs with
// different keys run side by side, at most `limit` at a time. One torrent's hooks keep
// their order (pre_add, post_add, …, pre_remove, post_remove) while a hook that hangs
// on one torrent holds up only that torrent, not the index.

export class KeyedLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queue `job` behind the other jobs of `key`. Never rejects: errors go to onError. */
  run(key: string, job: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.slot(job)).catch(this.onError);
    this.tails.set(key, next);
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  /** A job of `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  get size(): number {
    return this.tails.size;
  }

  /** Resolves once no job is queued or running (including jobs queued meanwhile). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  // --- internal ---

  private async slot(job: () => Promise<void>): Promise<void> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
