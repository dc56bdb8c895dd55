// Pairing IN_MOVED_FROM with IN_MOVED_TO by cookie. The kernel queues the two halves of a
// rename next to each other, but a read can end between them, so a MOVED_FROM waits up to
// MOVE_PAIR_WINDOW_MS for its partner; one that never gets it was moved out of every
// watched tree (a delete, for consumers).

export const MOVE_PAIR_WINDOW_MS = 25;

export class MovePairer<T> {
  private readonly held = new Map<number, { item: T; until: number }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onUnpaired: (item: T) => void,
    private readonly windowMs = MOVE_PAIR_WINDOW_MS,
  ) {}

  hold(cookie: number, item: T): void {
    this.held.set(cookie, { item, until: performance.now() + this.windowMs });
  }

  take(cookie: number): T | undefined {
    const h = this.held.get(cookie);
    if (h) this.held.delete(cookie);
    return h?.item;
  }

  /** After each batch: arm the timer for what is still waiting. */
  settle(): void {
    if (this.held.size === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expire(performance.now());
      this.settle();
    }, this.windowMs);
  }

  /** Give up on everything now (an overflow, or closing). */
  flush(): void {
    this.expire(Infinity);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held.clear();
  }

  // --- internal ---

  private expire(now: number): void {
    for (const [cookie, h] of this.held) {
      if (h.until > now) continue;
      this.held.delete(cookie);
      this.onUnpaired(h.item);
    }
  }
}
